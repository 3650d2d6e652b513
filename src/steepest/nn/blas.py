"""How many BLAS threads a training run uses: measured on the run's own steps, not guessed.

A training step is a handful of matrix products (GEMMs) that BLAS (OpenBLAS, MKL) may
split across threads. Splitting costs a wake-up and a wait for every product, so it pays
only when the products are large enough, and where that happens depends on the shapes, the
processor, its caches and what else runs on it: a rule from the size of the largest product,
fitted on one machine, picked the faster setting in only 10 of 24 sizes on that same machine.
So :func:`measure_blas_threads`, what ``train(..., blas_threads="auto")`` asks, times steps
of the run itself (its network, its mini-batch size, its data) on one thread and on every
idle core, a few alternating rounds, and keeps the faster; more threads must win by
:data:`MARGIN`.

The timed steps are training steps (a backpropagation and a step of a copy of the run's
optimizer) whose weights are put back afterwards, so a run is decided by its thread count
alone: BLAS rounds differently on one thread and on two, and
``History.settings["blas_threads"]`` records the count, which passed back repeats the run
bit for bit. While it runs, the probe holds a copy of the weights and the optimizer's state.
It costs at most :data:`PROBE_SHARE` of the run's estimated time (and :data:`PROBE_SECONDS`);
a run too short to afford two rounds, or a process allowed one core, takes one thread
without timing anything.

Where each mini-batch is large enough to split, the probe also times a third way of using
the cores: the mini-batch split into one part per core, each part backpropagated in a
process of its own on one thread (:mod:`steepest.nn.parallel`). It is kept only if it beats
the faster thread count by :data:`MARGIN` too; ``History.settings["processes"]`` records it.

Left out: changing the thread count within a run (a program that starts later still
competes), thread counts between one and every idle core, processes with more than one
thread each, and any library other than the BLAS that NumPy uses.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
import os
import statistics
import time
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from steepest.cost import Cost
    from steepest.descent.protocol import Optimizer
    from steepest.nn.network import Network

__all__ = [
    "MARGIN",
    "MIN_PART_ROWS",
    "PROBE_SECONDS",
    "PROBE_SHARE",
    "ThreadProbe",
    "available_cores",
    "idle_cores",
    "measure_blas_threads",
    "measure_training_threads",
    "pick_faster",
    "usable_cores",
]

#: More threads are kept only if their median step is at least this share faster than one
#: thread's; on a tie one thread leaves the other cores to other programs.
MARGIN = 0.03
#: The probe's share of the run's time at most, estimated from a step on one thread ...
PROBE_SHARE = 0.03
#: ... and its seconds at most.
PROBE_SECONDS = 1.0
#: Each timing covers consecutive steps adding up to about this long (on one thread), so
#: that the clock's resolution and a thread's wake-up count little.
BURST_SECONDS = 0.001
#: Rounds of timings, each a burst on one thread and a burst on every idle core: at least
#: two (a round alone could fall on a moment another program ran), at most this many.
ROUNDS = 5
#: The timed steps cycle through this many mini-batches drawn from the whole training set,
#: so that most of their rows come from memory, as a run's do, not from the caches.
PROBE_BATCHES = 64
#: Runs of fewer steps take one thread without timing any.
MIN_STEPS = 50
#: What forking the workers and their first step cost, about (a split is timed only if
#: the budget affords it besides its rounds).
FORK_SECONDS = 0.01
#: A split mini-batch is timed only if each process's part has at least this many rows:
#: smaller parts were slower in two processes than on one thread (784-30-10, mini-batch 32).
MIN_PART_ROWS = 32

Limit = Callable[[int], AbstractContextManager[Any]]


def _affinity() -> set[int] | None:
    try:
        return os.sched_getaffinity(0)
    except (AttributeError, OSError):  # not on Linux
        return None


def available_cores() -> int:
    """The number of cores this process may run on (its CPU affinity, else all)."""
    cores = _affinity()
    return max(1, len(cores) if cores is not None else os.cpu_count() or 1)


def _cpu_times(cores: set[int]) -> tuple[int, int] | None:
    """(idle, total) clock ticks of ``cores`` since boot, from /proc/stat; None if unreadable."""
    idle = total = 0
    try:
        with open("/proc/stat", encoding="ascii") as stat:
            for line in stat:
                name, *fields = line.split()
                if not (name.startswith("cpu") and name[3:].isdigit() and int(name[3:]) in cores):
                    continue
                # user, nice, system, idle, iowait, irq, softirq, steal
                ticks = [int(f) for f in fields[:8]]
                idle += ticks[3] + ticks[4]
                total += sum(ticks)
    except (OSError, ValueError, IndexError):
        return None
    return (idle, total) if total else None


def idle_cores(window: float = 0.1) -> float | None:
    """How many of this process's cores sat idle over the next ``window`` seconds.

    Read from the kernel's tick counts (``/proc/stat``, Linux); ``None`` where they cannot
    be read. The calling thread sleeps through the window, so its own core counts as idle.
    """
    cores = _affinity()
    before = None if cores is None else _cpu_times(cores)
    if before is None:
        return None
    time.sleep(window)
    after = _cpu_times(cores)  # type: ignore[arg-type]
    if after is None or after[1] <= before[1]:
        return None
    return len(cores) * (after[0] - before[0]) / (after[1] - before[1])  # type: ignore[arg-type]


def usable_cores() -> int:
    """The cores a run may use: those this process may run on and, where there are more
    than two, no more than sit idle (at least two). On two cores the only choice is one or
    both, and a busy core shows in the times."""
    cores = available_cores()
    if cores > 2:
        idle = idle_cores(0.05)
        cores = cores if idle is None else min(cores, max(2, int(idle + 0.5)))
    return cores


@dataclass(frozen=True)
class ThreadProbe:
    """What :func:`measure_blas_threads` decided, and from what.

    Attributes
    ----------
    threads
        The thread count chosen (one thread in each process, if ``processes`` > 1).
    reason
        ``"measured"``, ``"one core"`` (the process may run on one core only) or
        ``"short run"`` (too few steps to afford timing two settings).
    step_seconds
        The seconds of a step measured in each round, by thread count (empty unless
        measured).
    seconds
        Wall-clock seconds the probe took.
    processes
        1, or the number of processes that each mini-batch is split between.
    split_seconds, split_base
        The seconds of each step timed with the mini-batch split, and of each step on one
        thread timed in the same rounds (empty unless timed).
    split
        The :class:`~steepest.nn.parallel.SplitBackprop` whose workers run, if the split
        was chosen (the caller closes it); not part of the summary.
    """

    threads: int
    reason: str
    step_seconds: dict[int, list[float]] = field(default_factory=dict)
    seconds: float = 0.0
    processes: int = 1
    split_seconds: list[float] = field(default_factory=list)
    split_base: list[float] = field(default_factory=list)
    split: Any = field(default=None, compare=False, repr=False)

    def summary(self) -> dict[str, Any]:
        """Plain numbers for ``History.settings``: the reason, the median step by thread
        count (and split, ``"N processes"``, if timed: scaled by one thread's median step in
        the thread counts' rounds over its median in the split's, as the choice compares
        them), the seconds spent."""
        medians: dict[int | str, float] = {
            n: statistics.median(t) for n, t in self.step_seconds.items() if t}
        if self.split_seconds:  # split between as many processes as the most threads timed
            parts = max(self.step_seconds)
            split = statistics.median(self.split_seconds)
            if self.split_base and self.step_seconds.get(1):  # on the thread counts' scale
                split *= statistics.median(self.step_seconds[1]) / statistics.median(
                    self.split_base)
            medians[f"{parts} processes"] = split
        return {"reason": self.reason, "step_seconds": medians, "seconds": self.seconds}


def pick_faster(step_seconds: Mapping[int, Sequence[float]], margin: float = MARGIN) -> int:
    """The thread count whose median step is fastest; a larger count must beat each smaller
    one's median by ``margin`` (a share) to be kept.

    Examples
    --------
    >>> pick_faster({1: [1.0, 1.1, 0.9], 2: [0.6, 0.7, 0.5]})
    2
    >>> pick_faster({1: [1.0], 2: [0.98]})  # 2% faster: within the margin, one thread
    1
    """
    medians = {n: statistics.median(t) for n, t in step_seconds.items() if len(t)}
    if not medians:
        raise ValueError("pick_faster needs at least one timing")
    best = min(medians)
    for n in sorted(medians):
        if medians[n] < medians[best] * (1 - margin):
            best = n
    return best


def _blas_limit() -> Limit:
    """``limit(n)``: a context in which NumPy's BLAS uses ``n`` threads (threadpoolctl)."""
    from threadpoolctl import ThreadpoolController  # here only: it looks at every library

    blas = ThreadpoolController().select(user_api="blas")
    return lambda n: blas.limit(limits=n)


