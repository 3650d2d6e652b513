"""Stationary points: found where ∇f = 0, classified by the Hessian, checked against theory."""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict

import numpy as np
import pytest
import sympy

from steepest import SteepestError, gradient
from steepest.calculus import stationary_search as _stationary_search
from steepest.calculus.stationary import classify, stationary_points

BOX = [(-3.0, 3.0), (-3.0, 3.0)]

HIMMELBLAU = "(x^2 + y - 11)^2 + (x + y^2 - 7)^2"
HIMMELBLAU_MINIMA = [
    (3.0, 2.0),
    (-2.805118, 3.131312),
    (-3.779310, -3.283186),
    (3.584428, -1.848126),
]


@pytest.fixture(autouse=True)
def fresh_solves(monkeypatch):
    """Each test starts with no kept solves, and the solves it cut off end within it (so
    that a patched ``sympy.solve``'s answer is never kept for another test)."""
    monkeypatch.setattr(_stationary_search, "_SOLVED", OrderedDict())
    monkeypatch.setattr(_stationary_search, "_CUT_OFF", [])
    yield
    for thread in list(_stationary_search._CUT_OFF):
        thread.join(60)


def kinds(found):
    return sorted(p.kind for p in found)


@pytest.mark.parametrize(
    ("text", "kind"),
    [("x^2 - y^2", "saddle"), ("-x^2 - y^2", "maximum"), ("x^2 + y^2", "minimum"),
     ("x^2 + 3 x y + y^2", "saddle"), ("2x^2 + x y + y^2", "minimum")],
)
def test_quadratics_have_one_point_at_the_origin_of_the_right_kind(text, kind):
    found = stationary_points(text, BOX)
    assert [p.kind for p in found] == [kind]
    np.testing.assert_allclose(found[0].point, [0.0, 0.0], atol=1e-12)
    assert found[0].value == pytest.approx(0.0, abs=1e-12)
    assert found.complete and found.method == "symbolic"


def test_saddle_of_x2_minus_y2_has_eigenvalues_of_both_signs():
    (point,) = stationary_points("x^2 - y^2", BOX)
    np.testing.assert_allclose(point.eigenvalues, [-2.0, 2.0])
    assert point.exact == (0, 0)
    assert str(point) == "saddle at (0, 0), value 0"


def test_himmelblau_has_four_minima_one_maximum_four_saddles_in_range():
    found = stationary_points(HIMMELBLAU, [(-5, 5), (-5, 5)])
    assert kinds(found) == ["maximum"] + ["minimum"] * 4 + ["saddle"] * 4
    minima = np.array([p.point for p in found.of_kind("minimum")])
    for known in HIMMELBLAU_MINIMA:
        assert np.min(np.linalg.norm(minima - known, axis=1)) < 1e-5
    for p in found.of_kind("minimum"):
        assert p.value == pytest.approx(0.0, abs=1e-10)
    (top,) = found.of_kind("maximum")
    np.testing.assert_allclose(top.point, [-0.270845, -0.923039], atol=1e-5)
    assert top.value == pytest.approx(181.617, rel=1e-5)


def test_every_point_found_has_zero_gradient_and_the_hessian_it_reports():
    text = "x y exp(-x^2 - y^2) + x^3/10"
    g = gradient(text)
    found = stationary_points(g, [(-2, 2), (-2, 2)])
    assert len(found) >= 3
    for p in found:
        np.testing.assert_allclose(g.at(p.point), [0.0, 0.0], atol=1e-8)
        # Hessian by central differences of the exact gradient: an independent reference
        h = 1e-5
        cols = [(g.at(p.point + h * e) - g.at(p.point - h * e)) / (2 * h) for e in np.eye(2)]
        reference = np.linalg.eigvalsh(np.array(cols))
        np.testing.assert_allclose(p.eigenvalues, reference, atol=1e-5)
        assert p.kind == classify(np.array(cols))


def test_symbolic_and_numeric_searches_agree():
    text = "x y exp(-x^2 - y^2)"
    both = stationary_points(text, [(-2, 2), (-2, 2)])
    numeric = stationary_points(text, [(-2, 2), (-2, 2)], method="numeric")
    assert numeric.method == "numeric"
    assert kinds(both) == kinds(numeric) == ["maximum"] * 2 + ["minimum"] * 2 + ["saddle"]
    for p in both:
        assert min(np.linalg.norm(p.point - q.point) for q in numeric) < 1e-8
    r = math.sqrt(0.5)
    assert {tuple(np.round(np.abs(p.point), 6)) for p in both} == {(0, 0), (round(r, 6),) * 2}


