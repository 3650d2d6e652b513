"""``steepest predict``: read the digit in a picture with a saved classifier.

The picture is prepared as MNIST's digits were (:func:`steepest.nn.evaluation.prepare_image`:
grey, light ink on dark, scaled to 20 pixels, centred by mass in 28 × 28), then the
network's ten outputs are printed as a small bar chart. Left out: pictures holding
several digits.
"""

from __future__ import annotations

import argparse
from typing import Any

HELP = "read the digit in a picture with a saved classifier"

EPILOG = """examples:
  steepest predict model.npz digit.png
  steepest predict model.npz one.png two.jpg --show
"""

WIDTH = 30  # characters of the longest bar
_EIGHTHS = " ▏▎▍▌▋▊▉"


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register the ``predict`` command."""
    parser = subparsers.add_parser(
        "predict", help=HELP, epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Print the digit a saved network sees in each picture, and its ten outputs.",
    )
    parser.add_argument("model", help="a network file written by 'steepest train' (.npz)")
    parser.add_argument("images", nargs="+", metavar="IMAGE",
                        help="pictures of one digit each (PNG, JPEG, ...), any size or colours")
    parser.add_argument("--show", action="store_true",
                        help="also draw the 28 x 28 input the network sees, in text")
    return parser


def run(args: argparse.Namespace) -> int:
    """Run ``steepest predict``."""
    import numpy as np

    from steepest.data.images import prepare_image
    from steepest.errors import NetworkError
    from steepest.nn import Network

    network = Network.load(args.model)
    if network.sizes[0] != 784:
        raise NetworkError(
            f"{args.model} takes {network.sizes[0]} inputs, but a picture gives 784 "
            "(28 x 28); hint: use a network trained on MNIST by 'steepest train'"
        )
    inputs = np.stack([prepare_image(path) for path in args.images])
    outputs = network.forward(inputs)
    for i, (path, x, out) in enumerate(zip(args.images, inputs, outputs, strict=True)):
        if i:
            print()
        digit = int(out.argmax())
        print(f"{path}: {digit}")
        if args.show:
            print(ascii_digit(x))
        print(bars(out))
    return 0


def bars(outputs: Any) -> str:
    """The outputs as a text bar chart, one line per class, the winner marked.

    Examples
    --------
    >>> print(bars([0.1, 0.75, 0.0]))
      0  0.100  ███
    ▸ 1  0.750  ██████████████████████▌
      2  0.000
    """
    values = [float(v) for v in outputs]
    top = max(range(len(values)), key=values.__getitem__)
    scale = WIDTH / max(1.0, max(values))
    lines = []
    for digit, value in enumerate(values):
        eighths = round(max(value, 0.0) * scale * 8)
        bar = "█" * (eighths // 8) + _EIGHTHS[eighths % 8].strip()
        mark = "▸" if digit == top else " "
        lines.append(f"{mark} {digit}  {value:.3f}  {bar}".rstrip())
    return "\n".join(lines)


def ascii_digit(x: Any) -> str:
    """A 28 × 28 input drawn in text: darker characters for stronger ink."""
    import numpy as np

    shades = " .:-=+*#%@"
    levels = np.clip((np.asarray(x).reshape(28, 28) * len(shades)).astype(int), 0,
                     len(shades) - 1)
    rows = ["│" + "".join(shades[v] * 2 for v in row) + "│" for row in levels]
    return "\n".join(["┌" + "─" * 56 + "┐", *rows, "└" + "─" * 56 + "┘"])
