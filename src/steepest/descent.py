"""Gradient descent and ascent: the loop, its stopping rules, and the :class:`Result`.

:func:`minimize` follows the gradient downhill from a start, one optimizer step at a
time (:mod:`steepest.optim` does the stepping); :func:`maximize` minimizes ``-f`` through
the very same code and reports the values of ``f``. The function may be equation text,
an :class:`~steepest.Equation`, a :class:`~steepest.Gradient`, or a Python function of a
1-D array (with its gradient, or numeric central differences).

A run ends with one ``status`` from a fixed set, and a plain-language ``message``:

``'converged'``
    The gradient norm fell to ``tol`` or below; or one step changed neither the value nor
    the point (|Δf| ≤ 1e-12·max(1, |f|) and |Δx| ≤ 1e-12·max(1, |x|)), which
    happens when the steps have become too small to matter; the message says which.
``'stationary'``
    The start itself has a gradient norm of at most ``tol``: there is no direction to go.
``'max_iterations'``
    ``max_iter`` steps were taken without meeting a stopping rule; also a run stopped by
    its ``callback`` (a limit imposed from outside, like ``max_iter``; the message says
    "stopped by the callback").
``'diverged'``
    The value or gradient became NaN or infinite, the value rose far above its start
    (by more than 1e6·max(1, |f(start)|); for an ascent, fell), or the path ran off
    beyond 1e12 times the start's size while the value kept falling (f unbounded).
    Never returned silently as an answer; the message suggests a smaller step size.

Many starts, given as the rows of an ``(m, n)`` array, are descended together in one
vectorised run (one ``(m, n)`` parameter array through the optimizer; a start that stops
is frozen while the others go on) and give a list of ``m`` results.

This module leaves plotting to :mod:`steepest.plot` and second-order methods (Newton,
BFGS) to SciPy.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from steepest.errors import DescentError
from steepest.optim import Optimizer, make_optimizer

__all__ = ["STATUSES", "Result", "maximize", "minimize"]

STATUSES = ("converged", "stationary", "max_iterations", "diverged")

# Stopping constants (see the module docstring).
_GROWTH = 1e6  # diverged when f rises more than this times max(1, |f(start)|) (uphill for ascent)
_RUNAWAY = 1e12  # unbounded when |x| exceeds this times max(1, |start|) while f keeps falling
_FTOL = 1e-12  # "no change": |Δf| <= _FTOL·max(1, |f|) ...
_XTOL = 1e-12  # ... and |Δx| <= _XTOL·max(1, |x|), both in one step
# Backtracking (Armijo) line search: halve the optimizer's step until
# f(x + αd) <= f(x) + _ARMIJO·α·∇f·d (a strict decrease of f when the right side rounds to
# f(x)), at most _HALVINGS times; if none is found, do not move and stop ("no_descent").
_ARMIJO = 1e-4
_HALVINGS = 50

# Why a run stopped -> (status, message template). The fields: see _Run._fields.
_MESSAGES: dict[str, tuple[str, str]] = {
    "gradient": ("converged", "the gradient norm {gnorm:.3g} fell to tol={tol:g} or below "
                              "after {k} steps"),
    "no_change": ("converged", "the steps stopped changing the point and the value "
                               "(|Δx| = {dx:.2g}, |Δf| = {df:.2g}) after {k} steps; the "
                               "gradient norm is {gnorm:.3g}"),
    "no_descent": ("converged", "the line search found no step that {betters} f measurably "
                                "(the change is below rounding here) after {k} steps; the "
                                "gradient norm is {gnorm:.3g} (if that is not small, check "
                                "the gradient)"),
    "stationary": ("stationary", "the start is a stationary point: the gradient norm there "
                                 "is {gnorm:.3g} <= tol={tol:g}, so gradient {kind} has no "
                                 "direction to follow (a minimum, a maximum or a saddle point)"),
    "max_iter": ("max_iterations", "stopped after max_iter={k} steps with the gradient norm "
                                   "still {gnorm:.3g} > tol={tol:g}; hint: raise max_iter, "
                                   "or try another learning_rate or optimizer"),
    "callback": ("max_iterations", "stopped by the callback after {k} steps (gradient norm "
                                   "{gnorm:.3g})"),
    "growth": ("diverged", "the step size {lr:g} is too large for this function: the value "
                           "{moved} from {v0:.3g} to {vk:.3g} in {k} steps; try {hint:g}"),
    "not_finite": ("diverged", "the step size {lr:g} is too large for this function: the value "
                               "became {vk} after {k} steps (from {v0:.3g} at the start); "
                               "try {hint:g}"),
    "unbounded": ("diverged", "the path ran off to |x| = {xnorm:.3g} in {k} steps while the "
                              "value kept {moving} (to {vk:.3g}): f seems to have no {extremum}"),
    "undefined": ("diverged", "f or its gradient is not a finite number at the start "
                              "(value {v0}): descent cannot begin there"),
}  # fmt: skip


@dataclass(frozen=True, repr=False, slots=True)
class Result:
    """The outcome of one descent (or ascent), with its whole path.

    Attributes
    ----------
    x : numpy.ndarray
        The final point, shape ``(n,)``.
    value : float
        ``f(x)`` (of ``f`` itself, also for an ascent).
    grad_norm : float
        The length of the gradient at ``x``.
    iterations : int
        Steps taken.
    path : numpy.ndarray
        Every point visited, the start first: shape ``(iterations + 1, n)``.
    values : numpy.ndarray
        ``f`` at every point of the path, shape ``(iterations + 1,)``.
    status : str
        One of ``'converged'``, ``'stationary'``, ``'max_iterations'``, ``'diverged'``.
    message : str
        Why the run stopped, in words.
    maximize : bool
        True for an ascent.
    optimizer : str
        The optimizer's name (``"gd"``, ``"adam"``, ...).
    learning_rate : float
        Its step size.
    names : tuple of str
        The variable names, in the order of the coordinates.
    """

    x: np.ndarray
    value: float
    grad_norm: float
    iterations: int
    path: np.ndarray
    values: np.ndarray
    status: str
    message: str
    maximize: bool = False
    optimizer: str = "gd"
    learning_rate: float = 0.1
    names: tuple[str, ...] = field(default=())

    @property
    def success(self) -> bool:
        """True when the run ended where the gradient vanishes (converged or stationary)."""
        return self.status in ("converged", "stationary")

    def plot(self, f: Any = None, bounds: Any = None, **options: Any) -> Any:
        """This run's path on the map of ``f`` (when given) and its value against iteration.

        See :func:`steepest.plot.plot_result`; returns a matplotlib Figure.
        """
        from steepest.plot import plot_result

        return plot_result(self, f, bounds, **options)

    def __repr__(self) -> str:
        point = ", ".join(f"{c:.6g}" for c in self.x)
        return (
            f"Result(status={self.status!r}, x=[{point}], value={self.value:.6g}, "
            f"grad_norm={self.grad_norm:.3g}, iterations={self.iterations})"
        )


def minimize(
    f: Any,
    start: Sequence[float] | np.ndarray | float,
    *,
    optimizer: str | Optimizer = "gd",
    learning_rate: float = 0.1,
    max_iter: int = 1000,
    tol: float = 1e-8,
    line_search: bool = False,
    callback: Callable[[int, np.ndarray, Any, np.ndarray], Any] | None = None,
    grad: Callable[[np.ndarray], Any] | None = None,
    **optimizer_options: Any,
) -> Result | list[Result]:
    """Descend from ``start`` along the negative gradient of ``f``.

    Parameters
    ----------
    f
        Equation text (``"x^2 + 3y^2"``), an :class:`~steepest.Equation`, a
        :class:`~steepest.Gradient`, or a Python function of a 1-D array returning a number.
    start
        The starting point, shape ``(n,)`` in the equation's variable order; or many
        starts as the rows of an ``(m, n)`` array, descended together in one vectorised run.
    optimizer
        ``"gd"``, ``"momentum"``, ``"nesterov"``, ``"adagrad"``, ``"rmsprop"``, ``"adam"``,
        or an optimizer object (which keeps its own learning rate; it is reset first).
    learning_rate
        The step size η.
    max_iter
        The most steps to take.
    tol
        Stop when the gradient norm is at most ``tol``.
    line_search
        Backtracking (Armijo) line search: the optimizer's step is the first trial and is
        halved until ``f(x + αd) <= f(x) + 1e-4·α·∇f·d`` (at most 50 halvings, else no
        move). Only steps that point downhill (``∇f·d < 0``) are searched.
    callback
        Called before every step as ``callback(iteration, x, value, grad)`` (the value
        and gradient of ``f``; for many starts, arrays with one row per start, a stopped
        start's row holding its last point). Returning True stops the run, reported as
        ``'max_iterations'`` with the message "stopped by the callback".
    grad
        For a Python function ``f``: its gradient, a function of a 1-D array returning an
        array of the same shape. Without it, central differences are used.
    **optimizer_options
        Passed to the optimizer: ``momentum``, ``rho``, ``beta1``, ``beta2``, ``eps``,
        ``schedule``.

    Returns
    -------
    Result or list of Result
        One :class:`Result` for a start of shape ``(n,)``; a list of ``m`` results, in the
        order of the rows, for starts of shape ``(m, n)`` (their paths and values are
        read-only views into one array holding all the paths).

    Examples
    --------
    >>> r = minimize("x^2 + 3y^2", start=[2, 1], learning_rate=0.1)
    >>> r.status, r.iterations
    ('converged', 89)
    >>> r.message
    'the gradient norm 9.49e-09 fell to tol=1e-08 or below after 89 steps'
    >>> r.path[:3].round(6).tolist()  # x ← x − 0.1·2x, y ← y − 0.1·6y
    [[2.0, 1.0], [1.6, 0.4], [1.28, 0.16]]
    >>> minimize("x^2 + 3y^2", start=[2, 1], learning_rate=1.2).message
    'the step size 1.2 is too large for this function: the value grew from 7 to 2.52e+08 in 5 steps; try 0.1'
    """  # noqa: E501
    return _run(f, start, grad, 1.0, optimizer, learning_rate, max_iter, tol, line_search,
                callback, optimizer_options)  # fmt: skip


def maximize(
    f: Any,
    start: Sequence[float] | np.ndarray | float,
    *,
    optimizer: str | Optimizer = "gd",
    learning_rate: float = 0.1,
    max_iter: int = 1000,
    tol: float = 1e-8,
    line_search: bool = False,
    callback: Callable[[int, np.ndarray, Any, np.ndarray], Any] | None = None,
    grad: Callable[[np.ndarray], Any] | None = None,
    **optimizer_options: Any,
) -> Result | list[Result]:
    """Climb from ``start`` along the gradient of ``f``: :func:`minimize` applied to ``-f``.

    Takes the same arguments as :func:`minimize`. The result reports ``f`` (not ``-f``)
    and has ``maximize=True``.

    Examples
    --------
    >>> r = maximize("-(x-1)^2 - (y+2)^2 + 5", start=[0, 0])
    >>> r.status, r.x.round(6).tolist(), round(r.value, 9)
    ('converged', [1.0, -2.0], 5.0)
    """
    return _run(f, start, grad, -1.0, optimizer, learning_rate, max_iter, tol, line_search,
                callback, optimizer_options)  # fmt: skip


# ------------------------------------------------------------------------------ setup


def _run(
    f: Any,
    start: Any,
    grad: Callable[[np.ndarray], Any] | None,
    sign: float,
    optimizer: str | Optimizer,
    learning_rate: float,
    max_iter: int,
    tol: float,
    line_search: bool,
    callback: Callable[..., Any] | None,
    options: dict[str, Any],
) -> Result | list[Result]:
    points = _check_start(start)
    objective = _Objective(f, grad, points.shape[-1])
    if isinstance(max_iter, bool) or not isinstance(max_iter, (int, np.integer)):
        raise TypeError(f"max_iter must be an int, got {type(max_iter).__name__}")
    if max_iter < 0:
        raise DescentError(f"max_iter must be 0 or more; got {max_iter}")
    if isinstance(tol, bool) or not isinstance(tol, (int, float, np.floating, np.integer)):
        raise TypeError(f"tol must be a number, got {type(tol).__name__}")
    if not (tol >= 0 and math.isfinite(tol)):
        raise DescentError(f"tol must be a finite number >= 0; got {tol!r}")
    if callback is not None and not callable(callback):
        raise TypeError(f"callback must be callable, got {type(callback).__name__}")
    opt = make_optimizer(optimizer, learning_rate, **options)
    opt.reset()
    run = _Run(objective, opt, sign, int(max_iter), float(tol), bool(line_search), callback)
    with np.errstate(all="ignore"):  # NaN and overflow are detected and reported instead
        if points.ndim == 1:
            return run.one(points)
        return run.many(points)


def _check_start(start: Any) -> np.ndarray:
    try:
        points = np.array(start, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(
            f"start must be a point (a sequence of numbers) or an (m, n) array of points; "
            f"got {start!r}"
        ) from None
    if points.ndim == 0:
        points = points.reshape(1)
    if points.ndim > 2 or points.size == 0:
        raise DescentError(
            f"start must have shape (n,) for one start or (m, n) for m starts; got shape "
            f"{points.shape}"
        )
    if not np.isfinite(points).all():
        raise DescentError(f"start must be finite; got {points.tolist()}")
    return points


def _floor_1(value: float) -> float:
    """``value`` rounded down to one significant digit (0.167 -> 0.1, 0.048 -> 0.04)."""
    exponent = math.floor(math.log10(value) + 1e-12)
    return math.floor(value / 10**exponent + 1e-9) * 10**exponent


# -------------------------------------------------------------------------- objective


class _Objective:
    """``f`` made ready for descent: value and gradient at one point (fast) or at rows."""

    def __init__(self, f: Any, grad: Callable[[np.ndarray], Any] | None, n: int) -> None:
        import sympy

        from steepest.equation import Equation
        from steepest.gradients import Gradient, gradient

        if isinstance(f, (str, Equation, sympy.Expr)):
            f = gradient(f)
        self.gradient = f if isinstance(f, Gradient) else None
        if self.gradient is not None:
            if grad is not None:
                raise DescentError("grad= is only for a Python function f; an equation's "
                                   "gradient is exact already")  # fmt: skip
            self._check_count(n, f.names, f.equation)
            compiled = f.compiled()

            def point(x: np.ndarray) -> tuple[float, np.ndarray, float]:
                out = compiled(*x)
                partials = out[1:]
                return float(out[0]), np.array(partials, dtype=float), math.hypot(*partials)

            def rows(X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
                # the compiled code of Gradient.value_and_grad, called on the columns
                # directly (contiguous when X is in Fortran order) and without stacking
                out = compiled(*X.T)
                m = len(X)
                V = out[0] if np.shape(out[0]) == (m,) else np.full(m, out[0], dtype=float)
                G = np.empty(X.shape, order="F")
                for j, partial in enumerate(out[1:]):
                    G[:, j] = partial
                return V, G

            self.point, self.rows, self.names = point, rows, f.names
        elif callable(f):
            if grad is not None and not callable(grad):
                raise TypeError(f"grad must be a function of a 1-D array, got {grad!r}")
            self.function, self.grad = f, grad
            self.point, self.rows = self._point, self._rows
            self.names = tuple(f"x{i + 1}" for i in range(n))
        else:
            raise TypeError(
                "f must be equation text, an Equation, a Gradient or a Python function of a "
                f"1-D array; got {type(f).__name__}"
            )

    @staticmethod
    def _check_count(n: int, names: tuple[str, ...], equation: Any) -> None:
        if not names:
            raise DescentError(f"{equation} has no variables: there is nothing to descend along")
        if n != len(names):
            hint = (" hint: for many starts of a one-variable function, give them as a "
                    "column, shape (m, 1)" if len(names) == 1 else "")  # fmt: skip
            raise DescentError(
                f"the start has {n} coordinates, but {equation} has {len(names)} variables "
                f"({', '.join(names)}), in that order.{hint}"
            )

    def _point(self, x: np.ndarray) -> tuple[float, np.ndarray, float]:
        if not np.isfinite(x).all():
            return math.nan, np.full(x.shape, math.nan), math.nan
        value = self.function(x.copy())
        if np.shape(value) not in ((), (1,)):
            raise DescentError(
                "descent needs a function that returns a single number; f returned shape "
                f"{np.shape(value)}"
            )
        if self.grad is None:
            from steepest.gradients import numeric_gradient

            g = numeric_gradient(self.function, x)
        else:
            g = np.array(self.grad(x.copy()), dtype=float)
            if g.shape != x.shape:
                raise DescentError(f"grad must return an array of shape {x.shape} (one "
                                   f"entry per coordinate); it returned shape {g.shape}")
        return float(np.reshape(value, ())), g, math.hypot(*g)

    def _rows(self, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        pairs = [self._point(x) for x in X]
        return np.array([p[0] for p in pairs]), np.array([p[1] for p in pairs])

    def hessian_at(self, x: np.ndarray) -> np.ndarray | None:
        """The Hessian at ``x`` for an equation (exact), else None."""
        return None if self.gradient is None else self.gradient.hessian_at(x)


# ------------------------------------------------------------------------------ loops


class _Run:
    """One descent's settings, and the loops for one start and for many."""

    def __init__(
        self,
        objective: _Objective,
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
        # the Result fields that are the same for every start: maximize, optimizer, ...
        self._about = (sign < 0, opt.name or type(opt).__name__, opt.learning_rate,
                       objective.names)  # fmt: skip
        self._kind = "ascent" if sign < 0 else "descent"

    def one(self, x0: np.ndarray) -> Result:
        """Descend from one start; bookkeeping in Python floats, so that a step is cheap."""
        point, sign, tol, max_iter = self.objective.point, self.sign, self.tol, self.max_iter
        step, callback, line_search = self.opt.step, self.callback, self.line_search
        x = x0.copy()
        xs = [x]
        capacity = min(max_iter + 1, 1024)
        path, values = np.empty((capacity, x.size)), np.empty(capacity)
        v0 = v_prev = math.nan
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
                growth_limit = s + _GROWTH * max(1.0, abs(s))
                fall_limit = s - _GROWTH * max(1.0, abs(s))
                runaway = _RUNAWAY * max(1.0, math.sqrt(x @ x))
            # one test for the usual case; NaN fails every comparison
            if not (fall_limit <= s <= growth_limit and gnorm < math.inf) or gnorm <= tol:
                far = math.sqrt(x @ x) > runaway
                reason = _alarms(k, np.array([s]), np.array([gnorm]), tol,
                                 np.array([growth_limit]), np.array([far]))[0]  # fmt: skip
                if reason:
                    break
            if abs(s - v_prev) <= _FTOL * max(1.0, abs(s)) and _no_change(path[k], path[k - 1]):
                reason = "no_change"
                break
            if k == max_iter:
                reason = "max_iter"
                break
            if callback is not None and callback(k, path[k].copy(), value, g.copy()):
                reason = "callback"
                break
            if sign < 0:
                g = -g
            step(xs, [g])
            if line_search and not self._search_one(x, path[k], s, g):
                reason = "no_descent"
                break
            v_prev = s
            k += 1
        return self._result(reason, path[: k + 1].copy(), values[: k + 1].copy(), gnorm, v0)

    def _search_one(self, x: np.ndarray, x_old: np.ndarray, s: float, g: np.ndarray) -> bool:
        """Backtrack the step ``x_old -> x`` (Armijo); False, and no move, when it fails."""
        d = x - x_old
        slope = float(g @ d)
        if not slope < 0:
            return True
        alpha = 1.0
        for _ in range(_HALVINGS):
            trial = self.sign * self.objective.point(x_old + alpha * d)[0]
            bound = s + _ARMIJO * alpha * slope
            if trial < s if bound == s else trial <= bound:
                x[:] = x_old + alpha * d
                return True
            alpha *= 0.5
        x[:] = x_old
        return False

    def many(self, x0: np.ndarray) -> list[Result]:
        """Descend from the rows of ``x0`` together, one ``(m, n)`` array through the optimizer.

        The stopping rules are those of :meth:`one`, applied by the same helper
        (:func:`_alarms`) to the few rows that a vectorised test flags.
        A row that stops is frozen: its path ends there. Once a quarter of the rows being
        stepped have stopped, they are dropped (with their optimizer state), so the work
        follows the number of starts still moving.
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
        tol2 = tol * tol
        if callback is not None:
            now_x, now_v, now_g = x0.copy(), np.zeros(m), np.zeros((m, n))

        def halt(js: np.ndarray, why: Any) -> None:
            """Stop the working rows ``js`` at step ``k``, for the reason(s) ``why``."""
            i = ids[js]
            reason[i], stop[i], gnorm_at_stop[i], moving[js] = why, k, _row_norms(G[js]), False

        k = 0
        while True:
            V, G = rows(X)
            sv = V if sign > 0 else -V
            gnorm2 = np.einsum("ij,ij->i", G, G)  # squared: the root only where needed
            X_now = X.copy()
            record.append((X_now, V, ids))
            if k == 0:
                sv0, scale = sv, _GROWTH * np.maximum(1.0, np.abs(sv))
                growth_limit, fall_limit = sv + scale, sv - scale
                runaway = _RUNAWAY * np.maximum(1.0, np.sqrt(np.einsum("ij,ij->i", X, X)))
                sv_prev, X_prev = np.full(m, np.nan), X_now
            alarm = (fall_limit <= sv) & (sv <= growth_limit) & (gnorm2 < np.inf) & (gnorm2 > tol2)
            np.logical_not(alarm, out=alarm)
            alarm &= moving
            js = np.flatnonzero(alarm)
            if len(js):
                far = np.sqrt(np.einsum("ij,ij->i", X[js], X[js])) > runaway[js]
                why = _alarms(k, sv[js], _row_norms(G[js]), tol, growth_limit[js], far)
                halt(js[why != ""], why[why != ""])
            level = np.abs(sv - sv_prev) <= _FTOL * np.maximum(1.0, np.abs(sv))
            flat = np.flatnonzero(moving & level)
            if len(flat):  # _no_change, on those rows at once
                x = X[flat]
                dx = x - X_prev[flat]
                size2 = np.einsum("ij,ij->i", x, x)
                halt(flat[np.einsum("ij,ij->i", dx, dx) <= _XTOL**2 * np.maximum(1.0, size2)],
                     "no_change")  # fmt: skip
            if k == max_iter:
                halt(np.flatnonzero(moving), "max_iter")
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
                halt(np.flatnonzero(self._search_many(X, X_old, sv, Gs, moving)), "no_descent")
            if 4 * np.count_nonzero(moving) <= 3 * len(ids):  # drop the stopped rows
                keep = np.flatnonzero(moving)
                X, ids, sv, moving = np.asfortranarray(X[keep]), ids[keep], sv[keep], moving[keep]
                growth_limit, fall_limit = growth_limit[keep], fall_limit[keep]
                runaway, X_now = runaway[keep], X_now[keep]
                self.opt._select_rows(keep)
            sv_prev, X_prev = sv, X_now
            k += 1
        packed_path, packed_values, offsets = _pack(record, stop)
        packed_path.flags.writeable = packed_values.flags.writeable = False
        result = self._result
        return [
            result(why, packed_path[lo:hi], packed_values[lo:hi], norm, v0)
            for why, lo, hi, norm, v0 in zip(reason.tolist(), offsets[:-1].tolist(),
                                             offsets[1:].tolist(), gnorm_at_stop.tolist(),
                                             sv0.tolist(), strict=True)
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
            bound = sv[todo] + _ARMIJO * alpha[todo] * slope[todo]
            ok = np.where(bound == sv[todo], trial < sv[todo], trial <= bound)
            idx = np.flatnonzero(todo)
            X[idx[ok]] = X_old[idx[ok]] + alpha[idx[ok], None] * D[idx[ok]]
            todo[idx[ok]] = False
            alpha[todo] *= 0.5
        X[todo] = X_old[todo]
        return todo

    # -------------------------------------------------------------------- the result

    def _result(self, reason: str, path: np.ndarray, values: np.ndarray, gnorm: float,
                v0: float) -> Result:  # fmt: skip
        k = len(path) - 1
        status, template = _MESSAGES[reason]
        if reason in ("gradient", "max_iter", "callback", "stationary"):  # the usual ones
            message = template.format(k=k, gnorm=gnorm, tol=self.tol, kind=self._kind)
        else:
            message = template.format(**self._fields(reason, path, values, gnorm, v0))
        if path.flags.writeable:
            path.flags.writeable = values.flags.writeable = False
        return Result(path[-1], float(values[-1]), gnorm, k, path, values, status, message,
                      *self._about)  # fmt: skip

    def _fields(
        self, reason: str, path: np.ndarray, values: np.ndarray, gnorm: float, v0: float
    ) -> dict[str, Any]:
        ascent = self.sign < 0
        k = len(path) - 1
        fields = {"k": k, "gnorm": gnorm, "tol": self.tol, "lr": self.opt.learning_rate,
                  "v0": self.sign * v0, "vk": float(values[-1]), "kind": "ascent" if ascent else
                  "descent", "betters": "raises" if ascent else "lowers"}  # fmt: skip
        if reason == "no_change":
            fields["dx"] = float(_row_norms(path[-1:] - path[-2:-1])[0])
            fields["df"] = abs(float(values[-1] - values[-2]))
        elif reason in ("growth", "not_finite"):
            fields["moved"] = "fell" if ascent else "grew"
            fields["hint"] = self._suggest(path[0])
        elif reason == "unbounded":
            fields["xnorm"] = float(_row_norms(path[-1:])[0])
            fields["moving"] = "rising" if ascent else "falling"
            fields["extremum"] = "maximum (it is unbounded above)" if ascent else (
                "minimum (it is unbounded below)")
        return fields

    def _suggest(self, x0: np.ndarray) -> float:
        """A smaller learning rate to try: 1/L from the Hessian at the start for the
        fixed-step optimizers (plain descent is stable on a quadratic for η < 2/L, L the
        largest curvature), else a tenth of the current one."""
        lr = self.opt.learning_rate
        if self.opt.name in ("gd", "momentum", "nesterov"):
            hessian = self.objective.hessian_at(x0)
            if hessian is not None and np.isfinite(hessian).all():
                curvature = float(np.abs(np.linalg.eigvalsh(hessian)).max())
                if curvature > 0 and 1 / curvature < lr:
                    return _floor_1(1 / curvature)
        return _floor_1(lr / 10)


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


def _row_norms(a: np.ndarray) -> np.ndarray:
    """The length of each row of ``a``, without overflow when the entries are huge."""
    big = np.max(np.abs(a), axis=1, initial=0.0)
    scale = np.where((big > 0) & np.isfinite(big), big, 1.0)[:, None]
    return scale[:, 0] * np.sqrt(np.einsum("ij,ij->i", a / scale, a / scale))


def _no_change(x: np.ndarray, x_prev: np.ndarray) -> bool:
    """Whether the last step moved the point by at most _XTOL relative to its size."""
    dx = x - x_prev
    return dx @ dx <= _XTOL**2 * max(1.0, x @ x)  # squared, as in _Run.many


def _pack(
    record: list[tuple[np.ndarray, np.ndarray, np.ndarray]], stop: np.ndarray, block: int = 32
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every start's path and values, one start after the other, from a step-by-step record.

    ``record[k]`` holds the points ``(m_k, n)``, values and start numbers of the rows
    stepped at step ``k``; start ``i`` stopped at step ``stop[i]``. Up to ``block`` steps
    with the same rows are transposed together, so that each start's points are written
    a block at a time rather than one by one (a write per point crosses a memory page).
    Returns the packed points, the packed values and the offsets of each start's part.
    """
    offsets = np.concatenate([[0], np.cumsum(stop + 1)])
    total = int(offsets[-1])
    n = record[0][0].shape[1]
    # a point and its value side by side, so that one write moves both; one spare row at
    # the end takes the writes of rows stepped after they stopped
    packed = np.empty((total + 1, n + 1))
    first = 0
    while first < len(record):
        which = record[first][2]
        last = first + 1
        while last < len(record) and last - first < block and record[last][2] is which:
            last += 1
        steps = np.arange(first, last)
        where = offsets[which][:, None] + steps
        where[stop[which][:, None] < steps] = total
        chunk = np.empty((len(which), last - first, n + 1))
        for j, (points, values, _) in enumerate(record[first:last]):
            chunk[:, j, :n], chunk[:, j, n] = points, values
        packed[where] = chunk
        first = last
    return packed[:total, :n], packed[:total, n], offsets


def _grow(array: np.ndarray, capacity: int) -> np.ndarray:
    """``array`` copied into a buffer ``capacity`` long along the first axis."""
    bigger = np.empty((capacity, *array.shape[1:]), dtype=array.dtype)
    bigger[: len(array)] = array
    return bigger
