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
  steepest grad "x^2 sin(y)" --steps
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
    parser.add_argument("--steps", action="store_true", help="show how each derivative is found")
    form = parser.add_mutually_exclusive_group()
    form.add_argument("--latex", action="store_true", help="print LaTeX")
    form.add_argument("--json", action="store_true", help="print JSON")
    return parser


def run(args: argparse.Namespace) -> int:
    """Run ``steepest grad``."""
    from steepest._printing import plain
    from steepest.gradients import gradient

    g = gradient(args.equation, _names(args.vars))
    point = _parse_point(args.at, g.names) if args.at is not None else None
    evaluated = _evaluate(g, point) if point is not None else None

    if args.json:
        print(json.dumps(_as_json(g, point, evaluated), ensure_ascii=False, indent=2))
        return 0
    if args.latex:
        print(g.latex())
        if args.steps:
            for derivation in g.steps():
                print(derivation.latex())
        return 0

    name = g.equation.name
    print(g)
    if len(g) > 1:
        for var, component in zip(g.variables, g.components):
            print(f"  ∂{name}/∂{plain(var)} = {plain(component)}")
    if args.steps:
        for derivation in g.steps():
            print()
            print(derivation.text())
    if evaluated is not None:
        print()
        _print_point(g, point, evaluated)
    return 0


def _names(text: str | None) -> list[str] | None:
    if text is None:
        return None
    return [part.strip() for part in text.split(",") if part.strip()]


def _parse_point(text: str, names: tuple[str, ...]) -> list[Any]:
    """``1,2`` or ``x=1,y=2`` as exact SymPy numbers in variable order."""
    from steepest.cli import UsageError
    from steepest.equation import parse

    parts = [part.strip() for part in text.split(",")]
    if any(not part for part in parts):
        raise UsageError(f"--at {text!r} has an empty coordinate\nhint: write --at 1,2")
    named = all("=" in part for part in parts)
    if any("=" in part for part in parts) and not named:
        raise UsageError(
            f"--at {text!r} mixes named and unnamed coordinates\nhint: write --at 1,2 or --at x=1,y=2"
        )
    if named:
        pairs = dict(part.split("=", 1) for part in parts)
        pairs = {key.strip(): value for key, value in pairs.items()}
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
    values = []
    for part in parts:
        value = parse(part, variables=[]).expr
        if not value.is_real or not value.is_finite:
            raise UsageError(f"--at: the coordinate {part!r} is not a finite real number")
        values.append(value)
    return values


def _evaluate(g: Any, point: list[Any]) -> dict[str, Any]:
    """Exact and numeric values of the gradient, its norm and direction at ``point``."""
    from steepest.errors import SteepestError

    where = dict(zip(g.variables, point))
    exact = [c.subs(where) for c in g.components]
    numbers = []
    for var, value in zip(g.names, exact):
        number = complex(value.evalf(15))
        if number.imag != 0 or not all(map(_finite, (number.real,))):
            raise SteepestError(
                f"∂f/∂{var} is not a finite real number at this point ({value})"
                "\nhint: the point may be outside the function's domain"
            )
        numbers.append(number.real)
    norm = sum(v * v for v in numbers) ** 0.5
    direction = [v / norm for v in numbers] if norm > 0 else None
    value = complex(g.equation.expr.subs(where).evalf(15))
    return {"exact": exact, "values": numbers, "norm": norm, "direction": direction,
            "f": value.real if value.imag == 0 else None}


def _finite(value: float) -> bool:
    return value == value and abs(value) != float("inf")


def _print_point(g: Any, point: list[Any], evaluated: dict[str, Any]) -> None:
    from steepest._printing import plain

    name = g.equation.name
    names = ", ".join(plain(v) for v in g.variables)
    coordinates = ", ".join(plain(p) for p in point)
    print(f"at ({names}) = ({coordinates}):")
    if evaluated["f"] is not None:
        print(f"  {name} = {evaluated['f']:.6g}")
    for var, exact, number in zip(g.variables, evaluated["exact"], evaluated["values"]):
        shown = plain(exact)
        approx = f"{number:.6g}"
        text = shown if shown == approx else f"{shown} ≈ {approx}"
        print(f"  ∂{name}/∂{plain(var)} = {text}")
    print(f"  |∇{name}| ≈ {evaluated['norm']:.6g}")
    if evaluated["direction"] is None:
        print("  the gradient is zero here: a stationary point, with no direction of steepest ascent")
    else:
        direction = ", ".join(f"{d:.6g}" for d in evaluated["direction"])
        print(f"  steepest ascent along ({direction}); steepest descent the opposite way")


def _as_json(g: Any, point: list[Any] | None, evaluated: dict[str, Any] | None) -> dict[str, Any]:
    import sympy

    from steepest._printing import plain

    result: dict[str, Any] = {
        "equation": g.equation.text,
        "function": str(g.equation),
        "variables": list(g.names),
        "gradient": [str(c) for c in g.components],
        "gradient_plain": [plain(c) for c in g.components],
        "gradient_latex": [sympy.latex(c) for c in g.components],
    }
    if point is not None and evaluated is not None:
        result["at"] = {n: float(p) for n, p in zip(g.names, point)}
        result["value"] = evaluated["f"]
        result["gradient_at"] = evaluated["values"]
        result["gradient_at_exact"] = [str(e) for e in evaluated["exact"]]
        result["norm"] = evaluated["norm"]
        result["ascent_direction"] = evaluated["direction"]
    return result
