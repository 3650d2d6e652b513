"""The ``steepest`` command line: thin wrappers that parse arguments and call the library.

Each command lives in its own module of this package with two functions,
``add_parser(subparsers)`` and ``run(args) -> int``; modules import nothing heavy at
module level, so that building the parser stays cheap. :func:`main` returns an exit
code instead of exiting: 0 for success, 1 for "ran, but the answer is no" (where a
command says so), 2 for unusable input, with a one-line reason and a hint on stderr.
"""

from __future__ import annotations

import argparse
import ast
import importlib
import re
import sys
from collections.abc import Sequence
from typing import Any

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
    "export",
    "exercises",
    "check",
    "explore",
)


class UsageError(SteepestError):
    """A command-line argument is not usable."""


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors become ``UsageError`` rather than ``SystemExit``.

    Hints only where they help: the one about ``--`` only when an argument starting with
    '-' was taken for an option, and an unknown option named with the closest real one.
    """

    #: The arguments of the current :func:`main` call, for the hints.
    argv: tuple[str, ...] = ()

    def error(self, message: str) -> None:  # type: ignore[override]
        hint = f"run '{self.prog} --help' to see the options"
        option = re.search(r"argument (--[\w-]+)", message)
        unknown = self.unknown_options()
        choice = re.match(r"argument (\S+): invalid choice: ('.*?'|\".*?\") \(choose from", message)
        if choice:
            try:  # argparse quotes the value with repr(); a value holding quotes may not parse
                value = ast.literal_eval(choice[2])
            except (SyntaxError, ValueError):
                value = None
            if isinstance(value, str):
                raise UsageError(self.invalid_choice(message, choice[1], value))
        if "expected one argument" in message and option:
            hint = f"a value that starts with '-' goes after '=': {option[1]}=-1,2; " + hint
        elif "arguments are required" in message and unknown:
            taken = unknown[0]
            close = self.closest(taken)
            if close is not None:
                raise UsageError(f"unknown option {taken!r} for '{self.prog}'"
                                 f"\nhint: did you mean {close}? {hint}")
            hint = (f"{taken!r} was taken for an option; an argument that starts with '-' "
                    f"goes after '--', following the options: {self.prog} [options] -- "
                    f"\"{taken}\"; " + hint)
        raise UsageError(f"{message}\nhint: {hint}")

    def invalid_choice(self, message: str, name: str, value: str) -> str:
        """A value outside an argument's choices, with the closest choices as the hint: a
        mistyped command (``steepest gard``) in one line, ``did you mean grad?``."""
        import difflib

        action = next((a for a in self._actions
                       if ("/".join(a.option_strings) or a.metavar or a.dest) == name), None)
        if action is None or action.choices is None:  # not found: argparse's words
            return f"{message}\nhint: run '{self.prog} --help' to see the options"
        choices = [str(c) for c in action.choices]
        close = difflib.get_close_matches(value, choices, n=2, cutoff=0.6)
        also = f"did you mean {' or '.join(close)}? " if close else ""
        if isinstance(action, argparse._SubParsersAction):  # a command, or an exercise
            word = str(action.metavar or "command").lower()
            return (f"unknown {word} {value!r} for '{self.prog}'\nhint: {also}run "
                    f"'{self.prog} --help' to see the {word}s")
        return f"{message}\nhint: {also}run '{self.prog} --help' to see the options"

    def unknown_options(self) -> list[str]:
        """Arguments that look like options (start with '-') but are none of this parser's."""
        from steepest.cli._options import NEGATIVE_VALUE

        known = set(self._option_string_actions)
        found = []
        for arg in self.argv:
            if arg == "--":
                break
            name = arg.split("=", 1)[0]
            if arg.startswith("-") and len(arg) > 1 and name not in known \
                    and not NEGATIVE_VALUE.match(arg):
                found.append(arg)
        return found

    def closest(self, arg: str) -> str | None:
        """The real option closest to a mistyped one (``--start`` → ``--from``), if any."""
        import difflib

        name = arg.split("=", 1)[0]
        if not name.startswith("--"):
            return None  # -x^2 is an equation, not a mistyped option
        options = [o for o in self._option_string_actions if o.startswith("--")]
        for action in self._actions:  # options by what they set: --start is --from's dest
            if action.help != argparse.SUPPRESS and "--" + action.dest.replace("_", "-") == name:
                shown = [o for o in action.option_strings if o.startswith("--")]
                if shown:
                    return shown[0]
        close = difflib.get_close_matches(name, options, n=1, cutoff=0.6)
        if not close:
            return None
        action = self._option_string_actions[close[0]]
        if action.help == argparse.SUPPRESS:  # an old spelling: name today's
            for other in self._actions:
                if other.dest == action.dest and other.help != argparse.SUPPRESS:
                    return other.option_strings[-1]
        return close[0]


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
    _Parser.argv = tuple(sys.argv[1:] if argv is None else argv)
    try:
        args, extras = parser.parse_known_args(argv)
        if extras:
            _refuse_extras(parser, args, extras)
        if getattr(args, "_run", None) is None:
            parser.print_help()
            return 2
        if getattr(args, "data_dir", None) is not None:  # train, evaluate, landscape, tour,
            from steepest.cli._options import check_data_dir  # explore: refused before work

            check_data_dir(args.data_dir, sample=hasattr(args, "sample"))
        return int(args._run(args))
    except SteepestError as error:
        print(f"steepest: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("steepest: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


def _refuse_extras(parser: argparse.ArgumentParser, args: argparse.Namespace,
                   extras: list[str]) -> None:
    """Arguments no command takes: an unknown option named with the closest real one."""
    command = _command_parser(parser, _Parser.argv)
    prog = command.prog if command is not None else parser.prog
    hint = f"run '{prog} --help' to see the options"
    first = extras[0]
    if first.startswith("-") and len(first) > 1:
        close = command.closest(first) if isinstance(command, _Parser) else None
        also = f"did you mean {close}? " if close else ""
        raise UsageError(f"unknown option {first!r} for '{prog}'\nhint: {also}{hint}")
    takes_equation = command is not None and any(
        action.dest == "equation" for action in command._actions)
    quote = ("an equation with spaces goes in quotes, as one argument: \"x^2 sin(y)\"; "
             if takes_equation else "")
    raise UsageError(f"unexpected argument {first!r} for '{prog}'\nhint: {quote}{hint}")


def _command_parser(parser: argparse.ArgumentParser, argv: Sequence[str]) -> Any:
    """The (sub)parser of the command named in ``argv``, following nested commands."""
    found: Any = None
    current: Any = parser
    for arg in argv:
        actions = [a for a in current._actions if isinstance(a, argparse._SubParsersAction)]
        if not actions or arg not in actions[0].choices:
            if arg.startswith("-"):
                continue
            break
        found = current = actions[0].choices[arg]
    return found


def entry() -> None:
    """Console-script entry point."""
    sys.exit(main())
