"""The two searches for the roots of ∇f behind :func:`steepest.stationary_points`.

- :func:`solve_symbolic`: SymPy's ``solve`` on ∇f = 0, bounded in size (:func:`small_enough`)
  and in time (it runs in a daemon thread; a solve cut off by its time limit finishes
  there, as Python cannot stop a thread). While two such solves still run, later searches
  skip SymPy unless forced, so that cut-off solves do not pile up in a long session (each
  takes its share of the interpreter's time). The answer does not depend on the box, so
  every finished solve is kept (the last 128 systems): the same gradient searched again,
  over another box (a map panned or zoomed) or after a solve that was cut off but has
  since finished, costs no second solve.
- :func:`newton`: damped Gauss–Newton on ∇f from a grid of seeds inside a box.

Both work on the gradient's SymPy expressions and return plain data: exact coordinates,
``(solution, free variables)`` pairs for the solutions that leave variables free, and
arrays of points. What it leaves out: the result types, the classification of points by
the Hessian and the merging of the two answers (:mod:`steepest.calculus.stationary`).
"""

from __future__ import annotations

import functools
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import sympy

__all__ = ["compile_points", "dirac_free", "newton", "small_enough", "solve_symbolic"]

# Size bounds for the symbolic attempt: larger systems go straight to the numeric search.
_MAX_BEZOUT = 6  # product of the total degrees of a polynomial system
_MAX_OPS = 80  # sympy.count_ops of a non-polynomial system

Solution = dict[sympy.Symbol, sympy.Expr]  # determined variable -> expression in the free ones
Point = tuple[sympy.Expr, ...]  # exact coordinates, in the order of the variables
Locus = tuple[Solution, tuple[sympy.Symbol, ...]]  # a solution and its free variables

#: solves cut off by their time limit, which may still be running (guarded by _LOCK)
_CUT_OFF: list[threading.Thread] = []
_LOCK = threading.Lock()
#: how many of those may run at once before searches skip SymPy
_MAX_CUT_OFF = 2
#: finished solves by system (∇f, variables): SymPy's solutions, or None when it could not
#: solve; the most recently used last (guarded by _LOCK)
_SOLVED: OrderedDict[tuple[tuple[sympy.Expr, ...], tuple[sympy.Symbol, ...]], Any] = OrderedDict()
_MAX_SOLVED = 128
#: up to this many points are deduplicated with the table of all their distances (8 MB)
_DEDUPE_AT_ONCE = 1000


def small_enough(grad: list[sympy.Expr], variables: tuple[sympy.Symbol, ...]) -> bool:
    """Whether the system ∇f = 0 is small enough to try symbolically."""
    if all(g.is_polynomial(*variables) for g in grad):
        bezout = 1
        for g in grad:
            bezout *= max(1, sympy.Poly(g, *variables).total_degree())
        return bezout <= _MAX_BEZOUT
    return sympy.count_ops(grad) <= _MAX_OPS


def solve_symbolic(
    grad: list[sympy.Expr],
    variables: tuple[sympy.Symbol, ...],
    timeout: float,
    force: bool,
) -> tuple[list[Point], list[Locus], bool] | str:
    """Solve ∇f = 0 with SymPy in a daemon thread.

    Returns the real isolated solutions (coordinates in the order of ``variables``), the
    solutions that leave variables free as ``(solution, free)`` pairs, and whether the
    answer is complete (a polynomial system); or, when there is no answer, why not, in
    words (too big, too slow, not solved, or not tried while earlier solves still run).
    """
    if all(g.is_zero for g in grad):
        return [], [({}, variables)], True
    key = (tuple(grad), tuple(variables))
    with _LOCK:
        known = key in _SOLVED
        if known:
            _SOLVED.move_to_end(key)
            solutions = _SOLVED[key]
    if not known:
        if not force and not small_enough(grad, variables):
            return "SymPy was not tried: the system ∇f = 0 is too large to solve exactly"
        with _LOCK:
            _CUT_OFF[:] = [t for t in _CUT_OFF if t.is_alive()]
            if len(_CUT_OFF) >= _MAX_CUT_OFF and not force:
                return (f"SymPy was not tried: {len(_CUT_OFF)} earlier solves, cut off by "
                        "their time limit, still run in this session")
        thread = threading.Thread(target=_solve, args=(key,), daemon=True, name="steepest-solve")
        thread.start()
        thread.join(timeout)
        if thread.is_alive():
            with _LOCK:
                _CUT_OFF.append(thread)
            return f"SymPy did not solve ∇f = 0 within the time limit ({timeout:g} s)"
        with _LOCK:
            solutions = _SOLVED.get(key)
    if solutions is None:
        return "SymPy could not solve ∇f = 0"
    points: list[Point] = []
    curves: list[Locus] = []
    for solution in solutions:
        free = tuple(v for v in variables if v not in solution)
        if free:
            curves.append((dict(solution), free))
            continue
        coords = tuple(solution[v] for v in variables)
        values = [complex(sympy.N(c, 30)) for c in coords]
        if all(abs(c.imag) <= 1e-12 * max(1.0, abs(c.real)) for c in values):
            points.append(coords)
    polynomial = all(g.is_polynomial(*variables) for g in grad)
    return points, curves, polynomial


