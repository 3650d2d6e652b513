"""The loops of :mod:`steepest.descent`: one start, and many starts in one vectorised run.

:class:`Run` holds a descent's settings and steps the optimizer until a stopping rule
fires; both loops apply the same rules through the helpers at the end of this module
(the limits set at the start, the alarms, the no-change test, the Armijo test), so that a
start gives the same path alone and among many. A loop returns an *outcome* per start:
``(reason, path, values, gradient norm, minimized value at the start)``, ``reason`` a key
of the message table of :mod:`steepest.descent`, which turns outcomes into results.

What it leaves out: turning ``f`` into values and gradients (:mod:`steepest.descent.objective`),
the checks of the arguments, the messages and the :class:`~steepest.Result`
(:mod:`steepest.descent`), and the optimizers' arithmetic (:mod:`steepest.descent.optimizers`).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from steepest.descent.objective import Objective
from steepest.descent.optimizers import Optimizer

__all__ = ["Outcome", "Run", "row_norms"]

#: How one start ended: reason, path, values (both read-only), gradient norm, minimized
#: value at the start.
Outcome = tuple[str, np.ndarray, np.ndarray, float, float]

# Stopping constants (see the docstring of steepest.descent).
_GROWTH = 1e6  # diverged when f rises more than this times max(1, |f(start)|) (uphill for ascent)
_RUNAWAY = 1e12  # unbounded when |x| exceeds this times max(1, |start|) while f keeps falling
_FTOL = 1e-12  # "no change": |Δf| <= _FTOL·max(1, |f|) ...
_XTOL = 1e-12  # ... and |Δx| <= _XTOL·max(1, |x|), both in one step
# "No change" ends a run as converged only when the gradient is at the rounding floor:
# |∇f| <= _GFLOOR·max(1, |∇f(start)|); otherwise the run goes on, and if any of its steps
# was a no-change step, at max_iter it stops as "stuck" (steps too small to move).
_GFLOOR = 1e-6
# Backtracking (Armijo) line search: halve the optimizer's step until
# f(x + αd) <= f(x) + _ARMIJO·α·∇f·d (a strict decrease of f when the right side rounds to
# f(x)), at most _HALVINGS times; if none is found, do not move and stop: "no_descent"
# when the gradient is at the floor above, else "no_descent_stuck".
_ARMIJO = 1e-4
_HALVINGS = 50


class Run:
    """One descent's settings, and the loops for one start and for many.

    ``sign`` is 1 for a descent and -1 for an ascent, which minimizes ``sign·f``.
    """

    def __init__(
        self,
        objective: Objective,
        opt: Optimizer,
        sign: float,
        max_iter: int,
        tol: float,
        line_search: bool,
        callback: Callable[..., Any] | None,
    ) -> None:
        self.objective, self.opt, self.sign = objective, opt, sign
        self.max_iter, self.tol = max_iter, tol
        self.line_search, self.callback = line_search, callback

    def one(self, x0: np.ndarray) -> Outcome:
        """Descend from one start; bookkeeping in Python floats, so that a step is cheap."""
        point, sign, tol, max_iter = self.objective.point, self.sign, self.tol, self.max_iter
        step, callback, line_search = self.opt.step, self.callback, self.line_search
        x = x0.copy()
        xs = [x]
        capacity = min(max_iter + 1, 1024)
        path, values = np.empty((capacity, x.size)), np.empty(capacity)
        v0 = v_prev = math.nan
        stuck = False  # some step has changed neither the point nor the value
        k = 0
        while True:
            value, g, gnorm = point(x)
            s = sign * value  # the minimized value
            if k == capacity:
                capacity = min(2 * capacity, max_iter + 1)
                path, values = _grow(path, capacity), _grow(values, capacity)
            path[k] = x
            values[k] = value
            if k == 0:
                v0 = s
                growth_limit, fall_limit, runaway = map(float, _limits(s, _lengths(path[:1])[0]))
                floor = _GFLOOR * max(1.0, gnorm)
            # one test for the usual case; NaN fails every comparison
            if not (fall_limit <= s <= growth_limit and gnorm < math.inf) or gnorm <= tol:
                far = _lengths(path[k : k + 1]) > runaway
                reason = _alarms(k, np.array([s]), np.array([gnorm]), tol,
                                 np.array([growth_limit]), far)[0]  # fmt: skip
                if reason:
                    break
            still = abs(s - v_prev) <= _FTOL * max(1.0, abs(s)) and _no_change(path[k], path[k - 1])
            if still:
                if gnorm <= floor:
                    reason = "no_change"
                    break
                stuck = True
            if k == max_iter:
                reason = "stuck" if stuck else "max_iter"
                break
            if callback is not None and callback(k, path[k].copy(), value, g.copy()):
                reason = "callback"
                break
            if sign < 0:
                g = -g
            step(xs, [g])
            if line_search and not self._search_one(x, path[k], s, g):
                reason = "no_descent" if gnorm <= floor else "no_descent_stuck"
                break
            v_prev = s
            k += 1
        path, values = path[: k + 1].copy(), values[: k + 1].copy()
        path.flags.writeable = values.flags.writeable = False
        return reason, path, values, gnorm, v0

    def _search_one(self, x: np.ndarray, x_old: np.ndarray, s: float, g: np.ndarray) -> bool:
        """Backtrack the step ``x_old -> x`` (Armijo); False, and no move, when it fails."""
        d = x - x_old
        slope = float(g @ d)
        if not slope < 0:
            return True
        alpha = 1.0
        for _ in range(_HALVINGS):
            trial = self.sign * self.objective.point(x_old + alpha * d)[0]
            if _accepts(trial, s, alpha, slope):
                x[:] = x_old + alpha * d
                return True
            alpha *= 0.5
        x[:] = x_old
        return False

    def many(self, x0: np.ndarray) -> list[Outcome]:
        """Descend from the rows of ``x0`` together, one ``(m, n)`` array through the optimizer.

        The stopping rules are those of :meth:`one`, applied by the same helpers
        (:func:`_alarms` to the few rows that a vectorised test flags). A row that stops
        is frozen: its path ends there. Once a quarter of the rows being stepped have
        stopped, they are dropped (with their optimizer state), so the work follows the
        number of starts still moving. The paths are read-only views into one array of all
        the paths, and the values into one of all the values.
        """
        rows, sign, tol, max_iter, callback = (
            self.objective.rows, self.sign, self.tol, self.max_iter, self.callback)
        m, n = x0.shape
        # the rows being stepped (in Fortran order: each coordinate contiguous), and which
        # starts they are; each step's points and values are recorded for those rows only
        X, ids = np.asfortranarray(x0), np.arange(m)
        record: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        reason, stop, gnorm_at_stop = np.full(m, "", dtype=object), np.zeros(m, int), np.zeros(m)
        moving = np.ones(m, dtype=bool)
        stuck = np.zeros(m, dtype=bool)  # per working row, as in one()
        tol2 = tol * tol
        if callback is not None:
            now_x, now_v, now_g = x0.copy(), np.zeros(m), np.zeros((m, n))

        def halt(js: np.ndarray, why: Any) -> None:
            """Stop the working rows ``js`` at step ``k``, for the reason(s) ``why``."""
            i = ids[js]
            reason[i], stop[i], gnorm_at_stop[i], moving[js] = why, k, row_norms(G[js]), False

        k = 0
        while True:
            V, G = rows(X)
            sv = V if sign > 0 else -V
            gnorm2 = np.einsum("ij,ij->i", G, G)  # squared: the root only where needed
            X_now = X.copy()
            record.append((X_now, V, ids))
            if k == 0:
                sv0 = sv
                growth_limit, fall_limit, runaway = _limits(sv, _lengths(X))
                floor = _GFLOOR * np.maximum(1.0, row_norms(G))
                sv_prev, X_prev = np.full(m, np.nan), X_now
            alarm = (fall_limit <= sv) & (sv <= growth_limit) & (gnorm2 < np.inf) & (gnorm2 > tol2)
            np.logical_not(alarm, out=alarm)
            alarm &= moving
            js = np.flatnonzero(alarm)
            if len(js):
                far = _lengths(X[js]) > runaway[js]
                why = _alarms(k, sv[js], row_norms(G[js]), tol, growth_limit[js], far)
                halt(js[why != ""], why[why != ""])
            level = np.abs(sv - sv_prev) <= _FTOL * np.maximum(1.0, np.abs(sv))
            flat = np.flatnonzero(moving & level)
            if len(flat):
                flat = flat[_unmoved(X[flat], X_prev[flat])]
                stuck[flat] = True
                halt(flat[row_norms(G[flat]) <= floor[flat]], "no_change")
            if k == max_iter:
                live = np.flatnonzero(moving)
                halt(live, np.where(stuck[live], "stuck", "max_iter"))
            if not moving.any():
                break
            if callback is not None:
                now = ids[moving]
                now_x[now], now_v[now], now_g[now] = X[moving], V[moving], G[moving]
                if callback(k, now_x, now_v, now_g):
                    halt(np.flatnonzero(moving), "callback")
                    break
            Gs = -G if sign < 0 else G
            X_old = X.copy() if self.line_search else None
            self.opt.step([X], [Gs])
            if X_old is not None:
                failed = np.flatnonzero(self._search_many(X, X_old, sv, Gs, moving))
                small = row_norms(G[failed]) <= floor[failed]
                halt(failed, np.where(small, "no_descent", "no_descent_stuck"))
            if 4 * np.count_nonzero(moving) <= 3 * len(ids):  # drop the stopped rows
                keep = np.flatnonzero(moving)
                X, ids, sv, moving = np.asfortranarray(X[keep]), ids[keep], sv[keep], moving[keep]
                growth_limit, fall_limit = growth_limit[keep], fall_limit[keep]
                runaway, X_now, floor = runaway[keep], X_now[keep], floor[keep]
                stuck = stuck[keep]
                self.opt.select_rows(keep)
            sv_prev, X_prev = sv, X_now
            k += 1
        packed_path, packed_values, offsets = _pack(record, stop)
        packed_path.flags.writeable = packed_values.flags.writeable = False
        ends = offsets.tolist()
        return [
            (why, packed_path[lo:hi], packed_values[lo:hi], norm, v0)
            for why, lo, hi, norm, v0 in zip(reason.tolist(), ends[:-1], ends[1:],
                                             gnorm_at_stop.tolist(), sv0.tolist(), strict=True)
        ]  # fmt: skip

    def _search_many(
        self, X: np.ndarray, X_old: np.ndarray, sv: np.ndarray, G: np.ndarray, active: np.ndarray
    ) -> np.ndarray:
        """:meth:`_search_one` on the rows ``active``; returns the rows where it failed."""
        D = X - X_old
        slope = np.einsum("ij,ij->i", G, D)
        todo = active & (slope < 0)
        alpha = np.ones(len(X))
        for _ in range(_HALVINGS):
            if not todo.any():
                break
            trial = self.sign * self.objective.rows(X_old[todo] + alpha[todo, None] * D[todo])[0]
            ok = _accepts(trial, sv[todo], alpha[todo], slope[todo])
            idx = np.flatnonzero(todo)
            X[idx[ok]] = X_old[idx[ok]] + alpha[idx[ok], None] * D[idx[ok]]
            todo[idx[ok]] = False
            alpha[todo] *= 0.5
        X[todo] = X_old[todo]
        return todo


# ------------------------------------------------------------- rules of both loops


def _limits(s: Any, size: Any) -> tuple[Any, Any, Any]:
    """The limits of a start (or of starts, as arrays) of minimized value ``s`` and length
    ``size``: the value above which it has diverged, the value below which it is tested
    for running off, and the length of ``x`` beyond which it has run off."""
    scale = _GROWTH * np.maximum(1.0, np.abs(s))
    return s + scale, s - scale, _RUNAWAY * np.maximum(1.0, size)


def _alarms(k: int, s: np.ndarray, gnorm: np.ndarray, tol: float, growth_limit: np.ndarray,
            far: np.ndarray) -> np.ndarray:  # fmt: skip
    """Why each start must stop at step ``k``, or "" if it need not: the rules in order.

    ``s`` is the value of the minimized function, ``far`` whether the point is beyond the
    runaway distance. Called only for the starts whose value left the band (fall_limit,
    growth_limit), whose value or gradient norm is not finite, or whose norm is within tol.
    """
    finite = np.isfinite(s) & np.isfinite(gnorm)
    rules = [
        (~finite & (s == -np.inf), "unbounded"),
        (~finite, "undefined" if k == 0 else "not_finite"),
        (gnorm <= tol, "stationary" if k == 0 else "gradient"),
        (s > growth_limit, "growth"),
        (far, "unbounded"),
    ]
    return np.select([c for c, _ in rules], [w for _, w in rules], default="").astype(object)


def _no_change(x: np.ndarray, x_prev: np.ndarray) -> bool:
    """Whether the last step moved the point by at most _XTOL relative to its size.

    :func:`_unmoved` for one point, in scalar arithmetic: this runs at every step of a
    single start once the value has stopped changing, where a call must be cheap.
    """
    dx = x - x_prev
    return dx @ dx <= _XTOL**2 * max(1.0, x @ x)


def _unmoved(X: np.ndarray, X_prev: np.ndarray) -> np.ndarray:
    """For each row, whether the last step moved it by at most _XTOL relative to its size.

    Squared lengths, without the roots; the value's part of the no-change test is the
    caller's.
    """
    dX = X - X_prev
    return np.einsum("ij,ij->i", dX, dX) <= _XTOL**2 * np.maximum(1.0, np.einsum("ij,ij->i", X, X))


def _accepts(trial: Any, s: Any, alpha: Any, slope: Any) -> Any:
    """The Armijo test of a trial step ``alpha`` (scalars, or arrays of rows).

    ``trial <= s + _ARMIJO·alpha·slope``, or a strict decrease ``trial < s`` when the
    right side rounds to ``s``.
    """
    bound = s + _ARMIJO * alpha * slope
    return np.where(bound == s, trial < s, trial <= bound)


def _lengths(X: np.ndarray) -> np.ndarray:
    """The length of each row of ``X`` (the runaway test: an overflow to inf is far)."""
    return np.sqrt(np.einsum("ij,ij->i", X, X))


def row_norms(a: np.ndarray) -> np.ndarray:
    """The length of each row of ``a``, without overflow when the entries are huge."""
    big = np.max(np.abs(a), axis=1, initial=0.0)
    scale = np.where((big > 0) & np.isfinite(big), big, 1.0)[:, None]
    return scale[:, 0] * np.sqrt(np.einsum("ij,ij->i", a / scale, a / scale))


# ------------------------------------------------------------------------ storage


def _pack(
    record: list[tuple[np.ndarray, np.ndarray, np.ndarray]], stop: np.ndarray, block: int = 32
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every start's path and values, one start after the other, from a step-by-step record.

    ``record[k]`` holds the points ``(m_k, n)``, values and start numbers of the rows
    stepped at step ``k``; start ``i`` stopped at step ``stop[i]``. Up to ``block`` steps
    with the same rows are joined in step order (one contiguous copy) and scattered to
    their places in one indexed write each for the points and the values; a point is
    written as one item (its ``n`` coordinates viewed as one opaque ``8n``-byte element),
    which takes NumPy's fast path for a one-dimensional index. Returns the packed points
    ``(total, n)``, the packed values and the offsets of each start's part.
    """
    offsets = np.concatenate([[0], np.cumsum(stop + 1)])
    total = int(offsets[-1])
    n = record[0][0].shape[1]
    # one spare row at the end takes the writes of rows stepped after they stopped
    path, values = np.empty((total + 1, n)), np.empty(total + 1)
    item = np.dtype((np.void, path.itemsize * n))
    points_as_items = path.view(item).reshape(total + 1)
    first = 0
    while first < len(record):
        which = record[first][2]
        last = first + 1
        while last < len(record) and last - first < block and record[last][2] is which:
            last += 1
        steps = np.arange(first, last)[:, None]
        where = offsets[which] + steps  # (steps, rows), in the order of the record
        where[stop[which] < steps] = total
        where = where.ravel()
        chunk = record[first:last]
        joined = np.concatenate([np.ascontiguousarray(points) for points, _, _ in chunk])
        points_as_items[where] = joined.view(item).reshape(len(joined))
        values[where] = np.concatenate([v for _, v, _ in chunk])
        first = last
    return path[:total], values[:total], offsets


def _grow(array: np.ndarray, capacity: int) -> np.ndarray:
    """``array`` copied into a buffer ``capacity`` long along the first axis."""
    bigger = np.empty((capacity, *array.shape[1:]), dtype=array.dtype)
    bigger[: len(array)] = array
    return bigger
