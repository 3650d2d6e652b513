"""Tests for steepest.cost: hand-computed values, both conventions, gradients, errors."""

from __future__ import annotations

import math

import numpy as np
import pytest

from steepest.cost import (
    CROSS_ENTROPY,
    QUADRATIC,
    Cost,
    cross_entropy,
    cross_entropy_grad,
    get_cost,
    one_hot,
    quadratic_cost,
    quadratic_cost_grad,
)
from steepest.errors import SteepestError


# ------------------------------------------------------------------ hand-computed values
def test_quadratic_one_example_is_the_sum_of_squared_differences() -> None:
    # 3Blue1Brown: cost of one example = Σ (output − desired)²
    predicted = [0.1, 0.2, 0.7]
    assert quadratic_cost([0, 0, 1], predicted) == pytest.approx(0.01 + 0.04 + 0.09)
    assert quadratic_cost(2, predicted) == pytest.approx(0.14)  # label 2 = [0, 0, 1]
    assert quadratic_cost(2, predicted, half=True) == pytest.approx(0.07)


def test_quadratic_batch_in_both_conventions() -> None:
    predicted = np.array([[0.5, 0.75], [1.0, 0.0], [0.0, 0.0]])
    labels = [1, 0, 1]
    # per example: 0.25 + 0.0625 = 0.3125, 0, 1
    assert quadratic_cost(labels, predicted) == pytest.approx(1.3125)  # 3Blue1Brown sum
    assert quadratic_cost(labels, predicted, reduce="mean") == pytest.approx(1.3125 / 3)
    # Nielsen: C = 1/2n Σ‖y − a‖²
    assert quadratic_cost(labels, predicted, half=True, reduce="mean") == pytest.approx(
        1.3125 / 6
    )
    np.testing.assert_allclose(quadratic_cost(labels, predicted, reduce="none"), [0.3125, 0, 1])


def test_labels_and_one_hot_rows_give_the_same_cost_and_gradient() -> None:
    rng = np.random.default_rng(0)
    predicted = rng.random((7, 4))
    labels = rng.integers(0, 4, 7)
    rows = np.eye(4)[labels]
    for reduce in ("sum", "mean", "none"):
        np.testing.assert_allclose(
            quadratic_cost(labels, predicted, reduce=reduce),
            quadratic_cost(rows, predicted, reduce=reduce),
        )
        np.testing.assert_allclose(
            cross_entropy(labels, predicted, reduce=reduce),
            cross_entropy(rows, predicted, reduce=reduce),
        )
    np.testing.assert_array_equal(
        quadratic_cost_grad(labels, predicted), quadratic_cost_grad(rows, predicted)
    )
    # whole-number float labels are labels too
    assert quadratic_cost(labels.astype(float), predicted) == quadratic_cost(labels, predicted)


def test_expected_may_be_any_targets_not_only_one_hot() -> None:
    assert quadratic_cost([0.5, 0.5], [0.0, 1.0]) == pytest.approx(0.5)


def test_cross_entropy_hand_computed() -> None:
    assert cross_entropy(0, [0.5, 0.25, 0.25]) == pytest.approx(math.log(2))
    predicted = [[0.5, 0.5, 0.0], [0.1, 0.2, 0.7]]
    expected = math.log(2) + -math.log(0.7)
    assert cross_entropy([1, 2], predicted) == pytest.approx(expected)
    assert cross_entropy([1, 2], predicted, reduce="mean") == pytest.approx(expected / 2)
    # soft targets: −Σ y ln a
    assert cross_entropy([0.5, 0.5], [0.5, 0.5]) == pytest.approx(math.log(2))


def test_cross_entropy_clips_zero_probabilities_to_epsilon() -> None:
    eps64 = np.finfo(np.float64).eps
    assert cross_entropy(0, [0.0, 1.0]) == pytest.approx(-math.log(eps64))
    eps32 = np.finfo(np.float32).eps
    value = cross_entropy(0, np.array([0.0, 1.0], np.float32))
    assert value == pytest.approx(-math.log(eps32), rel=1e-6)
    assert math.isfinite(cross_entropy_grad(0, [0.0, 1.0])[0])


def test_training_costs_use_the_mean_convention() -> None:
    predicted = np.array([[0.2, 0.8], [0.6, 0.4]])
    assert QUADRATIC.value([1, 0], predicted) == pytest.approx((0.08 + 0.32) / 4)
    assert CROSS_ENTROPY.value([1, 0], predicted) == pytest.approx(
        -(math.log(0.8) + math.log(0.6)) / 2
    )
    assert get_cost("quadratic") is QUADRATIC
    assert get_cost("Cross_Entropy") is CROSS_ENTROPY
    assert get_cost(QUADRATIC) is QUADRATIC


