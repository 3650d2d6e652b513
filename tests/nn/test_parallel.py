"""Tests of steepest.nn.parallel: mini-batches split between forked worker processes.

What is checked: the parts add up to the mini-batch's gradient and cost; a worker computes
exactly what this process would (so a run does not depend on whether workers could be
forked, nor on a worker that is lost); lost, failed and stopped workers are taken over;
workers never outlive their use; and ``train(processes=...)`` and the probe use them.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

import numpy as np
import pytest

from steepest.cost import get_cost
from steepest.errors import NetworkError
from steepest.nn import Network, blas, parallel, train
from steepest.nn.blas import ThreadProbe, available_cores
from steepest.nn.parallel import SplitBackprop, fork_refusal, part_sizes


@pytest.fixture
def forkable():  # type: ignore[no-untyped-def]
    """No other thread in this process, so that workers can be forked: the equation
    evaluator's thread pool, which earlier tests may have started, is shut down (it starts
    again when needed); any other thread fails the test, naming it."""
    import threading

    from steepest.equation import compiled

    if compiled._pool is not None:
        compiled._pool.shutdown(wait=True)
        compiled._pool = None
    assert threading.active_count() == 1, f"threads left running: {threading.enumerate()}"
    assert fork_refusal() is None


_skip_unless_forked = pytest.mark.skipif(
    not sys.platform.startswith("linux") or available_cores() < 2
    or os.uname().machine.lower() not in ("x86_64", "amd64"),
    reason="workers are forked on Linux x86-64 with two cores or more")


def can_fork(test):  # type: ignore[no-untyped-def]
    """A test that forks workers: skipped where none can be, run with no other thread."""
    return pytest.mark.usefixtures("forkable")(_skip_unless_forked(test))


def _data(n: int = 300, inputs: int = 12, classes: int = 4, seed: int = 0):  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, inputs)).astype(np.float32)
    y = np.eye(classes, dtype=np.float32)[rng.integers(0, classes, n)]
    return x, y


def _gone(pid: int) -> bool:
    """Whether process ``pid`` has ended (reaped, or a zombie that nobody reaps)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().rpartition(")")[2].split()[0] == "Z"
    except FileNotFoundError:
        return True


@pytest.mark.parametrize(("m", "parts"), [(128, 2), (7, 2), (10, 3), (1, 2), (5, 5)])
def test_part_sizes_cover_the_batch_evenly(m, parts) -> None:
    sizes = part_sizes(m, parts)
    assert sum(sizes) == m and len(sizes) == parts
    assert max(sizes) - min(sizes) <= 1 and sizes == sorted(sizes, reverse=True)


@pytest.mark.parametrize(("cost", "output"), [("quadratic", "sigmoid"),
                                              ("cross-entropy", "softmax")])
@pytest.mark.parametrize("m", [64, 7, 3])
def test_the_parts_add_up_to_the_mini_batch(cost, output, m) -> None:
    x, y = _data()
    net = Network([12, 9, 4], "tanh", output, seed=0)
    rows = np.random.default_rng(1).permutation(len(x))[:m]
    whole = net.backprop_for(m, get_cost(cost))(x[rows], y[rows])
    expected = net.grads.copy()
    with SplitBackprop(net, x, y, get_cost(cost), 2, fork=False) as split:
        net.grads[:] = np.nan
        value = split(rows)
    assert value == pytest.approx(float(whole), rel=1e-5)
    np.testing.assert_allclose(net.grads, expected, rtol=1e-4, atol=1e-6)


@can_fork
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_a_worker_computes_exactly_what_this_process_would(dtype) -> None:
    parts = 2
    x, y = _data()
    x, y = x.astype(dtype), (0.9 * y + 0.1 / y.shape[1]).astype(dtype)  # smoothed targets
    rng = np.random.default_rng(2)
    batches = [rng.permutation(len(x))[:m] for m in (64, 64, 7, 1, 64)]
    results = []
    for fork in (True, False):
        net = Network([12, 9, 4], "relu", "softmax", seed=0, dtype=dtype)
        with SplitBackprop(net, x, y, get_cost("cross-entropy"), parts, fork=fork) as split:
            assert split.workers == (parts - 1 if fork else 0)
            values = []
            for rows in batches:
                values.append(split(rows))
                net.params -= 0.1 * net.grads  # the weights move: the workers must see it
            results.append((values, net.params.copy()))
            if fork:
                assert split.cpu_seconds() > 0
    assert results[0][0] == results[1][0]
    np.testing.assert_array_equal(results[0][1], results[1][1])