def _solve(key: tuple[tuple[sympy.Expr, ...], tuple[sympy.Symbol, ...]]) -> None:
    """SymPy's solutions of the system ``key``, kept in :data:`_SOLVED` (None: not solved)."""
    grad, variables = key
    try:
        solutions = sympy.solve(list(grad), list(variables), dict=True)
    except (NotImplementedError, ValueError, TypeError, AttributeError):
        solutions = None
    with _LOCK:
        _SOLVED[key] = solutions
        _SOLVED.move_to_end(key)
        while len(_SOLVED) > _MAX_SOLVED:
            _SOLVED.popitem(last=False)


def dirac_free(expr: Any) -> Any:
    """``expr`` (an expression or a matrix) with every DiracDelta replaced by 0.

    DiracDelta comes from differentiating sign or Heaviside (as in the Hessian of |x|); it
    is zero wherever it is a number, and NumPy has no such function.
    """
    return expr.replace(sympy.DiracDelta, lambda *args: sympy.S.Zero)


def compile_points(
    exprs: Sequence[sympy.Expr], variables: tuple[sympy.Symbol, ...]
) -> Callable[[np.ndarray], np.ndarray]:
    """exprs -> a function of points (m, n) returning (m, len(exprs)), constants broadcast.

    DiracDelta is compiled as 0 (:func:`dirac_free`). The compiled code is kept for the
    next call with the same expressions.
    """
    fn = _compiled(tuple(sympy.sympify(e) for e in exprs), tuple(variables))

    def evaluate(points: np.ndarray) -> np.ndarray:
        with np.errstate(all="ignore"):
            out = fn(*points.T)
        m = points.shape[0]
        return np.stack([np.broadcast_to(np.asarray(o, dtype=float), (m,)) for o in out], -1)

    return evaluate


@functools.lru_cache(maxsize=256)
def _compiled(exprs: tuple[sympy.Expr, ...], variables: tuple[sympy.Symbol, ...]) -> Any:
    return sympy.lambdify(variables, [dirac_free(e) for e in exprs], "numpy")


def newton(
    grad: list[sympy.Expr],
    hess: sympy.Matrix,
    variables: tuple[sympy.Symbol, ...],
    box: tuple[tuple[float, float], ...],
    seeds: int | None,
    iterations: int = 60,
) -> np.ndarray:
    """Roots of ∇f in the box by damped Gauss–Newton from a grid of seeds, deduplicated."""
    n = len(variables)
    per_axis = seeds or {1: 24, 2: 14, 3: 7}.get(n, 4)
    lo = np.array([b[0] for b in box])
    hi = np.array([b[1] for b in box])
    width = hi - lo
    axes = [lo[i] + (np.arange(per_axis) + 0.5) / per_axis * width[i] for i in range(n)]
    x = np.stack([a.ravel() for a in np.meshgrid(*axes, indexing="ij")], axis=-1)
    g_fn = compile_points(grad, variables)
    h_fn = compile_points(list(hess), variables)
    eye = np.eye(n)
    with np.errstate(all="ignore"):
        norms = np.linalg.norm(g_fn(x), axis=-1)
    finite = norms[np.isfinite(norms)]
    scale = max(1.0, float(np.median(finite))) if finite.size else 1.0
    # a seed whose step has shrunk below rounding is done: only the others are stepped
    active = np.arange(len(x))
    with np.errstate(all="ignore"):  # non-finite values are caught as `bad`
        for _ in range(iterations):
            if active.size == 0:
                break
            xa = x[active]
            g = g_fn(xa)
            h = h_fn(xa).reshape(-1, n, n)
            bad = ~(np.all(np.isfinite(g), axis=-1) & np.all(np.isfinite(h), axis=(1, 2)))
            g[bad] = 0.0
            h[bad] = eye
            # Gauss-Newton on |∇f|²: finds saddles and maxima too, and survives singular H.
            ht = np.swapaxes(h, 1, 2)
            a = ht @ h
            damping = (1e-12 * np.trace(a, axis1=1, axis2=2) + 1e-300)[:, None, None] * eye
            step = np.linalg.solve(a + damping, -(ht @ g[..., None]))[..., 0]
            # never jump more than a quarter of the box in one step
            longest = np.max(np.abs(step) / (0.25 * width), axis=-1, keepdims=True)
            step = np.where(longest > 1, step / np.maximum(longest, 1), step)
            x[active] = np.where(bad[:, None], np.nan, xa + step)
            settled = bad | np.all(np.abs(step) <= 1e-15 * width, axis=-1)
            active = active[~settled]
    with np.errstate(invalid="ignore"):
        g = g_fn(x)
        ok = np.all(np.isfinite(x), axis=-1) & np.all(np.abs(g) <= 1e-9 * scale, axis=-1)
        margin = 1e-9 * width
        ok &= np.all((x >= lo - margin) & (x <= hi + margin), axis=-1)
    return _dedupe(np.clip(x[ok], lo, hi), 1e-6 * float(np.linalg.norm(width)))


def _dedupe(points: np.ndarray, distance: float) -> np.ndarray:
    """``points`` without those within ``distance`` of an earlier one that is kept."""
    if len(points) > _DEDUPE_AT_ONCE:  # the table of all distances would be too large
        kept: list[np.ndarray] = []
        for p in points:
            if not kept or np.min(np.linalg.norm(np.array(kept) - p, axis=-1)) > distance:
                kept.append(p)
        return np.array(kept).reshape(-1, points.shape[-1])
    gaps = np.linalg.norm(points[:, None, :] - points[None, :, :], axis=-1)
    left = np.ones(len(points), dtype=bool)
    first_kept = []
    while left.any():
        first = int(np.argmax(left))
        first_kept.append(first)
        left &= gaps[first] > distance
    return points[first_kept].reshape(-1, points.shape[-1])
