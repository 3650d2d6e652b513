"""Benchmark: Nielsen's MNIST network (784-30-10) trained by steepest, beside its baselines.

The setup is Nielsen's chapter 1: sigmoid layers, quadratic cost
``C = 1/2m Σ‖y − a‖²``, plain gradient descent, mini-batch 10, learning rate 3.0,
the first 50,000 training images, accuracy on the 10,000 test images. Printed:

- seconds per epoch (median of the epochs after the first) and the best test
  accuracy over the epochs, per seed and as a median over the seeds;
- the same network and settings in PyTorch on the CPU, when torch is importable
  (it is optional: ``pip install torch==2.13.0``), and the ratio of the two;
- the floor that the machine's float32 GEMM rate, measured in this run, gives for
  one epoch's arithmetic, and the share of that rate reached at mini-batch 128;
- mini-batch 128, and mini-batch 10 beside PyTorch, each with ``train``'s default
  (``blas_threads="auto"``: one thread for small products, every idle core for large
  ones, or each mini-batch split between one process a core; what it took is printed) and
  with BLAS limited to one thread; mini-batch 128 also on every core's BLAS threads and
  split between every core's processes. On a shared machine, threads that wait for a busy
  core make products far slower. PyTorch runs at its fastest thread count, found by timing
  an epoch at each;
- peak resident memory of the steepest runs.

The files come from ``--data-dir`` (default ``../shared/data/mnist`` beside the
repository). If OPENBLAS_CORETYPE or OPENBLAS_L2_SIZE are set, the script runs itself
again without them (its own process only) so that OpenBLAS picks its kernel for this
CPU, and says so.

Quick run: ``python benchmarks/bench_network.py --epochs 3 --seeds 0 --torch-epochs 3``
(about half a minute); the defaults (30 epochs, 3 seeds) take a few minutes.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import os
import resource
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _timing import processor_name

#: issue targets: median over seeds of the best-epoch test accuracy within 30 epochs
ACCURACY_TARGETS = {
    (784, 30, 10): " (target ≥ 95.00% within 30 epochs; Nielsen reports 95.42%)",
    (784, 16, 16, 10): " (target ≥ 94.00% within 30 epochs)",
}
#: issue targets: steepest's epoch at mini-batch 10 beside PyTorch's at its fastest
TORCH_TARGETS = {(784, 30, 10): " (target ≥ 7×)", (784, 300, 10): " (target ≥ 2×)"}
FORCED = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
REEXEC = "STEEPEST_BENCH_REEXEC"


def reexec_without_forced_openblas() -> None:
    """Run this script again with OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE unset."""
    forced = {name: os.environ[name] for name in FORCED if name in os.environ}
    if forced and REEXEC not in os.environ:
        env = {k: v for k, v in os.environ.items() if k not in FORCED}
        env[REEXEC] = ", ".join(f"{k}={v}" for k, v in forced.items())
        os.execve(sys.executable, [sys.executable, *sys.argv], env)


def blas_report() -> str:
    if os.environ.get(REEXEC):
        note = f"unset for this benchmark process only: {os.environ[REEXEC]}"
    else:
        note = "OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE not set"
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return f"BLAS: {note}; threadpoolctl not installed (kernel unknown)"
    pools = [
        f"{p.get('internal_api')} {p.get('version')} kernel={p.get('architecture')} "
        f"threads={p.get('num_threads')}"
        for p in threadpool_info()
        if p.get("user_api") == "blas"
    ]
    return f"BLAS: {'; '.join(pools) or 'none found'} ({note})"


def configured_threads() -> int:
    """The number of threads BLAS is configured with (what ``blas_threads=None`` keeps)."""
    from threadpoolctl import threadpool_info

    return max((p["num_threads"] for p in threadpool_info() if p["user_api"] == "blas"), default=1)


def blas_settings() -> list[tuple[int | str | None, str]]:
    """``train``'s ``blas_threads`` values to measure, each with a label that says what it is."""
    return [
        ("auto", "train's default, blas_threads='auto'"),
        (1, "blas_threads=1 (BLAS limited to 1 thread)"),
    ]


