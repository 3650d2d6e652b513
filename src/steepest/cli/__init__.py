"""The ``steepest`` command line: thin wrappers that parse arguments and call the library.

Each command lives in its own module of this package with two functions,
``add_parser(subparsers)`` and ``run(args) -> int``; modules import nothing heavy at
module level, so that building the parser stays cheap. :func:`main` returns an exit
code instead of exiting: 0 for success, 1 for "ran, but the answer is no" (where a
command says so), 2 for unusable input, with a one-line reason and a hint on stderr.
"""

from __future__ import annotations

import argparse
import importlib
import re
import sys
from collections.abc import Sequence

from steepest.errors import SteepestError

# command modules, in the order `steepest --help` lists them
COMMANDS: tuple[str, ...] = (
    "tour",
    "grad",
    "descend",  # registers both `descend` and `ascend`
    "plot",
    "train",
    "evaluate",
    "predict",
    "landscape",
    "exercises",
    "check",
    "explore",
)


class UsageError(SteepestError):
    """A command-line argument is not usable."""


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors become ``UsageError`` rather than ``SystemExit``."""

    def error(self, message: str) -> None:  # type: ignore[override]
        hint = f"run '{self.prog} --help' to see the options"
        option = re.search(r"argument (--[\w-]+)", message)
        if "expected one argument" in message and option:
            hint = f"a value that starts with '-' goes after '=': {option[1]}=-1,2; " + hint
        elif "arguments are required" in message:
            hint = ("an equation that starts with '-' goes after '--': "
                    f"{self.prog} -- \"-x^2\"; " + hint)
        raise UsageError(f"{message}\nhint: {hint}")


def build_parser() -> argparse.ArgumentParser:
    """The ``steepest`` argument parser with every command."""
    from steepest import __version__

    parser = _Parser(
        prog="steepest",
        description="Gradients and gradient descent that you can compute, see and trust.",
    )
    parser.add_argument("--version", action="version", version=f"steepest {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in COMMANDS:
        module = importlib.import_module(f"steepest.cli.{name}")
        command = module.add_parser(sub)
        command.set_defaults(_run=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``steepest`` command line with ``argv`` and return its exit code."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        if getattr(args, "_run", None) is None:
            parser.print_help()
            return 2
        return int(args._run(args))
    except SteepestError as error:
        print(f"steepest: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("steepest: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


def entry() -> None:
    """Console-script entry point."""
    sys.exit(main())
