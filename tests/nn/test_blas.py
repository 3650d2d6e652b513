"""Tests of steepest.nn.blas: BLAS threads chosen by timing the run's own steps.

No real timings: a fake clock advances by what each step "costs" on the thread count that
the fake limit holds.
"""

from __future__ import annotations

import contextlib
import time

import numpy as np
import pytest

from steepest.nn import Network, blas, train
from steepest.nn.blas import (
    MARGIN,
    MIN_STEPS,
    PROBE_SECONDS,
    PROBE_SHARE,
    ThreadProbe,
    available_cores,
    idle_cores,
    measure_blas_threads,
    pick_faster,
)


class FakeMachine:
    """A clock, a BLAS limit and a step: each step costs ``cost[threads]`` seconds (or
    the ``i``-th entry of a list, for steps that vary)."""

    def __init__(self, cost: dict[int, float | list[float]]) -> None:
        self.cost, self.now, self.threads = cost, 0.0, 2
        self.calls: dict[int, int] = {}
        self.limits: list[int] = []

    def clock(self) -> float:
        return self.now

    @contextlib.contextmanager
    def limit(self, n: int):  # type: ignore[no-untyped-def]
        before, self.threads = self.threads, n
        self.limits.append(n)
        try:
            yield
        finally:
            self.threads = before

    def step(self) -> None:
        i = self.calls[self.threads] = self.calls.get(self.threads, 0) + 1
        cost = self.cost[self.threads]
        self.now += cost[(i - 1) % len(cost)] if isinstance(cost, list) else cost

    def measure(self, steps: int, cores: int = 2) -> ThreadProbe:
        return measure_blas_threads(self.step, steps, cores=cores, clock=self.clock,
                                    limit=self.limit)


@pytest.mark.parametrize(("one", "two", "threads"), [
    (100e-6, 60e-6, 2),  # two threads clearly faster
    (100e-6, 150e-6, 1),  # clearly slower: wide layers at small mini-batches
    (100e-6, 99e-6, 1),  # a tie within the margin: one thread
    (100e-6, 100e-6 * (1 - MARGIN) * 0.99, 2),  # just past the margin
    (5e-3, 3e-3, 2),  # long steps: a burst is one step
])
def test_the_faster_setting_is_kept(one, two, threads) -> None:
    machine = FakeMachine({1: one, 2: two})
    probe = machine.measure(steps=10_000)
    assert probe.threads == threads and probe.reason == "measured"
    assert set(probe.step_seconds) == {1, 2} and len(probe.step_seconds[1]) >= 2
    assert probe.step_seconds[1][0] == pytest.approx(one)
    assert probe.step_seconds[2][0] == pytest.approx(two)
    assert machine.threads == 2  # the limit is lifted afterwards


def test_rounds_alternate_the_order_of_the_settings() -> None:
    machine = FakeMachine({1: 1e-4, 2: 2e-4})
    machine.measure(steps=100_000)
    assert machine.limits[0] == 1  # the first step, untimed, and the estimate
    rounds = machine.limits[1:]
    assert rounds[:4] == [1, 2, 2, 1] and len(rounds) == 2 * blas.ROUNDS


def test_the_median_of_the_rounds_decides_not_one_slow_round() -> None:
    # two threads are faster except in the second round's burst (steps 13 to 22 on two
    # threads; a burst is 10 steps after one that wakes the threads), which another
    # program slowed tenfold
    fast = [60e-6] * 100
    fast[12:22] = [600e-6] * 10
    machine = FakeMachine({1: 100e-6, 2: fast})
    probe = machine.measure(steps=100_000)
    assert probe.threads == 2
    assert max(probe.step_seconds[2]) > 100e-6 > min(probe.step_seconds[2])


def test_the_probe_costs_a_bounded_share_of_the_run() -> None:
    steps = 20_000
    machine = FakeMachine({1: 1e-3, 2: 1e-3})
    probe = machine.measure(steps)
    budget = min(PROBE_SECONDS, PROBE_SHARE * steps * 1e-3)
    # rounds stop once the budget is spent: at most one round past it
    assert probe.seconds == machine.now <= budget + 2 * 2e-3 * (1 + 1)
    assert sum(machine.calls.values()) < PROBE_SHARE * steps + 10


def test_a_busy_core_makes_two_threads_slow_and_stops_a_burst_early() -> None:
    # a thread spinning for a core that another program holds: 100x slower
    machine = FakeMachine({1: 1e-4, 2: 1e-2})
    probe = machine.measure(steps=100_000)
    assert probe.threads == 1
    assert probe.seconds < 2 * PROBE_SECONDS


@pytest.mark.parametrize("steps", [1, 5, MIN_STEPS - 1])
def test_a_tiny_run_takes_one_thread_without_timing(steps) -> None:
    machine = FakeMachine({1: 1e-4, 2: 1e-5})
    probe = machine.measure(steps)
    assert (probe.threads, probe.reason, machine.calls) == (1, "short run", {})


def test_a_run_too_short_for_two_rounds_takes_one_thread_after_one_step() -> None:
    machine = FakeMachine({1: 1e-3, 2: 1e-4})
    probe = machine.measure(steps=100)  # 3% of 0.1 s: not two rounds of bursts
    assert (probe.threads, probe.reason) == (1, "short run")
    assert machine.calls == {1: 2}


