"""Benchmark: one BLAS thread or every core, for training steps of many sizes; auto's choice.

For each network and mini-batch size in a grid, times a training step (a mini-batch gathered
from 10,000 rows, its backpropagation and one Adam step, as :func:`steepest.nn.train` takes
it) with BLAS held to one thread and with every core this process may use, before and after
asking auto, and prints each setting's faster timing and their ratio. In between it asks what
``train``'s ``blas_threads="auto"`` takes for a run of 10 epochs of 60,000 images at that
size (:func:`steepest.nn.blas.measure_training_threads`, which times the run's own steps, a
few alternating rounds), ``--probes`` times, and says how often the choice was the faster
setting or one within 5% (``ok``), and what the measurement cost.

Threads that wait for a core busy with another program make products far slower, so the
one-or-every-core figures mean something only on a quiet machine: the load average is
printed at the start and the end, and the sizes where the faster setting changed between
the two reference timings are counted. Run: ``python benchmarks/bench_threads.py`` (two to
three minutes on a quiet machine).
"""

from __future__ import annotations

import argparse
import itertools
import statistics
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


def setup(sizes: list[int], m: int):  # type: ignore[no-untyped-def]
    """A network, its data (10,000 random rows), and one training step, as train takes it."""
    from steepest.cost import get_cost
    from steepest.descent.optimizers import make_optimizer
    from steepest.nn import Network

    rng = np.random.default_rng(0)
    net = Network(sizes, "relu", "softmax", seed=0)
    cost = get_cost("cross-entropy")
    plan = net.backprop_for(m, cost)
    params, grads = [net.params], [net.grads]
    optimizer = make_optimizer("adam", 1e-3)
    x = rng.random((10_000, sizes[0]), dtype=np.float32)
    y = np.eye(sizes[-1], dtype=np.float32)[rng.integers(0, sizes[-1], len(x))]
    rows = rng.integers(0, len(x), (64, m))
    count = itertools.count()

    def step() -> None:
        batch = rows[next(count) % len(rows)]
        plan(x.take(batch, 0), y.take(batch, 0))
        optimizer.step(params, grads)

    return net, x, y, cost, optimizer, step


def step_seconds(step, threads: int, budget: float) -> float:  # type: ignore[no-untyped-def]
    """The median seconds of one step over 5 timings of repeats adding up to ``budget`` s."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(threads, user_api="blas"):
        for _ in range(3):  # warm up: buffers, thread pool
            step()
        start, n = time.perf_counter(), 0
        while time.perf_counter() - start < budget / 5:
            step()
            n += 1
        times = []
        for _ in range(5):
            start = time.perf_counter()
            for _ in range(n):
                step()
            times.append((time.perf_counter() - start) / n)
    return sorted(times)[2]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--budget", type=float, default=0.5,
                        help="seconds of timing per setting (default 0.5)")
    parser.add_argument("--probes", type=int, default=3,
                        help="times to ask auto at each size (default 3)")
    args = parser.parse_args(argv)

    from steepest.nn.blas import available_cores, measure_training_threads

    cores = available_cores()
    print(f"processor: {processor_name()}; {load()}")
    print("a step: a mini-batch gathered, backpropagated (ReLU, softmax, cross-entropy) and one "
          "Adam step; median of 5 timings; auto: a run of 10 epochs of 60,000 images, asked "
          f"{args.probes} times")
    if cores == 1:
        print("one core available: nothing to compare")
        return 0
    print(f"{'network':>16} {'m':>4} {'1 thread':>10} {f'{cores} threads':>10} "
          f"{'ratio':>6}  auto's choices   probe ms")
    cases = [(sizes, m) for sizes, batches in GRID for m in batches]
    right = asked = all_right = unsettled = 0
    for sizes, m in cases:
        net, x, y, cost, optimizer, step = setup(sizes, m)
        before = step_seconds(step, 1, args.budget), step_seconds(step, cores, args.budget)
        steps = 10 * -(-60_000 // m)
        probes = [measure_training_threads(net, x, y, m, cost, optimizer, steps)
                  for _ in range(args.probes)]
        after = step_seconds(step, 1, args.budget), step_seconds(step, cores, args.budget)
        # the reference: each setting's faster timing, before and after auto was asked (other
        # programs only ever slow a step down)
        one, many = min(before[0], after[0]), min(before[1], after[1])
        tie = abs(one - many) < 0.05 * min(one, many)
        faster = cores if many < one else 1
        unsettled += (before[0] < before[1]) != (after[0] < after[1]) and not tie
        oks = [p.threads == faster or tie for p in probes]
        right += sum(oks)
        asked += len(oks)
        all_right += all(oks)
        choices = " ".join(f"{p.threads}{'' if ok else '!'}"
                           for p, ok in zip(probes, oks, strict=True))
        spent = statistics.median(p.seconds for p in probes) * 1e3
        print(f"{'-'.join(map(str, sizes)):>16} {m:4d} {one * 1e6:8.0f}µs {many * 1e6:8.0f}µs "
              f"{one / many:6.2f}  {choices:15s} {spent:8.1f}", flush=True)
    print(f"auto picked the faster setting (or one within 5%) in {right} of {asked} probes; "
          f"in all {args.probes} probes at {all_right} of {len(cases)} sizes ('!': a wrong pick)")
    print(f"the faster setting changed between the timings before and after auto at "
          f"{unsettled} of {len(cases)} sizes (other programs at work: the figures are unsure)")
    print(f"{load()} at end")
    return 0


if __name__ == "__main__":
    sys.exit(main())
