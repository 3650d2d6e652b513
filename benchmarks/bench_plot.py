"""Benchmark: a contour map with gradient field and three descent paths, rendered to PNG.

Times the whole figure as a user gets it: ``plot_paths`` on a 400×400 grid (filled
contours, labelled contour lines, 15×15 gradient arrows, stationary points found and
classified, three paths from three optimizers) written to PNG at 100 dpi. The descents
themselves are run once beforehand and not timed. Beside it, in the same run, the bare
baseline: one ``contourf`` of the same grid on a plain matplotlib Figure written to PNG.

Target (issue 4): under 2 s. The ratio to the bare baseline says what the extra
layers (contour lines and labels, arrows, stationary points, paths, legend) cost.

Run: ``python benchmarks/bench_plot.py [--repeat 5]``. OPENBLAS_CORETYPE and
OPENBLAS_L2_SIZE are left as they are (no BLAS-heavy call is on this path).
"""

from __future__ import annotations

import argparse
import io
import sys

import matplotlib
import numpy as np
from _timing import median_time, processor_name
from matplotlib.figure import Figure

import steepest
from steepest.plot import plot_paths

FUNCTION = "(x^2 + y - 11)^2 + (x + y^2 - 7)^2"  # Himmelblau: 9 stationary points in the box
BOX = [(-5.0, 5.0), (-5.0, 5.0)]
RUNS = [("gd", 0.01), ("momentum", 0.002), ("adam", 0.2)]
GRID = 400


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    g = steepest.gradient(FUNCTION)
    results = [steepest.minimize(g, [0.0, 0.0], optimizer=name, learning_rate=rate, max_iter=300)
               for name, rate in RUNS]

    def ours() -> int:
        # a fresh Gradient each time, so that compilation is part of the figure's cost
        fig = plot_paths(steepest.gradient(FUNCTION), results, BOX, resolution=GRID, arrows=15)
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=100)
        return buffer.tell()

    axis = np.linspace(-5, 5, GRID)
    X, Y = np.meshgrid(axis, axis)
    Z = (X**2 + Y - 11) ** 2 + (X + Y**2 - 7) ** 2

    def bare() -> int:
        fig = Figure(figsize=(6.4, 5.2))
        fig.add_subplot().contourf(X, Y, Z, levels=15)
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=100)
        return buffer.tell()

    print(f"processor: {processor_name()}")
    print(f"matplotlib {matplotlib.__version__}, numpy {np.__version__}, "
          f"python {sys.version.split()[0]}")
    print(f"{FUNCTION} on [-5, 5]², {GRID}×{GRID} grid, paths: "
          + ", ".join(f"{r.optimizer} ({len(r.path)} points)" for r in results))
    size = ours()
    t_ours = median_time(ours, args.repeat)
    t_bare = median_time(bare, args.repeat)
    print(f"  contour map + gradient field + stationary points + 3 paths -> PNG "
          f"({size / 1024:.0f} KiB): {t_ours:.3f} s")
    print(f"  baseline: bare contourf of the same grid -> PNG: {t_bare:.3f} s")
    print(f"  ratio {t_ours / t_bare:.2f}×; target < 2 s: {'met' if t_ours < 2 else 'MISSED'}")


if __name__ == "__main__":
    main()