def test_one_core_takes_one_thread_without_timing() -> None:
    machine = FakeMachine({1: 1e-4, 2: 1e-5})
    probe = machine.measure(steps=100_000, cores=1)
    assert (probe.threads, probe.reason, machine.calls) == (1, "one core", {})


def test_one_allowed_core_is_seen(monkeypatch) -> None:
    monkeypatch.setattr(blas, "_affinity", lambda: {3})
    assert available_cores() == 1
    assert measure_blas_threads(lambda: None, 100_000).reason == "one core"


def test_many_cores_are_capped_by_the_idle_ones(monkeypatch) -> None:
    monkeypatch.setattr(blas, "available_cores", lambda: 8)
    monkeypatch.setattr(blas, "idle_cores", lambda window: 2.6)
    machine = FakeMachine({1: 1e-4, 3: 5e-5})
    probe = measure_blas_threads(machine.step, 100_000, clock=machine.clock,
                                 limit=machine.limit)
    assert probe.threads == 3 and set(probe.step_seconds) == {1, 3}


def test_pick_faster() -> None:
    assert pick_faster({1: [3.0, 1.0, 2.0], 2: [1.5, 1.6, 9.0]}) == 2
    assert pick_faster({1: [1.0], 4: [1.0]}) == 1
    assert pick_faster({1: [1.0], 2: [0.9], 4: [0.95]}) == 2
    with pytest.raises(ValueError, match="at least one timing"):
        pick_faster({1: []})


def test_the_summary_is_plain_numbers() -> None:
    probe = ThreadProbe(2, "measured", {1: [3.0, 1.0, 2.0], 2: [1.0]}, 0.5)
    assert probe.summary() == {"reason": "measured", "step_seconds": {1: 2.0, 2: 1.0},
                               "seconds": 0.5}


def test_idle_cores_are_between_none_and_all() -> None:
    idle = idle_cores(0.05)
    assert idle is None or 0 <= idle <= available_cores()


def _blas_threads() -> list[int]:
    from threadpoolctl import threadpool_info

    return [pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"]


@pytest.mark.parametrize("chosen", [1, 2])
def test_train_uses_the_measured_count_and_records_it(monkeypatch, chosen) -> None:
    from threadpoolctl import threadpool_limits

    seen_steps: list[int] = []

    def measure(step, steps, **_):  # type: ignore[no-untyped-def]
        seen_steps.append(steps)
        step()  # the real probe step: a backpropagation that leaves the weights alone
        time.sleep(0.2)  # the probe's own time
        return ThreadProbe(chosen, "measured", {1: [1.0], 2: [1.0]}, 0.25)

    monkeypatch.setattr(blas, "measure_blas_threads", measure)
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(200, 20)), rng.integers(0, 3, 200)
    seen: list[list[int]] = []
    with threadpool_limits(3, user_api="blas"):
        configured = _blas_threads()
        history = train(Network([20, 8, 3], seed=0), (x, y), epochs=2, batch_size=10,
                        seed=0, progress=lambda h: seen.append(_blas_threads()))
        assert _blas_threads() == configured
    assert seen_steps == [2 * 20]
    assert history.settings["blas_threads"] == chosen
    assert history.settings["blas_probe"]["reason"] == "measured"
    assert seen == [[min(chosen, n) for n in configured]] * 2
    assert history.seconds[0] >= 0.2  # the probe's time is in the first epoch's


def test_passing_the_recorded_count_repeats_an_auto_run_bit_for_bit(monkeypatch) -> None:
    monkeypatch.setattr(blas, "PROBE_SHARE", 1.0)  # a run this short may then afford timing
    rng = np.random.default_rng(1)
    x, y = rng.normal(size=(600, 20)), rng.integers(0, 3, 600)
    runs = []
    for threads in ("auto", None):
        net = Network([20, 16, 3], "relu", "softmax", seed=0)
        history = train(net, (x, y), epochs=3, batch_size=8, cost="cross-entropy",
                        optimizer="adam", seed=0,
                        blas_threads=threads if threads else runs[0][1]["blas_threads"])
        runs.append((net.params.copy(), history.settings))
    assert isinstance(runs[0][1]["blas_threads"], int)
    assert runs[0][1]["blas_probe"]["reason"] == "measured" or available_cores() == 1
    np.testing.assert_array_equal(runs[0][0], runs[1][0])


def test_the_timed_steps_train_a_copy_and_the_weights_are_put_back(monkeypatch) -> None:
    from steepest.cost import get_cost
    from steepest.descent.optimizers import Adam

    moved = []

    def measure(step, steps, **_):  # type: ignore[no-untyped-def]
        before = net.params.copy()
        for _ in range(5):
            step()
        moved.append(not np.array_equal(before, net.params))  # the steps did step
        return ThreadProbe(2, "measured", {1: [1.0], 2: [0.5]}, 0.1)

    monkeypatch.setattr(blas, "measure_blas_threads", measure)
    rng = np.random.default_rng(0)
    net = Network([20, 8, 3], "relu", "softmax", seed=0)
    x = rng.normal(size=(100, 20)).astype(np.float32)
    y = np.eye(3, dtype=np.float32)[rng.integers(0, 3, 100)]
    start, optimizer = net.params.copy(), Adam(0.01)
    probe = blas.measure_training_threads(net, x, y, 10, get_cost("cross-entropy"), optimizer,
                                          1000)
    assert probe.threads == 2 and moved == [True]
    np.testing.assert_array_equal(net.params, start)
    assert optimizer.t == 0 and not optimizer.state  # the run's optimizer was not stepped
