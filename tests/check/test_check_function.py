"""steepest.check_gradient_function: learners' numeric gradient functions, right and wrong."""

from __future__ import annotations

import textwrap

import numpy as np
import pytest

from steepest.check import check_gradient_function
from steepest.check._battery import SURFACES
from steepest.check.function import TOLERANCE, gradient_function_cases

CENTRAL = """
def gradient(f, point, h=1e-5):
    grad = []
    for i in range(len(point)):
        up, down = list(point), list(point)
        up[i] += h
        down[i] -= h
        grad.append((f(up) - f(down)) / (2 * h))
    return grad
"""


def run(body: str, name: str = "gradient"):
    namespace: dict = {}
    exec(textwrap.dedent(body), namespace)
    return check_gradient_function(namespace[name])


@pytest.mark.parametrize("key", sorted(SURFACES))
def test_each_python_function_matches_its_equation_text(key):
    import steepest

    surface = SURFACES[key]
    point = np.linspace(0.3, 0.9, surface.n)
    exact = steepest.gradient(surface.text, at=point)
    np.testing.assert_allclose(steepest.numeric_gradient(surface, point), exact, rtol=1e-7)
    assert surface(list(point)) == pytest.approx(float(steepest.parse(surface.text).at(point)))


def test_the_cases_hold_the_exact_gradients():
    by_name = {c.name: c for c in gradient_function_cases()}
    np.testing.assert_allclose(by_name["a bowl"].expected, [2.0, 12.0])
    np.testing.assert_allclose(by_name["one variable"].expected, [12.0])
    np.testing.assert_allclose(by_name["far from 0"].expected, [2000.0, -4000.0])
    np.testing.assert_allclose(by_name["at the minimum"].expected, [0.0, 0.0])
    x, y = 1.5, 0.5
    np.testing.assert_allclose(by_name["the seed's function"].expected,
                               [2 * x * np.sin(y), x**2 * np.cos(y)], rtol=1e-14)


def test_central_differences_from_a_file_are_right(tmp_path):
    path = tmp_path / "answer.py"
    path.write_text(CENTRAL)
    report = check_gradient_function(f"{path}:gradient")
    assert report.correct, str(report)


def test_a_numpy_answer_is_right_too():
    body = """
    import numpy as np

    def gradient(f, point, h=1e-6):
        point = np.asarray(point, dtype=float)
        return np.array([(f(point + h * e) - f(point - h * e)) / (2 * h)
                         for e in np.eye(len(point))])
    """
    assert run(body).correct


@pytest.mark.parametrize(
    ("body", "case", "words"),
    [
        (CENTRAL.replace("h=1e-5", "h=0.05"), "the seed's function", "is the step h too large"),
        (CENTRAL.replace("(f(up) - f(down))", "(f(down) - f(up))"), "a bowl", "sign is flipped"),
        (CENTRAL.replace("return grad", "return grad[::-1]"), "a bowl", "reverse order"),
        (CENTRAL.replace("return grad", "return grad[0]"), "a bowl", "returned 1 number"),
        (CENTRAL.replace("range(len(point))", "range(2)"), "one variable", "IndexError"),
        (CENTRAL.replace("2 * h", "h"), "a bowl", "∂f/∂x is off by 2"),
    ],
    ids=["rough", "sign", "reversed", "one number", "two only", "no half"],
)
def test_wrong_gradient_functions_are_caught(body, case, words):
    report = run(body)
    wrong = report.first_wrong
    assert wrong is not None and wrong.case.name == case, str(report)
    assert words in (wrong.problem + (wrong.outcome.error or ""))


def test_the_tolerance_is_what_the_exercise_states():
    assert TOLERANCE == 1e-4
    body = CENTRAL.replace("return grad", "return [g + 0.9e-4 * (1 + abs(g)) for g in grad]")
    assert run(body).correct
    body = CENTRAL.replace("return grad", "return [g + 1.1e-4 * (1 + abs(g)) for g in grad]")
    assert not run(body).correct