def measure_blas_threads(
    step: Callable[[], Any],
    steps: int,
    *,
    cores: int | None = None,
    clock: Callable[[], float] = time.perf_counter,
    limit: Limit | None = None,
    split: Callable[[], Callable[[], Any] | None] | None = None,
) -> ThreadProbe:
    """Time ``step`` on one thread and on every idle core; the faster count.

    Parameters
    ----------
    step
        One training step's work (a backpropagation); called on every setting timed.
    steps
        The steps of the whole run, to bound the probe's cost: at most
        :data:`PROBE_SHARE` of ``steps`` one-thread steps, and :data:`PROBE_SECONDS`.
    cores
        The most threads to try; ``None``: the cores this process may run on, and no more
        than sit idle (:func:`idle_cores`) where there are more than two.
    clock, limit
        The clock (seconds) and ``limit(n)``, a context holding BLAS to ``n`` threads;
        given by tests, which time nothing real.
    split
        ``None``, or a function called after the thread counts are timed that returns the
        same step with the mini-batch split between ``cores`` processes (or ``None``, if it
        cannot). That step is then timed on one thread, in at least three rounds with one
        thread's step, with what is left of the budget after 40% on the thread counts (none
        if the budget cannot afford the rounds and :data:`FORK_SECONDS`). It is
        chosen (``processes=cores``) if its median step, relative to one thread's median
        step in the same rounds, beats the faster thread count's by :data:`MARGIN` (each
        step is timed: two processes that wait for each other are delayed by any program
        that runs on either core, and a median passes over those steps). The split is timed
        after the thread counts because BLAS threads spin for a while after each product,
        on the cores that the workers need; forking stops them.

    Returns
    -------
    ThreadProbe
        The thread count and how it was found. Rounds alternate the settings (one thread
        first, then every core, then every core first, ...) so that a slow patch of the
        machine falls on both; each round times a burst of steps after one step that wakes
        the threads.
    """
    if cores is None:
        cores = usable_cores()
    if cores <= 1:
        return ThreadProbe(1, "one core")
    if steps < MIN_STEPS:
        return ThreadProbe(1, "short run")
    limit = limit or _blas_limit()
    start = clock()
    with limit(1):
        step()  # buffers and caches warm
        before = clock()
        step()
        one = max(clock() - before, 1e-9)
    budget = min(PROBE_SECONDS, PROBE_SHARE * steps * one)
    burst = max(1, math.ceil(BURST_SECONDS / one))
    round_ = 2 * (burst + 1) * one  # a round of two settings, each warmed up
    if 2 * round_ > budget:
        return ThreadProbe(1, "short run", seconds=clock() - start)
    if split is not None and 5 * round_ + FORK_SECONDS > budget:  # two rounds, then three
        split = None
    timer = _Timer(clock, limit, start, budget, burst)
    timed = timer.alternate({1: (step, 1), cores: (step, cores)},
                            0.4 * budget if split is not None else budget)
    threads = pick_faster(timed)
    if split is None:
        return ThreadProbe(threads, "measured", timed, clock() - start)
    # held to one thread throughout: raising the limit starts BLAS threads that then spin
    with limit(1):
        split_step = split()
        if split_step is None:
            return ThreadProbe(threads, "measured", timed, clock() - start)
        paired = timer.alternate({0: (split_step, 1), 1: (step, 1)}, budget, at_least=3,
                                 each=True)
    gain = statistics.median(paired[0]) / statistics.median(paired[1])
    best = statistics.median(timed[threads]) / statistics.median(timed[1])
    processes = 1
    if gain < best * (1 - MARGIN):
        threads, processes = 1, cores
    return ThreadProbe(threads, "measured", timed, clock() - start, processes, paired[0],
                       paired[1])