@contextlib.contextmanager
def blas_threads(threads: int | str | None):  # type: ignore[no-untyped-def]
    """Limit BLAS to ``threads`` inside the block (None: leave it; 'auto': every core)."""
    if threads == "auto":
        threads = configured_threads()
    if threads is None:
        yield
        return
    from threadpoolctl import threadpool_limits

    with threadpool_limits(threads, user_api="blas"):
        yield


def gemm_rate(n: int = 2048, repeats: int = 5) -> tuple[float, float]:
    """The float32 GEMM rate: FLOP per wall-clock second and per CPU second, best of a few."""
    rng = np.random.default_rng(0)
    a = rng.random((n, n), dtype=np.float32)
    b = rng.random((n, n), dtype=np.float32)
    out = np.empty((n, n), np.float32)
    np.dot(a, b, out=out)
    wall, cpu = [], []
    for _ in range(repeats):
        start, cpu_start = time.perf_counter(), time.process_time()
        np.dot(a, b, out=out)
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - cpu_start)
    return 2.0 * n**3 / min(wall), 2.0 * n**3 / min(cpu)


def epoch_flops(n: int, sizes: list[int]) -> float:
    """FLOPs of one epoch's matrix products: forward, weight gradients, deltas below."""
    weights = sum(a * b for a, b in itertools.pairwise(sizes))
    hidden = sum(a * b for a, b in itertools.pairwise(sizes[1:]))
    return 2.0 * n * (2 * weights + hidden)


def median_after_first(seconds: list[float]) -> float:
    return statistics.median(seconds[1:] if len(seconds) > 1 else seconds)


def run_steepest(sizes, train_set, test_set, epochs: int, batch_size: int, seed: int,  # type: ignore[no-untyped-def]
                 blas: int | str | None = "auto", processes: int | str = "auto"):
    from steepest import Network, train

    net = Network(sizes, activation="sigmoid", seed=seed)
    history = train(net, train_set, epochs=epochs, batch_size=batch_size, learning_rate=3.0,
                    optimizer="gd", cost="quadratic", test=test_set, seed=seed,
                    blas_threads=blas, processes=processes)
    return history


class TorchNetwork:
    """The same network in PyTorch (CPU), trained one epoch at a time."""

    def __init__(self, sizes, train_set, test_set, seed: int, threads: int) -> None:  # type: ignore[no-untyped-def]
        import torch

        if threads:
            torch.set_num_threads(threads)
        torch.manual_seed(seed)
        self.torch = torch
        self.x = torch.from_numpy(train_set[0])
        self.y = torch.nn.functional.one_hot(torch.from_numpy(train_set[1]), 10).float()
        self.test = torch.from_numpy(test_set[0]), torch.from_numpy(test_set[1])
        layers = []
        for n_in, n_out in itertools.pairwise(sizes):
            layers += [torch.nn.Linear(n_in, n_out), torch.nn.Sigmoid()]
        self.model = torch.nn.Sequential(*layers)
        self.opt = torch.optim.SGD(self.model.parameters(), lr=3.0)

    def epoch(self, examples: int | None = None) -> tuple[float, float]:
        """Train one epoch at mini-batch 10 (or its first ``examples``); its wall-clock and
        CPU seconds."""
        model, opt, x, y = self.model, self.opt, self.x, self.y
        start, cpu_start = time.perf_counter(), time.process_time()
        order = self.torch.randperm(x.shape[0])[:examples]
        for i in range(0, len(order), 10):
            batch = order[i : i + 10]
            a = model(x[batch])
            loss = 0.5 * ((a - y[batch]) ** 2).sum(dim=1).mean()  # C = 1/2m Σ‖y − a‖²
            opt.zero_grad()
            loss.backward()
            opt.step()
        return time.perf_counter() - start, time.process_time() - cpu_start

    def accuracy(self) -> float:
        with self.torch.no_grad():
            x, labels = self.test
            return (self.model(x).argmax(dim=1) == labels).float().mean().item()


