"""``steepest export``: a saved network as a file for PyTorch.

Writes what :func:`steepest.nn.torch_bridge.save_torch` writes: the network's
``state_dict`` and its architecture, which ``torch.load(path, weights_only=True)`` reads
and PyTorch alone rebuilds (docs/beyond.md shows how). Needs PyTorch
(``pip install torch==2.13.0``). Left out: other formats (ONNX, TorchScript).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

HELP = "write a saved network as a PyTorch file (state dict and architecture)"

EPILOG = """the file holds a dict: "layers" (each torch.nn class name and its arguments),
"state_dict", "dtype", and steepest's own "format", "version", "sizes", "activation",
"output"; rebuild it with PyTorch alone:

  checkpoint = torch.load("model.pt", weights_only=True)
  model = torch.nn.Sequential(*(getattr(torch.nn, name)(*args)
                                for name, *args in checkpoint["layers"]))
  model.to(getattr(torch, checkpoint["dtype"])).load_state_dict(checkpoint["state_dict"])

examples:
  steepest export model.npz --torch model.pt
"""


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register the ``export`` command."""
    parser = subparsers.add_parser(
        "export", help=HELP, epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Write a network saved by 'steepest train' in a form PyTorch loads.",
    )
    parser.add_argument("model", help="a network file written by 'steepest train' (.npz)")
    parser.add_argument("--torch", metavar="FILE", dest="torch_file",
                        help="the PyTorch file to write (.pt), replaced whole if it exists")
    return parser


def run(args: argparse.Namespace) -> int:
    """Run ``steepest export``."""
    from steepest._files import check_writable
    from steepest.cli import UsageError
    from steepest.nn import Network
    from steepest.nn.torch_bridge import import_torch, save_torch

    if args.torch_file is None:  # the only format so far, yet named: others may follow
        raise UsageError(f"say where to write: steepest export {args.model} --torch FILE, e.g. "
                         f"--torch {Path(args.model).with_suffix('.pt')}")
    out = Path(args.torch_file)
    if not out.parent.is_dir():
        raise UsageError(f"--torch {out}: the folder {out.parent} does not exist")
    if out.is_dir():
        raise UsageError(f"--torch {out}: is a folder; give a file name, e.g. "
                         f"--torch {out / 'model.pt'}")
    if out.exists() and Path(args.model).exists() and out.samefile(args.model):
        raise UsageError(f"--torch {out}: is the model file itself; give another name, "
                         f"e.g. --torch {out.with_suffix('.pt')}")
    check_writable(out)  # a read-only folder, say, is refused before any work
    torch = import_torch()  # before reading the model: a missing torch is said first
    network = Network.load(args.model)
    save_torch(network, out)
    print(f"wrote {out}: {network!r} as a PyTorch state dict and architecture "
          f"(torch {torch.__version__}); load it with torch.load({str(out)!r}, "
          "weights_only=True)")
    return 0
