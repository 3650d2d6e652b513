"""steepest.check._compare: equal at points, decided by SymPy where it can."""

from __future__ import annotations

import sympy

from steepest.check._compare import decided, gap, same

x, y = sympy.symbols("x y", real=True)
POINTS = [{x: sympy.Integer(1), y: sympy.Rational(1, 2)},
          {x: sympy.Integer(-2), y: sympy.Integer(3)}]


def test_decided_says_equal_different_or_cannot_tell():
    assert decided(2 * x * sympy.sin(y), sympy.sin(y) * x * 2) is True
    assert decided(sympy.sin(2 * x), 2 * sympy.sin(x) * sympy.cos(x)) is True
    assert decided(x, x + sympy.Rational(1, 10**15)) is False
    assert decided(x, x - sympy.Rational(1, 10**40)) is False
    assert decided(sympy.cos(y), sympy.sqrt(1 - sympy.sin(y) ** 2)) is None  # not a number


def test_same_sees_a_tiny_offset_that_floats_would_lose():
    a = 2 * x * sympy.sin(y)
    for offset in (sympy.Rational(1, 10**12), sympy.Rational(1, 10**15)):
        assert same(a, a + offset, POINTS) in POINTS
    assert same(a, sympy.sin(y) * x * 2, POINTS) is None
    assert same(sympy.sin(2 * x), 2 * sympy.sin(x) * sympy.cos(x), POINTS) is True


def test_gap_is_the_difference_with_thirty_digits():
    a = 2 * x * sympy.sin(y)
    assert gap(a, a + sympy.Rational(1, 10**15), POINTS[0]) == 1e-15
    assert gap(a, a, POINTS[0]) == 0.0
