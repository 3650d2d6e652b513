"""Gradient descent and ascent: the loop, its stopping rules, and the :class:`Result`.

:func:`minimize` follows the gradient downhill from a start, one optimizer step at a
time (:mod:`steepest.descent.optimizers` does the stepping); :func:`maximize` minimizes
``-f`` through the very same code and reports the values of ``f``. The function may be
equation text, an :class:`~steepest.Equation`, a :class:`~steepest.Gradient`, or a Python
function of a 1-D array (with its gradient, or numeric central differences).

A run ends with one ``status`` from a fixed set, and a plain-language ``message``:

``'converged'``
    The gradient norm fell to ``tol`` or below; or, with the gradient norm already at the
    rounding floor (≤ 1e-6·max(1, |∇f(start)|)), one step changed neither the value nor
    the point (|Δf| ≤ 1e-12·max(1, |f|) and |Δx| ≤ 1e-12·max(1, |x|)), or the line
    search found no step that lowers f measurably; the message says which.
``'stationary'``
    The start itself has a gradient norm of at most ``tol``: there is no direction to go.
``'max_iterations'``
    ``max_iter`` steps were taken without meeting a stopping rule (when f was still falling
    steadily and keeps falling beyond, the message says that f seems to have no minimum);
    also a run stopped by its ``callback`` (a limit imposed from outside, like ``max_iter``;
    the message says "stopped by the callback"). Steps that change neither the point nor the
    value while the gradient is not small do not end a run: it goes on (another optimizer
    state or schedule may still move it); at ``max_iter``, if any step was such, the message
    says the steps are too small to move the point and suggests a larger learning rate. A
    line search that finds no step lowering f while the gradient is not small stops the run
    at once (trying again from the same point would fail the same way), also as
    ``'max_iterations'``, with a message that says so: the step is too large for 50
    halvings, or the gradient is wrong.
``'diverged'``
    The value or gradient became NaN or infinite, the value rose far above its start
    (by more than 1e6·max(1, |f(start)|); for an ascent, fell), or the path ran off
    beyond 1e12 times the start's size while the value kept falling (f unbounded).
    Never returned silently as an answer; the message suggests a smaller step size. When
    the value became NaN (not infinite) right after a step from a point where it was
    finite, the step left the function's domain (``sqrt(x)`` at ``x < 0``), and the
    message says so; it suggests a step size 10 times smaller only when a step 10 times
    smaller would have stayed inside, since a minimum on the domain's edge cannot be
    reached by smaller steps either.

Many starts, given as the rows of an ``(m, n)`` array, are descended together in one
vectorised run (one ``(m, n)`` parameter array through the optimizer; a start that stops
is frozen while the others go on) and give a list of ``m`` results.

This module checks the arguments, holds the messages and builds the results; the loops
and their stopping rules are in :mod:`steepest.descent.loops`, and ``f`` is made into
values and gradients by :mod:`steepest.descent.objective`. It leaves plotting to
:mod:`steepest.plot` and second-order methods (Newton, BFGS) to SciPy.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from steepest.descent.loops import Outcome, Run, row_norms
from steepest.descent.objective import Objective
from steepest.descent.optimizers import Optimizer, make_optimizer
from steepest.descent.unbounded import keeps_going
from steepest.errors import DescentError

__all__ = ["EQUATION_LEARNING_RATE", "MAX_ITER_LIMIT", "STATUSES", "Result", "maximize",
           "minimize"]

#: The learning rate of :func:`minimize` and :func:`maximize` when none is given, for every
#: optimizer named: equations of a few variables with terms of order one step well at 0.1,
#: where the optimizers' own defaults (``Optimizer.default_learning_rate``, chosen for
#: networks: 0.001 for Adam) would crawl. An optimizer object keeps its own rate.
EQUATION_LEARNING_RATE = 0.1

STATUSES = ("converged", "stationary", "max_iterations", "diverged")

#: The largest ``max_iter``: a Result keeps every point of its path, 8·(n + 1) bytes a step
#: for each start, so a run that never stops would otherwise fill the memory (10 million
#: steps of a 2-variable start hold 240 MB). A fixed number, simple to state and to test.
MAX_ITER_LIMIT = 10_000_000

# Why a run stopped -> (status, message template), the one table of messages. The
# reasons are those of steepest.descent.loops; the fields, those of _fields below.
_MESSAGES: dict[str, tuple[str, str]] = {
    "gradient": ("converged", "the gradient norm {gnorm:.3g} fell to tol={tol:g} or below "
                              "after {k} steps"),
    "no_change": ("converged", "the steps stopped changing the point and the value "
                               "(|Δx| = {dx:.2g}, |Δf| = {df:.2g}) after {k} steps; the "
                               "gradient norm is {gnorm:.3g}"),
    "no_descent": ("converged", "the line search found no step that {betters} f measurably "
                                "(the change is below rounding here) after {k} steps; the "
                                "gradient norm is {gnorm:.3g}"),
    "stationary": ("stationary", "the start is a stationary point: the gradient norm there "
                                 "is {gnorm:.3g} <= tol={tol:g}, so gradient {kind} has no "
                                 "direction to follow (a minimum, a maximum or a saddle point)"),
    "max_iter": ("max_iterations", "stopped after max_iter={k} steps with the gradient norm "
                                   "still {gnorm:.3g} > tol={tol:g}; hint: raise max_iter, "
                                   "or try another learning_rate or optimizer"),
    "stuck": ("max_iterations", "stopped after max_iter={k} steps: the steps are too small to "
                                "move the point (some changed neither x nor f) while the "
                                "gradient norm is still {gnorm:.3g}; hint: try a larger "
                                "learning_rate than {lr:g}"),
    "no_descent_stuck": ("max_iterations", "stopped after {k} steps: the line search found "
                                           "no step that {betters} f within 50 halvings of "
                                           "the optimizer's step, though the gradient norm "
                                           "is {gnorm:.3g}; hint: try a smaller "
                                           "learning_rate than {lr:g}, or check the gradient"),
    "callback": ("max_iterations", "stopped by the callback after {k} steps (gradient norm "
                                   "{gnorm:.3g})"),
    "growth": ("diverged", "the step size {lr:g} is too large for this function: the value "
                           "{moved} from {v0:.3g} to {vk:.3g} in {k} steps; try {hint:g}"),
    "not_finite": ("diverged", "the step size {lr:g} is too large for this function: the value "
                               "became {vk} after {k} steps (from {v0:.3g} at the start); "
                               "try {hint:g}"),
    "domain": ("diverged", "the step left the function's domain: f is not a real number at "
                           "{where} (after {k} steps; f was {vprev:.3g} one step before){advice}"),
    "unbounded": ("diverged", "the path ran off to |x| = {xnorm:.3g} in {k} steps while the "
                              "value kept {moving} (to {vk:.3g}): f seems to have no {extremum}"),
    "no_extremum": ("max_iterations", "stopped after max_iter={k} steps with the value still "
                                      "{moving} at every step (to {vk:.3g}) and the steps not "
                                      "shrinking; further along the same direction it keeps "
                                      "{moving} ({far:.3g} at |x| = {xfar:.3g}): f seems to "
                                      "have no {extremum}"),
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

    Its picture is :func:`steepest.plot.plot_result` ``(result, f)``: the core never imports
    the plotting package.
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
            return _results(run, [run.one(points)])[0]
        return _results(run, run.many(points))


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


# ------------------------------------------------------------------------- results


def _results(run: Run, outcomes: list[Outcome]) -> list[Result]:
    """The :class:`Result` of each outcome of ``run``, with its status and message.

    Built for many starts at once (10,000 outcomes are usual): the messages of the usual
    reasons have the fields shared by every start filled in once, and each result is
    made by :func:`_new_result`.
    """
    opt = run.opt
    # the fields that are the same for every start: maximize, optimizer, learning_rate, names
    about = (run.sign < 0, opt.name or type(opt).__name__, opt.learning_rate,
             run.objective.names)  # fmt: skip
    kind = "ascent" if run.sign < 0 else "descent"
    # the usual reasons, with only {0} = the gradient norm and {1} = the steps left open
    usual = {reason: (_MESSAGES[reason][0], _MESSAGES[reason][1].format(
                 gnorm=_Slot(0), k=_Slot(1), tol=run.tol, kind=kind))
             for reason in ("gradient", "max_iter", "callback", "stationary")}  # fmt: skip
    results = []
    for reason, path, values, gnorm, v0 in outcomes:
        k = len(path) - 1
        if reason == "max_iter" and keeps_going(run, path, values) is not None:
            reason = "no_extremum"
        prepared = usual.get(reason)
        if prepared is not None:
            status, message = prepared[0], prepared[1].format(gnorm, k)
        else:
            if reason == "not_finite" and math.isnan(values[-1]) and math.isfinite(values[-2]):
                reason = "domain"
            status, template = _MESSAGES[reason]
            message = template.format(**_fields(run, reason, path, values, gnorm, v0))
        results.append(_new_result(path[-1], float(values[-1]), gnorm, k, path, values, status,
                                   message, about))  # fmt: skip
    return results


class _Slot:
    """A stand-in that formats as the positional field ``{index:spec}``, so that a message
    template can be filled in two rounds (the fields of the run, then those of a start)."""

    __slots__ = ("index",)

    def __init__(self, index: int) -> None:
        self.index = index

    def __format__(self, spec: str) -> str:
        return f"{{{self.index}:{spec}}}" if spec else f"{{{self.index}}}"


_FIELDS = ("x", "value", "grad_norm", "iterations", "path", "values", "status", "message",
           "maximize", "optimizer", "learning_rate", "names")  # fmt: skip
if Result.__slots__ != _FIELDS:  # pragma: no cover - a field was added without _new_result
    raise ImportError(f"_new_result does not set the fields of Result: {Result.__slots__}")
(_set_x, _set_value, _set_grad_norm, _set_iterations, _set_path, _set_values, _set_status,
 _set_message, _set_maximize, _set_optimizer, _set_learning_rate, _set_names) = (
    Result.__dict__[name].__set__ for name in _FIELDS)  # fmt: skip


def _new_result(
    x: np.ndarray,
    value: float,
    grad_norm: float,
    iterations: int,
    path: np.ndarray,
    values: np.ndarray,
    status: str,
    message: str,
    about: tuple[bool, str, float, tuple[str, ...]],
) -> Result:
    """``Result(x, value, ..., message, *about)``, made faster (0.75 µs instead of 1.2).

    A frozen dataclass sets each field through ``object.__setattr__``; this sets the slots
    through their descriptors (the class is frozen to its users, not to the module that
    builds it). It matters for many starts at once, 10,000 results in a run.
    """
    result = object.__new__(Result)
    _set_x(result, x)
    _set_value(result, value)
    _set_grad_norm(result, grad_norm)
    _set_iterations(result, iterations)
    _set_path(result, path)
    _set_values(result, values)
    _set_status(result, status)
    _set_message(result, message)
    _set_maximize(result, about[0])
    _set_optimizer(result, about[1])
    _set_learning_rate(result, about[2])
    _set_names(result, about[3])
    return result


def _fields(
    run: Run, reason: str, path: np.ndarray, values: np.ndarray, gnorm: float, v0: float
) -> dict[str, Any]:
    """The fields of the message template of ``reason``."""
    ascent = run.sign < 0
    k = len(path) - 1
    fields = {"k": k, "gnorm": gnorm, "tol": run.tol, "lr": run.opt.learning_rate,
              "v0": run.sign * v0, "vk": float(values[-1]), "kind": "ascent" if ascent else
              "descent", "betters": "raises" if ascent else "lowers"}  # fmt: skip
    if reason == "no_change":
        fields["dx"] = float(row_norms(path[-1:] - path[-2:-1])[0])
        fields["df"] = abs(float(values[-1] - values[-2]))
    elif reason in ("growth", "not_finite"):
        fields["moved"] = "fell" if ascent else "grew"
        fields["hint"] = _suggest(run, path[0])
    elif reason == "domain":
        names = [str(name) for name in run.objective.names]
        point = ", ".join(f"{c:.6g}" for c in path[-1])
        fields["where"] = (f"{names[0]} = {point}" if len(names) == 1 else
                           f"({', '.join(names)}) = ({point})")  # fmt: skip
        fields["vprev"] = float(values[-2])
        fields["advice"] = _domain_advice(run, path[-2], path[-1])
    elif reason == "no_extremum":
        far, fields["xfar"] = keeps_going(run, path, values)  # type: ignore[misc]
        fields["far"] = run.sign * far
        fields["moving"] = "rising" if ascent else "falling"
        fields["extremum"] = "maximum" if ascent else "minimum"
    elif reason == "unbounded":
        fields["xnorm"] = float(row_norms(path[-1:])[0])
        fields["moving"] = "rising" if ascent else "falling"
        fields["extremum"] = "maximum (it is unbounded above)" if ascent else (
            "minimum (it is unbounded below)")
    return fields


def _domain_advice(run: Run, before: np.ndarray, after: np.ndarray) -> str:
    """What to do after the step ``before -> after`` left the domain of ``f``.

    A smaller step size helps only if a smaller step stays inside: try a step 10 times
    smaller (one evaluation of ``f``). If it leaves too, the edge is close, and the
    extremum is likely on it, where smaller steps only take longer to get there.
    """
    inside = math.isfinite(run.objective.point(before + (after - before) / 10)[0])
    extremum, kind = ("maximum", "ascent") if run.sign < 0 else ("minimum", "descent")
    if inside:
        return (f"; a step 10 times smaller stays inside: try learning_rate "
                f"{_floor_1(run.opt.learning_rate / 10):g} (but if the {extremum} is on the "
                f"edge of the domain, smaller steps only get there later)")  # fmt: skip
    return (f"; a step 10 times smaller leaves it too, so a smaller step size will not help: "
            f"the {extremum} is likely on the edge of the domain, where gradient {kind} "
            f"cannot stop")  # fmt: skip


def _suggest(run: Run, x0: np.ndarray) -> float:
    """A smaller learning rate to try: 1/L from the Hessian at the start for the
    fixed-step optimizers (plain descent is stable on a quadratic for η < 2/L, L the
    largest curvature), else a tenth of the current one."""
    lr = run.opt.learning_rate
    if run.opt.name in ("gd", "momentum", "nesterov"):
        hessian = run.objective.hessian_at(x0)
        if hessian is not None and np.isfinite(hessian).all():
            curvature = float(np.abs(np.linalg.eigvalsh(hessian)).max())
            if curvature > 0 and 1 / curvature < lr:
                return _floor_1(1 / curvature)
    return _floor_1(lr / 10)


def _floor_1(value: float) -> float:
    """``value`` rounded down to one significant digit (0.167 -> 0.1, 0.048 -> 0.04)."""
    exponent = math.floor(math.log10(value) + 1e-12)
    return math.floor(value / 10**exponent + 1e-9) * 10**exponent
