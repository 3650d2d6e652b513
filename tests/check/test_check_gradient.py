"""steepest.check_gradient: gradients computed by hand, in many written forms, right and wrong."""

from __future__ import annotations

import math

import pytest
import sympy

import steepest
from steepest.check import check_gradient
from steepest.errors import EquationError, SteepestError

SEED = "x^2 sin(y)"


@pytest.mark.parametrize(
    "answer",
    [
        "2x sin(y), x^2 cos(y)",
        "sin(y)*2*x, x^2*cos(y)",
        "2*x*sin(y), x^2 cos(y)",
        "2xsin(y), x^2cos(y)",
        "2x sin(y); x^2 cos(y)",
        "(2x sin(y), x^2 cos(y))",
        "[x*sin(y)*2, cos(y)*x*x]",
        "∇f = (2x sin(y), x^2 cos(y))",
        "∂f/∂x = 2x sin(y); ∂f/∂y = x^2 cos(y)",
        "∂f/∂y = x^2 cos(y); ∂f/∂x = 2x sin(y)",
        "df/dx = 2x sin(y), df/dy = x^2 cos(y)",
        "f_x: 2x sin(y); f_y: x^2 cos(y)",
        ["2x sin(y)", "x^2 cos(y)"],
        ("2*x*sin(y)", "x**2*cos(y)"),
        {"y": "x^2 cos(y)", "x": "2 x sin(y)"},
    ],
)
def test_right_answers_in_many_written_forms(answer):
    report = check_gradient(SEED, answer)
    assert report.correct, report.text()
    assert [c.variable for c in report.components] == ["x", "y"]
    assert report.text().endswith("All right.")


def test_sympy_expressions_are_accepted():
    x, y = sympy.symbols("x y", real=True)
    assert check_gradient(SEED, [2 * x * sympy.sin(y), x**2 * sympy.cos(y)]).correct


def test_an_answer_that_only_simplification_shows_equal_is_right():
    report = check_gradient("sin(x)^2 y", "sin(2x) y, sin(x)^2")
    assert report.correct, report.text()
    assert report.components[0].method == "symbolic"


def test_without_simplification_agreement_at_points_decides(monkeypatch):
    monkeypatch.setattr("steepest.check._compare.SIMPLIFY_MAX_NODES", 0)
    report = check_gradient("sin(x)^2 y", "sin(2x) y, sin(x)^2")
    assert report.correct
    assert report.components[0].method == "numeric"
    assert "checked numerically" in report.text()


@pytest.mark.parametrize(
    ("answer", "wrong", "words"),
    [
        ("x sin(y), x^2 cos(y)", ["x"], "1/2 times"),
        ("2x, x^2 cos(y)", ["x"], "a factor sin(y) is missing"),
        ("2x sin(y) cos(y), x^2 cos(y)", ["x"], "extra factor cos(y)"),
        ("2x sin(y), -x^2 cos(y)", ["y"], "the sign is wrong"),
        ("x^2 cos(y), 2x sin(y)", ["x", "y"], "swapped"),
        ("2x sin(y), 2x sin(y)", ["y"], "this is ∂f/∂x, the derivative with respect to x"),
        ("2x sin(y), x^2 sin(y)", ["y"], "this is f itself"),
        ("2x cos(y), x^2 cos(y)", ["x"], None),
    ],
    ids=["missing 2", "missing sin", "extra cos", "sign", "swapped", "wrong variable", "f",
         "other"],
)
def test_wrong_answers_are_caught_with_the_right_component_named(answer, wrong, words):
    report = check_gradient(SEED, answer)
    assert not report.correct
    assert [c.variable for c in report.wrong] == wrong
    first = report.wrong[0]
    if words is None:
        assert first.diagnosis is None
    else:
        assert words in first.diagnosis
    text = report.text()
    assert f"✗ ∂f/∂{wrong[0]}: you gave" in text
    right = [v for v in "xy" if v not in wrong]
    for v in right:
        assert f"✓ ∂f/∂{v} = " in text


