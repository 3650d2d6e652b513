"""Tests of steepest.nn.presets: the table of training setups and what a preset builds."""

from __future__ import annotations

import math

import numpy as np
import pytest

from steepest.data import load_mnist_sample
from steepest.descent.optimizers import Adam, GradientDescent
from steepest.errors import NetworkError
from steepest.nn.presets import PRESETS, Preset


def test_the_table_holds_the_default_the_quick_and_nielsens_setup() -> None:
    assert list(PRESETS) == ["default", "quick", "nielsen"]
    assert all(name == preset.name and preset.about for name, preset in PRESETS.items())
    nielsen = PRESETS["nielsen"]
    assert (nielsen.hidden, nielsen.activation, nielsen.cost, nielsen.optimizer,
            nielsen.learning_rate, nielsen.batch_size, nielsen.epochs) == (
        (30,), "sigmoid", "quadratic", "gd", 3.0, 10, 30)
    assert nielsen.output == "sigmoid" and PRESETS["default"].output == "softmax"


def test_a_preset_builds_its_network_and_its_scheduled_optimizer() -> None:
    default = PRESETS["default"]
    net = default.network(seed=0)
    assert net.sizes == (784, 512, 512, 10) and net.activation == "relu"
    optimizer = default.make_optimizer(60_000)  # 10 epochs of 235 mini-batches of 256
    assert isinstance(optimizer, Adam) and optimizer.learning_rate == 0.002
    assert optimizer.schedule(0) == 1.0 and math.isclose(optimizer.schedule(1175), 0.5)
    assert optimizer.schedule(2350) == 0.0
    assert isinstance(PRESETS["nielsen"].make_optimizer(50_000), GradientDescent)
    assert PRESETS["nielsen"].make_optimizer(50_000).schedule is None
    falling = default.replace(schedule="exponential", lr_decay=0.05, epochs=1)
    schedule = falling.learning_rate_schedule(100)
    assert math.isclose(schedule(100), 0.05) and math.isclose(schedule(50), 0.05**0.5)


def test_the_quick_preset_learns_the_bundled_sample() -> None:
    sample = load_mnist_sample()
    # one BLAS thread: the rule would take both cores, which a busy test machine makes slow
    _net, history = PRESETS["quick"].run(sample.train, test=sample.test, seed=0,
                                        blas_threads=1)
    assert history.settings["blas_threads"] == 1
    assert history.epochs == PRESETS["quick"].epochs
    assert history.settings["label_smoothing"] == 0.1
    assert history.test_accuracy[-1] >= 0.92  # the mark for the sample
    again, _ = PRESETS["quick"].replace(epochs=1).run(sample.train, seed=0, blas_threads=1)
    twin, _ = PRESETS["quick"].replace(epochs=1).run(sample.train, seed=0, blas_threads=1)
    np.testing.assert_array_equal(again.params, twin.params)


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"schedule": "linear"}, "schedule must be one of"),
        ({"schedule": "exponential", "lr_decay": 0.0}, "lr_decay must lie in"),
        ({"lr_decay": 1.5}, "lr_decay must lie in"),
    ],
)
def test_a_bad_preset_is_refused(changes, words: str) -> None:
    with pytest.raises(NetworkError, match=words):
        PRESETS["default"].replace(**changes)
    with pytest.raises(NetworkError, match=words):
        Preset("mine", (10,), "relu", "cross-entropy", "adam", None, 32, 1, **{
            "schedule": "cosine", **changes})
