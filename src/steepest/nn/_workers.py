"""The worker processes of :mod:`steepest.nn.parallel`: forked, held to cores, woken, stopped.

What a split mini-batch needs from the operating system, kept apart from its arithmetic: the
control words that the trainer and a worker write to each other in shared memory, a
worker's wait for the next step (:func:`next_step`: spinning, then sleeping on a pipe),
holding each process to a core of its own, setting BLAS's own threads aside while workers
run, and stopping and reaping workers. Linux only; :func:`fork_refusal` says where not.

Left out: the training arithmetic (:mod:`steepest.nn.parallel`), and any way to start a
worker other than :func:`os.fork`.
"""

from __future__ import annotations

import contextlib
import os
import platform
import select
import signal
import sys
import threading
import time
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = [
    "ASLEEP", "COST", "CPU", "DONE", "FAILED", "MEAN", "NAP_SECONDS", "ROWS", "SEQ",
    "SPIN_SECONDS", "STOP", "WORDS", "Worker", "blas_threads_started", "cores_for", "end",
    "ended", "fork_refusal", "hold", "idle_others", "next_step", "one_blas_thread", "stop",
    "wake",
]

#: A worker waits for the next step this long by spinning, then sleeps: steps come every
#: few hundred microseconds, and a process that slept, on a virtual machine whose core
#: went idle, took 0.1 to 2 ms to wake.
SPIN_SECONDS = 0.005
#: A sleeping worker looks whether the training process is still there this often.
NAP_SECONDS = 0.05
# the control words of part k: row k of an int64 array, each line of 8 words (64 bytes)
# written by one process only
SEQ, ROWS, MEAN = 0, 1, 2  # the training process's line: the step's number, rows, m
DONE, ASLEEP, FAILED = 8, 9, 10  # the worker's: the last step done, asleep, failed
COST, CPU = 16, 17  # the worker's, as float64: its part's cost, its CPU seconds so far
WORDS = 24
STOP = -1


def fork_refusal() -> str | None:
    """Why this process cannot fork training workers now, or ``None`` if it can."""
    if not hasattr(os, "fork") or not sys.platform.startswith("linux"):
        return "workers are forked on Linux only"
    if platform.machine().lower() not in ("x86_64", "amd64"):
        return "workers share memory on x86-64 only, where writes are seen in order"
    if threading.active_count() > 1:
        return "another thread runs in this process, and forking could copy a lock it holds"
    return None


@dataclass
class Worker:
    """A worker process, as the trainer knows it."""

    pid: int
    wake: int  # the write end of the pipe the worker sleeps on
    cpu: float = 0.0  # its CPU seconds when last seen


def next_step(control: np.ndarray, k: int, seen: int, sleep: int, parent: int) -> int:
    """In worker ``k``: wait for a step other than ``seen``; its number, or ``STOP``."""
    start, spins = time.perf_counter(), 0
    while True:
        seq = int(control[k, SEQ])
        if seq != seen:
            return seq
        spins += 1
        if spins & 63 or time.perf_counter() - start < SPIN_SECONDS:
            continue
        control[k, ASLEEP] = 1
        seq = int(control[k, SEQ])  # a step set just before the flag was seen
        if seq == seen:
            ready, _, _ = select.select([sleep], [], [], NAP_SECONDS)
            if ready and not os.read(sleep, 4096):  # the pipe closed: stop
                seq = STOP
        control[k, ASLEEP] = 0
        if seq != seen:
            return seq
        if os.getppid() != parent:
            return STOP
        start = time.perf_counter()


def one_blas_thread() -> None:
    from threadpoolctl import threadpool_limits  # loaded already by the trainer

    threadpool_limits(1, user_api="blas")


