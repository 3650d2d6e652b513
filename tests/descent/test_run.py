"""Tests of steepest.descent: answers checked against analytic minima and maxima."""

from __future__ import annotations

import dataclasses
import inspect
import math

import numpy as np
import pytest

from steepest import gradient, maximize, minimize, parse
from steepest.descent.optimizers import Adam
from steepest.descent.result import STATUSES, Result
from steepest.descent.testfunctions import SURFACES, surface
from steepest.errors import DescentError

# Settings with which each optimizer must solve every convex quadratic below (tol 1e-6).
# RMSProp and Adam take steps of about η·sign(g) near the bottom, so RMSProp gets a decaying
# schedule; without one it circles the minimum at a distance of about η.
QUADRATIC = {
    "gd": {"learning_rate": 0.03, "max_iter": 2000},
    "momentum": {"learning_rate": 0.01, "max_iter": 2000},
    "nesterov": {"learning_rate": 0.01, "max_iter": 2000},
    "adagrad": {"learning_rate": 1.0, "max_iter": 2000},
    "rmsprop": {"learning_rate": 0.1, "max_iter": 2000, "schedule": "inverse_time"},
    "adam": {"learning_rate": 0.1, "max_iter": 3000},
}
BOWLS = ["bowl", "ellipse", "narrow", "tilted", "booth"]


def distance_to_minimum(name, x):
    return min(np.linalg.norm(x - np.array(m)) for m in surface(name).minima)


@pytest.mark.parametrize("name", BOWLS)
@pytest.mark.parametrize("optimizer", list(QUADRATIC))
def test_every_optimizer_solves_convex_quadratics(name, optimizer):
    s = surface(name)
    r = minimize(s.text, s.start, optimizer=optimizer, tol=1e-6, **QUADRATIC[optimizer])
    assert r.status == "converged", r.message
    assert distance_to_minimum(name, r.x) < 1e-5
    assert r.value == pytest.approx(s.min_value, abs=1e-9)
    assert r.grad_norm <= 1e-6 and r.success


@pytest.mark.parametrize("optimizer", list(QUADRATIC))
def test_ascent_finds_the_analytic_maximum(optimizer):
    # the maximum of -(x-1)² - 2(y+2)² + xy/2 + 5: solve ∇f = 0 by hand
    text = "-(x-1)^2 - 2(y+2)^2 + x*y/2 + 5"
    peak = np.linalg.solve([[-2, 0.5], [0.5, -4]], [-2, 8])
    r = maximize(text, [0, 0], optimizer=optimizer, tol=1e-7, **QUADRATIC[optimizer])
    assert r.status == "converged" and r.maximize, r.message
    np.testing.assert_allclose(r.x, peak, atol=1e-6)
    assert r.value == pytest.approx(float(parse(text)(*peak)), abs=1e-10)
    assert r.values[-1] >= r.values[0]  # values are those of f, not -f


# (surface, optimizer, learning rate, max_iter, options): standard start, tol 1e-6
CLASSIC = [
    ("rosenbrock", "gd", 1e-3, 60_000, {}),
    ("rosenbrock", "gd", 1.0, 30_000, {"line_search": True}),
    ("rosenbrock", "momentum", 3e-3, 3000, {}),
    ("rosenbrock", "nesterov", 1e-3, 6000, {}),
    ("rosenbrock", "adagrad", 1.0, 30_000, {}),
    ("rosenbrock", "adam", 0.3, 3000, {}),
    ("beale", "gd", 0.03, 3000, {}),
    ("beale", "momentum", 0.01, 1000, {}),
    ("beale", "adam", 1.0, 1000, {}),
    ("beale", "rmsprop", 0.03, 3000, {"schedule": "exponential"}),
    ("matyas", "gd", 1.0, 1000, {}),
    ("matyas", "nesterov", 1.0, 500, {}),
    ("matyas", "adam", 0.1, 1000, {}),
    ("booth", "gd", 0.1, 500, {}),
    ("booth", "adam", 1.0, 1000, {}),
    *[("himmelblau", o, lr, 1000, {}) for o, lr in
      [("gd", 0.01), ("momentum", 0.01), ("nesterov", 0.01), ("adagrad", 1.0), ("adam", 1.0)]],
    ("himmelblau", "rmsprop", 0.1, 1000, {"schedule": "inverse_time"}),
]  # fmt: skip