def test_the_point_shown_is_where_the_values_really_differ():
    report = check_gradient(SEED, "2x, x^2 cos(y)")
    c = report.components[0]
    x, y = (float(p) for p in c.point)
    assert c.expected_value == pytest.approx(2 * x * math.sin(y), rel=1e-12)
    assert c.given_value == pytest.approx(2 * x, rel=1e-12)
    assert c.difference == pytest.approx(2 * x - 2 * x * math.sin(y), rel=1e-9)
    assert abs(c.difference) >= 0.1 * max(1, abs(c.expected_value))  # plain to see
    at = ", ".join(sympy.sstr(p) for p in c.point)
    assert f"at (x, y) = ({at}): right {c.expected_value:.6g}" in report.text()


def test_the_hint_is_the_first_step_of_the_derivation():
    report = check_gradient(SEED, "2x sin(y), -x^2 cos(y)")
    hint = report.components[1].hint
    assert hint.splitlines()[0] == "∂f/∂y, with x held constant:"
    assert "constant multiple" in hint
    derivation = report.derivations()[1].text()
    assert derivation.startswith(hint)
    shown = report.text()
    assert all(line.strip() in shown for line in hint.splitlines())
    steps = report.text(show_steps=True)
    assert derivation in steps and report.derivations()[0].text() in steps


def test_the_right_derivative_is_shown_only_on_request():
    report = check_gradient(SEED, "2x sin(y), -x^2 cos(y)")
    assert "the right one is" not in report.text()
    assert "the right one is x²·cos(y)" in report.text(reveal=True)
    assert "the right one is x²·cos(y)" in report.text(show_steps=True)
    assert report.to_dict()["components"][1]["expected"] is None
    assert report.to_dict(reveal=True)["components"][1]["expected"] == "x²·cos(y)"


@pytest.mark.parametrize(
    ("equation", "answer", "rule", "hidden"),
    [("x^2", "3x", "use the power rule", "2·x"), ("sin(x)", "-cos(x)", "trigonometric", "cos")],
)
def test_a_hint_of_one_step_names_the_rule_without_the_answer(equation, answer, rule, hidden):
    report = check_gradient(equation, answer)
    hint = report.components[0].hint
    assert rule in hint and hidden not in hint
    shown = [line for line in report.text().splitlines() if "you gave" not in line]
    assert not any(hidden in line for line in shown), report.text()


def test_a_function_of_one_variable():
    assert check_gradient("x^3", "3x^2").correct
    report = check_gradient("x^3", "x^2")
    assert not report.correct
    assert "yours is 1/3 times" in report.components[0].diagnosis
    assert "at x = " in report.text() and report.text().endswith("Not right.")


def test_points_stay_in_the_domain_of_the_right_answer():
    assert check_gradient("ln(x) + sqrt(y - 5)", "1/x, 1/(2 sqrt(y - 5))").correct
    report = check_gradient("ln(x)", "1/(2x)")
    assert not report.correct and float(report.components[0].point[0]) > 0


def test_an_answer_undefined_where_the_right_one_is_defined_is_wrong():
    report = check_gradient("x^2", "2x + sqrt(x) - sqrt(abs(x))")  # 2x for x ≥ 0 only
    assert not report.correct
    assert report.components[0].given_value is None
    assert "yours undefined" in report.text()


def test_variables_can_be_given_and_ordered():
    report = check_gradient("x^2 sin(y)", "x^2 cos(y), 2x sin(y)", variables=["y", "x"])
    assert report.correct
    assert [c.variable for c in report.components] == ["y", "x"]


@pytest.mark.parametrize(
    ("answer", "words"),
    [
        ("2x sin(y)", "1 partial derivative given, but f(x, y)"),
        ("2x sin(y), x^2 cos(y), 0", "3 partial derivatives given"),
        ("2x sin(y), z^2 cos(y)", "uses z, which is not a variable"),
        ("∂f/∂z = 1; ∂f/∂x = 2", "names the variable 'z'"),
        ("∂f/∂x = 2x sin(y); x^2 cos(y)", "has no label while other parts do"),
        ("∂f/∂x = 2x sin(y); ∂f/∂x = 2x sin(y)", "given twice"),
        ("∂f/∂x = 2x sin(y)", "no partial derivative with respect to y"),
        ("2x sin(y), ", "1 partial derivative given"),
        (["2x sin(y)", ""], "is empty"),
        ({"x": "2x sin(y)", "t": "0"}, "'t' is not a variable"),
    ],
)
def test_unusable_answers_get_a_plain_explanation(answer, words):
    with pytest.raises(SteepestError) as caught:
        check_gradient(SEED, answer)
    assert words in str(caught.value)


