"""Benchmark: time to 98% and 98.5% test accuracy on MNIST, steepest's default beside PyTorch.

steepest trains a preset from :data:`steepest.nn.presets.PRESETS` (``--preset``, the
default one unless told) on the 60,000 MNIST training images, scoring the 10,000 test
images after every epoch; PyTorch (CPU) trains the same recipe in the same run: the same
layers starting from the same weights, the same cost with the same label smoothing, Adam
with the same settings, the same learning-rate schedule step by step, the same mini-batch.
PyTorch runs at its fastest thread count, found by timing a tenth of an epoch at each.

Printed, per seed and as medians over the seeds: the training seconds (wall clock and CPU)
until the first epoch whose test accuracy reaches 98.0% and 98.5% (evaluation not counted),
the seconds an epoch, the accuracy after the last epoch; then the ratios of the two. Also
the processor, the load average (other programs on the machine slow every figure) and the
BLAS threads. ``--targets`` changes the marks (``--preset quick --targets 97`` for the
quick setup; ``--sample`` trains on the bundled 5,000 digits instead).

Needs the MNIST files (``--data-dir``, default ``../shared/data/mnist`` beside the
repository); PyTorch is optional (``pip install torch==2.13.0``). Run:
``python benchmarks/bench_accuracy.py`` (a few minutes), or ``--seeds 0 --no-torch``.
"""

from __future__ import annotations

import argparse
import itertools
import math
import os
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _timing import load, processor_name


@dataclass
class Run:
    """One training run: test accuracy and training seconds of each epoch."""

    accuracy: list[float] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)
    cpu_seconds: list[float] = field(default_factory=list)

    def time_to(self, target: float, cpu: bool = False) -> float:
        """Training seconds until the first epoch at ``target`` or above (nan if none)."""
        spent = itertools.accumulate(self.cpu_seconds if cpu else self.seconds)
        for seconds, accuracy in zip(spent, self.accuracy, strict=True):
            if accuracy >= target:
                return seconds
        return math.nan


def run_steepest(preset, data, test, seed: int, blas_threads) -> tuple[Run, str]:  # type: ignore[no-untyped-def]
    """Train ``preset`` from ``seed``; the run and the BLAS threads (and processes) it used."""
    _net, history = preset.run(data, test=test, seed=seed, blas_threads=blas_threads)
    used, processes = history.settings["blas_threads"], history.settings.get("processes", 1)
    return Run(history.test_accuracy, history.seconds, history.cpu_seconds), \
        f"{used}" + (f" in each of {processes} processes" if processes > 1 else "")


