"""Notations other readers accept (issue 14): subscripted log bases, sgn, the two-argument
arctangent and a trigonometric power with a symbolic exponent, each read as
docs/parsing.md says, with a caret where the text is ambiguous."""

from __future__ import annotations

import pytest
import sympy

from steepest import EquationError
from steepest.equation.grammar import parse_text

x, y, b, n, theta = sympy.symbols("x y b n theta", real=True)


def expr(text: str, variables: list[str] | None = None) -> sympy.Expr:
    return parse_text(text, variables).expr


def refused(text: str, variables: list[str] | None = None) -> EquationError:
    with pytest.raises(EquationError) as info:
        parse_text(text, variables)
    return info.value


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("log_2(x)", sympy.log(x, 2)),
        ("log_10 x", sympy.log(x, 10)),
        ("log_10(x) + 1", sympy.log(x, 10) + 1),
        ("log_b(x)", sympy.log(x, b)),
        ("log_e(x)", sympy.log(x)),
        ("log_theta x", sympy.log(x, theta)),
        ("2log_2(x^2)", 2 * sympy.log(x**2, 2)),
        ("log_2^2(x)", sympy.log(x, 2) ** 2),
    ],
)
def test_logarithm_with_a_subscripted_base(text, expected):
    assert sympy.simplify(expr(text) - expected) == 0


def test_a_named_base_is_a_variable_and_must_be_declared():
    assert [v.name for v in parse_text("log_b(x)", None).variables] == ["b", "x"]
    assert expr("f(x, b) = log_b(x)") == sympy.log(x, b)
    err = refused("f(x) = log_b(x)")
    assert "unknown variable 'b'" in str(err) and err.position == 11


@pytest.mark.parametrize(
    ("text", "position", "words"),
    [
        ("log_10x", 4, "ambiguous"),  # log base 10 of x, or log base "10x"?
        ("log_bx(y)", 4, "ambiguous"),
        ("log_(2)(x)", 3, "needs a base"),
        ("log_2(x, 3)", 0, "takes 1 argument"),
    ],
)
def test_unclear_bases_are_refused_with_a_caret(text, position, words):
    err = refused(text)
    assert words in str(err) and err.position == position


@pytest.mark.parametrize("name", ["sgn", "sign"])
def test_sign_under_both_names(name):
    assert expr(f"{name}(x)") == sympy.sign(x)
    assert expr(f"{name} x") == sympy.sign(x)


@pytest.mark.parametrize("name", ["atan2", "arctan2"])
def test_two_argument_arctangent(name):
    assert expr(f"{name}(y, x)") == sympy.atan2(y, x)
    err = refused(f"{name}(y)")
    assert "takes 2 arguments" in str(err)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("sin^n(x)", sympy.sin(x) ** n),
        ("sin^(n)(x)", sympy.sin(x) ** n),
        ("cos^n x", sympy.cos(x) ** n),
        ("tan^pi(x)", sympy.tan(x) ** sympy.pi),
        ("sin^2(x)", sympy.sin(x) ** 2),  # unchanged: a whole number
        ("sin^-1(x)", sympy.asin(x)),  # unchanged: the inverse
    ],
)
def test_trigonometric_power_with_a_symbolic_exponent(text, expected):
    assert expr(text) == expected


def test_a_symbolic_function_power_is_one_name_only():
    err = refused("sin^(n+1)(x)")
    assert "after 'sin^'" in str(err) and "sin(x)^(…)" in str(err)