@pytest.mark.parametrize(("name", "optimizer", "lr", "budget", "options"), CLASSIC)
def test_classic_surfaces_reach_a_known_minimum(name, optimizer, lr, budget, options):
    s = surface(name)
    r = minimize(s.text, s.start, optimizer=optimizer, learning_rate=lr, max_iter=budget,
                 tol=1e-6, **options)  # fmt: skip
    assert r.status == "converged", r.message
    assert distance_to_minimum(name, r.x) < 1e-3
    assert r.value == pytest.approx(s.min_value, abs=1e-8)


def test_himmelblau_from_the_origin_finds_the_minimum_at_3_2():
    r = minimize(surface("himmelblau").text, [0, 0], learning_rate=0.01)
    np.testing.assert_allclose(r.x, [3, 2], atol=1e-8)


@pytest.mark.parametrize("s", SURFACES.values(), ids=list(SURFACES))
def test_the_listed_minima_are_stationary_points(s):
    g = gradient(s.text)
    for m in s.minima:
        assert np.abs(g.at(m)).max() < 2e-4
        assert float(s.equation(*m)) == pytest.approx(s.min_value, abs=1e-9)


def test_too_large_a_step_diverges_with_a_message_and_a_suggestion():
    r = minimize("x^2 + 3y^2", start=[2, 1], learning_rate=1.2)
    assert r.status == "diverged" and not r.success
    assert r.message.startswith("the step size 1.2 is too large for this function: the value "
                                "grew from 7 to ")  # fmt: skip
    assert r.message.endswith("; try 0.1")  # 1/L with L = 6, rounded down
    assert r.values[-1] > 1e6 * 7
    # the suggestion works
    assert minimize("x^2 + 3y^2", start=[2, 1], learning_rate=0.1).status == "converged"
    # without a Hessian (a Python function) the suggestion is a tenth
    r = minimize(lambda p: p[0] ** 2 + 3 * p[1] ** 2, [2, 1], learning_rate=0.5)
    assert r.status == "diverged" and r.message.endswith("try 0.05")


def test_overflow_to_infinity_is_diverged_not_an_answer():
    r = minimize("exp(x^2)", start=[1.0], learning_rate=10.0)
    assert r.status == "diverged" and "became inf" in r.message


def test_unbounded_functions_are_reported():
    r = minimize("-(x^2) - y^2", start=[1, 0.5])
    assert r.status == "diverged" and "unbounded below" in r.message
    r = maximize("x^2 + y^2", start=[1, 0.5])
    assert r.status == "diverged" and "unbounded above" in r.message


def test_start_at_a_stationary_point():
    for text, start in [("x^2 + 3y^2", [0, 0]), ("x^2 - y^2", [0, 0]), ("tilted", None)]:
        if text == "tilted":
            text, start = SURFACES["tilted"].text, SURFACES["tilted"].minima[0]
        r = minimize(text, start)
        assert r.status == "stationary" and r.success and r.iterations == 0
        assert r.path.shape == (1, 2) and "stationary point" in r.message
    r = maximize("x^2 + y^2", [0, 0])
    assert r.status == "stationary" and "gradient ascent has no direction" in r.message


def test_path_starts_at_the_start_and_values_match_f():
    eq = parse("(1 - x)^2 + 100(y - x^2)^2")
    r = minimize(eq, [-1.2, 1.0], optimizer="momentum", learning_rate=1e-3, max_iter=200)
    assert r.status == "max_iterations" and "max_iter=200" in r.message
    assert r.iterations == 200 and r.path.shape == (201, 2) and r.values.shape == (201,)
    np.testing.assert_array_equal(r.path[0], [-1.2, 1.0])
    np.testing.assert_allclose(r.values, eq(*r.path.T), rtol=1e-13)
    np.testing.assert_array_equal(r.x, r.path[-1])
    assert r.value == r.values[-1]
    assert r.grad_norm == pytest.approx(np.linalg.norm(gradient(eq).at(r.x)), rel=1e-12)
    assert not r.path.flags.writeable
    assert r.status in STATUSES and (r.optimizer, r.learning_rate, r.names) == (
        "momentum", 1e-3, ("x", "y"))


