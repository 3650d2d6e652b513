"""steepest.calculus.derivations: every rule alone and in combination, checked against SymPy."""

from __future__ import annotations

import itertools

import pytest
import sympy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from steepest.calculus import derivations as steps
from steepest.calculus.derivations import RULES, Derivation, _equal, derive, derive_all
from steepest.errors import SteepestError

x, y, z = sympy.symbols("x y z", real=True)


def reference(expr: sympy.Expr, var: sympy.Symbol) -> sympy.Expr:
    """SymPy's derivative, or a central difference where SymPy leaves it unevaluated."""
    derivative = sympy.diff(expr, var)
    if derivative.has(sympy.Derivative):
        return steps._central_difference(expr, var)
    return derivative


def evaluate(expr: sympy.Expr, var: sympy.Symbol) -> sympy.Expr:
    """``expr`` with every pending derivative replaced by its :func:`reference`."""
    return expr.xreplace({p: reference(p.expr, var) for p in expr.atoms(sympy.Derivative)})


def check(d: Derivation, *, symbolic: bool = True) -> Derivation:
    """Every step and every line of ``d`` is right: the reference is sympy.diff.

    Steps are checked by simplifying the difference, else numerically (numerically only
    when ``symbolic`` is false); lines numerically.
    """
    var = d.variable
    assert _equal(d.result, reference(d.expr, var), domain=d.expr)
    assert d.steps, "a derivation has at least one step"
    assert d.steps[0].before == d.expr and d.steps[0].depth == 0
    for step in d.steps:
        assert step.rule in RULES
        assert step.explanation
        derivative = reference(step.before, var)
        assert _equal(step.after, derivative, domain=step.before, symbolic=symbolic), step
        applied = evaluate(step.applied, var)
        assert _equal(applied, step.after, domain=step.before, symbolic=symbolic), step
    for _, line in d.lines():  # every line is the same derivative: check it with numbers
        assert _equal(evaluate(line, var), d.result, domain=d.expr, symbolic=False)
    # depth grows by one at most: each step belongs to the step above it
    depths = [s.depth for s in d.steps]
    assert all(b <= a + 1 for a, b in itertools.pairwise(depths))
    return d


# -- the seed's example -------------------------------------------------------------
def test_seed_example_gives_the_two_partial_derivatives_exactly() -> None:
    f = x**2 * sympy.sin(y)
    dx, dy = derive_all(f, (x, y))
    assert dx.variable == x and dy.variable == y
    assert dx.result == 2 * x * sympy.sin(y)
    assert dy.result == x**2 * sympy.cos(y)
    assert dx.rules == ("constant multiple", "power")
    assert dx.text().startswith("∂f/∂x, with y held constant:")
    assert "treat y as constant, so sin(y) is a constant factor" in dx.steps[0].explanation
    assert dy.rules == ("constant multiple", "trigonometric")
    assert "x² is a constant factor" in dy.text()
    check(dx), check(dy)


def test_seed_example_text() -> None:
    text = derive(x**2 * sympy.sin(y), y, (x, y)).text()
    assert text.splitlines() == [
        "∂f/∂y, with x held constant:",
        "  ∂/∂y(x²·sin(y))",
        "      constant multiple: treat x as constant, so x² is a constant factor",
        "    = x²·∂/∂y(sin(y))",
        "      trigonometric rule: ∂/∂y sin(y) = cos(y)",
        "    = x²·cos(y)",
    ]


