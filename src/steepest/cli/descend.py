"""``steepest descend`` and ``steepest ascend``: follow the gradient from a point.

This one module registers both commands (they differ only in direction): a short table
of the path (the first steps, every k-th, the last), then the final point, its value, the
gradient norm and the status in words; ``--json`` gives the whole path instead.

Exit status: 0 when the run ends where the gradient vanishes (``converged`` or
``stationary``), 1 when it ran but did not get there (``max_iterations`` or ``diverged``,
so that a script can tell), 2 for unusable input.
"""

from __future__ import annotations

import argparse
import json
import math
from typing import Any

from steepest.cli._options import accept_negative_values

OPTIMIZERS = ("gd", "momentum", "nesterov", "adagrad", "rmsprop", "adam")
SCHEDULES = ("constant", "inverse_time", "inverse_sqrt", "exponential")

EPILOG = """examples:
  steepest {name} "{example}" --from 2,1
  steepest {name} "{example}" --from x=2,y=1 --lr 0.1 --optimizer adam --max-iter 500
  steepest {name} "(1 - x)^2 + 100(y - x^2)^2" --from -1.2,1 --lr 1 --line-search
  steepest {name} "{example}" --from 2,1 --json > path.json

exit status: 0 converged or stationary; 1 stopped at --max-iter or diverged; 2 bad input
"""


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register ``descend`` and ``ascend``; return the ``descend`` parser."""
    descend = _add(subparsers, "descend", "x^2 + 3y^2", maximize=False)
    _add(subparsers, "ascend", "-(x-1)^2 - (y+2)^2 + 5", maximize=True)
    return descend


def _add(subparsers: Any, name: str, example: str, *, maximize: bool) -> argparse.ArgumentParser:
    way = "up to a maximum" if maximize else "down to a minimum"
    parser = subparsers.add_parser(
        name,
        help=f"gradient {'ascent' if maximize else 'descent'}: follow the gradient {way}",
        description=f"Follow the gradient of an equation {way}, step by step, from a point.",
        epilog=EPILOG.format(name=name, example=example),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    accept_negative_values(parser)  # --from -1,2: a value, not an option
    parser.add_argument("equation", help=f'the equation, e.g. "{example}" (quote it)')
    parser.add_argument("--from", dest="start", metavar="POINT", required=True,
                        help="the start: 2,1 or -1,2 or x=2,y=1 (numbers or "
                             "expressions such as pi/4)")  # fmt: skip
    parser.add_argument("--lr", type=float, metavar="η",
                        help="learning rate (step size), default 0.1")  # fmt: skip
    parser.add_argument("--optimizer", choices=OPTIMIZERS, default="gd",
                        help="default gd (plain gradient descent)")  # fmt: skip
    parser.add_argument("--max-iter", type=int, default=1000, metavar="N",
                        help="the most steps to take, default 1000")  # fmt: skip
    # the old spelling, kept working but no longer shown
    parser.add_argument("--steps", dest="max_iter", type=int, default=argparse.SUPPRESS,
                        help=argparse.SUPPRESS)  # fmt: skip
    parser.add_argument("--tol", type=float, default=1e-8,
                        help="stop when |gradient| <= TOL, default 1e-8")  # fmt: skip
    parser.add_argument("--line-search", action="store_true",
                        help="backtracking (Armijo) line search on every step")  # fmt: skip
    parser.add_argument("--schedule", choices=SCHEDULES,
                        help="shrink the learning rate over the steps")  # fmt: skip
    parser.add_argument("--vars", metavar="NAMES", help="the variables and their order: x,y")
    parser.add_argument("--every", type=int, metavar="K",
                        help="show every K-th step (default: about 10 rows)")  # fmt: skip
    parser.add_argument("--json", action="store_true", help="print JSON with the full path")
    parser.set_defaults(_run=run, maximize=maximize)
    return parser


def run(args: argparse.Namespace) -> int:
    """Run ``steepest descend`` or ``steepest ascend``."""
    from steepest.cli import UsageError
    from steepest.cli._options import (
        check_max_iter,
        check_positive,
        check_start,
        gradient_of,
        optimizer_from,
    )
    from steepest.descent.run import EQUATION_LEARNING_RATE, maximize, minimize

    check_max_iter(args.max_iter)
    if args.lr is not None:
        check_positive(args.lr, "--lr")
    check_positive(args.tol, "--tol", zero=True)
    if args.every is not None and args.every < 1:
        raise UsageError(f"--every must be 1 or more, got {args.every}")
    g = gradient_of(args.equation, args.vars)
    start = _parse_start(args.start, g.names)
    check_start(g, start, "--from", args.start)
    optimizer = optimizer_from(args.optimizer, args.lr, default=EQUATION_LEARNING_RATE,
                               schedule=args.schedule)
    descent = maximize if args.maximize else minimize
    result = descent(g, start, optimizer=optimizer, max_iter=args.max_iter, tol=args.tol,
                     line_search=args.line_search)
    if args.json:
        print(json.dumps(_as_json(g, result), ensure_ascii=False, indent=1, allow_nan=False))
    else:
        _print_table(g, result, args)
    return 0 if result.success else 1


def _parse_start(text: str, names: tuple[str, ...]) -> list[float]:
    """``2,1`` or ``x=2,y=1`` (numbers or constants such as pi/4) in variable order."""
    from steepest.cli import UsageError
    from steepest.cli._options import real_number

    parts = [part.strip() for part in text.split(",")]
    example = ",".join(f"{n}=1" for n in names)
    if all("=" in part for part in parts):
        keys = [p.split("=", 1)[0].strip() for p in parts]
        repeated = sorted({key for key in keys if keys.count(key) > 1})
        if repeated:
            raise UsageError(f"--from {text!r} gives {', '.join(repeated)} more than once; give "
                             f"one value for each variable: --from {example}")  # fmt: skip
        pairs = {key.strip(): value for key, value in (p.split("=", 1) for p in parts)}
        if sorted(pairs) != sorted(names):
            raise UsageError(f"--from {text!r} does not name the variables ({', '.join(names)})"
                             f"\nhint: give one value for each: --from {example}")  # fmt: skip
        parts = [pairs[n] for n in names]
    if len(parts) != len(names) or not all(parts) or any("=" in part for part in parts):
        raise UsageError(
            f"--from {text!r} is not a point of f({', '.join(names)}): give {len(names)} "
            f"number{'s' * (len(names) != 1)}, in that order\nhint: --from "
            f"{','.join('1' * len(names))} or --from {example} (set the order with --vars)"
        )
    return [real_number(part, "--from") for part in parts]


def _rows(iterations: int, every: int | None) -> list[int]:
    """Which steps the table shows: the first three, every k-th, the last three."""
    if every is None:
        if iterations <= 20:
            return list(range(iterations + 1))
        every = _nice(iterations / 10)
    shown = set(range(min(3, iterations + 1)))
    shown |= set(range(0, iterations + 1, every))
    shown |= set(range(max(0, iterations - 2), iterations + 1))
    return sorted(shown)


def _nice(step: float) -> int:
    """``step`` rounded up to 1, 2 or 5 times a power of ten."""
    power = 10 ** math.floor(math.log10(step))
    return max(1, int(next(m * power for m in (1, 2, 5, 10) if m * power >= step)))


def _ordinal(k: int) -> str:
    if k == 1:
        return ""
    suffix = "th" if 10 <= k % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(k % 10, "th")
    return f"{k}{suffix}"


def _number(value: float) -> str:
    return f"{value:.6g}"


def _print_table(g: Any, result: Any, args: argparse.Namespace) -> None:
    from steepest.cli._options import cli_words
    from steepest.equation.printing import symbol_text

    names = [symbol_text(n) for n in g.names]
    f = g.equation.name
    way = "ascent" if result.maximize else "descent"
    start = ", ".join(_number(c) for c in result.path[0])
    print(f"gradient {way} on {g.equation} from ({start})")
    extras = (f", schedule {args.schedule}" if args.schedule else "") + (
        ", line search" if args.line_search else "")
    print(f"optimizer {result.optimizer}, learning rate {result.learning_rate:g}{extras}")
    print()
    rows = _rows(result.iterations, args.every)
    with _quiet():
        norms = [float(v) for v in (g.at(result.path[rows]) ** 2).sum(axis=-1) ** 0.5]
    header = ["step", *names, f, f"|∇{f}|"]
    table = [[str(k), *(_number(c) for c in result.path[k]), _number(result.values[k]),
              _number(n)] for k, n in zip(rows, norms, strict=True)]  # fmt: skip
    widths = [max(len(r[i]) for r in [header, *table]) for i in range(len(header))]
    print("  ".join(h.rjust(w) for h, w in zip(header, widths, strict=True)))
    for row in table:
        print("  ".join(c.rjust(w) for c, w in zip(row, widths, strict=True)))
    if len(rows) < result.iterations + 1:
        every = args.every or _nice(result.iterations / 10)
        print(f"(the first and last 3 steps and every {_ordinal(every)} step; --every K or "
              "--json for more)")  # fmt: skip
    print()
    point = ", ".join(f"{n} = {_number(c)}" for n, c in zip(names, result.x, strict=True))
    print(f"final point    {point}")
    print(f"value          {f} = {_number(result.value)}")
    print(f"gradient norm  |∇{f}| = {result.grad_norm:.3g}")
    print(f"steps          {result.iterations}")
    print(f"status         {result.status}: {cli_words(result.message)}")


def _quiet() -> Any:
    import numpy as np

    return np.errstate(all="ignore")


def _finite(value: float) -> float | None:
    """A number for JSON: NaN and infinities (a diverged run) become null."""
    return value if math.isfinite(value) else None


def _as_json(g: Any, result: Any) -> dict[str, Any]:
    return {
        "equation": g.equation.text,
        "function": str(g.equation),
        "variables": list(g.names),
        "maximize": result.maximize,
        "optimizer": result.optimizer,
        "learning_rate": result.learning_rate,
        "status": result.status,
        "success": result.success,
        "message": result.message,
        "iterations": result.iterations,
        "x": [_finite(float(c)) for c in result.x],
        "value": _finite(result.value),
        "grad_norm": _finite(result.grad_norm),
        "path": [[_finite(float(c)) for c in row] for row in result.path],
        "values": [_finite(float(v)) for v in result.values],
    }
