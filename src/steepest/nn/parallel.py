"""Each mini-batch backpropagated in parts, side by side in processes of their own, summed.

Two BLAS threads share every matrix product of a step and wait for each other at each
one; with narrow layers the products are small, and the threads spend much of a step
waiting and passing rows between the cores. The other way to use two cores is to split
the mini-batch: each process gathers its own rows and backpropagates them on one thread,
with no waiting inside a step, and the parts' gradients are added. That is what
:class:`SplitBackprop` does, with workers forked from the training process: 784-30-10 at
mini-batch 128 took 0.065-0.077 s an epoch in two processes against 0.087-0.100 s on two
BLAS threads (AMD EPYC, 2 cores; ``benchmarks/bench_network.py``).
``train(..., processes=...)`` uses it, and ``blas_threads="auto"`` times it beside the
thread counts (:mod:`steepest.nn.blas`).

Each part's costs and gradients are sums divided by the whole mini-batch's size
(``backprop_for(..., mean_over=m)``), so the parts add up to the mini-batch's gradient;
the sum is taken in the same order every step, and a run is repeated bit for bit by its
number of parts. Where a worker cannot be forked (not Linux on x86-64, whose shared
memory shows each process's writes in the order they were made; another thread running in
this process; no ``os.fork``), and for a worker that ended or stopped answering, this
process computes that part itself: the same arithmetic (every part runs on one BLAS
thread, the trainer's too), so the same weights. A part that raises in a worker is computed
here, raising the same error.

The workers share, through one block of memory mapped before the fork, the weights (copied
in before each step), each part's rows, gradient and cost, and a few control words; they
wait for the next step by spinning for :data:`SPIN_SECONDS` and then sleep on a pipe. They
read the training data that they inherited, write nothing else, ignore Ctrl-C (the training
process stops them), and end when it ends. How they are forked, held to cores, woken and
stopped is :mod:`steepest.nn._workers`.

Left out: costs other than the quadratic and cross-entropy (a part's share of another
cost's gradient is unknown), splitting the optimizer's step, and processes on other
machines.
"""

from __future__ import annotations

import math
import mmap
import os
import signal
import time
import weakref
from typing import TYPE_CHECKING, Any

import numpy as np

from steepest.cost import CROSS_ENTROPY, QUADRATIC, Cost
from steepest.errors import NetworkError
from steepest.nn import _workers as _w
from steepest.nn._workers import (
    ASLEEP,
    COST,
    CPU,
    DONE,
    FAILED,
    MEAN,
    ROWS,
    SEQ,
    SPIN_SECONDS,
    STOP,
    WORDS,
    fork_refusal,
)

if TYPE_CHECKING:
    from steepest.nn.network import Network

__all__ = [
    "SPIN_SECONDS", "STEP_TIMEOUT", "SplitBackprop", "check_processes", "fork_refusal",
    "part_sizes", "split_for_probe", "splits",
]

#: A worker that has not finished its part this long after the training process finished
#: its own is taken as lost: it is stopped and its part computed here from then on.
STEP_TIMEOUT = 60.0


def check_processes(processes: Any, batch_size: int, cost: Cost, blas_threads: Any) -> int | str:
    """``train``'s ``processes`` (a string, or an int of at least 1 checked as such),
    checked: ``"auto"``, or a count of parts this run's
    mini-batches can be split in (no more than the cores this process may use and the
    mini-batch's examples; the quadratic or cross-entropy cost; one BLAS thread)."""
    from steepest.nn.blas import available_cores

    if isinstance(processes, str):
        if processes != "auto":
            raise NetworkError(f"processes must be 'auto' or a whole number of at least 1; "
                               f"got {processes!r}")
        return processes
    if processes == 1:
        return 1
    cores = available_cores()
    if processes > cores:
        raise NetworkError(f"processes ({processes}) is more than the {cores} core"
                           f"{'s' if cores != 1 else ''} this process may run on")
    if processes > batch_size:
        raise NetworkError(f"processes ({processes}) is more than the mini-batch's "
                           f"{batch_size} examples; each process needs at least one")
    if not splits(cost):
        raise NetworkError(f"processes > 1 needs the quadratic or cross-entropy cost; "
                           f"got {cost.name!r}")
    if blas_threads not in ("auto", 1):
        raise NetworkError(f"processes={processes} runs every part of a mini-batch on one BLAS "
                           f"thread; blas_threads must be 1 or 'auto' with it, not "
                           f"{blas_threads!r}")
    return int(processes)


