"""The Gradient: symbolic components, evaluation, Hessian, directional derivative, numeric path."""

from __future__ import annotations

import math

import numpy as np
import pytest
import sympy
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import steepest
from steepest import Equation, Gradient, SteepestError, gradient, numeric_gradient

x, y, z = sympy.symbols("x y z", real=True)


def seed_gradient() -> Gradient:
    return Gradient(Equation(x**2 * sympy.sin(y), (x, y), "x^2 sin(y)"))


def test_seed_example_components_and_printing():
    g = steepest.gradient("x^2sin(y)")
    assert g.components == (2 * x * sympy.sin(y), x**2 * sympy.cos(y))
    assert g.names == ("x", "y")
    assert str(g) == "∇f(x, y) = (2·x·sin(y), x²·cos(y))"
    assert g.latex() == sympy.latex(sympy.Tuple(2 * x * sympy.sin(y), x**2 * sympy.cos(y)))
    assert g._repr_latex_().startswith("$\\displaystyle \\nabla f(x, y) = ")
    assert g["y"] == x**2 * sympy.cos(y) and g[0] == 2 * x * sympy.sin(y)


def test_evaluation_forms_agree():
    g = seed_gradient()
    expected = [2 * math.sin(2), math.cos(2)]
    np.testing.assert_allclose(g(1, 2), expected)
    np.testing.assert_allclose(g(x=1, y=2), expected)
    np.testing.assert_allclose(g.at([1, 2]), expected)
    np.testing.assert_allclose(g.at(np.array([[1, 2], [1, 2]])), [expected, expected])


