"""Tests for steepest.nn.path: the recorder's thinning and caps, the path in the model file."""

from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np
import pytest

from steepest.errors import NetworkError
from steepest.nn import Network, train
from steepest.nn.path import PathRecorder, TrainingPath


def _data(n: int = 120) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(n, 3))
    return x, (x[:, 0] + x[:, 1] > 0).astype(int)


def test_recorder_keeps_evenly_spaced_snapshots_of_the_real_weights() -> None:
    net = Network([3, 4, 2], seed=0)
    recorder = PathRecorder(net, max_snapshots=10)
    seen: dict[int, np.ndarray] = {0: net.params.copy()}

    def also(step) -> None:  # type: ignore[no-untyped-def]
        recorder(step)
        seen[step.steps] = net.params.copy()

    train(net, _data(), epochs=7, batch_size=4, seed=0, on_batch=also)  # 210 steps
    path = recorder.path()
    assert path.steps[0] == 0 and path.steps[-1] == 210
    assert len(path) <= 11
    gaps = np.diff(path.steps[:-1])
    assert (gaps == gaps[0]).all() and gaps[0] & (gaps[0] - 1) == 0  # a power of two
    for step, params in zip(path.steps, path.params, strict=True):
        np.testing.assert_array_equal(params, seen[int(step)])
    assert path.params.dtype == np.float32


def test_a_short_run_is_recorded_whole() -> None:
    net = Network([3, 2], seed=0)
    recorder = PathRecorder(net)
    train(net, _data(20), epochs=1, batch_size=10, on_batch=recorder)
    assert recorder.path().steps.tolist() == [0, 1, 2]


def test_recorder_caps() -> None:
    with pytest.raises(NetworkError, match="even int of at least 4"):
        PathRecorder(Network([3, 2]), max_snapshots=5)
    with pytest.raises(NetworkError, match="too large to record its path"):
        PathRecorder(Network([300, 300, 2]), max_bytes=2**20)
    recorder = PathRecorder(Network([300, 300, 2]), max_snapshots=64, max_bytes=2**21)
    assert recorder.capacity == 4  # 362 KB a snapshot: 5 fit in 2 MB, even: 4
    with pytest.raises(NetworkError, match="no training step"):
        PathRecorder(Network([3, 2])).path()


def test_the_path_round_trips_through_the_model_file(tmp_path: Path) -> None:
    net = Network([3, 4, 2], seed=0)
    recorder = PathRecorder(net, max_snapshots=8)
    train(net, _data(), epochs=3, batch_size=10, seed=0, on_batch=recorder)
    path = recorder.path()
    file = net.save(tmp_path / "m.npz", extra=path.arrays())
    loaded = Network.load(file)
    np.testing.assert_array_equal(loaded.params, net.params)
    back = TrainingPath.read(file, loaded)
    assert back is not None
    np.testing.assert_array_equal(back.steps, path.steps)
    np.testing.assert_array_equal(back.params, path.params)
    assert TrainingPath.read(net.save(tmp_path / "plain.npz"), net) is None


def _rewrite(tmp_path: Path, net: Network, **arrays: np.ndarray) -> Path:
    file = tmp_path / "bad.npz"
    net.save(file, extra=arrays)
    return file


def test_bad_paths_in_a_file_are_refused(tmp_path: Path) -> None:
    net = Network([3, 4, 2], seed=0)
    n = net.params.size
    cases = [
        ({"path_steps": np.array([0, 1]), "path_params": np.zeros((2, n + 1))}, "parameters"),
        ({"path_steps": np.array([0, 0]), "path_params": np.zeros((2, n))}, "rising"),
        ({"path_steps": np.array([0, 1]), "path_params": np.full((2, n), np.nan)}, "finite"),
        ({"path_steps": np.array([0.5, 1]), "path_params": np.zeros((2, n))}, "steps"),
    ]
    for arrays, words in cases:
        with pytest.raises(NetworkError, match=words):
            TrainingPath.read(_rewrite(tmp_path, net, **arrays), net)
    with pytest.raises(NetworkError, match="extra array 'params'"):
        net.save(tmp_path / "x.npz", extra={"params": np.zeros(3)})


def test_a_huge_path_is_refused_before_it_is_read(tmp_path: Path, monkeypatch) -> None:
    import steepest.nn.path as module

    net = Network([3, 4, 2], seed=0)
    file = _rewrite(tmp_path, net, path_steps=np.arange(100),
                    path_params=np.zeros((100, net.params.size), np.float32))
    monkeypatch.setattr(module, "MAX_PATH_BYTES", 1000)
    with pytest.raises(NetworkError, match="more than the"):
        TrainingPath.read(file, net)
    assert zipfile.is_zipfile(file)