# -- every rule on its own -------------------------------------------------------------
@pytest.mark.parametrize(
    ("expr", "rule", "expected"),
    [
        (sympy.Integer(7), "constant", 0),
        (sympy.pi, "constant", 0),
        (sympy.sin(y), "held constant", 0),
        (x, "variable", 1),
        (x**3, "power", 3 * x**2),
        (1 / x, "power", -1 / x**2),
        (x ** sympy.Rational(3, 2), "power", sympy.Rational(3, 2) * sympy.sqrt(x)),
        (sympy.sqrt(x), "square root", 1 / (2 * sympy.sqrt(x))),
        (sympy.exp(x), "exponential", sympy.exp(x)),
        (sympy.E**x, "exponential", sympy.exp(x)),
        (2**x, "exponential", 2**x * sympy.log(2)),
        (sympy.log(x), "logarithm", 1 / x),
        (sympy.log(x, 2), "logarithm", 1 / (x * sympy.log(2))),
        (sympy.sin(x), "trigonometric", sympy.cos(x)),
        (sympy.cos(x), "trigonometric", -sympy.sin(x)),
        (sympy.tan(x), "trigonometric", sympy.tan(x) ** 2 + 1),
        (sympy.sec(x), "trigonometric", sympy.tan(x) * sympy.sec(x)),
        (sympy.asin(x), "inverse trigonometric", 1 / sympy.sqrt(1 - x**2)),
        (sympy.atan(x), "inverse trigonometric", 1 / (x**2 + 1)),
        (sympy.sinh(x), "hyperbolic", sympy.cosh(x)),
        (sympy.tanh(x), "hyperbolic", 1 - sympy.tanh(x) ** 2),
        (sympy.asinh(x), "inverse hyperbolic", 1 / sympy.sqrt(x**2 + 1)),
        (sympy.Abs(x), "absolute value", sympy.sign(x)),
        (sympy.erf(x), "other", 2 * sympy.exp(-(x**2)) / sympy.sqrt(sympy.pi)),
        (sympy.atan2(y, x), "other", -y / (x**2 + y**2)),
        (sympy.Max(x, y), "other", sympy.Heaviside(x - y)),
    ],
)
def test_each_rule_alone(expr: sympy.Expr, rule: str, expected: sympy.Expr) -> None:
    d = check(derive(expr, x))
    assert d.steps[0].rule == rule
    assert len(d.steps) == 1
    assert _equal(d.result, sympy.sympify(expected))


@pytest.mark.parametrize(
    ("expr", "first", "then"),
    [
        (3 * x**2, "constant multiple", {"power"}),
        (-sympy.sin(x), "constant multiple", {"trigonometric"}),
        (y * sympy.exp(x), "constant multiple", {"exponential"}),
        (x**2 + y**2, "sum", {"power", "held constant"}),
        (x**2 - 3 * x + 1, "sum", {"power", "variable", "constant"}),
        (x * sympy.sin(x), "product", {"variable", "trigonometric"}),
        (x * sympy.exp(x) * sympy.log(x), "product", {"variable", "exponential", "logarithm"}),
        (sympy.sin(x) / x, "quotient", {"trigonometric", "variable"}),
        (1 / (x * sympy.sin(x)), "quotient", {"constant", "product"}),
        (sympy.sin(x**2), "chain", {"power"}),
        (sympy.sqrt(x**2 + 1), "chain", {"sum", "constant", "power"}),
        (sympy.exp(-(x**2)), "chain", {"constant multiple", "power"}),
        (sympy.log(x**2 + 1, 10), "chain", {"sum", "power"}),
        (sympy.Abs(x**2 - 4), "chain", {"sum", "power"}),
        (1 / (x**2 + 1), "chain", {"sum", "power"}),
        (x**x, "general power", {"variable"}),
        (sympy.sin(x) ** x, "general power", {"trigonometric", "variable"}),
    ],
)
def test_rules_that_lead_to_more_steps(expr: sympy.Expr, first: str, then: set[str]) -> None:
    d = check(derive(expr, x))
    assert d.steps[0].rule == first
    assert then <= set(d.rules)
    assert {s.depth for s in d.steps[1:]} >= {1}


def test_difference_is_a_sum_rule_saying_difference() -> None:
    d = check(derive(x**2 - sympy.sin(x), x))
    assert d.steps[0].rule == "sum"
    assert "difference" in d.steps[0].explanation