@can_fork
def test_workers_end_on_close_and_ignore_ctrl_c() -> None:
    x, y = _data()
    net = Network([12, 9, 4], seed=0)
    split = SplitBackprop(net, x, y, get_cost("quadratic"), 2)
    pid = split._workers[1].pid
    os.kill(pid, signal.SIGINT)  # Ctrl-C reaches the whole process group: not for workers
    time.sleep(0.05)
    split(np.arange(20))
    assert split.workers == 1 and not split.lost
    time.sleep(2 * parallel.SPIN_SECONDS + 0.01)  # asleep by now: woken by the next step
    split(np.arange(20, 40))
    assert split.workers == 1
    split.close()
    assert _gone(pid) and split.workers == 0
    split.close()  # twice is harmless


@can_fork
@pytest.mark.parametrize("how", ["killed", "stopped"])
def test_a_lost_worker_is_taken_over_with_the_same_arithmetic(monkeypatch, how) -> None:
    monkeypatch.setattr(parallel, "STEP_TIMEOUT", 0.3)
    x, y = _data()
    batches = [np.arange(k * 30, k * 30 + 30) for k in range(4)]
    runs = []
    for fork in (True, False):
        net = Network([12, 9, 4], seed=0)
        with SplitBackprop(net, x, y, get_cost("quadratic"), 2, fork=fork) as split:
            values = []
            for k, rows in enumerate(batches):
                if fork and k == 2:
                    pid = split._workers[1].pid
                    if how == "killed":
                        os.kill(pid, signal.SIGKILL)
                    else:
                        os.kill(pid, signal.SIGSTOP)  # alive, never answering
                values.append(split(rows))
                net.params -= 0.5 * net.grads
            lost = list(split.lost)
            runs.append((values, net.params.copy()))
        if fork:
            assert len(lost) == 1 and "worker 1" in lost[0]
            assert {"killed": "signal 9", "stopped": "did not answer"}[how] in lost[0]
            assert _gone(pid)
    assert runs[0][0] == runs[1][0]
    np.testing.assert_array_equal(runs[0][1], runs[1][1])


@can_fork
def test_a_part_that_cannot_be_computed_raises_here_and_the_worker_goes_on() -> None:
    x, y = _data()
    rows = np.arange(40)
    with SplitBackprop(Network([12, 9, 4], seed=0), x, y, get_cost("quadratic"), 2,
                       fork=False) as here:
        expected = here(rows)
    with SplitBackprop(Network([12, 9, 4], seed=0), x, y, get_cost("quadratic"), 2) as split:
        bad = rows.copy()
        bad[-1] = 10**9  # in the worker's part
        with pytest.raises(IndexError, match="out of bounds"):
            split(bad)
        assert split.workers == 1 and not split.lost
        assert split(rows) == expected
        for empty in (np.arange(0), np.arange(len(x) + 1)):
            with pytest.raises(ValueError, match=f"a mini-batch of {len(empty)} rows"):
                split(empty)
    with pytest.raises(ValueError, match="closed"):
        split(rows)


@can_fork
def test_a_process_forked_later_does_not_stop_the_workers() -> None:
    x, y = _data()
    with SplitBackprop(Network([12, 9, 4], seed=0), x, y, get_cost("quadratic"), 2) as split:
        split(np.arange(20))
        pid = os.fork()
        if pid == 0:  # what exiting does with the finalizers it inherited: runs them
            try:
                split._finalizer()
            finally:
                os._exit(0)
        os.waitpid(pid, 0)
        assert split._control[1, 0] == split._seq  # the worker was not told to stop
        split(np.arange(20, 40))
        assert split.workers == 1 and not split.lost


