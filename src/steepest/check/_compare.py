"""Whether two expressions are the same function: compared at exact points, then by SymPy.

:func:`points_for` picks up to ten exact points where a function and its partial
derivatives are finite reals, small round coordinates first so that a point shown to a
learner is easy to check by hand; :func:`same` compares two expressions there with 30
significant digits; :func:`decided` asks ``sympy.simplify`` whether the difference is 0
(equal) or a nonzero number (a constant offset: different) when it is small enough to stay
quick. Left out: intervals and domains (a point where the right answer is undefined is
never chosen).
"""

from __future__ import annotations

import random
from collections.abc import Sequence

import sympy

from steepest.equation import Equation

__all__ = ["SIMPLIFY_MAX_NODES", "TOLERANCE", "Point", "decided", "equal", "gap", "points_for",
           "real", "same", "size"]

Point = dict[sympy.Symbol, sympy.Expr]

#: points at which two expressions must agree to be taken as equal
POINTS = 10
#: differences with more nodes than this are not passed to sympy.simplify
SIMPLIFY_MAX_NODES = 150
#: coordinates tried first, so that a point shown to a learner is easy to check by hand
#: relative difference at a point, computed with 30 digits, above which two values differ
TOLERANCE = 1e-20
NICE = (1, 2, -1, 3, sympy.Rational(1, 2), -2, sympy.Rational(3, 2), sympy.Rational(-1, 2))


def same(a: sympy.Expr, b: sympy.Expr, points: list[Point]) -> bool | Point | None:
    """None if identical; True if equal at every point; else a point where they differ.

    The point shown is the first where ``b`` is undefined or differs by at least 10 %
    (so that the difference is plain to see), else the one with the largest difference.
    Where floats cannot tell the two apart, the difference itself is evaluated with 30
    digits: values that differ by more than a relative ``TOLERANCE`` differ.
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
        scale = max(1.0, abs(va), abs(vb))
        relative = abs(va - vb) / scale
        if relative >= 0.1:
            return point
        if relative <= 1e-9:  # beyond what floats tell apart
            relative = abs(gap(a, b, point) or 0.0) / scale
        if relative > TOLERANCE and relative > largest:
            worst, largest = point, relative
    return True if worst is None else worst


def decided(a: sympy.Expr, b: sympy.Expr) -> bool | None:
    """True if SymPy simplifies ``a - b`` to 0, False if to a nonzero number, else None.

    None also when the difference has more than ``SIMPLIFY_MAX_NODES`` nodes.
    """
    difference = a - b
    if size(difference) > SIMPLIFY_MAX_NODES:
        return None
    simple = sympy.simplify(difference)
    if simple == 0:
        return True
    if simple.is_number and simple.is_zero is False:
        return False
    return None


def gap(a: sympy.Expr, b: sympy.Expr, point: Point) -> float | None:
    """``b - a`` at ``point``, evaluated as one expression with 30 digits, or None where it
    is not a finite real number (so that a difference of 1e-15 is not lost in floats)."""
    return real(b - a, point)


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
