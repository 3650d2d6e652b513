"""steepest.check_descent: learners' gradient-descent steps and loops, right and wrong."""

from __future__ import annotations

import textwrap

import numpy as np
import pytest

from steepest.check import check_descent
from steepest.check._battery import BowlGradient
from steepest.check.descent import loop_cases, step_cases

RIGHT = """
def step(x, grad, learning_rate):
    return x - learning_rate * grad

def descend(grad_f, start, learning_rate, steps):
    x = start
    for _ in range(steps):
        x = step(x, grad_f(x), learning_rate)
    return x
"""


def write(tmp_path, body: str) -> str:
    path = tmp_path / "answer.py"
    path.write_text(textwrap.dedent(body))
    return str(path)


def test_step_cases_are_x_minus_learning_rate_times_the_bowls_gradient():
    for case in step_cases():
        x, grad, rate = case.inputs["x"], case.inputs["grad"], case.inputs["learning_rate"]
        np.testing.assert_allclose(case.expected, x - rate * grad, rtol=1e-15)
    rates = {c.inputs["learning_rate"] for c in step_cases()}
    assert len(rates) >= 3  # a hard-coded learning rate cannot pass
    assert {c.inputs["x"].size for c in step_cases()} == {1, 2, 3}


def test_loop_cases_follow_the_step_and_reach_the_minimum():
    for case in loop_cases():
        grad_f, start, rate, steps = case.inputs.values()
        x = start.copy()
        for _ in range(steps):
            x = x - rate * grad_f(x)
        np.testing.assert_allclose(case.expected, x, rtol=1e-12, atol=1e-15)
    reach = next(c for c in loop_cases() if c.name == "reach the minimum")
    np.testing.assert_allclose(reach.expected, reach.inputs["grad_f"].center, atol=1e-6)


def test_the_bowl_gradient_is_its_functions_gradient():
    grad_f = BowlGradient((1.0, -2.0), (1.0, 5.0))
    def f(x):
        return (x[0] - 1) ** 2 + 5 * (x[1] + 2) ** 2
    x, h = np.array([0.3, 0.7]), 1e-6
    numeric = [(f(x + h * e) - f(x - h * e)) / (2 * h) for e in np.eye(2)]
    np.testing.assert_allclose(grad_f(x), numeric, rtol=1e-7)


def test_right_step_and_loop_from_a_file(tmp_path):
    path = write(tmp_path, RIGHT)
    report = check_descent(path, loop=path)  # the names default to step and descend
    assert report.correct, str(report)
    assert len(report.results) == len(step_cases()) + len(loop_cases())
    assert report.target == f"{path}:step and {path}:descend"


def test_an_in_place_step_is_right():
    def step(x, grad, learning_rate):
        x -= learning_rate * grad
        return x

    assert check_descent(step).correct


@pytest.mark.parametrize(
    ("body", "case", "words"),
    [
        ("return x + learning_rate * grad", "step: one step on a bowl", "uphill"),
        ("return x - 0.1 * grad", "step: another learning rate", "fixed 0.1"),
        ("return x - grad", "step: one step on a bowl", "learning rate is missing"),
        ("return -learning_rate * grad", "step: one step on a bowl", "return the new point"),
        ("return x", "step: one step on a bowl", "unchanged"),
        ("return list(x - learning_rate * grad)[:1]", "step: one step on a bowl", "shape (1,)"),
        ("return 'x'", "step: one step on a bowl", "returned 'x'"),
    ],
)
def test_wrong_steps_are_caught_at_the_right_case(body, case, words):
    namespace: dict = {}
    exec(f"def step(x, grad, learning_rate):\n    {body}\n", namespace)
    report = check_descent(namespace["step"])
    assert not report.correct
    assert report.first_wrong.case.name == case, str(report)
    assert words in report.first_wrong.problem, report.first_wrong.problem


@pytest.mark.parametrize(
    ("loop", "case", "words"),
    [
        ("for _ in range(steps - 1):\n        x = x - learning_rate * grad_f(x)\n    return x",
         "loop: one step", "too few"),
        ("for _ in range(steps + 1):\n        x = x - learning_rate * grad_f(x)\n    return x",
         "loop: one step", "too many"),
        ("return x - learning_rate * grad_f(x)", "loop: ten steps", "first step only"),
        ("path = [x]\n    for _ in range(steps):\n        x = x - learning_rate * grad_f(x)\n"
         "        path.append(x)\n    return path", "loop: one step", "not the path"),
        ("for _ in range(steps):\n        x = x - learning_rate * grad_f(start)\n    return x",
         "loop: ten steps", "off by"),
    ],
)
def test_wrong_loops_are_caught_at_the_right_case(loop, case, words):
    namespace: dict = {}
    exec(f"def descend(grad_f, start, learning_rate, steps):\n    x = start\n    {loop}\n",
         namespace)
    report = check_descent(lambda x, g, r: x - r * g, loop=namespace["descend"])
    assert [r.ok for r in report.results[: len(step_cases())]] == [True] * len(step_cases())
    assert report.first_wrong.case.name == case, str(report)
    assert words in report.first_wrong.problem, report.first_wrong.problem


def test_a_loop_that_never_ends_is_reported_and_the_step_still_checked(tmp_path):
    path = write(tmp_path, RIGHT + "\ndef forever(grad_f, start, learning_rate, steps):\n"
                 "    while True:\n        start = start - learning_rate * grad_f(start)\n")
    report = check_descent(path, loop=path + ":forever", timeout=2)
    assert all(r.ok for r in report.results[:-1])
    assert report.results[-1].outcome.timed_out
    assert len(report.not_run) == len(loop_cases()) - 1
    assert "did not return within 2 s" in str(report)
