"""Benchmark: one BLAS thread, every core, or split processes, for training steps of many
sizes; auto's choice.

For each network and mini-batch size in a grid, times a training step (a mini-batch gathered
from 10,000 rows, its backpropagation and one Adam step, as :func:`steepest.nn.train` takes
it) with BLAS held to one thread, with every core this process may use, and (where each part
has at least ``MIN_PART_ROWS`` rows and workers can be forked) with the mini-batch split
between one process a core (:mod:`steepest.nn.parallel`), before and after asking auto, and
prints each setting's faster timing. In between it asks what ``train``'s defaults
(``blas_threads="auto"``, ``processes="auto"``) take for a run of 10 epochs of 60,000 images
at that size (:func:`steepest.nn.blas.measure_training_threads`, which times the run's own
steps, a few alternating rounds), ``--probes`` times, and says how often the choice was the
faster setting or one within 5% (``ok``), and what the measurement cost. A choice is printed
as the thread count, ``p`` after it for the split (``1p``: one thread in each process).

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


def split_seconds(net, x, y, cost, optimizer, m: int, parts: int, budget: float) -> float:  # type: ignore[no-untyped-def]
    """:func:`step_seconds` with the mini-batch split between ``parts`` processes, forked for
    this timing (BLAS held to one thread while they run, as ``train`` holds it)."""
    from threadpoolctl import threadpool_limits

    from steepest.nn.parallel import SplitBackprop

    rows = np.random.default_rng(1).integers(0, len(x), (64, m))
    count = itertools.count()
    params, grads = [net.params], [net.grads]
    update = optimizer.fresh().step
    saved = net.params.copy()
    with threadpool_limits(1, user_api="blas"), SplitBackprop(net, x, y, cost, parts) as split:

        def step() -> None:
            split(rows[next(count) % len(rows)])
            update(params, grads)

        seconds = step_seconds(step, 1, budget)
    np.copyto(net.params, saved)
    return seconds


def references(step, case, cores: int, splits: bool, budget: float) -> dict[str, float]:  # type: ignore[no-untyped-def]
    """A step's seconds on one thread, on every core, and split between every core's
    processes (if ``splits``), keyed as auto's choices are printed."""
    timed = {"1": step_seconds(step, 1, budget), f"{cores}": step_seconds(step, cores, budget)}
    if splits:
        timed["1p"] = split_seconds(*case, cores, budget)
    return timed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--budget", type=float, default=0.5,
                        help="seconds of timing per setting (default 0.5)")
    parser.add_argument("--probes", type=int, default=3,
                        help="times to ask auto at each size (default 3)")
    args = parser.parse_args(argv)

    from threadpoolctl import threadpool_limits

    from steepest.nn.blas import MIN_PART_ROWS, available_cores, measure_training_threads
    from steepest.nn.parallel import fork_refusal

    cores = available_cores()
    print(f"processor: {processor_name()}; {load()}")
    print("a step: a mini-batch gathered, backpropagated (ReLU, softmax, cross-entropy) and one "
          "Adam step; median of 5 timings; auto: a run of 10 epochs of 60,000 images, asked "
          f"{args.probes} times")
    if cores == 1:
        print("one core available: nothing to compare")
        return 0
    refusal = fork_refusal()
    if refusal:
        print(f"no split timed: {refusal}")
    print(f"{'network':>16} {'m':>4} {'1 thread':>10} {f'{cores} threads':>10} "
          f"{f'{cores} procs':>10}  auto's choices   probe ms")
    cases = [(sizes, m) for sizes, batches in GRID for m in batches]
    right = asked = all_right = unsettled = 0
    for sizes, m in cases:
        net, x, y, cost, optimizer, step = setup(sizes, m)
        splits = not refusal and m >= cores * MIN_PART_ROWS

        case = (net, x, y, cost, optimizer, m)
        before = references(step, case, cores, splits, args.budget)
        steps = 10 * -(-60_000 // m)
        probes = []
        for _ in range(args.probes):
            with threadpool_limits(1, user_api="blas"):  # as train holds it while it may fork
                probe = measure_training_threads(net, x, y, m, cost, optimizer, steps,
                                                 split=True)
                if probe.split is not None:
                    probe.split.close()
            probes.append(probe)
        after = references(step, case, cores, splits, args.budget)
        # the reference: each setting's faster timing, before and after auto was asked (other
        # programs only ever slow a step down)
        best = {k: min(before[k], after[k]) for k in before}
        fastest = min(best.values())
        good = {k for k, t in best.items() if t < 1.05 * fastest}  # the faster, or within 5%
        unsettled += (min(before, key=before.__getitem__) != min(after, key=after.__getitem__)
                      and len(good) == 1)
        picks = [f"{p.threads}{'p' if p.processes > 1 else ''}" for p in probes]
        oks = [pick in good for pick in picks]
        right += sum(oks)
        asked += len(oks)
        all_right += all(oks)
        choices = " ".join(f"{pick}{'' if ok else '!'}" for pick, ok in zip(picks, oks,
                                                                               strict=True))
        spent = statistics.median(p.seconds for p in probes) * 1e3
        split = f"{best['1p'] * 1e6:8.0f}µs" if "1p" in best else f"{'-':>10}"
        print(f"{'-'.join(map(str, sizes)):>16} {m:4d} {best['1'] * 1e6:8.0f}µs "
              f"{best[f'{cores}'] * 1e6:8.0f}µs {split}  {choices:15s} {spent:8.1f}",
              flush=True)
    print(f"auto picked the faster setting (or one within 5%) in {right} of {asked} probes; "
          f"in all {args.probes} probes at {all_right} of {len(cases)} sizes ('!': a wrong pick)")
    print(f"the faster setting changed between the timings before and after auto at "
          f"{unsettled} of {len(cases)} sizes (other programs at work: the figures are unsure)")
    print(f"{load()} at end")
    return 0


if __name__ == "__main__":
    sys.exit(main())
