"""``steepest grad``: the gradient of a typed equation, and its value at a point."""

from __future__ import annotations

import argparse
import json
from typing import Any

HELP = "the gradient of an equation: partial derivatives, value at a point, steps"

EPILOG = """examples:
  steepest grad "x^2 sin(y)"
  steepest grad "x^2 sin(y)" --at 1,2
  steepest grad "f(x, y) = e^(-x^2-y^2)" --at x=0.5,y=pi/4 --json
  steepest grad "x^2 sin(y)" --explain
"""


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register the ``grad`` command."""
    parser = subparsers.add_parser(
        "grad",
        help=HELP,
        description="Print the gradient of an equation (its vector of partial derivatives).",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("equation", help='the equation, e.g. "x^2 sin(y)" (quote it)')
    parser.add_argument(
        "--at",
        metavar="POINT",
        help="evaluate at a point: 1,2 or x=1,y=2 (numbers or constants like pi/4)",
    )
    parser.add_argument("--vars", metavar="NAMES", help="the variables and their order: x,y")
    parser.add_argument("--explain", action="store_true",
                        help="show how each derivative is found, rule by rule")
    # the old spelling, kept working but no longer shown (--steps elsewhere was a step limit)
    parser.add_argument("--steps", dest="explain", action="store_true", help=argparse.SUPPRESS)
    form = parser.add_mutually_exclusive_group()
    form.add_argument("--latex", action="store_true", help="print LaTeX")
    form.add_argument("--json", action="store_true", help="print JSON")
    return parser


def run(args: argparse.Namespace) -> int:
    """Run ``steepest grad``."""
    from steepest.cli._options import gradient_of
    from steepest.equation.printing import plain
    from steepest.equation.typed import reading

    g = gradient_of(args.equation, args.vars)
    point = _parse_point(args.at, g.names) if args.at is not None else None
    evaluated = g.explain_at(point) if point is not None else None

    if args.json:
        print(json.dumps(_as_json(g, point, evaluated), ensure_ascii=False, indent=2,
                         allow_nan=False))
        return 0
    if args.latex:
        print(g.latex())
        if args.explain:
            for derivation in g.steps():
                print(derivation.latex())
        return 0

    name = g.equation.name
    read_as = reading(g.equation)
    if read_as is not None:  # letters split or a product implied: show how
        print(f"read as: {read_as}")
    print(g)
    if len(g) > 1:
        for var, component in zip(g.variables, g.components, strict=True):
            print(f"  ∂{name}/∂{plain(var)} = {plain(component)}")
    if args.explain:
        for derivation in g.steps():
            print()
            print(derivation.text(name=g.equation.name))
    if evaluated is not None:
        print()
        print(evaluated.text())
    return 0


def _parse_point(text: str, names: tuple[str, ...]) -> list[Any]:
    """``1,2`` or ``x=1,y=2`` as exact SymPy numbers in variable order."""
    from steepest.cli import UsageError
    from steepest.cli._options import real_number

    parts = [part.strip() for part in text.split(",")]
    if any(not part for part in parts):
        raise UsageError(f"--at {text!r} has an empty coordinate\nhint: write --at 1,2")
    named = all("=" in part for part in parts)
    if any("=" in part for part in parts) and not named:
        raise UsageError(
            f"--at {text!r} mixes named and unnamed coordinates"
            "\nhint: write --at 1,2 or --at x=1,y=2"
        )
    if named:
        keys = [part.split("=", 1)[0].strip() for part in parts]
        repeated = sorted({key for key in keys if keys.count(key) > 1})
        if repeated:
            raise UsageError(f"--at {text!r} gives {', '.join(repeated)} more than once"
                             "\nhint: give each variable once: --at x=1,y=2")
        pairs = {key: part.split("=", 1)[1] for key, part in zip(keys, parts, strict=True)}
        unknown = sorted(set(pairs) - set(names))
        missing = [n for n in names if n not in pairs]
        if unknown or missing:
            raise UsageError(
                f"--at {text!r} does not match the variables ({', '.join(names)})"
                f"\nhint: give one value for each: --at {','.join(n + '=1' for n in names)}"
            )
        parts = [pairs[n] for n in names]
    if len(parts) != len(names):
        raise UsageError(
            f"--at {text!r} has {len(parts)} coordinate{'s' * (len(parts) != 1)} but the "
            f"equation has {len(names)} variable{'s' * (len(names) != 1)} ({', '.join(names)})"
            f"\nhint: give one value for each, in that order (or set the order with --vars)"
        )
    return [real_number(part, "--at", exact=True) for part in parts]


def _as_json(g: Any, point: list[Any] | None, evaluated: Any) -> dict[str, Any]:
    import sympy

    from steepest.equation.printing import plain

    result: dict[str, Any] = {
        "equation": g.equation.text,
        "function": str(g.equation),
        "variables": list(g.names),
        "gradient": [str(c) for c in g.components],
        "gradient_plain": [plain(c) for c in g.components],
        "gradient_latex": [sympy.latex(c) for c in g.components],
    }
    if evaluated is not None:
        result.update(evaluated.as_dict())
    return result
