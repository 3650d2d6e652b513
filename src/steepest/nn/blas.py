"""How many BLAS threads a training run uses: one for small products, every idle core for large.

A training step is a handful of matrix products (GEMMs) that BLAS (OpenBLAS, MKL) may
split across threads. Splitting costs a wake-up and a wait for every product, so it pays
only when a product is large: a mini-batch of 10 through 784-30-10 runs fastest on one
thread, a mini-batch of 256 through 784-512-512-10 on every core. :func:`blas_threads_for`
decides from the size of the largest product of a step, against a threshold measured on
this project's machine (``benchmarks/bench_threads.py`` measures it again).

A thread also needs a core to itself: OpenBLAS threads wait for each other by spinning, and
one that waits for a core busy with another program makes every product 10 to 100 times
slower (measured on 2 cores beside other programs' test suites). So :func:`choose_blas_threads`,
what ``train(..., blas_threads="auto")`` asks, takes no more threads than the cores that
sat idle over a tenth of a second before training (:func:`idle_cores`). BLAS rounds
differently on one thread and on two, so a run repeats bit for bit with the same thread
count: ``History.settings["blas_threads"]`` records it, and passing it repeats the run.

Left out: changing the thread count within a run (a program that starts later still
competes) and any library other than the BLAS that NumPy uses.
"""

from __future__ import annotations

import itertools
import os
import time
from collections.abc import Sequence

__all__ = [
    "MIN_PARALLEL_PRODUCT",
    "available_cores",
    "blas_threads_for",
    "choose_blas_threads",
    "idle_cores",
]

#: The multiply-adds (m · n_in · n_out) of a step's largest product from which BLAS threads
#: pay: below it one thread is faster, above it every core. Measured with
#: ``benchmarks/bench_threads.py`` (see the README's performance table).
MIN_PARALLEL_PRODUCT = 2_800_000


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


def blas_threads_for(sizes: Sequence[int], batch_size: int, cores: int | None = None) -> int:
    """The BLAS threads for training a network of ``sizes`` on mini-batches of ``batch_size``.

    Parameters
    ----------
    sizes
        Neurons per layer, inputs first (``Network.sizes``).
    batch_size
        Examples per mini-batch.
    cores
        The cores to use at most; ``None``: :func:`available_cores`.

    Returns
    -------
    int
        1 if the largest product of a step, ``batch_size · n_in · n_out`` multiply-adds
        for the widest layer, is below :data:`MIN_PARALLEL_PRODUCT`; otherwise ``cores``.

    Examples
    --------
    >>> blas_threads_for([784, 30, 10], 10, cores=2)  # 235,200: one thread
    1
    >>> blas_threads_for([784, 512, 512, 10], 256, cores=2)  # 103 million: both cores
    2
    """
    cores = available_cores() if cores is None else max(1, int(cores))
    largest = max(a * b for a, b in itertools.pairwise(sizes)) * int(batch_size)
    return cores if largest >= MIN_PARALLEL_PRODUCT else 1


def choose_blas_threads(sizes: Sequence[int], batch_size: int) -> int:
    """The BLAS threads for a run: :func:`blas_threads_for`, but no more than the idle cores.

    Only when the work asks for more than one thread are the cores watched (for a tenth
    of a second); a core counts as idle if at least half of it was.
    """
    threads = blas_threads_for(sizes, batch_size)
    if threads > 1:
        idle = idle_cores()
        if idle is not None:
            threads = max(1, min(threads, int(idle + 0.5)))
    return threads