def test_plain_descent_follows_the_formula():
    r = minimize("x^2 + 3y^2", [2, 1], learning_rate=0.1, max_iter=3)
    # x ← x − 0.1·2x = 0.8x, y ← y − 0.1·6y = 0.4y
    np.testing.assert_allclose(r.path, [[2, 1], [1.6, 0.4], [1.28, 0.16], [1.024, 0.064]])


def test_python_functions_with_and_without_gradient():
    def f(p):
        return (p[0] - 1) ** 2 + 2 * (p[1] + 0.5) ** 2

    def grad(p):
        return np.array([2 * (p[0] - 1), 4 * (p[1] + 0.5)])

    exact = minimize(f, [0, 0], grad=grad, learning_rate=0.1)
    numeric = minimize(f, [0, 0], learning_rate=0.1, tol=1e-6)
    for r in (exact, numeric):
        assert r.status == "converged"
        np.testing.assert_allclose(r.x, [1, -0.5], atol=1e-6)
    assert exact.names == ("x1", "x2")
    with pytest.raises(DescentError, match="single number"):
        minimize(lambda p: p, [1.0, 2.0])
    with pytest.raises(DescentError, match=r"grad must return an array of shape \(2,\)"):
        minimize(f, [0, 0], grad=lambda p: np.zeros(3))
    with pytest.raises(DescentError, match="only for a Python function"):
        minimize("x^2", [1.0], grad=lambda p: 2 * p)


def test_no_change_in_point_and_value_counts_as_converged():
    # a gradient so small that the steps no longer move the point: stop, and say why
    r = minimize(lambda p: float(p @ p), [1.0, 1.0], grad=lambda p: 1e-14 * p, tol=0)
    assert r.status == "converged" and r.iterations == 1
    assert r.message.startswith("the steps stopped changing the point and the value")


def test_callback_sees_f_and_can_stop_the_run():
    seen = []

    def callback(k, x, value, grad):
        seen.append((k, x.copy(), value, grad.copy()))
        return k == 5

    r = maximize("-(x^2) - y^2 + 1", [1, 1], callback=callback)
    assert r.status == "max_iterations" and r.iterations == 5
    assert r.message.startswith("stopped by the callback after 5 steps")
    assert [k for k, *_ in seen] == list(range(6))
    _, x, value, grad = seen[2]
    np.testing.assert_array_equal(x, r.path[2])
    assert value == r.values[2] == pytest.approx(1 - x @ x)
    np.testing.assert_allclose(grad, -2 * x)  # ∇f, not ∇(−f)


def test_line_search_rescues_a_step_that_is_too_large():
    assert minimize("x^2 + 3y^2", [2, 1], learning_rate=1.0).status == "diverged"
    r = minimize("x^2 + 3y^2", [2, 1], learning_rate=1.0, line_search=True)
    assert r.status == "converged"
    assert np.all(np.diff(r.values) <= 0)  # Armijo: every accepted step lowers f


def test_optimizer_object_keeps_its_learning_rate_and_is_reset():
    opt = Adam(0.1)
    first = minimize("x^2 + 3y^2", [2, 1], optimizer=opt, learning_rate=123.0, max_iter=50)
    assert first.learning_rate == 0.1 and first.optimizer == "adam"
    second = minimize("x^2 + 3y^2", [2, 1], optimizer=opt, max_iter=50)
    np.testing.assert_array_equal(first.path, second.path)
    assert opt.t == 0 and opt.state == []  # a run never changes the object it was given
    fresh = minimize("x^2 + 3y^2", [2, 1], optimizer=Adam(0.1), max_iter=50)
    np.testing.assert_array_equal(first.path, fresh.path)