class TorchRun:
    """The same recipe in PyTorch: layers, starting weights, cost, Adam, schedule, batch."""

    def __init__(self, preset, data, test, seed: int) -> None:  # type: ignore[no-untyped-def]
        import torch

        self.torch, self.preset = torch, preset
        x, y = data
        # the same starting weights as steepest's run with this seed
        net = preset.network(x.shape[1], 10, seed=np.random.default_rng(seed))
        layers: list[torch.nn.Module] = []
        for w, b in zip(net.weights, net.biases, strict=True):
            linear = torch.nn.Linear(w.shape[1], w.shape[0])
            with torch.no_grad():
                linear.weight.copy_(torch.from_numpy(w.copy()))
                linear.bias.copy_(torch.from_numpy(b.copy()))
            layers += [linear, torch.nn.ReLU()]
        self.model = torch.nn.Sequential(*layers[:-1])  # logits: the loss applies softmax
        self.x, self.y = torch.from_numpy(np.asarray(x)), torch.from_numpy(np.asarray(y))
        self.test = torch.from_numpy(np.asarray(test[0])), torch.from_numpy(np.asarray(test[1]))
        steps = preset.epochs * -(-len(self.y) // preset.batch_size)
        schedule = preset.learning_rate_schedule(steps) or (lambda t: 1.0)
        self.opt = torch.optim.Adam(self.model.parameters(), lr=preset.learning_rate,
                                    betas=(0.9, 0.999), eps=1e-8)
        self.scheduler = torch.optim.lr_scheduler.LambdaLR(self.opt, schedule)
        self.loss = torch.nn.CrossEntropyLoss(label_smoothing=preset.label_smoothing)
        self.generator = torch.Generator().manual_seed(seed)

    def epoch(self, batches: int | None = None) -> tuple[float, float]:
        """One epoch (or its first ``batches`` mini-batches); its wall-clock and CPU seconds."""
        torch, model, opt, b = self.torch, self.model, self.opt, self.preset.batch_size
        start, cpu_start = time.perf_counter(), time.process_time()
        order = torch.randperm(len(self.y), generator=self.generator)
        for i in range(0, len(order), b)[:batches]:
            batch = order[i : i + b]
            loss = self.loss(model(self.x[batch]), self.y[batch])
            opt.zero_grad()
            loss.backward()
            opt.step()
            self.scheduler.step()
        return time.perf_counter() - start, time.process_time() - cpu_start

    def accuracy(self) -> float:
        with self.torch.no_grad():
            x, labels = self.test
            return (self.model(x).argmax(dim=1) == labels).float().mean().item()

    def run(self) -> Run:
        run = Run()
        for _ in range(self.preset.epochs):
            wall, cpu = self.epoch()
            run.seconds.append(wall)
            run.cpu_seconds.append(cpu)
            run.accuracy.append(self.accuracy())
        return run


def fastest_torch_threads(preset, data, test, counts: list[int]) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    """The thread count at which PyTorch runs the recipe fastest (a tenth of an epoch timed
    at each), and the timings."""
    import torch

    timings = {}
    batches = max(1, -(-len(data[1]) // preset.batch_size) // 10)
    for n in counts:
        torch.set_num_threads(n)
        timings[n] = TorchRun(preset, data, test, seed=0).epoch(batches)[0]
    best = min(timings, key=timings.__getitem__)
    return best, ", ".join(f"{n} thread{'s' * (n != 1)} {t:.2f} s" for n, t in timings.items())


def summary(name: str, runs: list[Run], targets: list[float]) -> dict[str, float]:
    """Print the medians over the seeds; return them by target (and 'epoch', 'last')."""
    medians: dict[str, float] = {}
    parts = []
    for target in targets:
        wall = statistics.median(r.time_to(target) for r in runs)
        cpu = statistics.median(r.time_to(target, cpu=True) for r in runs)
        medians[f"{target:.1%}"] = wall
        medians[f"cpu {target:.1%}"] = cpu
        parts.append(f"to {target:.1%}: {wall:.1f} s ({cpu:.1f} CPU s)")
    medians["epoch"] = statistics.median(statistics.median(r.seconds) for r in runs)
    medians["cpu epoch"] = statistics.median(statistics.median(r.cpu_seconds) for r in runs)
    medians["last"] = statistics.median(r.accuracy[-1] for r in runs)
    print(f"{name}: {'; '.join(parts)}; {medians['epoch']:.2f} s an epoch "
          f"({medians['cpu epoch']:.2f} CPU s); after the last "
          f"epoch {medians['last']:.2%} (medians over {len(runs)} seeds)")
    return medians


def per_seed(name: str, seed: int, run: Run, targets: list[float], extra: str = "") -> None:
    reached = ", ".join(f"{t:.1%} after {run.time_to(t):.1f} s" for t in targets)
    print(f"  {name} seed {seed}: {reached}; last epoch {run.accuracy[-1]:.2%}, "
          f"{sum(run.seconds):.1f} s ({sum(run.cpu_seconds):.1f} CPU s) for "
          f"{len(run.seconds)} epochs{extra}", flush=True)


def main(argv: list[str] | None = None) -> int:
    here = Path(__file__).resolve().parents[1]
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=here.parent / "shared/data/mnist")
    parser.add_argument("--sample", action="store_true", help="the bundled 5,000 digits")
    parser.add_argument("--preset", default="default", help="a name in PRESETS")
    parser.add_argument("--targets", default="98,98.5", help="accuracies in %% (98,98.5)")
    parser.add_argument("--seeds", default="0,1,2", help="comma-separated seeds (0,1,2)")
    parser.add_argument("--blas-threads", default="auto",
                        help="steepest's blas_threads: auto (the rule), or a number")
    parser.add_argument("--no-torch", action="store_true", help="skip PyTorch")
    args = parser.parse_args(argv)
    seeds = [int(s) for s in args.seeds.split(",")]
    targets = [float(t) / 100 for t in args.targets.split(",")]
    threads = args.blas_threads if args.blas_threads == "auto" else int(args.blas_threads)

    from steepest.data import load_mnist, load_mnist_sample
    from steepest.nn.presets import PRESETS

    preset = PRESETS[args.preset]
    data = load_mnist_sample() if args.sample else load_mnist(args.data_dir, download=False)
    print(f"processor: {processor_name()}; {load()}")
    print(f"data: {len(data.train[1]):,} training and {len(data.test[1]):,} test images "
          f"({'the bundled sample' if args.sample else args.data_dir})")
    print(f"recipe '{preset.name}': {preset.about}")
    mine = []
    for seed in seeds:
        run, used = run_steepest(preset, data.train, data.test, seed, threads)
        mine.append(run)
        per_seed("steepest", seed, run, targets, f", BLAS threads {used} (blas_threads={threads})")
    ours = summary("steepest", mine, targets)

    if not args.no_torch:
        try:
            import torch
        except ImportError:
            print("PyTorch is not installed: no baseline (pip install torch==2.13.0 adds it)")
            return 0
        counts = sorted({1, os.cpu_count() or 1})
        best, timings = fastest_torch_threads(preset, data.train, data.test, counts)
        print(f"PyTorch {torch.__version__} CPU, a tenth of an epoch of the recipe: {timings}; "
              f"using {best}")
        torch.set_num_threads(best)
        theirs = []
        for seed in seeds:
            theirs.append(TorchRun(preset, data.train, data.test, seed).run())
            per_seed("PyTorch", seed, theirs[-1], targets)
        base = summary("PyTorch", theirs, targets)
        for clock, prefix in (("wall clock", ""), ("CPU time", "cpu ")):
            ratios = [f"to {key[len(prefix):]}: {base[key] / ours[key]:.2f}×" for key in base
                      if key.startswith(prefix) and "%" in key and key[len(prefix)].isdigit()]
            print(f"steepest beside PyTorch, {clock} (ratios of medians, > 1: steepest faster): "
                  f"{', '.join(ratios)}; an epoch "
                  f"{base[prefix + 'epoch'] / ours[prefix + 'epoch']:.2f}×")
    print(f"{load()} at end")
    return 0


if __name__ == "__main__":
    sys.exit(main())
