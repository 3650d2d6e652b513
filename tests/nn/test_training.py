"""Tests for steepest.nn.training: learning, reproducibility, history, progress, interruption."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from steepest.descent.optimizers import Adam, GradientDescent
from steepest.errors import NetworkError, SteepestError
from steepest.nn import History, Network, TrainingStep, train


def _blobs(n: int = 300, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Three Gaussian blobs in the plane, one per class: learnable, not trivially."""
    rng = np.random.default_rng(seed)
    centres = np.array([[0.0, 2.0], [-2.0, -1.0], [2.0, -1.0]])
    labels = rng.integers(0, 3, n)
    return centres[labels] + rng.normal(scale=0.7, size=(n, 2)), labels


def _xor(n: int = 400, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1, 1, (n, 2))
    return x, ((x[:, 0] > 0) ^ (x[:, 1] > 0)).astype(int)


def test_training_on_blobs_lowers_the_cost_and_raises_the_accuracy() -> None:
    x, y = _blobs()
    test = _blobs(200, seed=1)
    net = Network([2, 8, 3], seed=0)
    before_cost, before_accuracy = net.evaluate(*test)
    history = train(net, (x, y), epochs=10, batch_size=10, test=test, seed=0)
    assert history.epochs == 10
    assert history.cost[-1] < 0.5 * history.cost[0]
    assert history.test_cost[-1] < 0.5 * before_cost
    assert history.test_accuracy[-1] > 0.9 > before_accuracy
    assert net.params.dtype == np.float32


@pytest.mark.parametrize(
    ("activation", "output", "cost", "optimizer", "learning_rate"),
    [("tanh", "sigmoid", "quadratic", "gd", 3.0),
     ("relu", "softmax", "cross-entropy", "adam", 0.01),
     ("sigmoid", "softmax", "cross-entropy", "momentum", 0.5)],
)
def test_xor_is_learned(activation, output, cost, optimizer, learning_rate) -> None:
    x, y = _xor()
    net = Network([2, 16, 2], activation, output, seed=0)
    history = train(net, (x, y), epochs=40, batch_size=10, learning_rate=learning_rate,
                    optimizer=optimizer, cost=cost, test=_xor(200, seed=2), seed=0)
    assert history.test_accuracy[-1] > 0.9
    assert history.cost[-1] < history.cost[0]


def test_same_seed_gives_the_same_weights_and_labels_equal_one_hot() -> None:
    x, y = _blobs()
    nets = [Network([2, 5, 3], seed=1) for _ in range(4)]
    train(nets[0], (x, y), epochs=3, seed=5)
    train(nets[1], (x, y), epochs=3, seed=5)
    train(nets[2], (x, np.eye(3)[y]), epochs=3, seed=5)
    train(nets[3], (x, y), epochs=3, seed=6)
    np.testing.assert_array_equal(nets[0].params, nets[1].params)
    np.testing.assert_array_equal(nets[0].params, nets[2].params)
    assert not np.array_equal(nets[0].params, nets[3].params)


def test_history_records_every_batch_and_a_short_last_batch() -> None:
    x, y = _blobs(95)
    history = train(Network([2, 4, 3], seed=0), (x, y), epochs=2, batch_size=10, seed=0)
    assert isinstance(history, History)
    assert [len(c) for c in history.batch_costs] == [10, 10]  # 9 of 10 and one of 5
    assert history.batch_cost.shape == (20,)
    assert np.isfinite(history.batch_cost).all()
    assert history.cost[0] == pytest.approx(history.batch_costs[0].mean())
    assert len(history.seconds) == 2 and min(history.seconds) > 0
    assert len(history.cpu_seconds) == 2 and min(history.cpu_seconds) >= 0
    assert history.test_accuracy == [] and history.best_accuracy is None
    assert not history.interrupted and not history.diverged
    assert history.settings["batch_size"] == 10
    assert "GradientDescent(learning_rate=3.0)" in history.settings["optimizer"]


def test_batch_costs_are_the_costs_of_the_batches() -> None:
    x, y = _blobs(40)
    net = Network([2, 3, 3], seed=0, dtype=np.float64)
    start = net.params.copy()
    history = train(net, (x, y), epochs=1, batch_size=40, seed=0)  # one batch: the whole set
    net.params[...] = start
    assert history.batch_cost[0] == pytest.approx(net.evaluate(x, y)[0])


def test_an_optimizer_object_is_used_as_given_and_never_changed() -> None:
    x, y = _blobs()
    adam = Adam(0.01)
    net = Network([2, 6, 3], seed=0)
    history = train(net, (x, y), epochs=2, optimizer=adam, learning_rate=99.0, seed=0)
    assert history.settings["optimizer"] == repr(adam)  # its own rate, not 99
    assert adam.t == 0 and adam.state == []  # the run stepped a fresh copy
    # so training twice with the same object is training with two new ones
    again, fresh = Network([2, 6, 3], seed=0), Network([2, 6, 3], seed=0)
    train(again, (x, y), epochs=2, optimizer=adam, seed=0)
    train(fresh, (x, y), epochs=2, optimizer=Adam(0.01), seed=0)
    np.testing.assert_array_equal(again.params, net.params)
    np.testing.assert_array_equal(fresh.params, net.params)