def test_learning_rate_none_is_the_equation_default_for_every_named_optimizer():
    from steepest.descent import EQUATION_LEARNING_RATE

    for name in ("gd", "momentum", "adam"):
        default = minimize("x^2 + 3y^2", [2, 1], optimizer=name, max_iter=20)
        given = minimize("x^2 + 3y^2", [2, 1], optimizer=name, max_iter=20,
                         learning_rate=EQUATION_LEARNING_RATE)
        assert default.learning_rate == EQUATION_LEARNING_RATE == 0.1
        np.testing.assert_array_equal(default.path, given.path)


@pytest.mark.parametrize(
    ("optimizer", "options"),
    [("gd", {}), ("momentum", {}), ("adam", {}), ("gd", {"line_search": True})],
)
def test_many_starts_at_once_equal_separate_runs(optimizer, options):
    text = "(x^2 + y - 11)^2 + (x + y^2 - 7)^2"  # Himmelblau: starts end in different minima
    starts = np.array([[0, 0], [-1, 3], [-3, -3], [3, -1], [-0.27, -0.92], [3, 2], [8, 8]])
    lr = 0.01 if optimizer != "adam" else 0.1
    results = minimize(text, starts, optimizer=optimizer, learning_rate=lr, max_iter=1000,
                       **options)  # fmt: skip
    assert isinstance(results, list) and len(results) == len(starts)
    for start, together in zip(starts, results, strict=True):
        alone = minimize(text, start, optimizer=optimizer, learning_rate=lr, max_iter=1000,
                         **options)  # fmt: skip
        assert_same_result(together, alone)
    statuses = {r.status for r in results}
    assert {"converged", "stationary"} <= statuses
    assert ("diverged" in statuses) == (optimizer in ("gd", "momentum") and not options)


def assert_same_result(together: Result, alone: Result) -> None:
    """Every field of ``together`` (of a run of many starts) equals that of ``alone``."""
    for f in dataclasses.fields(Result):
        a, b = getattr(together, f.name), getattr(alone, f.name)
        if isinstance(b, np.ndarray):
            np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12, err_msg=f.name)
            assert a.shape == b.shape and not a.flags.writeable, f.name
        elif isinstance(b, float):
            assert a == pytest.approx(b, rel=1e-12, abs=1e-12), f.name
        else:
            assert a == b, f.name


@pytest.mark.parametrize(
    ("text", "starts", "maximize_it"),
    [
        ("(x - 1)^2", [[3.0], [1.0], [-2.0], [50.0]], False),
        ("-(x^2 + 2y^2 + 3z^2)", [[1, 1, 1], [0, 0, 0], [-2, 0.5, 3], [9, -9, 0.1]], True),
    ],
)
def test_many_starts_in_one_and_three_variables_equal_separate_runs(text, starts, maximize_it):
    run = maximize if maximize_it else minimize
    results = run(text, np.array(starts), learning_rate=0.1, max_iter=500)
    for start, together in zip(starts, results, strict=True):
        assert_same_result(together, run(text, start, learning_rate=0.1, max_iter=500))
    assert len({r.iterations for r in results}) >= 3  # the starts stopped at different steps


def test_many_starts_with_some_diverging_and_a_python_function():
    starts = np.array([[2.0, 1.0], [0.0, 0.0], [1e-3, 0.0]])
    results = minimize(lambda p: p[0] ** 2 + 3 * p[1] ** 2, starts, learning_rate=0.34,
                       max_iter=500)  # fmt: skip
    assert [r.status for r in results] == ["diverged", "stationary", "converged"]
    np.testing.assert_array_equal(results[1].path, [[0.0, 0.0]])  # frozen at once


def test_maximize_many_starts_reports_f():
    results = maximize("-(x-1)^2 - (y+2)^2 + 5", [[0, 0], [3, 3]])
    for r in results:
        assert r.status == "converged" and r.value == pytest.approx(5)
        np.testing.assert_allclose(r.x, [1, -2], atol=1e-8)