@dataclass
class _Timer:
    """Bursts of steps under BLAS limits, in rounds that alternate their order."""

    clock: Callable[[], float]
    limit: Limit
    start: float
    budget: float
    burst: int

    def alternate(self, settings: dict[int, tuple[Callable[[], Any], int]],
                  until: float, at_least: int = 2, each: bool = False) -> dict[int, list[float]]:
        """A step's seconds on each setting (key: (step, BLAS threads)) in each round: at
        least ``at_least`` rounds, at most :data:`ROUNDS`, and no more once ``until``
        seconds of the probe have passed. ``each``: every step's seconds, not each burst's
        mean (so that a median passes over a step that another program delayed)."""
        clock, keys = self.clock, list(settings)
        timed: dict[int, list[float]] = {key: [] for key in keys}
        for round_ in range(ROUNDS):
            turn = round_ % len(keys)
            for key in keys[turn:] + keys[:turn]:
                run, threads = settings[key]
                with self.limit(threads):
                    run()  # wakes the threads
                    before = last = clock()
                    done = 0
                    while done < self.burst:
                        run()
                        done += 1
                        now = clock()
                        if each:
                            timed[key].append(now - last)
                            last = now
                        if now - self.start > 2 * self.budget:  # far slower: stop
                            break
                    if not each:
                        timed[key].append((clock() - before) / done)
            if round_ >= at_least - 1 and clock() - self.start >= until:
                break
        return timed


