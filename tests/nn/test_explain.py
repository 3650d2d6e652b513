"""Tests for steepest.nn.explain: one image's cost term by term, each layer's activations."""

from __future__ import annotations

import numpy as np
import pytest

from steepest.cost import cross_entropy, quadratic_cost
from steepest.errors import NetworkError
from steepest.nn import Network
from steepest.nn.explain import ImageCost, activations, image_cost


@pytest.mark.parametrize("output", ["sigmoid", "softmax"])
def test_the_worked_cost_agrees_with_the_cost_functions(output: str) -> None:
    net = Network([6, 5, 10], output=output, seed=2, dtype=np.float64)
    image = np.random.default_rng(0).uniform(size=6)
    worked = image_cost(net, image, 7)
    np.testing.assert_array_equal(worked.outputs, net.forward(image))
    np.testing.assert_array_equal(worked.expected, np.eye(10)[7])
    np.testing.assert_allclose(worked.squared, (np.eye(10)[7] - net.forward(image)) ** 2)
    assert worked.quadratic == pytest.approx(quadratic_cost(7, net.forward(image)), rel=1e-12)
    assert worked.quadratic == pytest.approx(2 * net.evaluate(image, [7])[0], rel=1e-12)
    assert worked.cross_entropy == pytest.approx(cross_entropy(7, net.forward(image)), rel=1e-12)
    assert worked.log_terms is not None
    assert worked.log_terms[7] == pytest.approx(-np.log(worked.outputs[7]))
    assert np.count_nonzero(worked.log_terms) == 1
    assert worked.guess == int(net.forward(image).argmax())
    assert worked.text().count("\n") == 11


def test_outputs_outside_zero_one_have_no_cross_entropy() -> None:
    worked = ImageCost.of([-0.5, 1.5], 1)
    assert worked.cross_entropy is None and worked.log_terms is None
    assert worked.quadratic == pytest.approx(0.25 + 0.25)
    np.testing.assert_allclose(worked.differences, [0.5, -0.5])


def test_bad_inputs_are_clear_errors() -> None:
    net = Network([4, 3], seed=0)
    with pytest.raises(NetworkError, match=r"label must be a class 0\.\.2"):
        image_cost(net, np.zeros(4), 3)
    with pytest.raises(NetworkError, match="one image"):
        image_cost(net, np.zeros((2, 4)), 1)
    with pytest.raises(NetworkError, match="shape"):
        image_cost(net, np.zeros(5), 1)
    with pytest.raises(NetworkError, match="one image of finite numbers"):
        activations(net, np.full(4, np.nan))


def test_activations_are_each_layer_of_the_forward_pass() -> None:
    net = Network([5, 4, 3, 2], activation="relu", output="softmax", seed=1)
    image = np.linspace(0, 1, 5)
    layers = activations(net, image)
    assert [a.shape for a in layers] == [(5,), (4,), (3,), (2,)]
    np.testing.assert_array_equal(layers[-1], net.forward(image))
    np.testing.assert_allclose(layers[1], np.maximum(net.weights[0] @ image + net.biases[0], 0),
                               rtol=1e-6)
    assert all(a.dtype == np.float32 for a in layers)