def test_chain_names_outer_and_inner_functions() -> None:
    d = check(derive(sympy.sin(x**2), x))
    assert d.steps[0].explanation.startswith(
        "chain rule: the outer function is sin(u), the inner is u = x²"
    )
    assert d.steps[1].explanation == "power rule: d/dx x² = 2·x"


def test_chain_avoids_a_name_already_in_the_expression() -> None:
    u = sympy.Symbol("u", real=True)
    d = check(derive(sympy.sin(u * x), x))
    assert "the inner is w = u·x" in d.steps[0].explanation


def test_chain_inside_product_inside_quotient() -> None:
    expr = x * sympy.sin(x**2) / (1 + sympy.exp(3 * x))
    d = check(derive(expr, x))
    assert d.steps[0].rule == "quotient"
    assert {"product", "chain", "power", "sum", "constant multiple"} <= set(d.rules)
    chains = [s for s in d.steps if s.rule == "chain"]
    assert [s.depth for s in chains] == [2, 2]  # quotient > product > chain, quotient > sum > chain
    assert "sin(u)" in chains[0].explanation and "exponential rule" in chains[1].explanation


def test_partial_derivative_holds_other_variables_constant() -> None:
    f = x * y * z + sympy.exp(y * z) + x**2 * sympy.cos(z)
    for var in (x, y, z):
        d = check(derive(f, var, (x, y, z)))
        assert d.partial
        assert var not in d.held_constant and len(d.held_constant) == 2


def test_single_variable_uses_d_not_partial() -> None:
    d = derive(x**2, x, (x,))
    assert not d.partial
    assert d.text().startswith("df/dx:")
    assert "\\frac{d}{d x}" in d.latex()


def test_text_heading_names_the_function() -> None:
    assert derive(x**2 + y, x).text(name="g").startswith("∂g/∂x, with y held constant:")


# -- rendering -------------------------------------------------------------------------
def test_lines_replace_one_pending_derivative_at_a_time() -> None:
    d = derive(x * sympy.sin(x), x)
    lines = d.lines()
    assert lines[0] == (None, sympy.Derivative(x * sympy.sin(x), x, evaluate=False))
    assert [step.rule for step, _ in lines[1:]] == ["product", "variable", "trigonometric"]
    assert not lines[-1][1].has(sympy.Derivative)


def test_latex_is_an_align_block_with_one_rule_per_line() -> None:
    d = derive(x**2 * sympy.sin(y), x, (x, y))
    latex = d.latex()
    assert latex.startswith("\\begin{align}\n") and latex.endswith("\n\\end{align}")
    body = latex.splitlines()[1:-1]
    assert len(body) == len(d.lines()) - 1
    assert all("&=" in line and "\\text{" in line for line in body)
    assert body[0].startswith("\\frac{\\partial}{\\partial x}\\left(x^{2} \\sin{\\left(y \\right)}")
    assert "\\text{constant multiple}" in body[0] and "\\text{power rule}" in body[1]
    assert d._repr_latex_() == latex


def test_latex_uses_ln() -> None:
    assert "\\ln" in derive(x**x, x).latex()


def test_simplified_result_is_shown_as_a_last_line() -> None:
    d = check(derive(sympy.exp(x) * sympy.sin(x**2), x))
    assert d.result == (2 * x * sympy.cos(x**2) + sympy.sin(x**2)) * sympy.exp(x)
    step, last = d.lines()[-1]
    assert step is None and last == d.result
    assert d.text().splitlines()[-2:] == ["      simplify", "    = (2·x·cos(x²) + sin(x²))·exp(x)"]


def test_terms_that_cancel_give_zero() -> None:
    d = check(derive(sympy.sin(x) ** 2 + sympy.cos(x) ** 2, x))
    assert d.result == 0 and d.lines()[-1][1] == 0