def test_max_iter_is_bounded_and_the_bound_itself_is_allowed():
    from steepest.descent.run import MAX_ITER_LIMIT

    r = minimize("x^2 + 3y^2", [2, 1], max_iter=MAX_ITER_LIMIT)
    assert r.status == "converged" and r.iterations == 89
    with pytest.raises(DescentError, match="at most 10,000,000"):
        maximize("-x^2", [[1.0], [2.0]], max_iter=MAX_ITER_LIMIT + 1)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"start": [1, 2, 3]}, DescentError, r"3 coordinates, but f\(x, y\) = .* 2 variables"),
        ({"start": [[[1, 2]]]}, DescentError, r"shape \(n,\) for one start"),
        ({"start": [1, math.nan]}, DescentError, "finite"),
        ({"start": "here"}, TypeError, "start must be a point"),
        ({"max_iter": -1}, DescentError, "max_iter must be 0 or more"),
        ({"max_iter": 10.5}, TypeError, "max_iter must be an int"),
        ({"max_iter": 10**9}, DescentError, "max_iter must be at most 10,000,000 .* got "
                                            "1,000,000,000"),
        ({"tol": -1e-3}, DescentError, "tol must be a finite number >= 0"),
        ({"optimizer": "sgd"}, DescentError, "unknown optimizer 'sgd'"),
        ({"learning_rate": 0}, DescentError, "'learning_rate' parameter"),
        ({"beta1": 0.9}, DescentError, "does not take"),
        ({"callback": 3}, TypeError, "callback must be callable"),
    ],
)
def test_bad_arguments_are_explained(kwargs, error, match):
    args = {"start": [1, 2], **kwargs}
    with pytest.raises(error, match=match):
        minimize("x^2 + y^2", **args)


def test_one_variable_starts_and_max_iter_zero():
    r = minimize("(x - 3)^2", 0.0, learning_rate=0.5)  # one exact step
    assert r.status == "converged" and r.x.tolist() == [3.0]
    with pytest.raises(DescentError, match=r"shape \(m, 1\)"):
        minimize("(x - 3)^2", [0.0, 1.0])
    results = minimize("(x - 3)^2", [[0.0], [1.0]], learning_rate=0.5)
    assert [r.x.tolist() for r in results] == [[3.0], [3.0]]
    r = minimize("x^2", [1.0], max_iter=0)
    assert r.status == "max_iterations" and r.iterations == 0


def test_undefined_start_is_reported():
    r = minimize("log(x)", [-1.0])
    assert r.status == "diverged" and "not a finite number at the start" in r.message


def test_result_is_frozen():
    r = minimize("x^2", [1.0])
    assert isinstance(r, Result)
    with pytest.raises(AttributeError):
        r.status = "converged"  # type: ignore[misc]
    assert repr(r).startswith("Result(status='converged', x=[")


def test_many_starts_callback_sees_every_row_and_can_stop():
    calls = []

    def callback(k, x, value, grad):
        calls.append((k, x.copy(), value.copy(), grad.copy()))
        return k == 3

    starts = np.array([[0.0, 0.0], [2.0, 1.0], [-1.0, 1.0]])
    results = minimize("x^2 + 3y^2", starts, callback=callback)
    assert [r.status for r in results] == ["stationary", "max_iterations", "max_iterations"]
    assert all("stopped by the callback after 3 steps" in r.message for r in results[1:])
    k, x, value, grad = calls[-1]
    assert k == 3 and x.shape == (3, 2) and value.shape == (3,) and grad.shape == (3, 2)
    np.testing.assert_array_equal(x[0], [0.0, 0.0])  # the stopped start stays where it stopped
    np.testing.assert_array_equal(x[1:], [r.path[3] for r in results[1:]])
    np.testing.assert_allclose(value[1:], [r.values[3] for r in results[1:]])
    np.testing.assert_allclose(grad[1:], 2 * x[1:] * [1, 3])


def test_line_search_stops_where_no_step_helps_any_more():
    # near the top of a hill whose value is 5, changes of f below rounding cannot be measured
    text = "-(x-1)^2 - 3(y+2)^2 + 5"
    r = maximize(text, [0, 0], learning_rate=1.0, line_search=True)
    assert r.status == "converged" and r.message.startswith("the line search found no step "
                                                           "that raises f measurably")  # fmt: skip
    np.testing.assert_allclose(r.x, [1, -2], atol=1e-7)
    together = maximize(text, [[0, 0], [3, 1]], learning_rate=1.0, line_search=True)
    assert together[0].message == r.message
    np.testing.assert_array_equal(together[0].path, r.path)
    # a wrong gradient is caught, is not a success, and the message says what to check
    r = minimize(lambda p: float(p @ p), [1.0, 1.0], grad=lambda p: -2 * p, line_search=True)
    assert r.status == "max_iterations" and r.iterations == 0 and "check the gradient" in r.message