def test_grid_evaluation_any_broadcastable_shape():
    g = seed_gradient()
    xs = np.linspace(-2, 2, 700)
    ys = np.linspace(-3, 3, 500)
    # broadcast (1, 700) against (500, 1): large enough to be computed in parallel slices
    out = g(xs[None, :], ys[:, None])
    assert out.shape == (2, 500, 700)
    X, Y = np.meshgrid(xs, ys)
    np.testing.assert_allclose(out[0], 2 * X * np.sin(Y), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(out[1], X**2 * np.cos(Y), rtol=1e-12, atol=1e-12)
    np.testing.assert_array_equal(g(X, Y), out)


def test_constant_components_broadcast_to_the_grid():
    g = steepest.gradient("3x + 0y", variables=["x", "y"])
    out = g(np.zeros((4, 5)), np.ones((4, 5)))
    assert out.shape == (2, 4, 5)
    assert np.all(out[0] == 3) and np.all(out[1] == 0)


def test_value_and_grad_matches_separate_evaluation():
    g = gradient("sin(x)cos(y) + exp(-(x^2+y^2))")
    points = np.random.default_rng(0).uniform(-2, 2, size=(50, 2))
    values, grads = g.value_and_grad(points)
    np.testing.assert_allclose(values, g.equation.at(points))
    np.testing.assert_allclose(grads, g.at(points))
    assert values.shape == (50,) and grads.shape == (50, 2)


def test_hessian_directional_and_norm():
    g = seed_gradient()
    assert g.hessian() == sympy.Matrix(
        [[2 * sympy.sin(y), 2 * x * sympy.cos(y)], [2 * x * sympy.cos(y), -(x**2) * sympy.sin(y)]]
    )
    np.testing.assert_allclose(
        g.hessian_at([1, 2]),
        [[2 * math.sin(2), 2 * math.cos(2)], [2 * math.cos(2), -math.sin(2)]],
    )
    # along the x axis the directional derivative is the x component
    assert sympy.simplify(g.directional([3, 0]) - g.components[0]) == 0
    d = g.directional([1, 1])
    assert sympy.simplify(d - (g.components[0] + g.components[1]) / sympy.sqrt(2)) == 0
    assert sympy.simplify(g.norm**2 - (g.components[0] ** 2 + g.components[1] ** 2)) == 0
    with pytest.raises(SteepestError, match="zero vector"):
        g.directional([0, 0])
    with pytest.raises(SteepestError, match="2 components"):
        g.directional([1, 2, 3])


def test_variable_order_declared_or_given():
    g = gradient("f(y, x) = x^2 sin(y)")
    assert g.names == ("y", "x")
    assert g.components == (x**2 * sympy.cos(y), 2 * x * sympy.sin(y))
    assert gradient("x^2 sin(y)", variables=["y", "x"]).names == ("y", "x")


def test_unused_declared_variable_has_zero_component():
    g = gradient("x^2", variables=["x", "y"])
    assert g.components == (2 * x, 0)
    np.testing.assert_array_equal(g.at([[1, 5], [2, 5]]), [[2, 0], [4, 0]])


def test_wrong_arguments_are_type_errors_with_a_hint():
    g = seed_gradient()
    with pytest.raises(TypeError, match=r"use \.at\(point\)"):
        g([1, 2])
    with pytest.raises(TypeError, match="missing: y"):
        g(x=1)
    with pytest.raises(TypeError, match="unknown: z"):
        g(x=1, y=2, z=3)
    with pytest.raises(SteepestError, match="2 coordinates"):
        g.at([1, 2, 3])
    with pytest.raises(TypeError, match="equation text"):
        gradient(42)


def test_sympy_expression_input():
    g = gradient(x * y + z)
    assert g.names == ("x", "y", "z")
    assert g.components == (y, x, 1)


def test_numeric_gradient_of_a_python_function():
    def f(p):
        return p[0] ** 2 * math.sin(p[1])

    approx = gradient(f, at=[1.0, 2.0])
    np.testing.assert_allclose(approx, [2 * math.sin(2), math.cos(2)], rtol=1e-8)
    as_function = gradient(f)
    np.testing.assert_allclose(as_function([1.0, 2.0]), approx)


def test_numeric_gradient_scales_its_step_with_the_point():
    # at x = 1e8 a fixed step of 6e-6 would vanish in rounding; the scaled step keeps accuracy
    approx = numeric_gradient(lambda p: p[0] ** 2, [1e8])
    np.testing.assert_allclose(approx, [2e8], rtol=1e-6)


def test_numeric_gradient_requires_a_scalar_output():
    with pytest.raises(SteepestError, match=r"single number.*shape \(2,\)"):
        numeric_gradient(lambda p: p * 2, [1.0, 2.0])
    with pytest.raises(SteepestError, match="finite"):
        numeric_gradient(lambda p: p[0], [float("nan")])
    with pytest.raises(SteepestError, match="step"):
        numeric_gradient(lambda p: p[0], [1.0], step=-1)


# -- property: the symbolic gradient agrees with central differences ---------------------

_UNARY = [sympy.sin, sympy.cos, sympy.exp, sympy.atan, lambda u: sympy.sqrt(1 + u**2),
          lambda u: sympy.log(1 + u**2), sympy.tanh]  # fmt: skip
_LEAVES = st.sampled_from([x, y, z, sympy.Integer(2), sympy.Rational(1, 3), sympy.pi])


def _extend(children):
    unary = st.tuples(st.sampled_from(_UNARY), children).map(lambda t: t[0](t[1]))
    binary = st.tuples(st.sampled_from(["+", "-", "*", "^"]), children, children).map(_combine)
    return unary | binary


def _combine(t):
    op, a, b = t
    if op == "+":
        return a + b
    if op == "-":
        return a - b
    if op == "*":
        return a * b
    return a ** sympy.Integer(2)


expressions = st.recursive(_LEAVES, _extend, max_leaves=8)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(expressions, st.lists(st.floats(-1.5, 1.5), min_size=3, max_size=3))
def test_symbolic_gradient_matches_central_differences(expr, point):
    g = gradient(expr, variables=["x", "y", "z"])
    exact = g.at(point)
    value = g.equation.at(point)
    assume(np.all(np.isfinite(exact)) and np.isfinite(value) and abs(value) < 1e6)
    approx = numeric_gradient(g.equation.at, point)
    scale = max(1.0, float(np.max(np.abs(exact))))
    np.testing.assert_allclose(approx, exact, rtol=1e-5, atol=1e-5 * scale)


def test_meshgrid_inputs_and_nearly_separable_inputs_give_exact_results():
    g = seed_gradient()
    axis = np.linspace(-2, 2, 400)
    X, Y = np.meshgrid(axis, axis)
    expected = np.stack([2 * X * np.sin(Y), X**2 * np.cos(Y)])
    np.testing.assert_allclose(g(X, Y), expected, rtol=1e-12, atol=1e-12)
    # one changed value in the middle: the input no longer repeats and must not be squeezed
    X2 = X.copy()
    X2[200, 123] = 7.0
    out = g(X2, Y)
    assert out[1, 200, 123] == pytest.approx(49.0 * np.cos(Y[200, 123]))
    np.testing.assert_allclose(np.delete(out[1].ravel(), 200 * 400 + 123),
                               np.delete(expected[1].ravel(), 200 * 400 + 123))


def test_large_grids_follow_the_callers_floating_point_settings():
    g = gradient("exp(x) + y")
    big = np.full((600, 600), 1000.0)  # large enough to be split across threads
    with np.errstate(over="ignore"):
        assert np.isinf(g(big, big)[0]).all()
    with np.errstate(over="raise"), pytest.raises(FloatingPointError):
        g(big, big)


# -- points where the gradient is not an ordinary number ------------------------------


@pytest.mark.parametrize(
    ("text", "point", "fragment"),
    [
        ("|x| + y", [0, 1], "a kink there: its slope along x is -1 from the left and 1 from "
         "the right"),
        ("max(x, y)", [1, 1], "slope along x is 0 from the left and 1 from the right"),
        ("x^2 + 3|x - 1| + y", [1, 5], "slope along x is -1 from the left and 5 from the right"),
        ("min(x^2, y)", [1, 1], "slope along x is 2 from the left and 0 from the right"),
        ("sign(x)", [0], "a jump there: along x it is -1 just to the left and 1 just to the "
         "right"),
        ("2000000 max(x, 0)", [0], "a kink there: its slope along x is 0 from the left and "
         "2e\\+06 from the right"),
        ("sign(x)^2", [0], "not continuous there: along x it is 1 on both sides of the point "
         "and 0 at it"),
        ("sqrt(|x|)", [0], "an infinite slope along x there"),
        # a cone's tip: f is defined there, ∂f/∂x = x/sqrt(x² + y²) is 0/0 (not the domain)
        ("sqrt(x^2 + y^2)", [0, 0], "^∂f/∂x does not exist at this point: f has a kink there: "
         "its slope along x is -1 from the left and 1 from the right\nhint: try a point "),
        ("(x^2 + y^2)^(1/3)", [0, 0], "^∂f/∂x does not exist .* an infinite slope along x"),
        ("sqrt(x^4 + y^4)", [0, 0], "^∂f/∂x has no value at this point: its formula is "
         "undefined there \\(∂f/∂x = 2·x³/sqrt\\(x⁴ \\+ y⁴\\)\\), though f is defined \\(f = 0\\)"
         "\nhint: try a point"),
        ("|x|^(1/3) + y", [0, 2], "an infinite slope along x there"),
        ("sqrt(x) + |y|", [0, 0], "not a real number just to the left of it along x"),
        ("sqrt(x)", [0], "infinite"),
        ("ln(x)", [-1], "not a real number"),
        ("e^x", [1000], "too large for floating point"),
    ],
)
def test_explain_at_refuses_points_without_a_gradient(text, point, fragment):
    with pytest.raises(SteepestError, match=fragment):
        gradient(text).explain_at(point)


def test_explain_at_smooth_points_of_non_smooth_functions():
    # x·|x| and |x|^(3/2) have a derivative at 0 although |x| does not (its one-sided
    # slopes there shrink with the step); max(x, y) away from x = y
    assert gradient("x|x|").explain_at([0]).values.tolist() == [0.0]
    assert gradient("|x|^(3/2) + y").explain_at([0, 1]).values.tolist() == [0.0, 1.0]
    assert gradient("max(x^2, 0)").explain_at([0]).values.tolist() == [0.0]
    assert gradient("max(x, y)").explain_at([2, 1]).values.tolist() == [1.0, 0.0]


def test_large_gradients_have_a_finite_norm_and_a_direction():
    at = gradient("e^x + e^y").explain_at([400, 400])
    assert math.isfinite(at.norm) and at.norm == pytest.approx(math.sqrt(2) * math.exp(400))
    np.testing.assert_allclose(at.direction, [2**-0.5, 2**-0.5])
    assert "|∇f| ≈ 7.38" in at.text()


def test_sign_has_a_zero_gradient_away_from_zero_and_none_at_zero():
    g = gradient("sign(x)")
    out = g(np.array([-2.0, 0.0, 3.0]))
    assert out[0, 0] == 0 and np.isnan(out[0, 1]) and out[0, 2] == 0


def test_numeric_gradient_near_the_edge_of_the_domain():
    approx = numeric_gradient(lambda p: math.log(p[0]) if p[0] > 0 else float("nan"), [1e-7])
    assert approx[0] == pytest.approx(1e7, rel=1e-4)
    with pytest.raises(SteepestError, match="both sides"):
        numeric_gradient(lambda p: math.sqrt(p[0]) if p[0] >= 0 else float("nan"), [0.0])


def test_a_number_is_a_point_for_one_variable():
    assert gradient("x^2", at=3.0).tolist() == [6.0]


def test_an_equation_without_variables_has_no_gradient():
    with pytest.raises(SteepestError, match="no variables"):
        gradient("5")
    assert gradient("f(x) = 5").components == (0,)


def test_explain_at_bounds_exact_evaluation_and_says_when_values_are_floats():
    # exact numbers past the parser's bounds are not computed: floats, said so
    at = gradient("x^y").explain_at([1.000001, 10**6])
    assert all(e is None for e in at.exact) and "floating-point" in at.text()
    assert at.value == pytest.approx(math.e, rel=1e-5)
    with pytest.raises(SteepestError, match="overflows to infinity in floating point"):
        gradient("exp(exp(x))").explain_at([100])
    # a gradient too small for floats is not called a stationary point
    assert "though it is not zero" in gradient("exp(-x)").explain_at([20000]).text()
    assert "a stationary point" in gradient("x^2").explain_at([0]).text()