def test_a_solve_that_runs_out_of_time_falls_back_to_the_numeric_search(monkeypatch):
    def slow_solve(*args, **kwargs):
        time.sleep(0.3)
        return []

    monkeypatch.setattr(sympy, "solve", slow_solve)
    monkeypatch.setattr(_stationary_search, "_CUT_OFF", [])  # the cut-off solves stay here
    found = stationary_points("x^2 - y^2", BOX, timeout=0.01)
    assert found.method == "numeric" and not found.complete
    assert kinds(found) == ["saddle"]
    np.testing.assert_allclose(found[0].point, [0, 0], atol=1e-9)
    with pytest.raises(SteepestError, match="method='numeric'"):
        stationary_points("x^2 - y^2", BOX, method="symbolic", timeout=0.01)


def test_periodic_function_points_all_found_in_the_box():
    found = stationary_points("sin(x) cos(y)", BOX)
    half = math.pi / 2
    expected = {"minimum": [(-half, 0)], "maximum": [(half, 0)],
                "saddle": [(0, -half), (0, half)]}
    assert kinds(found) == ["maximum", "minimum", "saddle", "saddle"]
    for kind, points in expected.items():
        got = sorted(tuple(p.point) for p in found.of_kind(kind))
        np.testing.assert_allclose(got, points, atol=1e-9)


def test_points_outside_the_box_are_left_out():
    assert len(stationary_points("(x - 5)^2 + y^2", BOX)) == 0
    assert len(stationary_points("(x - 5)^2 + y^2", [(4, 6), (-1, 1)])) == 1


def test_degenerate_points_are_called_degenerate():
    assert kinds(stationary_points("x^4 + y^4", BOX)) == ["degenerate"]
    assert kinds(stationary_points("x^3 - 3 x y^2", BOX)) == ["degenerate"]  # monkey saddle


def test_a_line_of_stationary_points_is_a_curve_not_many_points():
    found = stationary_points("x^2 sin(y)", BOX)
    assert len(found) == 0
    (curve,) = found.curves
    assert str(curve) == "stationary everywhere on x = 0"
    samples = curve.sample(BOX, 50)
    np.testing.assert_allclose(samples[:, 0], 0.0)
    np.testing.assert_allclose(samples[:, 1], np.linspace(-3, 3, 50))


def test_one_variable():
    found = stationary_points("x^3 - 3x", [(-2, 2)])
    assert [(p.kind, float(p.point[0])) for p in found] == [("minimum", 1.0), ("maximum", -1.0)]


def test_classify():
    assert classify([[1, 0], [0, 3]]) == "minimum"
    assert classify([[-1, 0], [0, -3]]) == "maximum"
    assert classify([[0, 1], [1, 0]]) == "saddle"
    assert classify([[1e-12, 0], [0, 1]]) == "degenerate"
    with pytest.raises(SteepestError, match="square"):
        classify([1, 2, 3])


@pytest.mark.parametrize(
    ("bounds", "match"),
    [([(-1, 1)], "one \\(low, high\\) pair for each of the 2"),
     ([(1, -1), (0, 1)], "low < high"),
     ([(0, float("inf")), (0, 1)], "finite"),
     ("wide", "one \\(low, high\\) pair per variable")],
)
def test_bad_bounds_are_explained(bounds, match):
    with pytest.raises(SteepestError, match=match):
        stationary_points("x y", bounds)


def test_bad_method_and_bad_types():
    with pytest.raises(SteepestError, match="method must be"):
        stationary_points("x y", BOX, method="guess")
    with pytest.raises(TypeError, match="equation as text"):
        stationary_points(42, BOX)
    with pytest.raises(SteepestError, match="kind must be one of"):
        stationary_points("x y", BOX).of_kind("peak")


def test_random_quadratics_against_linear_algebra():
    # f = a x² + b x y + c y² + d x + e y has one stationary point, where A p = -(d, e)
    rng = np.random.default_rng(7)
    checked = 0
    while checked < 12:
        a, b, c, d, e = (int(v) for v in rng.integers(-5, 6, size=5))
        hessian = np.array([[2 * a, b], [b, 2 * c]], dtype=float)
        if abs(np.linalg.det(hessian)) < 1:
            continue
        expected = np.linalg.solve(hessian, [-d, -e])
        box = [(expected[0] - 1, expected[0] + 1.5), (expected[1] - 1.5, expected[1] + 1)]
        terms = zip((a, b, c, d, e), ("x^2", "x y", "y^2", "x", "y"), strict=True)
        text = " ".join(f"{'-' if k < 0 else '+'} {abs(k)} {term}" for k, term in terms)
        text = text.removeprefix("+ ")
        found = stationary_points(text, box)
        assert [p.kind for p in found] == [classify(hessian)]
        np.testing.assert_allclose(found[0].point, expected, atol=1e-12)
        checked += 1


