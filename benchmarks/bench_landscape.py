"""Benchmark: a 41×41 cost landscape of a trained network on 1,000 images (target ≤ 5 s).

:func:`steepest.nn.landscape.landscape` computes the slice with the first layer's three
products made once and each later layer as one matrix product per block of grid points.
Printed beside it, measured in the same run on the same network, images and directions:

- the plain way with steepest: move the weights to each grid point and call
  ``Network.evaluate`` (timed on one row of the grid, 41 points, times 41; one BLAS
  thread, as the slice uses);
- the plain way with PyTorch on the CPU (when torch is importable): the same network
  as ``torch.nn`` layers, the weights set for each point, one forward pass and the cost
  under ``torch.no_grad`` (timed on one row, times 41), at its fastest of 1 and all
  threads.

Both 784-30-10 (sigmoid, quadratic cost; the issue's network) and 784-300-10 (ReLU,
softmax, cross-entropy; ``steepest train``'s default), each trained one epoch on the
bundled sample. Wall and CPU time are printed: on a shared machine the wall time also
counts the time other programs held the cores. Run: ``python benchmarks/bench_landscape.py``.
"""

from __future__ import annotations

import copy
import os
import platform
import time

import numpy as np

from steepest.data import load_mnist_sample
from steepest.nn import Network, train
from steepest.nn.landscape import landscape

GRID, IMAGES, TARGET = 41, 1000, 5.0


def processor() -> str:
    try:
        with open("/proc/cpuinfo") as info:
            for line in info:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def timed(function) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    wall, cpu = time.perf_counter(), time.process_time()
    function()
    return time.perf_counter() - wall, time.process_time() - cpu


def plain_row(net: Network, x: np.ndarray, y: np.ndarray, cost: str, land) -> None:  # type: ignore[no-untyped-def]
    from threadpoolctl import threadpool_limits

    moved = copy.deepcopy(net)
    with threadpool_limits(1, user_api="blas"):  # as the slice runs: one BLAS thread
        _plain_row(net, moved, x, y, cost, land)


def _plain_row(net, moved, x, y, cost, land) -> None:  # type: ignore[no-untyped-def]
    for alpha in land.alphas:
        moved.params[...] = net.params + alpha * land.directions[0] + land.betas[0] * \
            land.directions[1]
        moved.evaluate(x, y, cost)


def torch_row(net: Network, x: np.ndarray, y: np.ndarray, land) -> float | None:  # type: ignore[no-untyped-def]
    """Seconds for one row of the grid the plain way in PyTorch, at its best thread count."""
    try:
        import torch
    except ImportError:
        return None
    layers = [torch.nn.Linear(a, b) for a, b in zip(net.sizes, net.sizes[1:], strict=False)]
    xt = torch.from_numpy(np.ascontiguousarray(x, np.float32))
    yt = torch.from_numpy(y.astype(np.int64))
    best = None
    for threads in sorted({1, os.cpu_count() or 1}):
        torch.set_num_threads(threads)
        _torch_row(torch, net, layers, xt, yt, land)  # warm-up
        seconds = timed(lambda: _torch_row(torch, net, layers, xt, yt, land))[0]
        best = seconds if best is None else min(best, seconds)
    return best


def _torch_row(torch, net, layers, xt, yt, land) -> None:  # type: ignore[no-untyped-def]
    act = {"sigmoid": torch.sigmoid, "relu": torch.relu, "tanh": torch.tanh}
    with torch.no_grad():
        for alpha in land.alphas:
            flat = net.params + alpha * land.directions[0] + land.betas[0] * land.directions[1]
            start = 0
            for layer in layers:
                n_out, n_in = layer.weight.shape
                layer.weight.copy_(torch.from_numpy(
                    flat[start : start + n_out * n_in].reshape(n_out, n_in)))
                start += n_out * n_in
                layer.bias.copy_(torch.from_numpy(flat[start : start + n_out]))
                start += n_out
            a = xt
            for i, layer in enumerate(layers):
                a = layer(a)
                if i < len(layers) - 1:
                    a = act[net.activation](a)
            if net.output == "softmax":
                torch.nn.functional.cross_entropy(a, yt).item()
            else:
                target = torch.nn.functional.one_hot(yt, 10).float()
                (0.5 * ((act[net.output](a) - target) ** 2).sum(1).mean()).item()


def main() -> None:
    (x_all, y_all), _ = load_mnist_sample()
    x, y = x_all[:IMAGES], y_all[:IMAGES]
    print(f"processor: {processor()} ({os.cpu_count()} cores; load average "
          f"{os.getloadavg()[0]:.1f}: the machine is shared, wall times include others' work)")
    print(f"a {GRID}×{GRID} slice on {IMAGES:,} training images of the bundled sample; "
          f"target ≤ {TARGET:g} s\n")
    for sizes, activation, output, cost in (([784, 30, 10], "sigmoid", "sigmoid", "quadratic"),
                                            ([784, 300, 10], "relu", "softmax",
                                             "cross-entropy")):
        net = Network(sizes, activation, output, seed=0)
        train(net, (x_all, y_all), epochs=1, batch_size=32, optimizer="adam", cost=cost, seed=0)
        landscape(net, x, y, grid=3)  # warm-up
        runs = [timed(lambda net=net: landscape(net, x, y, grid=GRID)) for _ in range(3)]
        wall, cpu = sorted(runs)[1]
        land = landscape(net, x, y, grid=GRID)
        plain = timed(lambda n=net, c=cost, s=land: plain_row(n, x, y, c, s))[0] * GRID
        name = "-".join(map(str, sizes))
        verdict = "met" if wall <= TARGET else "MISSED"
        print(f"{name} ({activation}, {cost}): {wall:.2f} s wall, {cpu:.2f} s CPU "
              f"(median of 3; target {verdict})")
        print(f"  plain steepest, Network.evaluate at each point: {plain:.2f} s "
              f"(one row × {GRID}); {plain / wall:.1f}× the slice's time")
        torch_seconds = torch_row(net, x, y, land)
        if torch_seconds is None:
            print("  PyTorch: not installed (pip install torch==2.13.0)")
        else:
            print(f"  plain PyTorch, a forward pass at each point: {torch_seconds * GRID:.2f} s "
                  f"(one row × {GRID}, fastest thread count); "
                  f"{torch_seconds * GRID / wall:.1f}× the slice's time")


if __name__ == "__main__":
    main()