@can_fork
def test_workers_end_when_the_training_process_goes() -> None:
    code = textwrap.dedent("""
        import os, numpy as np
        from steepest.cost import get_cost
        from steepest.nn import Network
        from steepest.nn.parallel import SplitBackprop
        x = np.zeros((50, 4), np.float32); y = np.eye(2, dtype=np.float32)[np.zeros(50, int)]
        split = SplitBackprop(Network([4, 3, 2], seed=0), x, y, get_cost("quadratic"), 2)
        split(np.arange(10))
        print(split._workers[1].pid, flush=True)
        os._exit(0)  # no close, no finalizer
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=60, check=True).stdout
    pid = int(out.split()[0])
    deadline = time.monotonic() + 5
    while not _gone(pid) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert _gone(pid)


@can_fork
def test_a_failed_fork_leaves_the_parts_to_this_process(monkeypatch) -> None:
    x, y = _data()
    rows = np.arange(40)
    expected = []
    with SplitBackprop(Network([12, 9, 4], seed=0), x, y, get_cost("quadratic"), 2,
                       fork=False) as split:
        expected = [split(rows), split.network.grads.copy()]

    def no_fork() -> int:
        raise OSError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(os, "fork", no_fork)
    net = Network([12, 9, 4], seed=0)
    with SplitBackprop(net, x, y, get_cost("quadratic"), 2, batch_size=40) as split:
        assert split.workers == 0
        assert split.refusal == "could not fork a worker: Resource temporarily unavailable"
        assert split(rows) == expected[0]
        np.testing.assert_array_equal(net.grads, expected[1])
        with pytest.raises(ValueError, match="41 rows: this split takes 1 to 40"):
            split(np.arange(41))


def test_only_the_quadratic_and_cross_entropy_costs_split() -> None:
    from steepest.cost import Cost

    x, y = _data()
    net = Network([12, 9, 4], seed=0)
    half = get_cost("quadratic")
    other = Cost("half-quadratic", "C/2", lambda t, a: 0.5 * half.value(t, a),
                 lambda t, a: 0.5 * half.grad(t, a))
    with pytest.raises(ValueError, match="quadratic or cross-entropy"):
        SplitBackprop(net, x, y, other, 2)
    with pytest.raises(ValueError, match="at least 2"):
        SplitBackprop(net, x, y, half, 1)


# ------------------------------------------------------------------ train(processes=...)
@can_fork
def test_train_in_two_processes_repeats_and_matches_one_process_closely(monkeypatch) -> None:
    x, y = _data(400)
    test = _data(100, seed=3)
    made: list[SplitBackprop] = []
    pids: list[int] = []
    original = SplitBackprop.__init__

    def recording(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        original(self, *args, **kwargs)
        made.append(self)
        pids.extend(worker.pid for worker in self._workers.values())

    monkeypatch.setattr(SplitBackprop, "__init__", recording)
    runs = {}
    for name, kwargs in [("two", {"processes": 2}), ("again", {"processes": 2}),
                         ("one", {"processes": 1, "blas_threads": 1})]:
        net = Network([12, 16, 4], "relu", "softmax", seed=0)
        history = train(net, (x, np.argmax(y, 1)), epochs=3, batch_size=40, seed=0,
                        cost="cross-entropy", optimizer="adam",
                        test=(test[0], np.argmax(test[1], 1)), **kwargs)
        runs[name] = (net.params.copy(), history)
    assert len(made) == 2 and all(split.workers == 0 for split in made)  # closed
    assert len(pids) == 2 and all(_gone(pid) for pid in pids)
    two, again, one = runs["two"], runs["again"], runs["one"]
    np.testing.assert_array_equal(two[0], again[0])
    assert not np.array_equal(two[0], one[0])  # summed in two parts: rounded differently
    np.testing.assert_allclose(two[0], one[0], rtol=1e-3, atol=1e-4)
    assert two[1].settings["processes"] == 2 and two[1].settings["blas_threads"] == 1
    assert "processes_lost" not in two[1].settings
    assert two[1].test_accuracy[-1] == pytest.approx(one[1].test_accuracy[-1], abs=0.02)


@can_fork
def test_train_without_workers_gives_the_same_weights(monkeypatch) -> None:
    x, y = _data(200)
    results, forked = [], []
    original = SplitBackprop.__init__

    def recording(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        original(self, *args, **kwargs)
        forked.append(self.workers)

    monkeypatch.setattr(SplitBackprop, "__init__", recording)
    for refusal in (None, "not here"):
        monkeypatch.setattr(parallel, "fork_refusal", lambda refusal=refusal: refusal)
        net = Network([12, 8, 4], seed=0)
        history = train(net, (x, np.argmax(y, 1)), epochs=2, batch_size=20, seed=0,
                        processes=2)
        results.append(net.params.copy())
        assert history.settings.get("processes_refused") == refusal
    assert forked == [1, 0]
    np.testing.assert_array_equal(results[0], results[1])


@pytest.mark.parametrize(("value", "words"), [
    (0, "processes must be at least 1"),
    ("two", "processes must be 'auto' or a whole number"),
    (True, "processes must be an int"),
    (1.5, "processes must be an int"),
    (99, "more than the"),
])
def test_train_refuses_bad_process_counts(value, words) -> None:
    x, y = _data(50)
    error = TypeError if "an int" in words else NetworkError
    with pytest.raises(error, match=words):
        train(Network([12, 4, 4], seed=0), (x, np.argmax(y, 1)), epochs=1, batch_size=10,
              processes=value)


@pytest.mark.parametrize("threads", [2, None])
def test_train_refuses_processes_with_more_than_one_blas_thread(monkeypatch, threads) -> None:
    monkeypatch.setattr(blas, "available_cores", lambda: 2)
    x, y = _data(50)
    with pytest.raises(NetworkError, match="blas_threads must be 1 or 'auto' with it"):
        train(Network([12, 4, 4], seed=0), (x, np.argmax(y, 1)), epochs=1, batch_size=10,
              processes=2, blas_threads=threads)


def test_train_refuses_processes_beyond_the_batch_or_for_other_costs(monkeypatch) -> None:
    monkeypatch.setattr(blas, "available_cores", lambda: 8)
    x, y = _data(50)
    net = Network([12, 4, 4], seed=0)
    with pytest.raises(NetworkError, match="more than the mini-batch's 3 examples"):
        train(net, (x, np.argmax(y, 1)), epochs=1, batch_size=3, processes=4)
    from steepest.cost import Cost

    half = get_cost("quadratic")
    other = Cost("half", "C/2", lambda t, a: 0.5 * half.value(t, a),
                 lambda t, a: 0.5 * half.grad(t, a))
    with pytest.raises(NetworkError, match="quadratic or cross-entropy"):
        train(net, (x, np.argmax(y, 1)), epochs=1, batch_size=10, processes=2, cost=other)


def test_auto_processes_is_one_when_threads_are_given() -> None:
    x, y = _data(100)
    history = train(Network([12, 4, 4], seed=0), (x, np.argmax(y, 1)), epochs=1,
                    batch_size=10, blas_threads=1)
    assert history.settings["processes"] == 1


@can_fork
def test_train_uses_a_split_the_probe_chose(monkeypatch) -> None:
    chosen: list[SplitBackprop] = []

    def measure(network, x, y, batch_size, cost, optimizer, steps, *, split):  # type: ignore[no-untyped-def]
        assert split is True
        made = SplitBackprop(network, x, y, cost, 2)
        chosen.append(made)
        return ThreadProbe(1, "measured", {1: [2.0], 2: [2.0]}, 0.01, 2, [1.0], [2.0], made)

    from steepest.nn import training

    monkeypatch.setattr(training, "measure_training_threads", measure)
    x, y = _data(200)
    history = train(Network([12, 8, 4], seed=0), (x, np.argmax(y, 1)), epochs=2,
                    batch_size=40, seed=0)
    assert history.settings["processes"] == 2 and history.settings["blas_threads"] == 1
    assert history.settings["blas_probe"]["step_seconds"] == {1: 2.0, 2: 2.0,
                                                              "2 processes": 1.0}
    assert chosen[0].workers == 0  # closed at the end of the run


# ------------------------------------------------------------------------ the probe
class _Machine:
    """A fake clock and BLAS limit; a step costs ``cost[threads]``, a split step ``split``."""

    def __init__(self, one: float, two: float, split: float | None) -> None:
        self.cost, self.split_cost, self.now, self.threads = {1: one, 2: two}, split, 0.0, 2
        self.events: list[str] = []

    def clock(self) -> float:
        return self.now

    def limit(self, n: int):  # type: ignore[no-untyped-def]
        import contextlib

        @contextlib.contextmanager
        def held():  # type: ignore[no-untyped-def]
            before, self.threads = self.threads, n
            try:
                yield
            finally:
                self.threads = before

        return held()

    def step(self) -> None:
        self.events.append(f"step{self.threads}")
        self.now += self.cost[self.threads]

    def factory(self):  # type: ignore[no-untyped-def]
        self.events.append("fork")
        if self.split_cost is None:
            return None

        def split_step() -> None:
            assert self.threads == 1  # each process on one thread
            self.events.append("split")
            self.now += self.split_cost

        return split_step


@pytest.mark.parametrize(("one", "two", "split", "threads", "processes"), [
    (100e-6, 80e-6, 60e-6, 1, 2),  # the split beats two threads
    (100e-6, 60e-6, 70e-6, 2, 1),  # two threads beat the split
    (100e-6, 150e-6, 99e-6, 1, 1),  # a tie with one thread, within the margin
    (100e-6, 80e-6, None, 2, 1),  # no workers could be forked
])
def test_the_probe_times_the_split_after_the_threads(one, two, split, threads, processes) -> None:
    machine = _Machine(one, two, split)
    probe = blas.measure_blas_threads(machine.step, 100_000, cores=2, clock=machine.clock,
                                      limit=machine.limit, split=machine.factory)
    assert (probe.threads, probe.processes) == (threads, processes)
    fork = machine.events.index("fork")
    assert "step2" not in machine.events[fork:]  # BLAS threads spin after a product: before
    assert ("split" in machine.events) == (split is not None)
    if split is not None:
        assert len(probe.split_seconds) >= 2 and probe.split_seconds[0] == pytest.approx(split)
        assert probe.summary()["step_seconds"]["2 processes"] == pytest.approx(split)


def test_the_probe_skips_the_split_when_the_budget_is_short(monkeypatch) -> None:
    machine = _Machine(100e-6, 80e-6, 10e-6)
    # enough for two rounds of two settings, not for the split's two rounds as well
    steps = int(2 * 2 * (blas.math.ceil(blas.BURST_SECONDS / 100e-6) + 1) * 1.5
                / blas.PROBE_SHARE)
    probe = blas.measure_blas_threads(machine.step, steps, cores=2, clock=machine.clock,
                                      limit=machine.limit, split=machine.factory)
    assert probe.reason == "measured" and "fork" not in machine.events
    assert probe.processes == 1 and not probe.split_seconds


@can_fork
def test_the_real_probe_leaves_no_workers_unless_it_chose_them() -> None:
    from steepest.descent.optimizers import GradientDescent

    x, y = _data(2000, inputs=64)
    net = Network([64, 32, 4], seed=0)
    start = net.params.copy()
    probe = blas.measure_training_threads(net, x, y, 128, get_cost("quadratic"),
                                          GradientDescent(0.1), 100_000, split=True)
    np.testing.assert_array_equal(net.params, start)
    assert probe.reason == "measured" and len(probe.split_seconds) >= 2
    if probe.processes > 1:
        assert isinstance(probe.split, SplitBackprop) and probe.split.workers == 1
        probe.split.close()
    else:
        assert probe.split is None
