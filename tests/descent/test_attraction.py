"""basins: a grid of starts in one vectorised run, each labelled by where its run ends."""

from __future__ import annotations

import numpy as np
import pytest

import steepest
from steepest import DescentError, basins
from steepest.descent.attraction import DIVERGED, UNFINISHED


def test_four_minima_give_four_basins_split_at_the_axes():
    b = basins("(x^2 - 1)^2 + (y^2 - 1)^2", [(-2, 2), (-2, 2)], num=12, learning_rate=0.02)
    assert b.labels.shape == (12, 12) and b.counts == {"converged": 144}
    np.testing.assert_allclose(np.abs(b.ends), 1, atol=1e-4)
    quadrant = {(np.sign(x), np.sign(y)) for x, y in b.ends}
    assert len(quadrant) == 4
    for i, y in enumerate(b.y):
        for j, x in enumerate(b.x):
            end = b.ends[b.labels[i, j]]
            assert (np.sign(end[0]), np.sign(end[1])) == (np.sign(x), np.sign(y))


def test_the_labels_agree_with_descending_each_start_alone():
    b = basins("(x^2 - 1)^2 + y^2", [(-2, 2), (-1, 1)], num=5, learning_rate=0.05)
    for i, y in enumerate(b.y):
        for j, x in enumerate(b.x):
            alone = steepest.minimize("(x^2 - 1)^2 + y^2", [x, y], learning_rate=0.05, tol=1e-6)
            np.testing.assert_allclose(b.ends[b.labels[i, j]], alone.x, atol=1e-3)


def test_ends_are_sorted_best_first_and_an_ascent_sorts_highest_first():
    f = "-(x^2 - 1)^2 - y^2 + x/4"
    up = basins(f, [(-2, 2), (-1, 1)], num=8, learning_rate=0.05, maximize=True)
    assert len(up.ends) == 2 and up.values[0] > up.values[1] and up.ends[0][0] > 0
    down = basins("-" + "(" + f + ")", [(-2, 2), (-1, 1)], num=8, learning_rate=0.05)
    assert down.values[0] < down.values[1]


def test_diverged_and_unfinished_starts_are_marked():
    b = basins("x^2 + y^2", [(-1, 1), (-1, 1)], num=4, learning_rate=1.5)
    assert (b.labels == DIVERGED).all() and b.counts == {"diverged": 16}
    slow = basins("x^2 + y^2", [(-1, 1), (-1, 1)], num=4, learning_rate=1e-4, max_iter=5)
    assert (slow.labels == UNFINISHED).all() and len(slow.ends) == 0


def test_one_variable_and_the_checks():
    b = basins("(x^2 - 1)^2", [(-2, 2)], num=8, learning_rate=0.05)
    assert b.labels.shape == (8,) and len(b.ends) == 2 and b.y.size == 0
    with pytest.raises(DescentError, match="2 or more"):
        basins("x^2 + y^2", [(-1, 1), (-1, 1)], num=1)
    with pytest.raises(DescentError, match="one or two variables"):
        basins("x + y + z", [(-1, 1)] * 3, num=2)
    with pytest.raises(DescentError, match="low < high"):
        basins("x^2 + y^2", [(1, -1), (-1, 1)])
    with pytest.raises(DescentError, match="one \\(low, high\\) pair"):
        basins("x^2 + y^2", [1, 2])
    with pytest.raises(DescentError, match="more than the 250,000 allowed"):
        basins("x^2 + y^2", [(-1, 1), (-1, 1)], num=501)
