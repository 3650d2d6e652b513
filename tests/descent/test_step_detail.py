"""explain_step: step k of a run, rebuilt with the optimizer's state, lands where the run went."""

from __future__ import annotations

import numpy as np
import pytest

import steepest
from steepest import DescentError, explain_step

OPTIMIZERS = ["gd", "momentum", "nesterov", "adagrad", "rmsprop", "adam"]
EQ = "x^2 sin(y) + 0.1 y^2"


@pytest.mark.parametrize("line_search", [False, True])
@pytest.mark.parametrize("maximize", [False, True])
@pytest.mark.parametrize("optimizer", OPTIMIZERS)
def test_every_step_matches_the_library_run(optimizer, maximize, line_search):
    way = steepest.maximize if maximize else steepest.minimize
    run = way(EQ, [1.0, 2.0], optimizer=optimizer, learning_rate=0.2, max_iter=6,
              line_search=line_search)  # fmt: skip
    g = steepest.gradient(EQ)
    for k in range(run.iterations):
        d = explain_step(EQ, [1.0, 2.0], k, optimizer=optimizer, learning_rate=0.2,
                         maximize=maximize, line_search=line_search)  # fmt: skip
        assert np.array_equal(d.point, run.path[k])
        assert np.array_equal(d.new_point, run.path[k + 1])
        assert d.value == run.values[k] and d.new_value == run.values[k + 1]
        np.testing.assert_allclose(d.gradient, g.at(run.path[k]), rtol=1e-12)
        if not line_search:
            assert np.array_equal(d.proposed, d.new_point) and d.alpha is None
        else:
            assert d.alpha in [0.5**j for j in range(51)]


def test_the_momentum_state_is_the_sum_of_past_gradients():
    g = steepest.gradient(EQ)
    run = steepest.minimize(EQ, [1, 2], optimizer="momentum", learning_rate=0.1,
                            momentum=0.5, max_iter=5)  # fmt: skip
    d = explain_step(EQ, [1, 2], 3, optimizer="momentum", learning_rate=0.1, momentum=0.5)
    before = sum(0.5 ** (2 - i) * g.at(run.path[i]) for i in range(3))
    np.testing.assert_allclose(d.state_before["v"], before, rtol=1e-12)
    np.testing.assert_allclose(d.state_after["v"], 0.5 * before + g.at(run.path[3]), rtol=1e-12)


def test_adam_writes_out_the_bias_correction():
    d = explain_step("x^2 + y^2", [1, 1], 0, optimizer="adam", learning_rate=0.1)
    np.testing.assert_allclose(d.state_after["m"], [0.2, 0.2])  # (1 − β₁)·g, g = (2, 2)
    assert d.formula[2] == "m̂ = m / (1 − β₁ᵗ)"
    assert any(line.startswith("m̂ = m / (1 − β₁ᵗ) = (0.2, 0.2) / 0.1 = (2, 2)")
               for line in d.lines())  # fmt: skip
    np.testing.assert_allclose(d.new_point, [0.9, 0.9])  # the first step is η·sign(g)


def test_a_schedule_gives_the_rate_the_step_used():
    d = explain_step("x^2 + y^2", [1, 1], 4, learning_rate=0.1, schedule="inverse_time")
    assert d.learning_rate == pytest.approx(0.1 / (1 + 0.01 * 4))


def test_the_line_search_factor_is_shown():
    d = explain_step("(1 - x)^2 + 100(y - x^2)^2", [-1.2, 1], 0, learning_rate=1,
                     line_search=True)  # fmt: skip
    assert d.alpha < 1
    np.testing.assert_allclose(d.new_point, d.point + d.alpha * (d.proposed - d.point))
    assert d.formula[-1].startswith("x ← x + α·(x̃ − x)")


def test_a_step_after_the_run_stopped_is_refused():
    with pytest.raises(DescentError, match="the run has no step 40: it stops after 1 step "):
        explain_step("x^2 + y^2", [1, 1], 40, learning_rate=0.5)
    with pytest.raises(DescentError, match="0 or more"):
        explain_step("x^2 + y^2", [1, 1], -1)
    with pytest.raises(DescentError, match="one start"):
        explain_step("x^2 + y^2", [[1, 1], [2, 2]], 0)
    with pytest.raises(TypeError):
        explain_step("x^2 + y^2", [1, 1], 1.5)
