"""Gradient descent and ascent: :func:`minimize` and :func:`maximize`.

:func:`minimize` follows the gradient downhill from a start, one optimizer step at a
time (:mod:`steepest.descent.optimizers` does the stepping); :func:`maximize` minimizes
``-f`` through the very same code and reports the values of ``f``. The function may be
equation text, an :class:`~steepest.Equation`, a :class:`~steepest.Gradient`, or a Python
function of a 1-D array (with its gradient, or numeric central differences).

A run ends with one ``status`` from a fixed set and a plain-language ``message``: see
:mod:`steepest.descent.result`, which holds :class:`Result` and the table of messages.

Many starts, given as the rows of an ``(m, n)`` array, are descended together in one
vectorised run (one ``(m, n)`` parameter array through the optimizer; a start that stops
is frozen while the others go on) and give a list of ``m`` results.

This module checks the arguments and runs the descent; the loops and their stopping
rules are in :mod:`steepest.descent.loops`, and ``f`` is made into
values and gradients by :mod:`steepest.descent.objective`. It leaves plotting to
:mod:`steepest.plot` and second-order methods (Newton, BFGS) to SciPy.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from steepest.descent.loops import Run
from steepest.descent.objective import Objective
from steepest.descent.optimizers import Optimizer, make_optimizer
from steepest.descent.result import STATUSES, Result, results_of
from steepest.errors import DescentError

__all__ = ["EQUATION_LEARNING_RATE", "MAX_ITER_LIMIT", "STATUSES", "Result", "maximize",
           "minimize"]

#: The learning rate of :func:`minimize` and :func:`maximize` when none is given, for every
#: optimizer named: equations of a few variables with terms of order one step well at 0.1,
#: where the optimizers' own defaults (``Optimizer.default_learning_rate``, chosen for
#: networks: 0.001 for Adam) would crawl. An optimizer object keeps its own rate.
EQUATION_LEARNING_RATE = 0.1

#: The largest ``max_iter``: a Result keeps every point of its path, 8·(n + 1) bytes a step
#: for each start, so a run that never stops would otherwise fill the memory (10 million
#: steps of a 2-variable start hold 240 MB). A fixed number, simple to state and to test.
MAX_ITER_LIMIT = 10_000_000


def minimize(
    f: Any,
    start: Sequence[float] | np.ndarray | float,
    *,
    optimizer: str | Optimizer = "gd",
    learning_rate: float | None = None,
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
        or an optimizer object, which keeps its own learning rate; the run steps a
        :meth:`~steepest.Optimizer.fresh` copy of it, so the object is never changed.
    learning_rate
        The step size η; ``None`` means :data:`EQUATION_LEARNING_RATE` (0.1) for a named
        optimizer.
    max_iter
        The most steps to take, at most :data:`MAX_ITER_LIMIT` (10 million: the path
        keeps every point).
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
        read-only views into one array holding all the paths and one holding all the
        values).

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
    learning_rate: float | None = None,
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
    learning_rate: float | None,
    max_iter: int,
    tol: float,
    line_search: bool,
    callback: Callable[..., Any] | None,
    options: dict[str, Any],
) -> Result | list[Result]:
    points = _check_start(start)
    objective = Objective(f, grad, points.shape[-1])
    if isinstance(max_iter, bool) or not isinstance(max_iter, (int, np.integer)):
        raise TypeError(f"max_iter must be an int, got {type(max_iter).__name__}")
    if max_iter < 0:
        raise DescentError(f"max_iter must be 0 or more; got {max_iter}")
    if max_iter > MAX_ITER_LIMIT:
        raise DescentError(
            f"max_iter must be at most {MAX_ITER_LIMIT:,} (the result keeps every point of the "
            f"path); got {max_iter:,}; hint: a run that needs more steps needs a larger "
            f"learning_rate or another optimizer"
        )
    if isinstance(tol, bool) or not isinstance(tol, (int, float, np.floating, np.integer)):
        raise TypeError(f"tol must be a number, got {type(tol).__name__}")
    if not (tol >= 0 and math.isfinite(tol)):
        raise DescentError(f"tol must be a finite number >= 0; got {tol!r}")
    if callback is not None and not callable(callback):
        raise TypeError(f"callback must be callable, got {type(callback).__name__}")
    if learning_rate is None:
        learning_rate = EQUATION_LEARNING_RATE
    opt = make_optimizer(optimizer, learning_rate, **options)
    if opt is optimizer:  # a run never changes the object it was given
        opt = opt.fresh()
    run = Run(objective, opt, sign, int(max_iter), float(tol), bool(line_search), callback)
    with np.errstate(all="ignore"):  # NaN and overflow are detected and reported instead
        if points.ndim == 1:
            return results_of(run, [run.one(points)])[0]
        return results_of(run, run.many(points))


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
