"""One step of a descent written out: the point, the gradient, the optimizer's state, the update.

:func:`explain_step` re-runs a descent (the same :func:`steepest.minimize` or
:func:`steepest.maximize` call, stopped after step ``k``) and returns a :class:`StepDetail`:
the point ``x_k``, ``f`` and ``∇f`` there, the optimizer's state before and after the step
(velocity, running averages), the learning rate the step used, the optimizer's proposed
point, the line search's factor α when there is one, and the new point ``x_{k+1}``, with the
update formula and the same formula with its numbers. The point, the gradient and the new
point are the library's own (read from the run, not recomputed); the state is rebuilt by
feeding the run's gradients to a fresh optimizer of the same kind, and the rebuilt step is
checked to land exactly on the run's next point.

What it leaves out: drawing (the explorer and the plots do that) and many starts at once
(one start, one step).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from steepest.errors import DescentError

__all__ = ["FORMULAS", "StepDetail", "explain_step"]

#: The update each optimizer makes, written with g the gradient it steps on (∇f for a
#: descent, −∇f for an ascent) and t the step's number counted from 1.
FORMULAS: dict[str, tuple[str, ...]] = {
    "gd": ("x ← x − η·g",),
    "momentum": ("v ← μ·v + g", "x ← x − η·v"),
    "nesterov": ("v ← μ·v + g", "x ← x − η·(g + μ·v)"),
    "adagrad": ("s ← s + g²", "x ← x − η·g / (√s + ε)"),
    "rmsprop": ("s ← ρ·s + (1 − ρ)·g²", "x ← x − η·g / (√s + ε)"),
    "adam": ("m ← β₁·m + (1 − β₁)·g", "v ← β₂·v + (1 − β₂)·g²", "m̂ = m / (1 − β₁ᵗ)",
             "v̂ = v / (1 − β₂ᵗ)", "x ← x − η·m̂ / (√v̂ + ε)"),
}  # fmt: skip

# the state arrays' names in steepest.optim -> the letters of the formulas
_LETTERS = {"velocity": "v", "sum_squares": "s", "mean_square": "s", "m": "m", "v": "v"}


@dataclass(frozen=True)
class StepDetail:
    """Step ``k`` of a descent, with everything that went into it.

    Attributes
    ----------
    k : int
        The step's index: it goes from ``path[k]`` to ``path[k + 1]`` of the run's result.
    optimizer : str
        The optimizer's name (``"gd"``, ``"adam"``, ...).
    hyperparameters : dict
        Its settings (``learning_rate``, ``momentum``, ``beta1``, ...).
    learning_rate : float
        The step size η this step used (the schedule applied, when there is one).
    maximize : bool
        True for an ascent, where the optimizer steps on g = −∇f.
    line_search : bool
        Whether the run backtracks each step.
    names : tuple of str
        The variable names.
    point, gradient : numpy.ndarray
        ``x_k`` and ``∇f(x_k)``.
    value : float
        ``f(x_k)``.
    state_before, state_after : dict of str to numpy.ndarray
        The optimizer's state (by the letters of the formulas: ``v``, ``s``, ``m``) before
        and after the step; empty for plain gradient descent.
    proposed : numpy.ndarray
        Where the optimizer's update alone leads.
    alpha : float or None
        With a line search, the factor of the optimizer's step that was taken
        (``x_{k+1} = x_k + α·(proposed − x_k)``, α = 1, 1/2, 1/4, ...); else None.
    new_point : numpy.ndarray
        ``x_{k+1}``.
    new_value : float
        ``f(x_{k+1})``.
    """

    k: int
    optimizer: str
    hyperparameters: dict[str, float]
    learning_rate: float
    maximize: bool
    line_search: bool
    names: tuple[str, ...]
    point: np.ndarray
    value: float
    gradient: np.ndarray
    state_before: dict[str, np.ndarray]
    state_after: dict[str, np.ndarray]
    proposed: np.ndarray
    alpha: float | None
    new_point: np.ndarray
    new_value: float

    @property
    def formula(self) -> tuple[str, ...]:
        """The update as formulas, one line each (see :data:`FORMULAS`)."""
        lines = FORMULAS[self.optimizer]
        if self.line_search:
            lines = (*lines[:-1], lines[-1].replace("x ←", "x̃ =", 1),
                     "x ← x + α·(x̃ − x), α = 1, ½, ¼, … until f falls enough (Armijo)")
        return lines

    def lines(self) -> list[str]:
        """The step written out with its numbers, one line each, for a reader.

        Examples
        --------
        >>> d = explain_step("x^2 + 3y^2", [2, 1], 0, learning_rate=0.1)
        >>> print("\\n".join(d.lines()))
        step 0 of plain gradient descent (gd), η = 0.1
        x = (2, 1),  f(x) = 7
        g = ∇f(x) = (4, 6)
        x ← x − η·g = (2, 1) − 0.1·(4, 6) = (1.6, 0.4)
        f(x) = 3.04 at the new point
        """
        g = _vector(self.gradient)
        eta = _number(self.learning_rate)
        out = [f"step {self.k} of {_TITLES[self.optimizer]} ({self.optimizer}), η = {eta}"
               + (", with a backtracking line search" if self.line_search else ""),
               f"x = {_vector(self.point)},  f(x) = {_number(self.value)}"]  # fmt: skip
        if self.maximize:
            out.append(f"∇f(x) = {g}; an ascent steps on g = −∇f(x) = "
                       f"{_vector(-self.gradient)}")  # fmt: skip
        else:
            out.append(f"g = ∇f(x) = {g}")
        out += _worked(self)
        if self.line_search:
            out.append(f"x̃ = {_vector(self.proposed)} (the optimizer's step); the line "
                       f"search takes α = {_number(self.alpha)}: "
                       f"x ← {_vector(self.new_point)}")  # fmt: skip
        out.append(f"f(x) = {_number(self.new_value)} at the new point")
        return out


_TITLES = {"gd": "plain gradient descent", "momentum": "momentum", "nesterov": "Nesterov momentum",
           "adagrad": "AdaGrad", "rmsprop": "RMSProp", "adam": "Adam"}  # fmt: skip


def explain_step(
    f: Any,
    start: Sequence[float] | np.ndarray,
    k: int,
    *,
    optimizer: str = "gd",
    learning_rate: float = 0.1,
    maximize: bool = False,
    line_search: bool = False,
    tol: float = 1e-8,
    **optimizer_options: Any,
) -> StepDetail:
    """Step ``k`` of the descent from ``start``, with the optimizer's state and its numbers.

    Parameters
    ----------
    f
        What :func:`steepest.minimize` takes: equation text, an Equation or a Gradient.
    start
        One start, shape ``(n,)``.
    k
        The step, from 0 (the first) to the run's number of iterations minus one.
    optimizer, learning_rate, line_search, tol, **optimizer_options
        As for :func:`steepest.minimize` (an optimizer by name).
    maximize
        True for the step of an ascent (:func:`steepest.maximize`).

    Returns
    -------
    StepDetail

    Raises
    ------
    DescentError
        When the run stops before step ``k`` (the message says after how many steps).

    Examples
    --------
    >>> d = explain_step("x^2 + 3y^2", [2, 1], 1, optimizer="momentum", learning_rate=0.1)
    >>> d.state_before["v"].tolist(), d.state_after["v"].round(6).tolist()
    ([4.0, 6.0], [6.8, 7.8])
    >>> d.new_point.round(6).tolist()
    [0.92, -0.38]
    """
    from steepest.descent.optimizers import make_optimizer
    from steepest.descent.run import maximize as ascend
    from steepest.descent.run import minimize

    if not isinstance(optimizer, str):
        raise TypeError(f"optimizer must be a name such as 'adam', got {type(optimizer).__name__}")
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)):
        raise TypeError(f"k must be an int, got {type(k).__name__}")
    if k < 0:
        raise DescentError(f"the step k must be 0 or more; got {k}")
    if np.ndim(start) > 1:
        raise DescentError("explain_step takes one start, shape (n,); got several")
    seen: list[tuple[np.ndarray, float, np.ndarray]] = []

    def record(i: int, x: np.ndarray, value: float, grad: np.ndarray) -> None:
        seen.append((x, value, grad))

    run = ascend if maximize else minimize
    result = run(f, start, optimizer=optimizer, learning_rate=learning_rate, max_iter=int(k) + 1,
                 tol=tol, line_search=line_search, callback=record,
                 **optimizer_options)  # fmt: skip
    if result.iterations <= k:
        raise DescentError(
            f"the run has no step {k}: it stops after {result.iterations} "
            f"step{'s' * (result.iterations != 1)} "
            f"({result.status}: {result.message}); hint: pick a step from 0 to "
            f"{max(result.iterations - 1, 0)}"
        )
    sign = -1.0 if maximize else 1.0
    opt = make_optimizer(optimizer, learning_rate, **optimizer_options)
    for x, _, grad in seen[:k]:  # the state depends only on the gradients stepped on
        opt.step([x.copy()], [sign * grad])
    x, value, grad = seen[k]
    before = _state(opt, x)
    rate = opt.learning_rate * (opt.schedule(opt.t) if opt.schedule is not None else 1.0)
    proposed = x.copy()
    opt.step([proposed], [sign * grad])
    new = np.array(result.path[k + 1])
    alpha = _alpha(x, proposed, new) if line_search else None
    if alpha is None and not np.array_equal(proposed, new):  # pragma: no cover - a bug
        raise RuntimeError(f"the rebuilt step {k} lands at {proposed}, the run at {new}")
    return StepDetail(
        k=int(k), optimizer=opt.name, hyperparameters=opt.hyperparameters(),
        learning_rate=float(rate), maximize=bool(maximize), line_search=bool(line_search),
        names=tuple(result.names), point=x, value=float(value), gradient=grad,
        state_before=before, state_after=_state(opt, x), proposed=proposed, alpha=alpha,
        new_point=new, new_value=float(result.values[k + 1]),
    )  # fmt: skip


def _state(opt: Any, x: np.ndarray) -> dict[str, np.ndarray]:
    """The optimizer's state by formula letter (zeros before its first step)."""
    if not opt.state:
        return {_LETTERS[name]: np.zeros_like(x) for name in opt.slots}
    return {_LETTERS[name]: array.copy() for name, array in opt.state[0].items()}


