"""Why f has no real value at a point: the innermost piece that breaks, and what it needs."""

from __future__ import annotations

import pytest

from steepest import gradient
from steepest.calculus.domain import why_undefined


@pytest.mark.parametrize(
    ("text", "point", "why"),
    [
        ("ln(x)", [-1], "ln(x) needs x > 0"),
        ("log10(x) + y", [-3, 1], "ln(x) needs x > 0"),
        ("sqrt(ln(x))", [0.5], "sqrt(ln(x)) needs ln(x) ≥ 0"),  # ln(0.5) is real, its root not
        ("sqrt(ln(x))", [-1], "ln(x) needs x > 0"),  # the innermost piece that breaks
        ("x^(-1/2)", [0], "1/sqrt(x) needs x > 0"),
        ("1/(x - 1)", [1], "1/(x - 1) needs x - 1 ≠ 0"),
        ("x^y", [-1, 0.5], "x^y needs x > 0 (or a whole-number power)"),
        ("asin(x)", [2], "asin(x) needs -1 ≤ x ≤ 1"),
        ("acosh(x) + y", [0, 1], "acosh(x) needs x ≥ 1"),
        ("atanh(x)", [1], "atanh(x) needs -1 < x < 1"),
    ],
)
def test_the_piece_that_breaks_is_named_with_what_it_needs(text, point, why):
    g = gradient(text)
    assert why_undefined(g.equation.expr, g.variables, point) == why


@pytest.mark.parametrize(
    ("text", "point"),
    [("ln(x)", [2]), ("x^y", [-1, 2]), ("e^(e^x)", [10]), ("sqrt(x)", [0])],
)
def test_nothing_is_named_where_every_piece_is_real(text, point):
    # e^(e^10) is real (too large for floating point, which is not the domain's business)
    g = gradient(text)
    assert why_undefined(g.equation.expr, g.variables, point) is None
