"""``steepest exercises``: the lesson's exercises, and how to check an answer to each."""

from __future__ import annotations

import argparse
from typing import Any

HELP = "the exercises of the lesson, and the command that checks each"

EPILOG = """examples:
  steepest exercises          the list
  steepest exercises 3        exercise 3 in full, with a file to start from
  steepest exercises cost     the same, by name
"""


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register the ``exercises`` command."""
    parser = subparsers.add_parser(
        "exercises",
        help=HELP,
        description="List the exercises (compute a gradient, write a gradient function, "
        "the cost of a digit classifier, gradient descent) or show one in full.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "exercise", nargs="?", help="an exercise's number or name: show it in full"
    )
    return parser


def run(args: argparse.Namespace) -> int:
    """Run ``steepest exercises``."""
    from steepest.check.exercises import EXERCISES, get_exercise

    if args.exercise is not None:
        print(get_exercise(args.exercise).text())
        return 0
    for exercise in EXERCISES:
        print(f"{exercise.number}. {exercise.title}")
        print(f"   {exercise.prompt}")
        print(f"   check: {exercise.check}")
        print()
    print("Show one in full (signature, details, a file to start from): steepest exercises N")
    return 0