# ---------------------------------------------------------------------- gradients
def _central_differences(f, a: np.ndarray, h: float = 1e-6) -> np.ndarray:
    grad = np.zeros_like(a)
    for index in np.ndindex(a.shape):
        up, down = a.copy(), a.copy()
        up[index] += h
        down[index] -= h
        grad[index] = (f(up) - f(down)) / (2 * h)
    return grad


@pytest.mark.parametrize("reduce", ["sum", "mean"])
@pytest.mark.parametrize("half", [False, True])
@pytest.mark.parametrize("shape", [(4,), (5, 3)])
def test_quadratic_grad_matches_finite_differences(reduce: str, half: bool, shape) -> None:
    rng = np.random.default_rng(1)
    a, y = rng.random(shape), rng.random(shape)
    numeric = _central_differences(lambda p: quadratic_cost(y, p, reduce=reduce, half=half), a)
    np.testing.assert_allclose(
        quadratic_cost_grad(y, a, reduce=reduce, half=half), numeric, rtol=1e-6, atol=1e-9
    )


@pytest.mark.parametrize("reduce", ["sum", "mean"])
def test_cross_entropy_grad_matches_finite_differences(reduce: str) -> None:
    rng = np.random.default_rng(2)
    a = rng.uniform(0.1, 0.9, (5, 3))
    y = rng.dirichlet(np.ones(3), 5)
    numeric = _central_differences(lambda p: cross_entropy(y, p, reduce=reduce), a)
    np.testing.assert_allclose(cross_entropy_grad(y, a, reduce=reduce), numeric, rtol=1e-6)


def test_gradients_keep_float32() -> None:
    a = np.array([[0.2, 0.8]], np.float32)
    assert quadratic_cost_grad([1], a).dtype == np.float32
    assert cross_entropy_grad([1], a).dtype == np.float32


# ------------------------------------------------------------------------- errors
@pytest.mark.parametrize(
    ("expected", "predicted", "words"),
    [
        ([0, 1], [0.1, 0.2, 0.7], ["shape (2,)", "shape (3,)", "one integer label"]),
        ([[0, 1, 0]], [[0.1, 0.2, 0.7]] * 2, ["(1, 3)", "(2, 3)", "broadcast"]),
        ([0, 1, 2], [[0.1, 0.9]] * 2, ["2 integer labels"]),
        ([0, 3], [[0.1, 0.9]] * 2, ["0..1", "got 3", "expected[1]"]),
        ([0, -1], [[0.1, 0.9]] * 2, ["got -1", "expected[1]"]),
        ([0, 0.5], [[0.1, 0.9]] * 2, ["whole numbers", "0.5", "expected[1]"]),
        ([0, 1], [0.1, float("nan")], ["finite", "nan", "predicted[1]"]),
        ([[0, 1], [1, np.inf]], [[0.1, 0.9]] * 2, ["finite", "inf", "expected[1, 1]"]),
        ([0, 1], [[]], ["not empty"]),
        ([0], [[[0.5]]], ["1-D", "2-D"]),
    ],
)
def test_bad_inputs_are_named(expected, predicted, words: list[str]) -> None:
    with pytest.raises(SteepestError) as caught:
        quadratic_cost(expected, predicted)
    for word in words:
        assert word in str(caught.value)


def test_cross_entropy_needs_probabilities() -> None:
    with pytest.raises(SteepestError, match=r"probabilities.*1\.2 at predicted\[0, 1\]"):
        cross_entropy([0, 1], [[0.1, 1.2], [0.3, 0.4]])
    with pytest.raises(SteepestError, match=r"-0\.5 at expected\[0\]"):
        cross_entropy([-0.5, 1.5], [0.5, 0.5])


def test_wrong_types_and_names() -> None:
    with pytest.raises(TypeError, match="numbers"):
        quadratic_cost(["a", "b"], [0.1, 0.2])
    with pytest.raises(SteepestError, match="reduce"):
        quadratic_cost([0, 1], [0.1, 0.2], reduce="total")
    with pytest.raises(SteepestError, match="reduce"):
        quadratic_cost_grad([0, 1], [0.1, 0.2], reduce="total")
    with pytest.raises(SteepestError, match="'quadratic', 'cross-entropy'"):
        get_cost("hinge")
    with pytest.raises(TypeError):
        get_cost(3)  # type: ignore[arg-type]


def test_one_hot() -> None:
    np.testing.assert_array_equal(one_hot(1, 3), [0, 1, 0])
    np.testing.assert_array_equal(one_hot([2, 0], 3, np.float32), [[0, 0, 1], [1, 0, 0]])
    with pytest.raises(SteepestError, match=r"0\.\.2"):
        one_hot([3], 3)


def test_a_custom_cost_is_a_plain_record() -> None:
    cost = Cost("sum", "C = Σ a", lambda y, a: float(np.sum(a)), lambda y, a: np.ones_like(a))
    assert "C = Σ a" in repr(cost)
    assert get_cost(cost) is cost
