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

exit status: 0 every picture read; 2 any could not be (its error is printed in its place)
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
    """Run ``steepest predict``: every picture it can read, and one error for each other.

    Exit status 0 when every picture was read, 2 when any could not be (its error on
    stderr, in the place of its result; the others are still printed).
    """
    import sys

    import numpy as np

    from steepest.cli._options import digit_network
    from steepest.data.images import prepare_image
    from steepest.errors import SteepestError

    network = digit_network(args.model)
    prepared: list[Any] = []
    for path in args.images:
        try:
            prepared.append(prepare_image(path))
        except SteepestError as error:
            prepared.append(error)
    read = [x for x in prepared if not isinstance(x, SteepestError)]
    outputs = iter(network.forward(np.stack(read)) if read else ())
    shown = False
    for path, x in zip(args.images, prepared, strict=True):
        if isinstance(x, SteepestError):
            print(f"steepest: error: {x}", file=sys.stderr, flush=True)
            continue
        if shown:
            print()
        out = next(outputs)
        print(f"{path}: {int(out.argmax())}")
        if args.show:
            print(ascii_digit(x))
        print(bars(out), flush=True)
        shown = True
    return 2 if len(read) < len(prepared) else 0


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