# -- bounds ----------------------------------------------------------------------------
def test_long_derivations_are_summarised_within_max_steps() -> None:
    expr = sum(sympy.sin(k * x) * x**k for k in range(1, 30))
    d = derive(expr, x, max_steps=20)
    assert len(d.steps) <= 20
    assert d.summarised
    assert "in one go" in d.text()
    assert _equal(d.result, sympy.diff(expr, x))
    for step in d.steps:
        assert _equal(step.applied.doit(), step.after)


def test_a_sum_with_more_terms_than_steps_is_one_step() -> None:
    expr = sum(x**k for k in range(1, 60))
    d = derive(expr, x)
    assert len(d.steps) == 1
    assert d.steps[0].rule == "sum" and d.summarised


def test_max_steps_one_gives_one_step_with_the_rule() -> None:
    d = derive(sympy.sin(x**2), x, max_steps=1)
    assert [s.rule for s in d.steps] == ["chain"]
    assert d.result == 2 * x * sympy.cos(x**2)


def test_short_derivations_are_not_summarised() -> None:
    assert not derive(x * sympy.sin(x), x).summarised


# -- errors ------------------------------------------------------------------------------
def test_wrong_types_are_type_errors() -> None:
    with pytest.raises(TypeError, match="expr must be a SymPy expression"):
        derive("x^2", x)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="variable must be a SymPy Symbol"):
        derive(x**2, "x")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="variables must be SymPy Symbols; got 'y'"):
        derive(x**2, x, (x, "y"))  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="known functions; g is undefined"):
        derive(sympy.Function("g")(x), x)
    with pytest.raises(TypeError, match="max_steps must be an int"):
        derive(x**2, x, max_steps=2.5)  # type: ignore[arg-type]


def test_max_steps_below_one_is_refused() -> None:
    with pytest.raises(SteepestError, match="max_steps must be at least 1; got 0"):
        derive(x**2, x, max_steps=0)


def test_a_wrong_derivation_is_an_internal_error(monkeypatch: pytest.MonkeyPatch) -> None:
    def wrong(expr, variable, *, partial, max_steps):
        return 3 * variable, [], False

    monkeypatch.setattr(steps, "walk", wrong)
    with pytest.raises(RuntimeError, match=r"internal error.*bug"):
        derive(x**2, x)


