"""How many BLAS threads a training run uses: one for small products, every core for large.

A training step is a handful of matrix products (GEMMs) that BLAS (OpenBLAS, MKL) may
split across threads. Splitting costs a wake-up and a wait for every product, so it pays
only when a product is large: a mini-batch of 10 through 784-30-10 runs fastest on one
thread, a mini-batch of 256 through 784-512-512-10 on every core. :func:`blas_threads_for`
decides from the size of the largest product of a step, against a threshold measured on
this project's machine (``benchmarks/bench_network.py --threads`` measures it again).

The choice depends only on the network, the mini-batch and the cores this process may
use, never on the load of the moment: BLAS rounds differently on one thread and on two,
so a rule that looked at the load would break "the same seed gives the same weights".
On a machine where other programs keep every core busy, a thread that waits for a core
makes each product far slower; ``train(..., blas_threads=1)`` is then the better choice.

Left out: changing the thread count within a step (each change costs more than a small
product) and any library other than the BLAS that NumPy uses.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Sequence

__all__ = ["MIN_PARALLEL_PRODUCT", "available_cores", "blas_threads_for"]

#: The multiply-adds (m · n_in · n_out) of a step's largest product from which BLAS threads
#: pay: below it one thread is faster, above it every core. Measured with
#: ``benchmarks/bench_network.py --threads`` (see the README's performance table).
MIN_PARALLEL_PRODUCT = 2_800_000


def available_cores() -> int:
    """The number of cores this process may run on (its CPU affinity, else all)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # not on Linux
        return max(1, os.cpu_count() or 1)


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
