"""``steepest check``: is a learner's answer to an exercise right, and if not, where not.

Exit codes: 0 when everything is right, 1 when something is wrong (the report says what),
2 when the input is unusable (an equation that cannot be read, a missing file or
function), so that a teacher can script it.
"""

from __future__ import annotations

import argparse
from typing import Any

from steepest.cli import UsageError, _Parser

HELP = "check your answer to an exercise (see 'steepest exercises')"

EPILOG = """examples:
  steepest check gradient "x^2 sin(y)" --answer "2x sin(y), x^2 cos(y)"
  steepest check gradient "x^2 sin(y)" --answer "∂f/∂x = 2x sin(y); ∂f/∂y = x^2 cos(y)"
  steepest check gradient "x^3" --answer "3x" --reveal     # hints, then the answer
  steepest check gradient-function answer.py:gradient
  steepest check cost answer.py:cost --batch --labels
  steepest check descent answer.py:step --loop answer.py:descend

Checking a function imports your file and runs your own code, on your own machine,
in a separate Python process that starts in a fresh, empty temporary folder (removed
afterwards) and is stopped, with every process it started, after --timeout seconds per
call (on Linux it may also use at most 4 GiB more memory than it starts with). This
is not a jail: your code runs with your rights and may still read and write files
elsewhere. What it sends back is read as plain data, never run.
exit status: 0 all right, 1 something is wrong, 2 unusable input.
"""

_RUNS_CODE = (
    "This imports FILE and runs your own code on your own machine, in a separate Python "
    "process in a fresh temporary folder, stopped with every process it started after "
    "--timeout seconds per call. It is not a jail: your code may still write files "
    "elsewhere."
)