def main(argv: list[str] | None = None) -> int:
    here = Path(__file__).resolve().parents[1]
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=here.parent / "shared/data/mnist")
    parser.add_argument("--hidden", default="30",
                        help="hidden layer sizes, e.g. 16,16 (default 30: Nielsen's 784-30-10)")
    parser.add_argument("--epochs", type=int, default=30, help="epochs per seed (default 30)")
    parser.add_argument("--seeds", default="0,1,2", help="comma-separated seeds (default 0,1,2)")
    parser.add_argument("--torch-epochs", type=int, default=7,
                        help="rounds beside PyTorch, an epoch each (default 7; 0 skips PyTorch)")
    parser.add_argument("--epochs-128", type=int, default=3, help="epochs at mini-batch 128")
    parser.add_argument("--torch-threads", type=int, default=0,
                        help="torch.set_num_threads (default 0: time a tenth of an epoch at 1 "
                             "thread and at every core, keep the faster)")
    args = parser.parse_args(argv)
    seeds = [int(s) for s in args.seeds.split(",")]
    sizes = [784, *(int(h) for h in args.hidden.split(",")), 10]

    from steepest.data import load_mnist

    print(f"processor: {processor_name()}")
    print(blas_report())
    print(f"load average at start: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs "
          f"(other work on the machine slows every figure below)")
    data = load_mnist(args.data_dir, download=False)
    (x, y), test_set = data.train, data.test
    train_set = (x[:50_000], y[:50_000])
    n = train_set[0].shape[0]
    print(f"MNIST from {args.data_dir}: {n} training images (Nielsen's 50,000), "
          f"{test_set[0].shape[0]} test; network {sizes}, sigmoid, quadratic cost, "
          f"plain gradient descent, learning rate 3.0")

    # --- Nielsen's setup, mini-batch 10, train's defaults
    per_epoch, accuracies = [], []
    for seed in seeds:
        history = run_steepest(sizes, train_set, test_set, args.epochs, 10, seed)
        per_epoch.append(median_after_first(history.seconds))
        accuracies.append(history.best_accuracy)
        cpu = median_after_first(history.cpu_seconds)
        print(f"  steepest seed {seed}: {per_epoch[-1]:.3f} s/epoch ({cpu:.3f} CPU s) "
              f"on {history.settings['blas_threads']} BLAS thread(s) "
              f"({per_epoch[-1] / (n / 10) * 1e6:.1f} µs a step), best test accuracy "
              f"{history.best_accuracy:.2%} at epoch "
              f"{history.test_accuracy.index(history.best_accuracy) + 1} of {args.epochs}")
    ours = statistics.median(per_epoch)
    print(f"steepest, mini-batch 10, {blas_settings()[0][1]}: {ours:.3f} s/epoch (median over "
          f"seeds {seeds}); best-epoch test accuracy median {statistics.median(accuracies):.2%}"
          f"{ACCURACY_TARGETS.get(tuple(sizes), '')}")

    # --- the GEMM floor and mini-batch 128: auto, one thread, every core
    flops = epoch_flops(n, sizes)
    print(f"an epoch's matrix products: {flops / 1e9:.2f} GFLOP")
    cores = os.cpu_count() or 1
    rates = {}
    for threads in sorted({1, cores}):
        with blas_threads(threads):
            rates[threads] = gemm_rate()
        rate, cpu_rate = rates[threads]
        print(f"float32 GEMM rate on {threads} thread(s) (2048³, best of 5): {rate / 1e9:.1f} "
              f"GFLOP/s ({cpu_rate / 1e9:.1f} per CPU second) -> floor {flops / rate:.3f} s/epoch")
    best_floor = flops / rates[cores][0]
    if args.epochs_128:
        runs = [(threads, "auto" if threads == "auto" else 1, label)
                for threads, label in blas_settings()]
        if cores > 1:
            runs += [(cores, 1, f"blas_threads={cores}, processes=1"),
                     (1, cores, f"processes={cores} (each mini-batch split between {cores} "
                                f"processes, each on 1 BLAS thread)")]
        for threads, processes, label in runs:
            history = run_steepest(sizes, train_set, test_set, args.epochs_128, 128, seeds[0],
                                   blas=threads, processes=processes)
            t128 = median_after_first(history.seconds)
            cpu128 = median_after_first(history.cpu_seconds)
            used, parts = history.settings["blas_threads"], history.settings["processes"]
            probe = history.settings.get("blas_probe")
            seen = "" if not probe else (
                f" [auto: {probe['reason']}, a step " + ", ".join(
                    f"{t * 1e6:.0f} µs on {k}" for k, t in probe["step_seconds"].items())
                + f", {probe['seconds'] * 1e3:.0f} ms spent]")
            lost = "; ".join(history.settings.get("processes_lost", []))
            where = f" in each of {parts} processes" if parts > 1 else ""
            own = (f", {flops / rates[used][0] / t128:.0%} of the {used}-thread rate"
                   if parts == 1 else "")
            print(f"steepest, mini-batch 128, {label}, on {used} BLAS thread(s){where}: "
                  f"{t128:.3f} s/epoch = {best_floor / t128:.0%} of the {cores}-thread GEMM "
                  f"rate (target ≥ 30%){own}; CPU time {cpu128:.3f} s (workers' included)"
                  f"{seen}{' LOST: ' + lost if lost else ''}")
    print(f"mini-batch 10 ({blas_settings()[0][1]}) reaches {best_floor / ours:.0%} of the "
          f"highest GEMM rate measured")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak resident memory so far (steepest runs, before any torch import): {peak:.0f} MB "
          f"(target < 600 MB)")

    # --- PyTorch CPU, same network and settings
    if args.torch_epochs:
        try:
            import torch
        except ImportError:
            print("PyTorch is not installed: no PyTorch baseline "
                  "(pip install torch==2.13.0 to add it)")
            return 0
        # paired: an epoch of steepest in each BLAS setting, then one of PyTorch, so that
        # all see the same load
        from steepest import Network, train

        torch_threads, n_probe = args.torch_threads, n // 10
        if not torch_threads:  # its fastest: a tenth of an epoch at one thread and every core
            timed = {n: TorchNetwork(sizes, train_set, test_set, seeds[0], n).epoch(n_probe)[0]
                     for n in sorted({1, os.cpu_count() or 1})}
            torch_threads = min(timed, key=timed.__getitem__)
            print(f"PyTorch, {n_probe} examples at each thread count: " + ", ".join(
                f"{n} thread(s) {t:.3f} s" for n, t in timed.items()) + f"; using {torch_threads}")
        theirs_net = TorchNetwork(sizes, train_set, test_set, seeds[0], torch_threads)
        settings = blas_settings()
        nets = [Network(sizes, seed=seeds[0]) for _ in settings]
        rngs = [np.random.default_rng(seeds[0]) for _ in settings]
        mine: list[list[tuple[float, float]]] = [[] for _ in settings]
        theirs = []
        for _ in range(args.torch_epochs):
            for (threads, _label), net, rng, times in zip(settings, nets, rngs, mine, strict=True):
                history = train(net, train_set, epochs=1, batch_size=10, seed=rng,
                                blas_threads=threads)
                times.append((history.seconds[0], history.cpu_seconds[0]))
            theirs.append(theirs_net.epoch())
        torch_wall, torch_cpu = (median_after_first([t[i] for t in theirs]) for i in (0, 1))
        print(f"PyTorch {torch.__version__} CPU ({torch.get_num_threads()} thread(s)), "
              f"mini-batch 10: {torch_wall:.3f} s/epoch, {torch_cpu:.3f} CPU s (test accuracy "
              f"{theirs_net.accuracy():.2%} after {args.torch_epochs} epochs)")
        for (_threads, label), times in zip(settings, mine, strict=True):
            wall, cpu = (median_after_first([m[i] for m in times]) for i in (0, 1))
            # each round's own ratio, so that a slow patch of the machine counts on both sides
            paired = median_after_first([t[0] / m[0] for t, m in zip(theirs, times, strict=True)])
            print(f"  steepest in the same rounds, {label}: {wall:.3f} s/epoch, {cpu:.3f} CPU s; "
                  f"{torch_wall / wall:.1f}× faster than PyTorch by the clock"
                  f"{TORCH_TARGETS.get(tuple(sizes), '')} ("
                  f"median of the rounds' ratios {paired:.1f}×), "
                  f"{torch_cpu / cpu:.1f}× in CPU time")
        print(f"  ({args.torch_epochs} rounds, each an epoch of every run in turn; medians of the "
              f"rounds after the first; CPU time is less disturbed by other programs)")
    print(f"load average at end: {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    reexec_without_forced_openblas()
    sys.exit(main())