def test_cut_off_solves_do_not_pile_up(monkeypatch):
    calls = []
    real_solve = sympy.solve
    release = threading.Event()  # the solves run until the test lets them end

    def slow_solve(*args, **kwargs):
        calls.append(args)
        release.wait(60)
        return real_solve(*args, **kwargs)

    monkeypatch.setattr(sympy, "solve", slow_solve)
    monkeypatch.setattr(_stationary_search, "_CUT_OFF", [])
    first = stationary_points("x^2 - y^2", BOX, timeout=0.01)
    assert first.method == "numeric" and "within the time limit (0.01 s)" in first.note
    assert stationary_points("x^2 - 2y^2", BOX, timeout=0.01).method == "numeric"
    # while those two solves still run, an automatic search does not start another ...
    skipped = stationary_points("x^2 + y^2", BOX, timeout=0.01)
    assert skipped.method == "numeric" and not skipped.complete
    assert skipped.note == ("SymPy was not tried: 2 earlier solves, cut off by their time "
                            "limit, still run in this session")
    assert len(calls) == 2
    # ... a forced one does ...
    with pytest.raises(SteepestError, match="did not solve"):
        stationary_points("x^2 + y^2", BOX, method="symbolic", timeout=0.01)
    assert len(calls) == 3
    # ... and once they have ended, SymPy is tried again
    release.set()
    for thread in _stationary_search._CUT_OFF:
        thread.join()
    monkeypatch.setattr(sympy, "solve", real_solve)
    found = stationary_points("x^2 + y^2", BOX)
    assert found.method == "symbolic" and kinds(found) == ["minimum"] and found.note == ""


def test_a_system_is_solved_once_and_the_answer_reused_for_every_box(monkeypatch):
    calls = []
    real_solve = sympy.solve

    def counted(*args, **kwargs):
        calls.append(args)
        return real_solve(*args, **kwargs)

    monkeypatch.setattr(sympy, "solve", counted)
    whole = stationary_points("sin(x) cos(y)", BOX)
    panned = stationary_points("sin(x) cos(y)", [(0.0, 6.0), (-3.0, 3.0)])
    assert len(calls) == 1 and whole.method == panned.method == "symbolic+numeric"
    half = math.pi / 2
    expected = [("maximum", half, 0), ("minimum", 3 * half, 0), ("saddle", 0, -half),
                ("saddle", 0, half), ("saddle", math.pi, -half), ("saddle", math.pi, half)]
    got = sorted((p.kind, *p.point) for p in panned)
    assert [k for k, *_ in got] == [k for k, *_ in expected]
    np.testing.assert_allclose([c for _, *c in got], [c for _, *c in expected], atol=1e-9)


def test_a_solve_cut_off_by_its_time_limit_answers_the_next_search_once_it_ends(monkeypatch):
    real_solve = sympy.solve
    release = threading.Event()

    def slow_solve(*args, **kwargs):
        release.wait(60)
        return real_solve(*args, **kwargs)

    monkeypatch.setattr(sympy, "solve", slow_solve)
    first = stationary_points("x^2 - y^2", BOX, timeout=0.01)
    assert first.method == "numeric" and not first.complete
    release.set()
    for thread in _stationary_search._CUT_OFF:
        thread.join()
    monkeypatch.setattr(sympy, "solve", lambda *a, **k: pytest.fail("solved twice"))
    again = stationary_points("x^2 - y^2", BOX, timeout=0.01)
    assert again.method == "symbolic" and again.complete and kinds(again) == ["saddle"]


def test_many_points_are_deduplicated_alike_either_way(monkeypatch):
    rng = np.random.default_rng(0)
    points = np.repeat(rng.uniform(-1, 1, (40, 3)), 20, axis=0) + rng.normal(0, 1e-9, (800, 3))
    rng.shuffle(points)
    at_once = _stationary_search._dedupe(points, 1e-6)
    monkeypatch.setattr(_stationary_search, "_DEDUPE_AT_ONCE", 10)
    one_by_one = _stationary_search._dedupe(points, 1e-6)
    assert at_once.shape == (40, 3)
    np.testing.assert_array_equal(at_once, one_by_one)
