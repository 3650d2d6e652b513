"""Tests of steepest.descent.schedules: the cosine decay (the rest: test_optimizers.py)."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from steepest.descent.optimizers import Adam, GradientDescent
from steepest.descent.schedules import cosine_decay
from steepest.errors import OptimizerError


def test_cosine_decay_falls_from_one_to_final_along_half_a_cosine() -> None:
    schedule = cosine_decay(10)
    values = [schedule(t) for t in range(12)]
    assert values[0] == 1.0 and values[10] == values[11] == 0.0
    assert all(a > b for a, b in itertools.pairwise(values[:11]))  # falls at every step
    for t in range(11):
        assert math.isclose(values[t], 0.5 * (1 + math.cos(math.pi * t / 10)), abs_tol=1e-15)
    assert math.isclose(values[5], 0.5)
    floor = cosine_decay(10, final=0.2)
    assert math.isclose(floor(0), 1.0) and math.isclose(floor(10), 0.2)
    assert math.isclose(floor(5), 0.6) and floor(100) == pytest.approx(0.2)


def test_cosine_decay_drives_an_optimizer_step_by_step() -> None:
    p = np.array([0.0])
    opt = GradientDescent(1.0, schedule=cosine_decay(4))
    for _ in range(5):
        opt.step([p], [np.array([-1.0])])  # each step adds η·schedule(t)
    expected = sum(0.5 * (1 + math.cos(math.pi * t / 4)) for t in range(4))  # t = 4 adds 0
    assert math.isclose(p[0], expected)
    assert repr(Adam(0.1, schedule=cosine_decay(3))) == (
        "Adam(learning_rate=0.1, beta1=0.9, beta2=0.999, eps=1e-08)"
    )


@pytest.mark.parametrize(
    ("kwargs", "error", "words"),
    [
        ({"steps": 0}, OptimizerError, "'steps' parameter of cosine_decay"),
        ({"steps": 2.5}, OptimizerError, "whole number"),
        ({"steps": True}, OptimizerError, "whole number"),
        ({"steps": 10, "final": 1.5}, OptimizerError, r"'final'.*\[0, 1\]"),
        ({"steps": 10, "final": -0.1}, OptimizerError, r"'final'.*\[0, 1\]"),
        ({"steps": 10, "final": "0"}, TypeError, "'final' parameter of cosine_decay"),
    ],
)
def test_cosine_decay_refuses_bad_settings(kwargs, error, words: str) -> None:
    with pytest.raises(error, match=words):
        cosine_decay(**kwargs)
