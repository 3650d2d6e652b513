"""Whether two expressions are the same function: compared at exact points, then proven.

:func:`points_for` picks up to ten exact points where a function and its partial
derivatives are finite reals, small round coordinates first so that a point shown to a
learner is easy to check by hand; :func:`same` compares two expressions there with 30
significant digits; :func:`proven` asks ``sympy.simplify`` for a proof when the
difference is small enough to stay quick. Left out: intervals and domains (a point where
the right answer is undefined is never chosen).
"""

from __future__ import annotations

import random
from collections.abc import Sequence

import sympy

from steepest.equation import Equation

__all__ = ["SIMPLIFY_MAX_NODES", "Point", "equal", "points_for", "proven", "real", "same",
           "size"]

Point = dict[sympy.Symbol, sympy.Expr]

#: points at which two expressions must agree to be taken as equal
POINTS = 10
#: differences with more nodes than this are not passed to sympy.simplify
SIMPLIFY_MAX_NODES = 150
#: coordinates tried first, so that a point shown to a learner is easy to check by hand
NICE = (1, 2, -1, 3, sympy.Rational(1, 2), -2, sympy.Rational(3, 2), sympy.Rational(-1, 2))


def same(a: sympy.Expr, b: sympy.Expr, points: list[Point]) -> bool | Point | None:
    """None if identical; True if equal at every point; else a point where they differ.

    The point shown is the first where ``b`` is undefined or differs by at least 10 %
    (so that the difference is plain to see), else the one with the largest difference.
    """
    if a == b or (size(a) + size(b) < 60 and sympy.expand(a - b) == 0):
        return None
    worst, largest = None, 0.0
    for point in points:
        va, vb = real(a, point), real(b, point)
        if va is None:
            continue  # only points where the right answer is defined were chosen
        if vb is None:
            return point
        relative = abs(va - vb) / max(1.0, abs(va), abs(vb))
        if relative >= 0.1:
            return point
        if relative > 1e-9 and relative > largest:
            worst, largest = point, relative
    return True if worst is None else worst


def proven(a: sympy.Expr, b: sympy.Expr) -> bool:
    difference = a - b
    return size(difference) <= SIMPLIFY_MAX_NODES and sympy.simplify(difference) == 0


def equal(a: sympy.Expr, b: sympy.Expr, points: list[Point]) -> bool:
    return same(a, b, points) in (True, None)


def points_for(eq: Equation, components: Sequence[sympy.Expr], seed: int) -> list[Point]:
    """Up to ``POINTS`` exact points where f and every partial derivative are finite reals.

    Small round coordinates come first, then random ones with two decimals in [-3, 3]
    and, for functions defined only for positive values, in (0, 10].
    """
    rng = random.Random(seed)
    variables = eq.variables
    exprs = [eq.expr, *components]
    found: list[Point] = []
    for attempt in range(40 * POINTS):
        if attempt < 12:
            coords = [sympy.sympify(rng.choice(NICE)) for _ in variables]
        elif attempt % 2:
            coords = [sympy.Rational(rng.randint(-300, 300), 100) for _ in variables]
        else:
            coords = [sympy.Rational(rng.randint(1, 1000), 100) for _ in variables]
        point = dict(zip(variables, coords, strict=True))
        if point in found or any(real(e, point) is None for e in exprs):
            continue
        found.append(point)
        if len(found) == POINTS:
            break
    return found


def real(expr: sympy.Expr, point: Point) -> float | None:
    """``expr`` at ``point`` as a float, or None where it is not a finite real number."""
    try:
        value = complex(expr.evalf(30, subs=point))
    except (TypeError, ValueError, ZeroDivisionError, OverflowError):
        return None
    if value != value or abs(value) == float("inf"):
        return None
    if abs(value.imag) > 1e-12 * max(1.0, abs(value.real)):
        return None
    return value.real


def size(expr: sympy.Expr) -> int:
    return sum(1 for _ in sympy.preorder_traversal(expr))