def splits(cost: Cost) -> bool:
    """Whether a mini-batch can be split for ``cost``: its gradient is a mean over the
    examples (the quadratic and cross-entropy costs), so the parts' shares add up."""
    return cost is QUADRATIC or cost is CROSS_ENTROPY


def split_for_probe(network: Network, x: np.ndarray, y: np.ndarray, batch_size: int,
                    cost: Cost, cores: int) -> SplitBackprop | None:
    """A split between ``cores`` processes, its workers forked under a BLAS limit of one
    thread, for :func:`steepest.nn.blas.measure_training_threads` to time; ``None`` where
    the run may not be split (fewer than two cores, parts under ``MIN_PART_ROWS`` rows, a
    cost other than the quadratic or cross-entropy, or no fork possible)."""
    from threadpoolctl import threadpool_limits

    from steepest.nn.blas import MIN_PART_ROWS

    if (cores < 2 or batch_size < cores * MIN_PART_ROWS
            or not splits(cost) or fork_refusal()):
        return None
    with threadpool_limits(1, user_api="blas"):  # the workers are born with one thread
        return SplitBackprop(network, x, y, cost, cores, batch_size=batch_size)


def part_sizes(m: int, parts: int) -> list[int]:
    """The rows of each part of a mini-batch of ``m``: as equal as can be, larger first.

    Examples
    --------
    >>> part_sizes(128, 2), part_sizes(5, 2), part_sizes(1, 2)
    ([64, 64], [3, 2], [1, 0])
    """
    return [m // parts + (k < m % parts) for k in range(parts)]


class SplitBackprop:
    """Backpropagation of each mini-batch in ``parts`` parts, parts 1, 2, ... in workers.

    ``split(rows)`` gathers the rows of ``x`` and ``y`` indexed by ``rows``, writes the
    gradient of their cost into ``network.grads`` and returns the cost, as
    ``network.backprop_for(len(rows), cost)`` would with the gathered rows, up to rounding.

    Parameters
    ----------
    network
        The network trained; its weights are read at every call.
    x, y
        The training inputs and one-hot targets, checked and in the network's dtype. The
        workers read the copies they inherit: neither may change while the workers live.
    cost
        The quadratic or the cross-entropy cost.
    parts
        Two or more.
    fork
        ``None``: fork the workers where :func:`fork_refusal` allows; ``False``: compute
        every part in this process. Where forking fails, the parts are computed here too
        (:attr:`refusal` says why). Fork under a BLAS limit of one thread, and keep it:
        the workers set their own to one.
    batch_size
        The largest mini-batch to be split (default: every row of ``x``).
    """

    def __init__(
        self, network: Network, x: np.ndarray, y: np.ndarray, cost: Cost, parts: int, *,
        fork: bool | None = None, batch_size: int | None = None,
    ) -> None:
        if not splits(cost):
            raise ValueError(f"a split mini-batch needs the quadratic or cross-entropy cost; "
                             f"got {cost!r}")
        if parts < 2:
            raise ValueError(f"parts must be at least 2; got {parts}")
        self.network, self.x, self.y, self.cost, self.parts = network, x, y, cost, parts
        #: what happened to each worker that ended before :meth:`close`
        self.lost: list[str] = []
        #: why the parts 1, 2, ... are computed here, if they are (``None``: in workers)
        self.refusal = fork_refusal() if fork is None else (None if fork else "not asked")
        size, dtype = network.params.size, network.params.dtype
        rows = x.shape[0] if batch_size is None else min(batch_size, x.shape[0])
        layout = [("control", parts * WORDS * 8), ("params", size * dtype.itemsize),
                  ("grads", parts * size * dtype.itemsize), ("rows", parts * rows * 8)]
        offsets, total = {}, 0
        for name, nbytes in layout:
            offsets[name], total = total, total + -(-nbytes // 64) * 64
        self._memory = mmap.mmap(-1, max(total, 1))  # anonymous and shared: kept across fork
        block = self._memory
        self._control = np.frombuffer(block, np.int64, parts * WORDS,
                                      offsets["control"]).reshape(parts, WORDS)
        self._floats = self._control.view(np.float64)
        self._params = np.frombuffer(block, dtype, size, offsets["params"])
        self._grads = np.frombuffer(block, dtype, parts * size, offsets["grads"]).reshape(
            parts, size)
        self._rows = np.frombuffer(block, np.int64, parts * rows, offsets["rows"]).reshape(
            parts, rows)
        # part k > 0 computed here (no worker, or a lost one): its gradient in the same slot
        self._here = [network._sharing(network.params, self._grads[k]) for k in range(parts)]
        self._seq = 0
        #: m -> (part 0's backpropagation, the parts' sizes, where each starts)
        self._plans: dict[int, tuple[Any, list[int], list[int]]] = {}
        self._workers: dict[int, _w.Worker] = {}
        self._retired_cpu = 0.0
        #: how to undo what was done to this process's threads: (thread, its CPU affinity,
        #: its scheduling policy and priority) before the run
        self._held: list[tuple[int, set[int], int, Any]] = []
        self._closed = False
        self._finalizer = weakref.finalize(self, _w.stop, self._workers, self._control,
                                           self._held, os.getpid())
        if self.refusal is None:
            try:
                self._fork()
            except BaseException:  # Ctrl-C, or BLAS's limits failing: no worker left behind
                self.close()
                raise

    # --------------------------------------------------------------- the training side
    @property
    def workers(self) -> int:
        """The number of worker processes running."""
        return len(self._workers)

    def __call__(self, rows: np.ndarray) -> float:
        """Backpropagate the mini-batch ``rows`` (indices into ``x``); its cost."""
        m, net, control = len(rows), self.network, self._control
        if not 0 < m <= self._rows.shape[1]:
            raise ValueError(f"a mini-batch of {m} rows: this split takes 1 to "
                             f"{self._rows.shape[1]}")
        if self._closed:
            raise ValueError("this split is closed")
        plan = self._plans.get(m)
        if plan is None:
            sizes = part_sizes(m, self.parts)
            starts = [sum(sizes[:k]) for k in range(self.parts + 1)]
            plan = self._plans[m] = (net.backprop_for(sizes[0], self.cost, m), sizes, starts)
        own_part, sizes, starts = plan
        self._seq += 1
        seq = self._seq
        if self._workers:
            np.copyto(self._params, net.params)
        for k, worker in self._workers.items():
            n = sizes[k]
            if n:
                self._rows[k, :n] = rows[starts[k] : starts[k + 1]]
                control[k, ROWS], control[k, MEAN] = n, m
                control[k, SEQ] = seq  # last: the worker starts when it sees it
                # (if the worker fell asleep just as the step was set, and neither saw the
                # other's write, it wakes after NAP_SECONDS and sees the step then)
                if control[k, ASLEEP]:
                    _w.wake(worker)
        own = rows[: sizes[0]]
        value = float(own_part(self.x.take(own, 0), self.y.take(own, 0)))
        grads = net.grads
        for k in range(1, self.parts):
            n = sizes[k]
            if not n:
                continue
            if k in self._workers and self._answered(k, seq):
                value += float(self._floats[k, COST])
            else:  # no worker, a lost one, or one whose part failed: computed here, with the
                # same arithmetic (and, for a part that cannot be computed, the same error)
                part = rows[starts[k] : starts[k + 1]]
                value += float(self._here[k].backprop_for(n, self.cost, m)(
                    self.x.take(part, 0), self.y.take(part, 0)))
            np.add(grads, self._grads[k], out=grads)
        return value

    def _answered(self, k: int, seq: int) -> bool:
        """Wait for worker ``k`` to finish step ``seq``; whether it computed its part. A
        worker that ended or did not answer in :data:`STEP_TIMEOUT` is stopped and lost; one
        whose part raised goes on to the next step."""
        control, worker = self._control, self._workers[k]
        spins, deadline, last = 0, None, 0.0
        while control[k, DONE] != seq:
            spins += 1
            if spins & 255 == 0:
                status = _w.ended(worker.pid)
                if status is not None:
                    self._lose(k, f"worker {k} ended ({status}) at step {seq}", reaped=True)
                    return False
                now = time.perf_counter()
                if deadline is None:
                    deadline = now + STEP_TIMEOUT
                elif now - last > 1.0:  # this process was stopped (Ctrl-Z): not the worker
                    deadline += now - last
                elif now > deadline:
                    self._lose(k, f"worker {k} did not answer in {STEP_TIMEOUT:g} s at step "
                                  f"{seq}")
                    return False
                last = now
        cpu = float(self._floats[k, CPU])  # what the worker says: a number it may not be
        if math.isfinite(cpu) and cpu >= worker.cpu:
            worker.cpu = cpu
        return not control[k, FAILED]

    def _lose(self, k: int, why: str, *, reaped: bool = False) -> None:
        worker = self._workers.pop(k)
        self._retired_cpu += worker.cpu
        _w.end(worker, self._control, k, kill=not reaped, reaped=reaped)
        self.lost.append(why + "; its part was computed in the training process from then on")

    def cpu_seconds(self) -> float:
        """The CPU seconds the workers have used so far, as they last reported them."""
        return self._retired_cpu + sum(w.cpu for w in self._workers.values())

    def close(self) -> None:
        """Stop the workers and wait for them to end; the split takes no more mini-batches."""
        self._closed = True
        self._finalizer()

    def __enter__(self) -> SplitBackprop:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------- the workers
    def _fork(self) -> None:
        parent = os.getpid()
        cores = _w.cores_for(self.parts)
        for k in range(1, self.parts):
            self._control[k, SEQ] = self._control[k, DONE] = self._seq
            # Ctrl-C held back across the fork, so that it reaches no worker before the
            # worker ignores it (and the trainer gets it after the worker is on record)
            signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
            try:
                sleep, wake = os.pipe()
                try:
                    pid = os.fork()
                except OSError:
                    os.close(sleep)
                    os.close(wake)
                    raise
            except OSError as error:  # no more processes or files: the parts run here
                signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
                self.refusal = f"could not fork a worker: {error.strerror or error}"
                _w.stop(self._workers, self._control, [])
                return
            if pid == 0:  # the worker: never returns
                code = 1
                try:
                    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the trainer's
                    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
                    os.close(wake)
                    for other in self._workers.values():
                        os.close(other.wake)
                    if cores:
                        os.sched_setaffinity(0, {cores[k]})
                    code = self._serve(k, sleep, parent)
                finally:
                    os._exit(code)
            os.close(sleep)
            self._workers[k] = _w.Worker(pid, wake)
            signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
        # BLAS ends its threads at a fork and starts them again, spinning, at the next change
        # of its limit: started here, then set aside, then this thread held to its core
        # (after the forks and the start, which would pass the hold on)
        _w.blas_threads_started()
        _w.idle_others(self._held)
        if cores:
            _w.hold(cores[0], self._held)

    def _serve(self, k: int, sleep: int, parent: int) -> int:
        """Worker ``k``'s life: compute its part of each step until told to stop; 0 if it
        was told, 1 if the training process went away."""
        _w.one_blas_thread()  # which starts BLAS's threads again (see _fork) ...
        _w.idle_others([])  # ... set aside
        np.seterr(over="ignore", invalid="ignore")  # divergence is the trainer's to see
        control, floats = self._control, self._floats
        twin = self.network._sharing(self._params, self._grads[k])
        x, y, rows, cost = self.x, self.y, self._rows[k], self.cost
        seen = self._seq  # as at the fork: the first step may be set before the worker looks
        while True:
            seq = _w.next_step(control, k, seen, sleep, parent)
            if seq == STOP:
                return 0 if os.getppid() == parent else 1
            n, m = int(control[k, ROWS]), int(control[k, MEAN])
            try:
                part = rows[:n]
                floats[k, COST] = float(twin.backprop_for(n, cost, m)(x.take(part, 0),
                                                                        y.take(part, 0)))
                control[k, FAILED] = 0
            except Exception:  # the training process computes the part and sees the error
                control[k, FAILED] = 1
            floats[k, CPU] = time.process_time()
            control[k, DONE] = seq  # last: the training process reads the rest after it
            seen = seq