def test_progress_callable_and_plain_lines(capsys: pytest.CaptureFixture[str]) -> None:
    x, y = _blobs(100)
    seen: list[int] = []
    train(Network([2, 4, 3], seed=0), (x, y), epochs=3, test=(x, y),
          progress=lambda h: seen.append(h.epochs))
    assert seen == [1, 2, 3]
    assert capsys.readouterr().err == ""
    train(Network([2, 4, 3], seed=0), (x, y), epochs=2, test=(x, y), progress=True)
    lines = capsys.readouterr().err.splitlines()  # stderr is not a terminal here: plain
    assert len(lines) == 2
    assert lines[1].startswith("epoch 2: cost ") and "accuracy" in lines[1]


def test_ctrl_c_between_epochs_keeps_the_weights() -> None:
    x, y = _blobs(100)
    net = Network([2, 4, 3], seed=0)
    snapshots: list[np.ndarray] = []

    def stop_after_two(history: History) -> None:
        snapshots.append(net.params.copy())
        if history.epochs == 2:
            raise KeyboardInterrupt

    history = train(net, (x, y), epochs=10, progress=stop_after_two)
    assert history.interrupted and history.epochs == 2
    np.testing.assert_array_equal(net.params, snapshots[-1])


def test_ctrl_c_inside_an_epoch_keeps_the_steps_taken() -> None:
    class StopAt(GradientDescent):
        def step(self, params, grads):  # type: ignore[no-untyped-def]
            if self.t == 15:
                raise KeyboardInterrupt
            return super().step(params, grads)

    x, y = _blobs(100)
    net = Network([2, 4, 3], seed=0)
    start = net.params.copy()
    history = train(net, (x, y), epochs=5, optimizer=StopAt(1.0), seed=0)
    assert history.interrupted and history.epochs == 1  # 10 steps an epoch: stopped in the 2nd
    assert not np.array_equal(net.params, start)
    assert np.isnan(history.batch_costs[1][6:]).all()  # batches never run stay NaN


def test_divergence_stops_training() -> None:
    x, y = _blobs()
    net = Network([2, 8, 3], "relu", seed=0)
    history = train(net, (x * 1e3, y), epochs=5, learning_rate=1e30, seed=0)
    assert history.diverged and history.epochs < 5


@pytest.mark.parametrize(
    ("kwargs", "error", "words"),
    [
        ({"epochs": 0}, NetworkError, "epochs must be at least 1"),
        ({"batch_size": 1000}, NetworkError, "larger than the number of examples"),
        ({"batch_size": 2.5}, TypeError, "batch_size must be an int"),
        ({"cost": "cross-entropy"}, NetworkError, "softmax"),
        ({"optimizer": "sgdd"}, SteepestError, "unknown optimizer"),
        ({"test": ([[0.0, 0.0]], [7])}, NetworkError, "test"),
        ({"blas_threads": 0}, NetworkError, "blas_threads must be at least 1"),
        ({"blas_threads": "2"}, NetworkError, "blas_threads must be 'auto'"),
        ({"blas_threads": 1.5}, TypeError, "blas_threads must be an int"),
        ({"seed": -1}, NetworkError, "seed must be a non-negative int or a numpy"),
        ({"seed": 1.5}, TypeError, "seed must be an int, a numpy.random.Generator or None"),
    ],
)
def test_bad_settings_are_refused(kwargs, error, words: str) -> None:
    x, y = _blobs(50)
    with pytest.raises(error, match=words):
        train(Network([2, 3, 3], seed=0), (x, y), **kwargs)


