"""Benchmark: one BLAS thread or every core, for training steps of many sizes; the rule's choice.

For each network and mini-batch size in a grid, times a training step (backpropagation of
a mini-batch and one Adam step, as :func:`steepest.nn.train` takes it) with BLAS held to
one thread and with every core this process may use, and prints both, their ratio, the
largest product of the step (``m · n_in · n_out`` multiply-adds), the thread count that
:func:`steepest.nn.blas.blas_threads_for` picks from the work (``ok`` when it picked the
faster setting, or one within 5%), and what ``train``'s ``blas_threads="auto"`` takes at
that moment (:func:`~steepest.nn.blas.choose_blas_threads`: no more than the idle cores).
Last, the product sizes at which every core first won and one thread last won: the
threshold ``MIN_PARALLEL_PRODUCT`` belongs between them.

Threads that wait for a core busy with another program make products far slower, so this
figure means something only on a quiet machine: the load average is printed at the start
and the end. Run: ``python benchmarks/bench_threads.py`` (about a minute on a quiet machine).
"""

from __future__ import annotations

import argparse
import itertools
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _timing import load, processor_name

GRID = [
    ([784, 30, 10], (10, 32, 64, 128, 256)),
    ([784, 100, 10], (10, 32, 64, 128)),
    ([784, 128, 10], (10, 32, 128)),
    ([784, 300, 10], (10, 16, 32, 64, 128)),
    ([784, 512, 512, 10], (10, 32, 64, 256)),
    ([784, 800, 10], (10, 32, 128)),
]


def step_seconds(sizes: list[int], m: int, threads: int, budget: float) -> float:
    """The median seconds of one step (backprop + Adam) over repeats of about ``budget`` s."""
    from threadpoolctl import threadpool_limits

    from steepest.cost import get_cost
    from steepest.descent.optimizers import make_optimizer
    from steepest.nn import Network

    rng = np.random.default_rng(0)
    net = Network(sizes, "relu", "softmax", seed=0)
    plan = net.backprop_for(m, get_cost("cross-entropy"))
    params, grads = [net.params], [net.grads]
    optimizer = make_optimizer("adam", 1e-3)
    xs = [rng.random((m, sizes[0]), dtype=np.float32) for _ in range(8)]
    ys = [np.eye(sizes[-1], dtype=np.float32)[rng.integers(0, sizes[-1], m)] for _ in range(8)]
    with threadpool_limits(threads, user_api="blas"):
        for i in range(3):  # warm up: buffers, thread pool
            plan(xs[i], ys[i])
            optimizer.step(params, grads)
        start, n = time.perf_counter(), 0
        while time.perf_counter() - start < budget / 5:
            plan(xs[n % 8], ys[n % 8])
            optimizer.step(params, grads)
            n += 1
        times = []
        for _ in range(5):
            start = time.perf_counter()
            for i in range(n):
                plan(xs[i % 8], ys[i % 8])
                optimizer.step(params, grads)
            times.append((time.perf_counter() - start) / n)
    return sorted(times)[2]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--budget", type=float, default=0.5,
                        help="seconds of timing per setting (default 0.5)")
    args = parser.parse_args(argv)

    from steepest.nn.blas import (
        MIN_PARALLEL_PRODUCT,
        available_cores,
        blas_threads_for,
        choose_blas_threads,
    )

    cores = available_cores()
    print(f"processor: {processor_name()}; {load()}")
    print(f"a step: backpropagation of a mini-batch (ReLU, softmax, cross-entropy) and one "
          f"Adam step; median of 5 timings; rule threshold {MIN_PARALLEL_PRODUCT:,}")
    if cores == 1:
        print("one core available: nothing to compare")
        return 0
    print(f"{'network':>16} {'m':>4} {'largest':>12} {'1 thread':>10} {f'{cores} threads':>10} "
          f"{'ratio':>6}  rule  auto")
    wins_many, wins_one, right, auto_right = [], [], 0, 0
    cases = [(sizes, m) for sizes, batches in GRID for m in batches]
    for sizes, m in cases:
        largest = m * max(a * b for a, b in itertools.pairwise(sizes))
        one = step_seconds(sizes, m, 1, args.budget)
        many = step_seconds(sizes, m, cores, args.budget)
        chosen = blas_threads_for(sizes, m, cores)
        auto = choose_blas_threads(sizes, m)
        faster = cores if many < one else 1
        ok = chosen == faster or abs(one - many) < 0.05 * min(one, many)
        auto_ok = auto == faster or abs(one - many) < 0.05 * min(one, many)
        right += ok
        auto_right += auto_ok
        (wins_many if many < 0.95 * one else wins_one).append(largest)
        print(f"{'-'.join(map(str, sizes)):>16} {m:4d} {largest:12,} {one * 1e6:8.0f}µs "
              f"{many * 1e6:8.0f}µs {one / many:6.2f}  {chosen} {'ok' if ok else 'WRONG'}"
              f"  {auto} {'ok' if auto_ok else 'WRONG'}",
              flush=True)
    print(f"the rule picked the faster setting (or one within 5%) in {right} of {len(cases)}; "
          f"'auto' (the rule, capped by the idle cores) in {auto_right}")
    if wins_many:
        print(f"every core won by 5% or more from a largest product of {min(wins_many):,}")
    above = [size for size in wins_one if wins_many and size > min(wins_many)]
    if above:
        print(f"one thread (or a tie) still won at {', '.join(f'{s:,}' for s in sorted(above))}")
    print(f"{load()} at end")
    return 0


if __name__ == "__main__":
    sys.exit(main())
