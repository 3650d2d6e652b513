"""The outcome of a descent: :class:`Result`, its ``status`` and the one table of messages.

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

The loops (:mod:`steepest.descent.loops`) end each start with an *outcome* (a reason, the
path and values); :func:`results_of` turns outcomes into results with their status and
message. Running a descent is :mod:`steepest.descent.run`'s business.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from steepest.descent.loops import Outcome, Run, row_norms
from steepest.descent.unbounded import keeps_going

__all__ = ["STATUSES", "Result", "results_of"]

STATUSES = ("converged", "stationary", "max_iterations", "diverged")

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

# ------------------------------------------------------------------------- results


def results_of(run: Run, outcomes: list[Outcome]) -> list[Result]:
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
        if k == 1:
            message = message.replace("after 1 steps", "after 1 step")
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