def _alpha(x: np.ndarray, proposed: np.ndarray, new: np.ndarray) -> float:
    """The line search's factor: the α = 2⁻ʲ with ``x + α·(proposed − x) == new``."""
    d = proposed - x
    alpha = 1.0
    for _ in range(60):
        if np.array_equal(x + alpha * d, new):
            return alpha
        alpha *= 0.5
    raise RuntimeError("the line search's step is not a halving of the optimizer's step")


def _worked(d: StepDetail) -> list[str]:
    """The formulas of :data:`FORMULAS` with the step's numbers put in."""
    h, g, x = d.hyperparameters, d.gradient * (-1.0 if d.maximize else 1.0), d.point
    b, a = d.state_before, d.state_after
    eta, V = _number(d.learning_rate), _vector
    arrow = "x̃ =" if d.line_search else "x ←"
    end = f"{V(d.proposed)}"
    if d.optimizer == "gd":
        return [f"{arrow} x − η·g = {V(x)} − {eta}·{V(g)} = {end}"]
    if d.optimizer in ("momentum", "nesterov"):
        mu = _number(h["momentum"])
        lines = [f"v ← μ·v + g = {mu}·{V(b['v'])} + {V(g)} = {V(a['v'])}"]
        if d.optimizer == "momentum":
            return [*lines, f"{arrow} x − η·v = {V(x)} − {eta}·{V(a['v'])} = {end}"]
        look = g + h["momentum"] * a["v"]
        return [*lines, f"{arrow} x − η·(g + μ·v) = {V(x)} − {eta}·{V(look)} = {end}"]
    eps = _number(h["eps"])
    if d.optimizer in ("adagrad", "rmsprop"):
        if d.optimizer == "adagrad":
            first = f"s ← s + g² = {V(b['s'])} + {V(g * g)} = {V(a['s'])}"
        else:
            rho = _number(h["rho"])
            first = (f"s ← ρ·s + (1 − ρ)·g² = {rho}·{V(b['s'])} + {_number(1 - h['rho'])}·"
                     f"{V(g * g)} = {V(a['s'])}")  # fmt: skip
        return [first, f"{arrow} x − η·g / (√s + ε) = {V(x)} − {eta}·{V(g)} / "
                       f"({V(np.sqrt(a['s']))} + {eps}) = {end}"]  # fmt: skip
    b1, b2, t = h["beta1"], h["beta2"], d.k + 1
    m_hat, v_hat = a["m"] / (1 - b1**t), a["v"] / (1 - b2**t)
    return [
        f"m ← β₁·m + (1 − β₁)·g = {_number(b1)}·{V(b['m'])} + {_number(1 - b1)}·{V(g)} "
        f"= {V(a['m'])}",
        f"v ← β₂·v + (1 − β₂)·g² = {_number(b2)}·{V(b['v'])} + {_number(1 - b2)}·{V(g * g)} "
        f"= {V(a['v'])}",
        f"m̂ = m / (1 − β₁ᵗ) = {V(a['m'])} / {_number(1 - b1**t)} = {V(m_hat)}   (t = {t})",
        f"v̂ = v / (1 − β₂ᵗ) = {V(a['v'])} / {_number(1 - b2**t)} = {V(v_hat)}",
        f"{arrow} x − η·m̂ / (√v̂ + ε) = {V(x)} − {eta}·{V(m_hat)} / ({V(np.sqrt(v_hat))} + "
        f"{eps}) = {end}",
    ]


def _number(value: float | None) -> str:
    return "—" if value is None else f"{float(value) + 0.0:.6g}"  # + 0.0: no "-0"


def _vector(values: np.ndarray) -> str:
    items = [_number(v) for v in np.atleast_1d(values)]
    return items[0] if len(items) == 1 else "(" + ", ".join(items) + ")"
