"""Tests for steepest.nn.landscape: the slice against direct cost evaluations, directions, caps."""

from __future__ import annotations

import copy

import numpy as np
import pytest

from steepest.errors import NetworkError
from steepest.nn import Network, train
from steepest.nn.landscape import MAX_GRID, landscape
from steepest.nn.path import PathRecorder


def _digits(n: int = 300, inputs: int = 12, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 4, n)
    centres = rng.normal(size=(4, inputs))
    return centres[labels] + rng.normal(scale=0.8, size=(n, inputs)), labels


def _direct(net: Network, x, y, cost: str, dirs: np.ndarray, alpha: float, beta: float) -> float:
    """The cost evaluated the plain way: a copy of the network with its weights moved."""
    moved = copy.deepcopy(net)
    moved.params[...] = (net.params.astype(np.float64) + alpha * dirs[0].astype(np.float64)
                         + beta * dirs[1].astype(np.float64))
    return moved.evaluate(x, y, cost)[0]


@pytest.mark.parametrize(("sizes", "activation", "output", "cost"), [
    ([12, 8, 4], "sigmoid", "sigmoid", "quadratic"),
    ([12, 8, 6, 4], "relu", "softmax", "cross-entropy"),
    ([12, 5, 4], "tanh", "softmax", "quadratic"),
])
def test_the_slice_matches_direct_cost_evaluations(sizes, activation, output, cost) -> None:
    x, y = _digits()
    net = Network(sizes, activation, output, seed=1, dtype=np.float64)
    train(net, (x, y), epochs=2, batch_size=20, optimizer="adam", cost=cost, seed=0)
    land = landscape(net, x, y, cost=cost, grid=7, seed=3)
    assert land.values.shape == (7, 7) and land.cost == cost and land.images == 300
    # the centre is the network's own cost
    assert land.alphas[3] == 0 and land.betas[3] == 0
    assert land.values[3, 3] == pytest.approx(net.evaluate(x, y, cost)[0], rel=1e-12)
    assert land.centre == pytest.approx(net.evaluate(x, y, cost)[0], rel=1e-12)
    # any grid point: row i is β, column j is α
    for i, j in [(0, 0), (0, 6), (6, 1), (2, 5), (5, 3)]:
        expected = _direct(net, x, y, cost, land.directions, land.alphas[j], land.betas[i])
        assert land.values[i, j] == pytest.approx(expected, rel=1e-9)


def test_float32_slice_agrees_with_direct_evaluation_to_float32_precision() -> None:
    x, y = _digits()
    net = Network([12, 8, 4], seed=0)
    land = landscape(net, x, y, grid=5)
    assert land.values.dtype == np.float64 and land.directions.dtype == np.float32
    assert land.values[2, 2] == pytest.approx(net.evaluate(x, y)[0], rel=1e-6)
    expected = _direct(net, x, y, "quadratic", land.directions, land.alphas[4], land.betas[0])
    assert land.values[0, 4] == pytest.approx(expected, rel=1e-4)


def test_random_directions_are_filter_normalised_and_leave_the_biases() -> None:
    net = Network([12, 8, 4], seed=0)
    land = landscape(net, *_digits(50), grid=3, seed=7)
    twin = Network([12, 8, 4], seed=0)
    for d in land.directions:
        twin.params[...] = d
        for w_dir, w in zip(twin.weights, net.weights, strict=True):
            np.testing.assert_allclose(np.linalg.norm(w_dir, axis=1), np.linalg.norm(w, axis=1),
                                       rtol=1e-5)
        assert all((b == 0).all() for b in twin.biases)
    assert land.kind == "random" and land.seed == 7 and land.explained is None
    again = landscape(net, *_digits(50), grid=3, seed=7)
    np.testing.assert_array_equal(again.directions, land.directions)
    assert not np.array_equal(landscape(net, *_digits(50), grid=3, seed=8).directions,
                              land.directions)


def test_pca_directions_and_the_projected_path() -> None:
    x, y = _digits()
    net = Network([12, 8, 4], seed=0, dtype=np.float64)
    recorder = PathRecorder(net, max_snapshots=16)
    train(net, (x, y), epochs=4, batch_size=10, optimizer="momentum", seed=0,
          on_batch=recorder)
    path = recorder.path()
    land = landscape(net, x, y, directions="pca", path=path, grid=9)
    assert land.kind == "pca" and land.explained is not None
    assert 0 < land.explained[1] <= land.explained[0] <= 1
    np.testing.assert_allclose(land.directions @ land.directions.T, np.eye(2), atol=1e-10)
    # the path ends at the centre; each point's cost is that snapshot's own cost
    np.testing.assert_allclose(land.path[-1], [0.0, 0.0], atol=1e-12)
    assert land.path.shape == (len(path), 2)
    np.testing.assert_array_equal(land.path_steps, path.steps)
    for k in (0, len(path) // 2, len(path) - 1):
        snap = copy.deepcopy(net)
        snap.params[...] = path.params[k]
        assert land.path_values[k] == pytest.approx(snap.evaluate(x, y)[0], rel=1e-12)
    assert land.path_values[0] > land.path_values[-1]  # training went down
    # the grid covers the whole projected path
    assert land.alphas[0] < land.path[:, 0].min() and land.alphas[-1] > land.path[:, 0].max()
    assert land.betas[0] < land.path[:, 1].min() and land.betas[-1] > land.path[:, 1].max()
    # PCA projection is the least-squares one: moves along the plane come back exactly
    inside = net.params + 0.3 * land.directions[0] - 0.2 * land.directions[1]
    from steepest.nn.path import TrainingPath

    two = TrainingPath(np.array([0, 1]), np.stack([inside, net.params]))
    back = landscape(net, x, y, directions=land.directions, path=two, grid=3)
    np.testing.assert_allclose(back.path[0], [0.3, -0.2], atol=1e-9)
    assert back.kind == "given"


@pytest.mark.parametrize(("kwargs", "words"), [
    ({"grid": 2}, "grid must be 3 to"),
    ({"grid": MAX_GRID + 1}, "grid must be 3 to"),
    ({"directions": "pca"}, "need a recorded training path"),
    ({"directions": "up"}, "directions must be 'random', 'pca'"),
    ({"directions": np.zeros((2, 3))}, "two independent finite vectors"),
    ({"bounds": (1, 0, -1, 1)}, "each min below"),
    ({"cost": "cross-entropy"}, "needs a softmax output"),
])
def test_bad_requests_are_clear_errors(kwargs, words) -> None:
    net = Network([12, 8, 4], seed=0)
    with pytest.raises(NetworkError, match=words):
        landscape(net, *_digits(30), **kwargs)


def test_sizes_are_checked_before_any_work() -> None:
    net = Network([12, 8, 4], seed=0)
    x, y = _digits(30)
    with pytest.raises(NetworkError, match="shape"):
        landscape(net, x[:, :5], y)
    with pytest.raises(NetworkError, match="labels or one-hot"):
        landscape(net, x, y[:10])
    wide = Network([12, 4000, 4000, 4], seed=0)  # 16e6 multiply-adds an image and point
    with pytest.raises(NetworkError, match="multiply-adds, more than"):
        landscape(wide, x, y, grid=101)