def test_an_unreadable_answer_is_an_equation_error_naming_the_component():
    with pytest.raises(EquationError, match="∂f/∂y"):
        check_gradient(SEED, "2x sin(y), x^^2 cos(y)")


@pytest.mark.parametrize(
    ("answer", "column", "words"),
    [("(2x sin(y), x^2 cos(y)", 0, "'(' is never closed"),
     ("2x sin(y)), x^2 cos(y)", 9, "')' closes nothing")],
)
def test_unbalanced_brackets_are_shown_with_a_caret(answer, column, words):
    with pytest.raises(EquationError) as caught:
        check_gradient(SEED, answer)
    lines = str(caught.value).splitlines()
    assert words in lines[0]
    assert lines[1] == "    " + answer and lines[2] == "    " + " " * column + "^"


def test_a_wrong_type_is_a_type_error():
    with pytest.raises(TypeError, match="answer must be text"):
        check_gradient(SEED, 3)


def test_it_is_exported_from_steepest():
    assert steepest.check_gradient is check_gradient
    assert "check_gradient" in dir(steepest)
    report = check_gradient(SEED, "2x sin(y), 0")
    assert repr(report) == "<GradientCheck f(x, y) = x²·sin(y): ✓x ✗y>"


@pytest.mark.parametrize("offset", ["+ 1e-12", "+ 1e-15", "- 1e-15", "+ 1e-30", "+ 3/10^40"])
def test_a_right_answer_off_by_a_tiny_constant_is_wrong(offset):
    report = check_gradient(SEED, f"2x sin(y) {offset}, x^2 cos(y)")
    assert not report.correct, report.text()
    c = report.components[0]
    assert not c.correct and report.components[1].correct
    more = "minus" if offset.startswith("-") else "plus"
    assert c.diagnosis.startswith(f"yours is the right one {more} the constant")
    assert c.point is not None
    size = float(sympy.sympify(offset.split()[1].replace("^", "**")))
    assert abs(c.difference) == pytest.approx(size, rel=1e-6)  # not lost in floats
    assert "All right." not in report.text()


def test_a_tiny_constant_offset_is_wrong_without_simplification_too(monkeypatch):
    monkeypatch.setattr("steepest.check._compare.SIMPLIFY_MAX_NODES", 0)
    report = check_gradient(SEED, "2x sin(y) + 1e-12, x^2 cos(y)")
    assert not report.components[0].correct
    assert report.components[0].method == "numeric"


def test_a_tiny_offset_that_is_not_constant_is_wrong():
    report = check_gradient(SEED, "2x sin(y) + 1e-13 x, x^2 cos(y) - 1e-14 y^2")
    assert [c.correct for c in report.components] == [False, False]


@pytest.mark.parametrize(
    "answer",
    [
        "2*x*sin(y), x^2 cos(y)",
        "sin(y)*x*2, cos(y)*x^2",
        "x sin(y) + x sin(y), x^2 cos(y) + 1e-12 - 10^-12",
        "2x sin(y), x^2 (cos(y/2)^2 - sin(y/2)^2)",
    ],
)
def test_a_right_answer_written_differently_is_still_right(answer):
    report = check_gradient(SEED, answer)
    assert report.correct, report.text()
    assert [c.method for c in report.components] == ["symbolic", "symbolic"]


def test_an_identity_true_on_part_of_the_domain_only_is_wrong():
    # sqrt(1 - sin(y)^2) is |cos(y)|: right where cos(y) >= 0, wrong (and shown) elsewhere
    report = check_gradient(SEED, "2x sin(y), x^2 (1 - sin(y)^2)^(1/2)")
    c = report.components[1]
    assert not c.correct, report.text()
    y = float(c.point[1])
    assert math.cos(y) < 0
    assert c.given_value == pytest.approx(-c.expected_value)
