"""Compiled evaluation of SymPy expressions on NumPy arrays, fast on large grids.

Expressions are turned into NumPy code once (common subexpressions computed once); calls
stack the results into one float array. Coordinates that repeat along an axis (the arrays
of ``numpy.meshgrid``) are reduced to one row or column first, and large grids are cut
into slices computed in parallel threads. Used by :class:`~steepest.Equation` for its
values and by :class:`~steepest.Gradient` for its components; what the results mean is
their business.
"""

from __future__ import annotations

import itertools
import math
import os
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
import sympy

from steepest.errors import EquationError

__all__ = ["bind", "compile_scalar", "evaluate", "lambdify", "point_columns"]

# Grids with at least this many points are split into slices evaluated in parallel
# threads (NumPy's ufuncs release the GIL on large arrays).
_PARALLEL_MIN_SIZE = 100_000
_WORKERS = max(1, min(4, os.cpu_count() or 1))
_pool: ThreadPoolExecutor | None = None


def _dirac_delta(u: Any) -> Any:
    """The derivative of a step, numerically: 0 away from the step, undefined (NaN) on it."""
    u = np.asarray(u, dtype=float)
    return np.where(u == 0, np.nan, 0.0)


# what NumPy has no function for: the derivative of sign(u) is 2·DiracDelta(u)
_NUMERIC_EXTRAS = {"DiracDelta": _dirac_delta}


def lambdify(exprs: list[sympy.Expr], variables: Sequence[sympy.Symbol]) -> Callable[..., Any]:
    """NumPy code for ``exprs``, with common subexpressions computed once."""
    return sympy.lambdify(list(variables), exprs, modules=[_NUMERIC_EXTRAS, "numpy"], cse=True,
                          docstring_limit=0)


def compile_scalar(expr: sympy.Expr, variables: Sequence[sympy.Symbol]) -> Callable[..., Any]:
    """A function of one argument per variable giving ``expr`` on broadcastable arrays."""
    function = lambdify([expr], variables)
    return lambda *arrays: evaluate(function, [np.asarray(a, dtype=float) for a in arrays], 1)[0]


def bind(names: Sequence[str], values: Sequence[Any], named: Mapping[str, Any]) -> list[Any]:
    """Arguments given by position or by name, as a list in variable order."""
    n = len(names)
    if values and named:
        raise TypeError("give the values either all by position or all by name, not both")
    if named:
        unknown = sorted(set(named) - set(names))
        missing = [name for name in names if name not in named]
        if unknown or missing:
            raise TypeError(
                f"expected values for ({', '.join(names)})"
                + (f"; unknown: {', '.join(unknown)}" if unknown else "")
                + (f"; missing: {', '.join(missing)}" if missing else "")
            )
        values = tuple(named[name] for name in names)
    if len(values) != n:
        hint = " (for a point given as one sequence, use .at(point))" if len(values) == 1 else ""
        raise TypeError(f"expected {n} values, one for each of ({', '.join(names)}); "
                        f"got {len(values)}{hint}")
    return [np.asarray(v, dtype=float) for v in values]


def point_columns(points: Sequence[float] | np.ndarray, n: int) -> list[np.ndarray]:
    """The columns of points given as rows, one array per variable."""
    array = np.asarray(points, dtype=float)
    if array.ndim == 0 and n == 1:  # one variable: a number is a point
        array = array.reshape(1)
    if array.ndim == 0 or array.shape[-1] != n:
        raise EquationError(
            f"expected points with {n} coordinates along the last axis; got shape {array.shape}"
        )
    return [array[..., k] for k in range(n)]


def evaluate(function: Callable[..., Any], arrays: list[np.ndarray], count: int) -> np.ndarray:
    """Call a compiled function and stack its ``count`` results into one float array.

    Inputs that repeat along an axis (the coordinate arrays of ``numpy.meshgrid``) are
    first reduced to that axis's single slice, so that the functions of one coordinate are
    computed once per row or column rather than once per grid point; large grids are then
    cut along their first axis and the slices computed in parallel.
    """
    shape = np.broadcast_shapes(*(a.shape for a in arrays)) if arrays else ()
    out = np.empty((count, *shape))
    arrays = [_squeeze_repeats(a) for a in arrays]
    size = math.prod(shape)
    if size < _PARALLEL_MIN_SIZE or _WORKERS == 1 or shape[0] < 2 * _WORKERS:
        _fill(out, function(*arrays))
        return out
    padded = [a.reshape((1,) * (len(shape) - a.ndim) + a.shape) for a in arrays]
    bounds = np.linspace(0, shape[0], 2 * _WORKERS + 1).astype(int)

    errors = np.geterr()  # worker threads follow the caller's floating-point error settings

    def work(lo: int, hi: int) -> None:
        part = [a[lo:hi] if a.shape[0] > 1 else a for a in padded]
        with np.errstate(**errors):
            _fill(out[:, lo:hi], function(*part))

    global _pool
    if _pool is None:
        _pool = ThreadPoolExecutor(_WORKERS, thread_name_prefix="steepest-eval")
    for future in [_pool.submit(work, lo, hi) for lo, hi in itertools.pairwise(bounds)]:
        future.result()
    return out


def _squeeze_repeats(array: np.ndarray) -> np.ndarray:
    """``array`` reduced to length 1 along every axis it is constant along (same values)."""
    if array.ndim < 2 or array.size < _PARALLEL_MIN_SIZE:
        return array
    for axis in range(array.ndim):
        if array.shape[axis] == 1:
            continue
        first = np.take(array, [0], axis=axis)
        last = np.take(array, [-1], axis=axis)
        # a cheap look at the two ends rules out most arrays before the full comparison
        if np.array_equal(first, last) and (array == first).all():
            array = first
    return array


def _fill(out: np.ndarray, results: Sequence[Any]) -> None:
    for k, value in enumerate(results):
        out[k] = value
