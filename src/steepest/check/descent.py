"""Exercise 4: check a learner's gradient-descent step and loop against steepest's own.

The exercise has two parts:

- ``step(x, grad, learning_rate) -> new_x``: one step of gradient descent,
  ``x − learning_rate·grad``, where ``x`` and ``grad`` are 1-D NumPy float arrays. It is
  run on points of quadratic bowls and compared with :class:`steepest.GradientDescent`
  (changing ``x`` in place and returning it is fine).
- optionally ``descend(grad_f, start, learning_rate, steps) -> x``: ``steps`` such steps
  from ``start``, where ``grad_f(x)`` returns the gradient at ``x``; it must match the
  reference point after 1 and 10 steps, and end within 1e-6 of the bowl's minimum
  after a few hundred.

A wrong step is matched against common slips (moving uphill, ignoring or fixing the
learning rate, returning the change instead of the new point). Left out: other
optimizers (momentum, Adam) and stopping rules; :mod:`steepest.descent` has those.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from steepest.check._battery import BowlGradient
from steepest.check._cases import Case, CodeCheck, as_array, run_battery, show

__all__ = ["check_descent", "loop_cases", "step_cases"]

_BOWL = BowlGradient((1.0, -2.0), (1.0, 5.0))
_BOWL_3D = BowlGradient((0.5, 0.0, -1.0), (2.0, 1.0, 0.5))
_LINE = BowlGradient((2.0,), (1.0,))


def _reference(grad_f: BowlGradient, start: np.ndarray, learning_rate: float, steps: int) -> Any:
    """``steps`` steps of :class:`steepest.descent.optimizers.GradientDescent` from ``start``."""
    from steepest.descent.optimizers import GradientDescent

    x = np.array(start, dtype=float)
    optimizer = GradientDescent(learning_rate)
    for _ in range(steps):
        optimizer.step([x], [grad_f(x)])
    return x


def step_cases() -> list[Case]:
    """The battery for ``step(x, grad, learning_rate)``, in the order it is run.

    Examples
    --------
    >>> case = step_cases()[0]
    >>> case.inputs["x"], case.inputs["grad"], case.inputs["learning_rate"]
    (array([ 3., -1.]), array([ 4., 10.]), 0.1)
    >>> case.expected
    array([ 2.6, -2. ])
    """
    table = [
        ("one step on a bowl", _BOWL, [3.0, -1.0], 0.1, "x − learning_rate·grad"),
        ("another learning rate", _BOWL, [3.0, -1.0], 0.02,
         "the learning_rate argument, not a fixed one"),
        ("one variable", _LINE, [5.0], 0.25, "x and grad of length 1"),
        ("three variables", _BOWL_3D, [1.0, 2.0, -3.0], 0.05, "x and grad of length 3"),
        ("at the minimum", _BOWL, [1.0, -2.0], 0.1, "a zero gradient leaves x where it is"),
    ]
    cases = []
    for name, grad_f, x, rate, about in table:
        point = np.array(x)
        inputs = {"x": point, "grad": grad_f(point), "learning_rate": rate}
        cases.append(Case(name, inputs, _reference(grad_f, point, rate, 1), about))
    return cases


def loop_cases() -> list[Case]:
    """The battery for ``descend(grad_f, start, learning_rate, steps)``.

    Examples
    --------
    >>> [case.name for case in loop_cases()]
    ['one step', 'ten steps', 'reach the minimum', 'three variables']
    >>> loop_cases()[2].expected.round(9).tolist()
    [1.0, -2.0]
    """
    table = [
        ("one step", _BOWL, [3.0, -1.0], 0.05, 1, "steps=1 is a single step"),
        ("ten steps", _BOWL, [3.0, -1.0], 0.05, 10, "exactly `steps` steps, each from the last"),
        ("reach the minimum", _BOWL, [-4.0, 3.0], 0.05, 300,
         "300 steps end within 1e-6 of the minimum (1, −2)"),
        ("three variables", _BOWL_3D, [0.0, 0.0, 0.0], 0.1, 50, "start of length 3"),
    ]
    cases = []
    for name, grad_f, start, rate, steps, about in table:
        inputs = {"grad_f": grad_f, "start": np.array(start), "learning_rate": rate,
                  "steps": steps}
        cases.append(Case(name, inputs, _reference(grad_f, np.array(start), rate, steps), about))
    return cases


def check_descent(
    step: str | Callable[..., Any],
    *,
    loop: str | Callable[..., Any] | None = None,
    timeout: float = 5.0,
) -> CodeCheck:
    """Check a learner's gradient-descent ``step`` and, if given, their ``loop``.

    Parameters
    ----------
    step
        ``step(x, grad, learning_rate) -> new_x``: ``"answer.py:step"`` or
        ``"module:step"`` (run in a child process with a time limit; the name defaults
        to ``step``), or a Python function (called here, without a time limit).
    loop
        ``descend(grad_f, start, learning_rate, steps) -> x``, given the same ways (the
        name defaults to ``descend``).
    timeout
        Seconds allowed for each call.

    Returns
    -------
    CodeCheck
        The step's cases, then the loop's (their names start with ``step:`` and
        ``loop:``); ``.correct`` is True when all are right.

    Raises
    ------
    SteepestError
        If a file or function cannot be found or imported.

    Examples
    --------
    >>> def step(x, grad, learning_rate):
    ...     return x - learning_rate * grad
    >>> def descend(grad_f, start, learning_rate, steps):
    ...     x = start
    ...     for _ in range(steps):
    ...         x = step(x, grad_f(x), learning_rate)
    ...     return x
    >>> check_descent(step, loop=descend).correct
    True
    >>> uphill = lambda x, grad, learning_rate: x + learning_rate * grad
    >>> print(check_descent(uphill).first_wrong.problem)
    wrong point: this steps uphill, x + learning_rate·grad; step against the gradient
    """
    checks = [run_battery("step", step, _named("step", step_cases()), _compare_step,
                          timeout=timeout, default_name="step")]
    if loop is not None:
        checks.append(run_battery("loop", loop, _named("loop", loop_cases()), _compare_loop,
                                  timeout=timeout, default_name="descend"))
    return CodeCheck(
        "descent",
        " and ".join(c.target for c in checks),
        tuple(r for c in checks for r in c.results),
        tuple(case for c in checks for case in c.not_run),
    )


def _named(prefix: str, cases: list[Case]) -> list[Case]:
    return [Case(f"{prefix}: {c.name}", c.inputs, c.expected, c.about) for c in cases]


def _point(received: Any, expected: np.ndarray) -> np.ndarray | str:
    array = as_array(received, f"a point (an array of {expected.size} numbers)")
    if isinstance(array, str):
        return array
    if array.shape != expected.shape:
        extra = ""
        if array.ndim == 2 and array.shape[1:] == expected.shape:
            extra = "; return the last point only, not the path"
        return (f"your function returned an array of shape {array.shape}; a point of shape "
                f"{expected.shape} was expected{extra}")
    return array


def _close(a: np.ndarray, b: np.ndarray) -> bool:
    return bool(np.allclose(a, b, rtol=1e-7, atol=1e-10))


def _compare_step(case: Case, received: Any) -> str | None:
    new_x = _point(received, case.expected)
    if isinstance(new_x, str):
        return new_x
    if _close(new_x, case.expected):
        return None
    x, g, rate = (case.inputs[k] for k in ("x", "grad", "learning_rate"))
    slips = [
        (x + rate * g, "this steps uphill, x + learning_rate·grad; step against the gradient"),
        (x - g, "this is x − grad: the learning rate is missing"),
        (x - 0.1 * g, "this is x − 0.1·grad: use the learning_rate argument, not a fixed 0.1"),
        (-rate * g, "this is the change −learning_rate·grad; return the new point x + change"),
        (x, "x came back unchanged"),
        (x - rate * x, "this is x − learning_rate·x: the step uses grad, not x"),
    ]
    return "wrong point: " + _match(new_x, case.expected, slips)


def _compare_loop(case: Case, received: Any) -> str | None:
    x = _point(received, case.expected)
    if isinstance(x, str):
        return x
    if _close(x, case.expected):
        return None
    grad_f, start, rate, steps = case.inputs.values()
    slips = [
        (_reference(grad_f, start, rate, steps - 1), "this is one step too few"),
        (_reference(grad_f, start, rate, steps + 1), "this is one step too many"),
        (start, "start came back unchanged: no step was taken"),
        (_reference(grad_f, start, rate, 1), "this is the point after the first step only"),
    ]
    return "wrong point: " + _match(x, case.expected, slips)


def _match(received: np.ndarray, expected: np.ndarray, slips: list[tuple[Any, str]]) -> str:
    for candidate, words in slips:
        candidate = np.asarray(candidate, dtype=float)
        if _close(received, candidate) and not _close(candidate, expected):
            return words
    return f"off by {show(received - expected)}"
