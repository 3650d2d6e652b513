"""``steepest tour``: the whole lesson in one run, written as a report with figures."""

from __future__ import annotations

import argparse
import os
from typing import Any

HELP = "walk through everything steepest does and write a report with figures"


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register the ``tour`` command."""
    parser = subparsers.add_parser(
        "tour",
        help=HELP,
        description=(
            "The lesson in one run: a gradient, its graph and contour map, gradient descent "
            "and ascent, the cost of a digit classifier, and a classifier trained by "
            "gradient descent. Writes index.html and every figure into a folder."
        ),
    )
    parser.add_argument("--out", default="steepest-tour", metavar="DIR",
                        help="output folder (default: ./steepest-tour)")
    parser.add_argument("--quick", action="store_true", help="a shorter run (under 20 s)")
    parser.add_argument("--data-dir", metavar="DIR",
                        help="folder with the four MNIST files (else STEEPEST_DATA, the "
                             "cache, or the bundled sample; nothing is downloaded)")
    parser.add_argument("--seed", type=int, default=0, help="seed for the network (default 0)")
    return parser


def run(args: argparse.Namespace) -> int:
    """Run ``steepest tour``."""
    from pathlib import Path

    from steepest.cli import UsageError
    from steepest.errors import OutputError
    from steepest.report.tour import run_tour

    if args.seed < 0:
        raise UsageError(f"--seed must be 0 or more; got {args.seed}")
    if Path(args.out).exists() and not Path(args.out).is_dir():
        raise UsageError(f"--out {args.out!r} is a file, not a folder"
                         "\nhint: name a new or existing folder for the report")
    try:
        summary = run_tour(args.out, quick=args.quick, data_dir=args.data_dir, seed=args.seed)
    except OutputError as error:  # the report's folder, or a file in it
        raise UsageError(f"--out: {error}") from None
    print()
    print(f"report: {os.path.abspath(summary.report)}  "
          f"({len(summary.figures)} figures, {summary.seconds:.0f} s)")
    return 0