def measure_training_threads(
    network: Network, x: np.ndarray, y: np.ndarray, batch_size: int, cost: Cost,
    optimizer: Optimizer, steps: int, *, split: bool = False,
) -> ThreadProbe:
    """:func:`measure_blas_threads` for training ``network`` on ``(x, y)`` (checked, in the
    network's dtype) in mini-batches of ``batch_size`` with ``optimizer``, ``steps`` steps in all.

    ``split=True`` also times each mini-batch split between the cores' processes, where
    workers can be forked (:func:`steepest.nn.parallel.fork_refusal`), the cost is the
    quadratic or cross-entropy one, and each part has :data:`MIN_PART_ROWS` rows or more. If
    the split is chosen, the returned probe holds its running workers (``probe.split``).
    Call it with BLAS held to one thread, and keep it there while the workers run: raising
    the limit starts BLAS threads, which spin for about 0.1 s after each product on the
    cores that the workers need (at 784-30-10, a split step took 8 ms instead of 0.2).

    The timed step is a training step: a mini-batch of rows gathered, backpropagated, and one
    step of a :meth:`~steepest.Optimizer.fresh` copy of ``optimizer`` (its update counts: at
    784-300-10 and mini-batch 10, two threads were faster for the backpropagation alone and
    slower with Adam's step). The weights are put back afterwards, bit for bit, and
    ``optimizer`` is not touched, so the run goes on as if nothing had been timed. The rows
    are drawn by a generator of their own: the run's shuffling is not disturbed.
    """
    backprop = network.backprop_for(batch_size, cost)
    rows = np.random.default_rng(0).integers(0, x.shape[0], (PROBE_BATCHES, batch_size))
    count = itertools.count()
    saved, params, grads = network.params.copy(), [network.params], [network.grads]
    update = optimizer.fresh().step

    def step() -> None:
        batch = rows[next(count) % len(rows)]
        backprop(x.take(batch, 0), y.take(batch, 0))
        update(params, grads)

    cores = usable_cores()
    workers: list[Any] = []  # the SplitBackprop, once forked

    def fork() -> Callable[[], None] | None:
        from steepest.nn.parallel import split_for_probe

        with np.errstate(over="ignore", invalid="ignore"):
            made = split_for_probe(network, x, y, batch_size, cost, cores)
        if made is None:
            return None
        workers.append(made)

        def split_step() -> None:
            made(rows[next(count) % len(rows)])
            update(params, grads)

        return split_step

    probe = None
    try:
        with np.errstate(over="ignore", invalid="ignore"):
            probe = measure_blas_threads(step, steps, cores=cores,
                                         split=fork if split else None)
    finally:
        np.copyto(network.params, saved)
        if workers and (probe is None or probe.processes == 1):
            workers[0].close()
    if probe.processes > 1:
        probe = dataclasses.replace(probe, split=workers[0])
    return probe