def _blas_threads() -> list[int]:
    from threadpoolctl import threadpool_info

    return [pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"]


@pytest.mark.parametrize("threads", [1, 2, None])
def test_blas_threads_hold_during_training_and_are_restored(threads) -> None:
    from threadpoolctl import threadpool_limits

    x, y = _blobs(60)
    seen: list[list[int]] = []
    with threadpool_limits(3, user_api="blas"):  # a known setting to come back to
        before = _blas_threads()
        train(Network([2, 3, 3], seed=0), (x, y), epochs=2, blas_threads=threads,
              progress=lambda history: seen.append(_blas_threads()))
        after = _blas_threads()
    assert after == before
    expected = before if threads is None else [min(threads, n) for n in before]
    assert seen == [expected, expected]


def test_bad_data_is_refused() -> None:
    net = Network([2, 3, 3], seed=0)
    x, y = _blobs(50)
    with pytest.raises(NetworkError, match=r"50 integer labels.*got shape \(49,\)"):
        train(net, (x, y[:49]))
    with pytest.raises(NetworkError, match=r"shape \(2,\)"):
        train(net, (x[:, :1], y))
    with pytest.raises(TypeError, match="pair"):
        train(net, x)  # type: ignore[arg-type]


def test_rich_progress_on_a_terminal(capsys: pytest.CaptureFixture[str], monkeypatch) -> None:
    import sys

    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    x, y = _blobs(100)
    history = train(Network([2, 4, 3], seed=0), (x, y), epochs=2, test=(x, y), progress=True)
    err = capsys.readouterr().err
    assert "epoch 1: cost" in err and "epoch 2: cost" in err
    assert history.epochs == 2


MNIST_DIR = Path(__file__).resolve().parents[3] / "shared" / "data" / "mnist"


@pytest.mark.mnist
@pytest.mark.skipif(not (MNIST_DIR / "train-images-idx3-ubyte.gz").is_file(),
                    reason="the full MNIST files are not in ../shared/data/mnist")
def test_one_epoch_of_nielsens_setup_exceeds_90_percent() -> None:
    from steepest.data import load_mnist

    data = load_mnist(MNIST_DIR, download=False)
    x, y = data.train
    net = Network([784, 30, 10], seed=0)
    history = train(net, (x[:50_000], y[:50_000]), epochs=1, batch_size=10,
                    learning_rate=3.0, test=data.test, seed=0)
    assert history.test_accuracy[0] > 0.90


def test_divergence_with_test_data_is_reported_not_raised() -> None:
    x, y = _blobs()
    net = Network([2, 8, 3], "relu", "softmax", seed=0)
    history = train(net, (x * 1e3, y), epochs=3, learning_rate=1e308, optimizer="gd",
                    cost="cross-entropy", test=(x, y), seed=0)
    assert history.diverged and history.epochs == 1
    assert history.test_cost == [] and history.test_accuracy == []


def test_weights_that_overflow_on_the_last_step_count_as_divergence() -> None:
    x, y = _blobs(30)
    net = Network([2, 8, 3], "relu", "softmax", seed=0)
    # one mini-batch an epoch: its cost is taken before the step that overflows the weights
    history = train(net, (x * 1e3, y), epochs=2, batch_size=30, learning_rate=1e308,
                    cost="cross-entropy", test=(x, y), seed=0)
    assert history.diverged and history.epochs == 1 and np.isfinite(history.cost[0])
    assert not np.isfinite(net.params).all() and history.test_cost == []


def test_scoring_a_network_whose_outputs_overflow_gives_nan_not_an_error() -> None:
    from steepest.cost import get_cost
    from steepest.nn.evaluation import score

    net = Network([2, 3, 3], "relu", "softmax", seed=0)
    net.params[:] = 1e30  # finite weights, outputs that overflow
    x, y = np.ones((4, 2), net.dtype), np.eye(3, dtype=net.dtype)[[0, 1, 2, 0]]
    value, accuracy = score(net, x, y, net.check_cost(get_cost("cross-entropy")))
    assert np.isnan(value) and np.isnan(accuracy)


def test_label_smoothing_trains_towards_softened_targets() -> None:
    x, y = _blobs(60)
    eps = 0.3
    soft = np.full((60, 3), eps / 3) + (1 - eps) * np.eye(3)[y]  # (1 − ε)·one-hot + ε/K
    smoothed, by_hand = (Network([2, 4, 3], "relu", "softmax", seed=0) for _ in range(2))
    history = train(smoothed, (x, y), epochs=2, batch_size=20, optimizer="adam",
                    cost="cross-entropy", seed=0, label_smoothing=eps)
    train(by_hand, (x, soft), epochs=2, batch_size=20, optimizer="adam", cost="cross-entropy",
          seed=0)
    np.testing.assert_allclose(smoothed.params, by_hand.params, rtol=1e-6, atol=1e-7)
    assert history.settings["label_smoothing"] == eps
    plain = Network([2, 4, 3], "relu", "softmax", seed=0)
    train(plain, (x, y), epochs=2, batch_size=20, optimizer="adam", cost="cross-entropy", seed=0)
    assert not np.allclose(plain.params, smoothed.params)


def test_label_smoothing_keeps_outputs_from_growing_ever_more_confident() -> None:
    x, y = _blobs(300)
    peaks = []
    for eps in (0.0, 0.2):
        net = Network([2, 16, 3], "relu", "softmax", seed=0)
        train(net, (x, y), epochs=30, batch_size=10, optimizer="adam", learning_rate=0.01,
              cost="cross-entropy", seed=0, label_smoothing=eps)
        peaks.append(float(net.forward(x).max(axis=1).mean()))
    assert peaks[1] < 1 - 0.2 + 0.2 / 3 + 0.02 < peaks[0]  # the smoothed target is 0.867


@pytest.mark.parametrize(
    ("eps", "error"), [(1.0, NetworkError), (-0.1, NetworkError), (float("nan"), NetworkError),
                       ("0.1", TypeError), (True, TypeError)],
)
def test_bad_label_smoothing_is_refused(eps, error) -> None:
    x, y = _blobs(50)
    with pytest.raises(error, match="label_smoothing"):
        train(Network([2, 3, 3], seed=0), (x, y), label_smoothing=eps)


# ------------------------------------------------------------------ on_batch: live control
def test_on_batch_sees_every_step_in_order() -> None:
    x, y = _blobs(100)
    seen: list[tuple[int, int, int, float]] = []
    history = train(Network([2, 4, 3], seed=0), (x, y), epochs=2, batch_size=30, seed=0,
                    on_batch=lambda s: seen.append((s.epoch, s.batch, s.steps, s.cost)))
    assert [s[:3] for s in seen] == [(e, b, e * 4 + b) for e in (0, 1) for b in (1, 2, 3, 4)]
    np.testing.assert_allclose([s[3] for s in seen], history.batch_cost)
    assert not history.stopped


def test_on_batch_stop_inside_an_epoch_keeps_the_steps_taken() -> None:
    x, y = _blobs(100)
    net = Network([2, 4, 3], seed=0)
    kept: list[np.ndarray] = []

    def stop_at_step_6(step: TrainingStep) -> None:
        kept.append(net.params.copy())
        if step.steps == 6:
            step.stop()

    history = train(net, (x, y), epochs=5, batch_size=30, seed=0, test=(x, y),
                    on_batch=stop_at_step_6)
    assert history.stopped and not history.interrupted and not history.diverged
    assert history.epochs == 1 and len(history.test_accuracy) == 1  # the second is not counted
    assert [c.size for c in history.batch_costs] == [4, 2]
    assert len(kept) == 6
    np.testing.assert_array_equal(net.params, kept[-1])


def test_on_batch_stop_on_an_epochs_last_batch_ends_there() -> None:
    x, y = _blobs(100)
    history = train(Network([2, 4, 3], seed=0), (x, y), epochs=5, batch_size=50, seed=0,
                    on_batch=lambda s: s.stop() if s.steps == 2 else None)
    assert history.stopped and history.epochs == 1


def test_on_batch_changes_the_learning_rate_from_the_next_step() -> None:
    """Plain descent: a step moves the weights by exactly η·g, so the new η shows at once."""
    x, y = _blobs(60)
    net = Network([2, 3], seed=0, dtype=np.float64)
    moves: list[float] = []
    grads: list[float] = []
    before = [net.params.copy()]

    def watch(step: TrainingStep) -> None:
        moves.append(float(np.abs(net.params - before[-1]).sum()))
        grads.append(float(np.abs(net.grads).sum()))
        before.append(net.params.copy())
        if step.steps == 2:
            step.change(learning_rate=0.25)

    opt = GradientDescent(1.0)
    train(net, (x, y), epochs=1, batch_size=10, optimizer=opt, on_batch=watch)
    rates = np.array(moves) / np.array(grads)
    np.testing.assert_allclose(rates, [1.0, 1.0, 0.25, 0.25, 0.25, 0.25], rtol=1e-5)
    assert opt.learning_rate == 1.0  # the run changed its own copy, not the object given


def test_on_batch_change_keeps_the_optimizer_state_and_checks_values() -> None:
    x, y = _blobs(60)
    given = Adam(0.01)
    velocities: list[np.ndarray] = []
    errors: list[str] = []
    runs: list = []

    def watch(step: TrainingStep) -> None:
        opt = step.optimizer
        runs.append(opt)
        if step.steps == 3:
            velocities.append(opt.state[0]["m"].copy())
            step.change(learning_rate=0.002, beta1=0.5)
            np.testing.assert_array_equal(opt.state[0]["m"], velocities[0])  # state kept
            for bad in ({"beta1": 1.5}, {"speed": 2}, {"learning_rate": -1.0}):
                try:
                    step.change(**bad)
                except (SteepestError, TypeError) as error:
                    errors.append(str(error))

    train(Network([2, 3], seed=0), (x, y), epochs=1, batch_size=10, optimizer=given,
          on_batch=watch)
    opt = runs[-1]
    assert all(o is opt for o in runs) and opt is not given
    assert (opt.learning_rate, opt.beta1, opt.t) == (0.002, 0.5, 6)
    assert (given.learning_rate, given.beta1, given.t) == (0.01, 0.9, 0)
    assert len(errors) == 3 and "beta1" in errors[0] and "'speed'" in errors[1]
    assert "learning_rate" in errors[2]