def test_equal_checks_numerically_when_not_simplifying(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(steps, "_SIMPLIFY_MAX_NODES", 0)
    assert _equal(sympy.sin(x) ** 2 + sympy.cos(x) ** 2, sympy.Integer(1))
    assert _equal(sympy.log(x**2), 2 * sympy.log(sympy.Abs(x)))
    assert not _equal(sympy.sin(x) ** 2, sympy.sin(x))
    assert not _equal(x * y, x * y + sympy.Float("1e-6"))


def test_equal_compares_inside_the_real_domain_when_given() -> None:
    # |ln(x)| is real for x > 0 only; there d/dx |ln(x)| = sign(ln(x))/x, and SymPy's
    # form of the derivative differs from that one only where ln(x) is not real
    f = sympy.Abs(sympy.log(x))
    assert _equal(sympy.sign(sympy.log(x)) / x, sympy.diff(f, x), domain=f)
    assert not _equal(sympy.sign(sympy.log(x)) / x, sympy.diff(f, x))
    assert not _equal(sympy.sqrt(x), sympy.sqrt(sympy.Abs(x)))
    assert not _equal(sympy.sqrt(x), -sympy.sqrt(x), domain=sympy.sqrt(x))


def test_equal_falls_back_to_complex_values_off_the_real_domain() -> None:
    f = sympy.log(-(x**2) - 1)  # never real
    assert _equal(sympy.diff(f, x), 2 * x / (x**2 + 1), domain=f, symbolic=False)
    assert not _equal(sympy.diff(f, x), -2 * x / (x**2 + 1), domain=f, symbolic=False)


def test_where_sympy_leaves_the_derivative_unevaluated() -> None:
    # SymPy does not differentiate sign(ln(x)) (ln(x) may not be real); on x > 0 the
    # derivative is 2·δ(ln(x))/x, checked against central differences
    f = sympy.sign(sympy.log(x))
    assert sympy.diff(f, x).has(sympy.Derivative)
    d = check(derive(f, x))
    assert d.result == 2 * sympy.DiracDelta(sympy.log(x)) / x
    assert d.rules == ("chain", "logarithm")


def test_central_difference_is_accurate() -> None:
    f = sympy.exp(x) * sympy.sin(x)
    assert _equal(steps._central_difference(f, x), sympy.diff(f, x), symbolic=False)
    assert not _equal(steps._central_difference(f, x), f, symbolic=False)


def test_abs_of_a_function_real_on_part_of_the_line() -> None:
    d = check(derive(sympy.Abs(sympy.log(x)), x))
    assert d.steps[0].rule == "chain"


# -- the gradient and the command line -------------------------------------------------
def needs_parser() -> None:
    import steepest

    try:
        steepest.parse("x")
    except ImportError:  # pragma: no cover - while the parser is being written
        pytest.skip("the equation parser is not there yet")


def test_gradient_steps_are_derivations() -> None:
    needs_parser()
    import steepest

    derivations = steepest.gradient("x^2 sin(y)").steps()
    assert [d.result for d in derivations] == [2 * x * sympy.sin(y), x**2 * sympy.cos(y)]


def test_cli_grad_steps(capsys: pytest.CaptureFixture[str]) -> None:
    needs_parser()
    from steepest.cli import main

    assert main(["grad", "x^2 sin(y)", "--steps"]) == 0
    out = capsys.readouterr().out
    assert "∂f/∂x, with y held constant:" in out
    assert "trigonometric rule: ∂/∂y sin(y) = cos(y)" in out


# -- random expressions ------------------------------------------------------------------
_UNARY = (
    sympy.sin, sympy.cos, sympy.sec, sympy.exp, sympy.log, sympy.sqrt, sympy.atan, sympy.asin,
    sympy.tanh, sympy.cosh, sympy.asinh, sympy.Abs, sympy.sign, sympy.erf,
    lambda u: -u, lambda u: u**2, lambda u: 1 / u, lambda u: 2**u, lambda u: sympy.log(u, 3),
)  # fmt: skip
_BINARY = (
    lambda a, b: a + b, lambda a, b: a - b, lambda a, b: a * b, lambda a, b: a / b,
    lambda a, b: a**3 * b, lambda a, b: a**b, lambda a, b: _max(a, b), sympy.atan2,
)  # fmt: skip


def _max(a: sympy.Expr, b: sympy.Expr) -> sympy.Expr:
    try:
        return sympy.Max(a, b)
    except ValueError:  # SymPy refuses Max of a number that is not real
        return a + b


_LEAVES = st.sampled_from([x, y, sympy.Integer(2), sympy.Rational(1, 2), 3 * x, x + 1])


def _grow(children: st.SearchStrategy[sympy.Expr]) -> st.SearchStrategy[sympy.Expr]:
    unary = st.tuples(st.sampled_from(_UNARY), children).map(lambda t: t[0](t[1]))
    binary = st.tuples(st.sampled_from(_BINARY), children, children).map(lambda t: t[0](t[1], t[2]))
    return unary | binary


expressions = st.recursive(_LEAVES, _grow, max_leaves=6).filter(
    lambda e: e.has(x) and not e.has(sympy.zoo, sympy.nan)
)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(expressions, st.sampled_from([x, x, y]))
def test_random_expressions_match_sympy(expr: sympy.Expr, var: sympy.Symbol) -> None:
    # derive() itself checks the result symbolically; the steps are checked with numbers
    # here to keep the test quick (the tests above check steps symbolically)
    check(derive(expr, var, (x, y)), symbolic=False)