@pytest.mark.parametrize(
    ("options", "status", "words"),
    [
        ({"learning_rate": 1e-13}, "max_iterations", "too small to move the point"),
        ({"optimizer": "adam", "learning_rate": 1e-13}, "max_iterations", "larger learning_rate"),
        ({"learning_rate": 1e300, "line_search": True}, "max_iterations", "within 50 halvings"),
    ],
)
def test_runs_that_cannot_move_are_not_reported_as_converged(options, status, words):
    # x^2 from 1: the gradient norm stays 2, far from zero; the run must not claim success
    r = minimize("x^2", [1.0], max_iter=50, **options)
    assert (r.status, r.success) == (status, False) and words in r.message
    assert r.grad_norm == pytest.approx(2.0)
    together = minimize("x^2", [[1.0], [-1.0], [0.0]], max_iter=50, **options)
    assert (together[0].status, together[0].message) == (r.status, r.message)
    np.testing.assert_array_equal(together[0].path, r.path)
    assert together[2].status == "stationary"


def test_suggested_step_is_rounded_down_to_one_digit():
    from steepest.descent.result import _floor_1

    assert [_floor_1(v) for v in (0.3, 1 / 6, 0.048, 1.0, 0.12)] == pytest.approx(
        [0.3, 0.1, 0.04, 1.0, 0.1])


def test_huge_gradients_agree_between_many_starts_and_single_runs():
    # gradients beyond 1e154 overflow a plain sum of squares; both loops must not
    text, starts = "exp(x^2) + y^2", np.array([[-1.57153021, 2.79101429], [0.96843355, 0.6]])
    for optimizer in ("momentum", "adagrad"):
        together = maximize(text, starts, optimizer=optimizer, learning_rate=0.5, max_iter=60)
        for start, t in zip(starts, together, strict=True):
            alone = maximize(text, start, optimizer=optimizer, learning_rate=0.5, max_iter=60)
            assert (t.status, t.iterations, t.message) == (alone.status, alone.iterations,
                                                           alone.message)  # fmt: skip
            assert np.isfinite(t.grad_norm) or t.status == "diverged"


def test_leaving_the_domain_is_said_and_not_blamed_on_the_step_size():
    # sqrt(x) has its minimum on the edge x = 0; the path steps over it to x < 0 (NaN)
    r = minimize("sqrt(x)", [1.0])
    assert r.status == "diverged" and np.isnan(r.value) and np.isfinite(r.values[-2])
    assert r.message.startswith("the step left the function's domain: f is not a real number "
                                f"at x = {r.x[0]:.6g}")  # fmt: skip
    assert "smaller step size will not help" in r.message and "too large" not in r.message
    together = minimize("sqrt(x)", [[1.0], [2.0]])
    assert together[0].message == r.message
    # here a step 10 times smaller stays inside (x = 1 - 0.18 > 0), so that is suggested
    r = minimize("log(x) + x^2", [1.0], learning_rate=0.6)
    assert r.x == pytest.approx([-0.8]) and "stays inside: try learning_rate 0.06" in r.message
    # an overflow to infinity is still a step size too large
    r = minimize("x^4", [1.0], learning_rate=1e10)
    assert r.message.startswith("the step size 1e+10 is too large")


def test_maximize_takes_exactly_the_arguments_of_minimize():
    # each signature is written out, for help(), IDEs and type checkers: this keeps the
    # two from drifting apart
    assert inspect.signature(maximize) == inspect.signature(minimize)


def test_one_step_is_one_step_in_the_words():
    result = minimize("log(x)", [0.1], learning_rate=10)
    assert result.status == "diverged" and "(after 1 step;" in result.message
