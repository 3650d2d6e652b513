"""Benchmark: parse + differentiate + compile, grid evaluation, and `steepest grad` start-up.

Prints, for three equations, the time to turn text into a compiled gradient and to
evaluate that gradient on a 1000×1000 grid, each beside plain ``sympy.lambdify`` (no
common-subexpression elimination) on the same expression in the same run; then the
wall time of ``steepest grad "x^2 sin(y)"`` as a whole process beside
``python -c "import numpy, sympy"``.

Targets (issue 2): grid evaluation at least 1.5× faster than plain lambdify (geometric
mean over the three); the command within 1.3× of importing numpy and sympy.

Run: ``python benchmarks/bench_gradient.py [--repeat 7]``. OPENBLAS_CORETYPE and
OPENBLAS_L2_SIZE are left as they are (no BLAS call is on these paths).
"""

from __future__ import annotations

import argparse
import math
import subprocess
import sys

import numpy as np
import sympy
from _timing import median_time, processor_name

import steepest

EQUATIONS = {
    "x^2 sin(y)": "x^2 sin(y)",
    "sin(x)cos(y) + exp(-(x^2+y^2))": "sin(x)cos(y) + exp(-(x^2+y^2))",
    "Rosenbrock": "(1 - x)^2 + 100(y - x^2)^2",
}


def bench_equation(
    text: str, X: np.ndarray, Y: np.ndarray, R: np.ndarray, repeat: int
) -> tuple[float, float, float, float]:
    """Print the build and evaluation times for one equation; return the four times.

    ``X, Y`` is a meshgrid (each coordinate repeats along one axis, which steepest
    exploits); ``R`` holds 10⁶ scattered points with nothing to exploit but the cores.
    """

    def ours_build():
        g = steepest.gradient(text)
        g(0.5, 0.5)  # forces compilation
        return g

    g = ours_build()
    x, y = g.variables

    def plain_build():
        components = [sympy.diff(g.equation.expr, v) for v in (x, y)]
        return sympy.lambdify([x, y], components, modules="numpy")

    plain = plain_build()
    build_ours = median_time(ours_build, repeat)
    build_plain = median_time(plain_build, repeat)
    grid_ours = median_time(lambda: g(X, Y), repeat)
    grid_plain = median_time(lambda: np.asarray(plain(X, Y)), repeat)
    scattered_ours = median_time(lambda: g(R[0], R[1]), repeat)
    scattered_plain = median_time(lambda: np.asarray(plain(R[0], R[1])), repeat)

    reference = np.asarray([np.broadcast_to(c, X.shape) for c in plain(X, Y)])
    if not np.allclose(g(X, Y), reference, rtol=1e-12, atol=1e-9):
        raise SystemExit(f"{text}: results differ from plain lambdify")

    print(f"{text}")
    print(f"  parse+diff+compile  steepest {build_ours * 1e3:8.2f} ms   "
          f"(parse-free baseline: diff+lambdify {build_plain * 1e3:7.2f} ms)")
    print(f"  1000×1000 gradient  steepest {grid_ours * 1e3:8.2f} ms   "
          f"plain lambdify {grid_plain * 1e3:7.2f} ms   speed-up {grid_plain / grid_ours:5.2f}×")
    print(f"  10⁶ scattered pts   steepest {scattered_ours * 1e3:8.2f} ms   "
          f"plain lambdify {scattered_plain * 1e3:7.2f} ms   "
          f"speed-up {scattered_plain / scattered_ours:5.2f}×")
    return grid_ours, grid_plain, scattered_ours, scattered_plain


def process_time(command: list[str], repeat: int) -> float:
    def run():
        subprocess.run(command, check=True, capture_output=True)

    return median_time(run, repeat)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()

    axis = np.linspace(-3, 3, 1000)
    X, Y = np.meshgrid(axis, axis)
    print(f"processor: {processor_name()}")
    print(f"numpy {np.__version__}, sympy {sympy.__version__}, python {sys.version.split()[0]}")
    print()
    R = np.random.default_rng(0).uniform(-3, 3, size=(2, 1000, 1000))
    grid, scattered = [], []
    for text in EQUATIONS.values():
        ours, plain, s_ours, s_plain = bench_equation(text, X, Y, R, args.repeat)
        grid.append(plain / ours)
        scattered.append(s_plain / s_ours)
    geo = math.exp(sum(map(math.log, grid)) / len(grid))
    geo_s = math.exp(sum(map(math.log, scattered)) / len(scattered))
    print(f"\n1000×1000 meshgrid, geometric mean speed-up over plain lambdify: {geo:.2f}× "
          f"(target ≥ 1.5×: {'met' if geo >= 1.5 else 'MISSED'})")
    print(f"10⁶ scattered points, geometric mean speed-up over plain lambdify: {geo_s:.2f}×")

    imports = process_time([sys.executable, "-c", "import numpy, sympy"], args.repeat)
    command = process_time(
        [sys.executable, "-m", "steepest", "grad", "x^2 sin(y)", "--at", "1,2"], args.repeat
    )
    ratio = command / imports
    print(f"\n`steepest grad \"x^2 sin(y)\" --at 1,2`: {command * 1e3:.0f} ms; "
          f"`python -c \"import numpy, sympy\"`: {imports * 1e3:.0f} ms; ratio {ratio:.2f} "
          f"(target ≤ 1.3: {'met' if ratio <= 1.3 else 'MISSED'})")


if __name__ == "__main__":
    main()