class _CheckParser(_Parser):
    """Explains the one argparse error a learner meets: an answer that starts with '-'."""

    def error(self, message: str) -> None:  # type: ignore[override]
        if "--answer: expected one argument" in message:
            raise UsageError(
                f"{message}\nhint: an answer that starts with a minus sign needs '=': "
                '--answer="-sin(x)"'
            )
        super().error(message)


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register the ``check`` command and its four exercises."""
    parser = subparsers.add_parser(
        "check",
        help=HELP,
        description="Check an answer to one of the exercises listed by 'steepest exercises'.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    kinds = parser.add_subparsers(
        dest="exercise", metavar="EXERCISE", required=True, parser_class=_CheckParser
    )

    p = kinds.add_parser(
        "gradient", help="1. a gradient computed by hand",
        description="Check partial derivatives computed by hand. Any form equal to the right "
        "one is right (2x sin(y) = sin(y)*2*x); a wrong one is shown at a point where it "
        "differs, with the slip it matches and the first step of its derivation as a hint. "
        "The right derivative is shown only with --reveal.",
    )
    p.add_argument("equation", help='the function, e.g. "x^2 sin(y)" (quote it)')
    p.add_argument(
        "--answer", required=True, metavar="TEXT",
        help='your partial derivatives in variable order: "2x sin(y), x^2 cos(y)", or '
        'labelled: "∂f/∂x = ...; ∂f/∂y = ..." (df/dx and f_x work too); an answer that '
        'starts with a minus sign needs "=": --answer="-sin(x)"',
    )
    p.add_argument("--vars", metavar="NAMES", help="the variables and their order: x,y")
    p.add_argument("--reveal", action="store_true",
                   help="also show the right derivative beside each wrong one")
    p.add_argument("--show-steps", action="store_true",
                   help="show every derivation in full (this reveals the answers too)")
    _json(p)

    p = kinds.add_parser(
        "gradient-function", help="2. your function gradient(f, point)",
        description="Check gradient(f, point) -> list of numbers on functions of 1 to 3 "
        "variables. " + _RUNS_CODE,
    )
    _target(p, "gradient")

    p = kinds.add_parser(
        "cost", help="3. your cost(expected, predicted)",
        description="Check cost(expected, predicted) = Σ (expected − predicted)² against "
        "steepest's quadratic_cost. " + _RUNS_CODE,
    )
    _target(p, "cost")
    p.add_argument("--batch", action="store_true",
                   help="also a batch: 2-D arrays, one example a row, the cost summed")
    p.add_argument("--labels", action="store_true",
                   help="also expected given as a digit label (an int) instead of one-hot")

    p = kinds.add_parser(
        "descent", help="4. your step(x, grad, learning_rate), and descend(...)",
        description="Check step(x, grad, learning_rate) -> new x against steepest's gradient "
        "descent on quadratic bowls; with --loop, also descend(grad_f, start, learning_rate, "
        "steps) -> x. " + _RUNS_CODE,
    )
    _target(p, "step")
    p.add_argument("--loop", metavar="FILE:FUNCTION",
                   help="your loop too, e.g. answer.py:descend (the name defaults to descend)")
    return parser


def _target(parser: argparse.ArgumentParser, name: str) -> None:
    parser.add_argument(
        "target", metavar="FILE:FUNCTION",
        help=f"your function: answer.py:{name}, or module:{name} (the name defaults to {name})",
    )
    parser.add_argument("--timeout", type=float, default=5.0, metavar="SECONDS",
                        help="time allowed for each call of your function (default 5)")
    _json(parser)


def _json(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true",
                        help="print the report as JSON (for grading many answers by script)")


def run(args: argparse.Namespace) -> int:
    """Run ``steepest check``."""
    from steepest.cli import UsageError
    from steepest.errors import SteepestError

    try:
        report = _check(args)
    except SteepestError as error:
        said = _in_cli_words(str(error))
        if args.json:  # a grading script reads stdout: it gets the reason there too
            _print_json({"exercise": args.exercise, "correct": None, "error": said})
        raise UsageError(said) from None  # and the one-line reason on stderr, exit 2
    if args.json:
        reveal = args.exercise == "gradient" and (args.reveal or args.show_steps)
        _print_json(report.to_dict(reveal=True) if reveal else report.to_dict())
    elif args.exercise == "gradient":
        print(report.text(show_steps=args.show_steps, reveal=args.reveal))
        if not report.correct and not (args.reveal or args.show_steps):
            print("(Try again with the hints; --reveal shows the right derivative, "
                  "--show-steps every derivation.)")
    else:
        print(report)
    return 0 if report.correct else 1


#: The library's names for the arguments, as the command line spells them.
_ARGUMENTS = {"answer": "--answer", "loop": "--loop", "target": "FILE:FUNCTION"}


def _in_cli_words(message: str) -> str:
    """A library message that opens with an argument's name, opened with the option's.

    Examples
    --------
    >>> _in_cli_words("answer: the part for x is empty")
    '--answer: the part for x is empty'
    >>> _in_cli_words("target: no file 'a.py'")
    "FILE:FUNCTION: no file 'a.py'"
    >>> _in_cli_words("answered")
    'answered'
    """
    import re

    return re.sub(r"^(answer|loop|target)\b", lambda m: _ARGUMENTS[m[1]], message)


def _check(args: argparse.Namespace) -> Any:
    """The report of the exercise that ``args`` asks for."""
    from steepest import check
    from steepest.check import MAX_TIMEOUT
    from steepest.cli import UsageError

    timeout = getattr(args, "timeout", None)
    if timeout is not None and not 0 < timeout <= MAX_TIMEOUT:
        raise UsageError(f"--timeout must lie in (0, {MAX_TIMEOUT:g}] seconds; got {timeout:g}"
                         "\nhint: the default, 5, is plenty for an exercise")
    if args.exercise == "gradient":
        variables = None if args.vars is None else [v.strip() for v in args.vars.split(",")]
        return check.check_gradient(args.equation, args.answer, variables=variables)
    if args.exercise == "gradient-function":
        return check.check_gradient_function(args.target, timeout=args.timeout)
    if args.exercise == "cost":
        return check.check_cost(args.target, batch=args.batch, labels=args.labels,
                                timeout=args.timeout)
    return check.check_descent(args.target, loop=args.loop, timeout=args.timeout)


def _print_json(report: dict[str, Any]) -> None:
    import json

    print(json.dumps(report, ensure_ascii=False, indent=2, allow_nan=False))
