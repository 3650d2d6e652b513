"""Exercise 2: check a learner's function that computes gradients.

The exercise: ``gradient(f, point) -> list of numbers``, the gradient of any function
``f`` at ``point``, where ``f`` takes a point (a list of floats, one per variable) and
returns a number, and ``point`` is such a list. Computing it numerically is the point of
the exercise: nudge one coordinate at a time by a small ``h`` and see how ``f`` changes.
A learner's answer is right when every partial derivative is within
``1e-4·(1 + |∂f/∂xᵢ|)`` of the exact one (from :func:`steepest.gradient`), which central
differences with ``h ≈ 1e-5`` meet easily and a forward difference with ``h ≈ 1e-6``
meets too. Left out: symbolic differentiators (``my_gradient("x^2 sin(y)")`` returning
text), which a learner would check with exercise 1 instead.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from steepest.check._battery import SURFACES
from steepest.check._cases import Case, CodeCheck, as_array, run_battery, show

__all__ = ["TOLERANCE", "check_gradient_function", "gradient_function_cases"]

#: a partial derivative is right within TOLERANCE·(1 + |exact value|)
TOLERANCE = 1e-4


def gradient_function_cases() -> list[Case]:
    """The battery for ``gradient(f, point)``, in the order it is run.

    Examples
    --------
    >>> case = gradient_function_cases()[0]
    >>> case.inputs
    {'f': f, with f([x, y]) = x^2 + 3y^2, 'point': [1.0, 2.0]}
    >>> case.expected.tolist()
    [2.0, 12.0]
    """
    from steepest.calculus.gradients import gradient

    table = [
        ("a bowl", "bowl", [1.0, 2.0], "f(x, y) = x² + 3y²"),
        ("the seed's function", "seed", [1.5, 0.5], "f(x, y) = x²·sin(y)"),
        ("one variable", "cube", [2.0], "a point with one coordinate"),
        ("three variables", "three", [0.5, -1.0, 2.0], "a point with three coordinates"),
        ("far from 0", "circle", [1000.0, -2000.0], "large coordinates, large values of f"),
        ("at the minimum", "bowl", [0.0, 0.0], "the gradient is 0 there"),
        ("a bump", "bump", [0.5, -0.25], "f(x, y) = e^(−x² − y²)"),
    ]
    cases = []
    for name, key, point, about in table:
        surface = SURFACES[key]
        exact = np.asarray(gradient(surface.text, at=point), dtype=float)
        cases.append(Case(name, {"f": surface, "point": list(point)}, exact, about))
    return cases


def check_gradient_function(
    function: str | Callable[..., Any], *, timeout: float = 5.0
) -> CodeCheck:
    """Check a learner's ``gradient(f, point)`` on :func:`gradient_function_cases`.

    Parameters
    ----------
    function
        ``"path/to/answer.py:gradient"`` or ``"module:gradient"`` (run in a child
        process with a time limit; the name defaults to ``gradient``), or a Python
        function (called in this process, without a time limit).
    timeout
        Seconds allowed for each call.

    Returns
    -------
    CodeCheck

    Raises
    ------
    SteepestError
        If the file or function cannot be found or imported.

    Examples
    --------
    >>> def numeric_gradient(f, point, h=1e-5):
    ...     grad = []
    ...     for i in range(len(point)):
    ...         up, down = list(point), list(point)
    ...         up[i] += h
    ...         down[i] -= h
    ...         grad.append((f(up) - f(down)) / (2 * h))
    ...     return grad
    >>> check_gradient_function(numeric_gradient).correct
    True
    """
    return run_battery(
        "gradient function", function, gradient_function_cases(), _compare, timeout=timeout,
        default_name="gradient", changes_inputs=_CHANGES_POINT,
    )


_CHANGES_POINT = ("the exercise says not to change point (after the call it no longer holds "
                  "the numbers it was given): work on a copy, e.g. p = list(point)")


def _compare(case: Case, received: Any) -> str | None:
    exact = case.expected
    n = exact.size
    got = as_array(received, f"a list of {n} number{'s' * (n != 1)}")
    if isinstance(got, str):
        return got
    if got.shape != exact.shape:
        return (f"your function returned {got.size} number{'s' * (got.size != 1)} (shape "
                f"{got.shape}); the gradient at a point with {n} coordinate{'s' * (n != 1)} "
                f"has {n}, one partial derivative per coordinate")
    error = np.abs(got - exact) / (1 + np.abs(exact))
    if np.all(error <= TOLERANCE):
        return None
    i = int(np.argmax(error > TOLERANCE))
    where = f"∂f/∂{'xyz'[i]} is off by {show(got[i] - exact[i])}"
    if np.allclose(-got, exact, rtol=TOLERANCE, atol=TOLERANCE):
        return f"{where}: every sign is flipped"
    if n > 1 and np.allclose(got[::-1], exact, rtol=TOLERANCE, atol=TOLERANCE):
        return f"{where}: the partial derivatives come in reverse order"
    if np.all(error <= 1e-2):
        return (f"{where}: close, but not within {TOLERANCE:g}·(1 + |∂f|); is the step h "
                "too large? central differences (f(x + h) − f(x − h)) / 2h with h ≈ 1e-5 "
                "are far more accurate than one-sided ones")
    return where