def blas_threads_started() -> None:
    """Have BLAS start its threads (a change of its limit does), leaving the limit as it was."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1, user_api="blas"):
        pass


def wake(worker: Worker) -> None:
    with contextlib.suppress(OSError):  # it ended: the wait finds out
        os.write(worker.wake, b"\0")


def ended(pid: int) -> str | None:
    """How process ``pid`` ended, if it has (and it is reaped); ``None`` while it runs."""
    try:
        done, status = os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return "gone"
    if not done:
        return None
    if os.WIFSIGNALED(status):
        return f"signal {os.WTERMSIG(status)}"
    return f"exit code {os.waitstatus_to_exitcode(status)}"


def end(worker: Worker, control: np.ndarray, k: int, *, kill: bool = False,
         reaped: bool = False, grace: float = 1.0) -> None:
    """Stop worker ``k`` and reap it: told to stop, then killed after ``grace`` seconds (at
    once if ``kill``). A worker ``reaped`` already is not signalled: its pid may be another
    process's by now."""
    control[k, SEQ] = STOP
    with contextlib.suppress(OSError):
        os.close(worker.wake)  # wakes a sleeping worker
    if reaped:
        return
    if kill:
        sigkill(worker.pid)
    deadline = time.monotonic() + grace
    while ended(worker.pid) is None:
        if time.monotonic() > deadline:
            sigkill(worker.pid)
            deadline = float("inf")
        time.sleep(0.001)


def sigkill(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


def stop(workers: dict[int, Worker], control: np.ndarray,
          held: list[tuple[int, set[int], int, Any]], owner: int | None = None) -> None:
    """Stop every worker and give this process's threads back their cores and priorities
    (the finalizer of a :class:`SplitBackprop`, which does nothing in a process other than
    ``owner``, the one that made it: a worker forked later inherits it)."""
    if owner is not None and os.getpid() != owner:
        return
    for k in list(workers):
        end(workers.pop(k), control, k)
    try:  # only threads still in this process: the id of one that ended may be reused
        alive = {int(name) for name in os.listdir("/proc/self/task")}
    except OSError:
        alive = set()
    while held:
        thread, cores, policy, param = held.pop()
        if thread in alive:
            with contextlib.suppress(OSError):
                os.sched_setaffinity(thread, cores)
                os.sched_setscheduler(thread, policy, param)


def cores_for(parts: int) -> list[int]:
    """The core the calling thread runs on, then one other core for each worker; ``[]``
    where that cannot be known or there are too few.

    A worker and the training process wait for each other by spinning: on one core, each
    would spin through the other's time slice, and a step would take a scheduler tick
    (4 ms) until the kernel moved one of them.
    """
    try:
        allowed = os.sched_getaffinity(0)
        with open("/proc/thread-self/stat", encoding="ascii") as stat:
            here = int(stat.read().rpartition(")")[2].split()[36])  # the CPU it last ran on
    except (OSError, ValueError, IndexError):
        return []
    others = sorted(allowed - {here})
    if here not in allowed or len(others) < parts - 1:
        return []
    return [here, *others[: parts - 1]]


def hold(core: int, held: list[tuple[int, set[int], int, Any]]) -> None:
    """Hold the calling thread to ``core``, noting how to undo it in ``held``."""
    thread = threading.get_native_id()
    with contextlib.suppress(OSError):
        before = os.sched_getaffinity(0)
        os.sched_setaffinity(0, {core})
        held.append((thread, before, os.sched_getscheduler(0), os.sched_getparam(0)))


def idle_others(held: list[tuple[int, set[int], int, Any]]) -> None:
    """Let every other thread of this process run only on a core nothing else wants
    (``SCHED_IDLE``), noting how to undo it in ``held``.

    They are BLAS's threads (no other thread may run when workers are forked), which BLAS
    starts again after a fork and which then spin for about 0.1 s waiting for work (and do
    again after any product on more than one thread); on a worker's or the trainer's core,
    a step took 8 ms instead of 0.2.
    """
    me = threading.get_native_id()
    try:
        threads = [int(name) for name in os.listdir("/proc/self/task")]
    except OSError:
        return
    for thread in threads:
        if thread == me:
            continue
        with contextlib.suppress(OSError):
            before = (os.sched_getaffinity(thread), os.sched_getscheduler(thread),
                      os.sched_getparam(thread))
            os.sched_setscheduler(thread, os.SCHED_IDLE, os.sched_param(0))
            held.append((thread, *before))

