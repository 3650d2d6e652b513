"""Exercise 3: check a learner's cost function against :func:`steepest.quadratic_cost`.

The exercise: ``cost(expected, predicted) -> float``, the cost of one training example
of a digit classifier, ``Σⱼ (expectedⱼ − predictedⱼ)²``, where both are NumPy arrays of
the same shape (10 outputs for a digit). Two optional extensions are checked only when
asked for: a *batch* (2-D arrays, one example a row; the cost is the sum over all the
examples) and *labels* (``expected`` given as the digit itself, an int, instead of its
one-hot vector). The reference is :func:`steepest.cost.quadratic_cost` with its defaults.

When a value is wrong, the report says which common slip it matches, if any: no square,
a square root, a mean instead of a sum, a factor ½, or a label read one off. Left out:
the cross-entropy cost, and gradients of the cost (backpropagation's business).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from steepest.check._cases import Case, CodeCheck, as_array, run_battery, show

__all__ = ["check_cost", "cost_cases"]


def cost_cases(*, batch: bool = False, labels: bool = False) -> list[Case]:
    """The battery for the cost exercise, in the order it is run.

    Parameters
    ----------
    batch
        Add a batch of examples (rows); the cost is their sum.
    labels
        Add cases where ``expected`` is a digit label rather than a one-hot vector.

    Examples
    --------
    >>> for case in cost_cases():
    ...     print(f"{case.name}: {case.expected:.4g}")
    one example: 0.14
    a perfect prediction: 0
    targets that are not one-hot: 5.25
    a digit classifier (10 outputs): 3.05
    """
    from steepest.cost import one_hot, quadratic_cost

    rng = np.random.default_rng(2024)
    outputs = np.round(rng.uniform(0.02, 0.98, size=(4, 10)), 2)
    digits = np.array([3, 0, 9, 5])
    cases = [
        ([0.0, 1.0, 0.0], [0.2, 0.7, 0.1], "one example", "three outputs, one-hot target"),
        ([0.0, 0.0, 1.0, 0.0], [0.0, 0.0, 1.0, 0.0], "a perfect prediction", "the cost must be 0"),
        ([0.5, -1.0, 2.0], [1.0, 1.0, 1.0], "targets that are not one-hot",
         "any numbers, some differences negative"),
        (one_hot(7, 10), outputs[0], "a digit classifier (10 outputs)",
         "the digit 7 as a one-hot vector"),
    ]
    if batch:
        cases.append((one_hot(digits, 10), outputs, "a batch of 4 examples",
                      "one example a row; the cost is the sum over all of them"))
    if labels:
        cases.append((7, outputs[0], "a digit label",
                      "expected is the int 7, not a one-hot vector"))
    if batch and labels:
        cases.append((digits, outputs, "a batch of labels", "one digit per row of predicted"))
    return [
        Case(name, {"expected": _input(e), "predicted": _input(p)},
             quadratic_cost(_input(e), _input(p)), about)
        for e, p, name, about in cases
    ]


def _input(value: Any) -> Any:
    """A Python int stays an int (a label); anything else becomes an int or float array."""
    if isinstance(value, int):
        return value
    array = np.asarray(value)
    return array if array.dtype.kind in "iu" else array.astype(float)


def check_cost(
    function: str | Callable[..., Any],
    *,
    batch: bool = False,
    labels: bool = False,
    timeout: float = 5.0,
) -> CodeCheck:
    """Check a learner's ``cost(expected, predicted)`` on the battery of :func:`cost_cases`.

    Parameters
    ----------
    function
        ``"path/to/answer.py:cost"`` or ``"module:cost"`` (imported and run in a child
        process with a time limit; the function name defaults to ``cost``), or a Python
        function (called in this process, without a time limit).
    batch, labels
        Also check the optional extensions (see :func:`cost_cases`).
    timeout
        Seconds allowed for each call.

    Returns
    -------
    CodeCheck
        ``.correct`` is True when every case is right; ``str()`` is the report.

    Raises
    ------
    SteepestError
        If the file or function cannot be found or imported.

    Examples
    --------
    >>> import numpy as np
    >>> def cost(expected, predicted):
    ...     return np.sum((expected - predicted) ** 2)
    >>> check_cost(cost).correct
    True
    >>> def mean_cost(expected, predicted):
    ...     return np.mean((expected - predicted) ** 2)
    >>> print(check_cost(mean_cost).first_wrong.problem)
    wrong value: this is the mean over the outputs; the exercise asks for their sum
    """
    cases = cost_cases(batch=batch, labels=labels)
    return run_battery(
        "cost", function, cases, _compare, timeout=timeout, default_name="cost",
        changes_inputs="a cost function should only read its arguments",
    )


def _compare(case: Case, received: Any) -> str | None:
    array = as_array(received, "one number (the cost)")
    if isinstance(array, str):
        return array
    if array.size != 1:
        return (f"your function returned an array of shape {array.shape} where one number "
                "was expected; hint: add the squares up (np.sum)")
    value = float(array.reshape(()))
    expected = case.expected
    if _close(value, expected):
        return None
    slip = _slip(case, value)
    if slip is not None:
        return f"wrong value: {slip}"
    return f"wrong value: off by {show(value - expected)}"


def _close(value: float, expected: float) -> bool:
    return bool(np.isclose(value, expected, rtol=1e-6, atol=1e-9))


def _slip(case: Case, value: float) -> str | None:
    """Which common mistake ``value`` matches, in words, or None."""
    from steepest.cost import one_hot, quadratic_cost

    e, p = case.inputs["expected"], case.inputs["predicted"]
    y = one_hot(e, p.shape[-1]) if np.ndim(e) < np.ndim(p) else e
    difference = y - p
    slips = [
        (float(np.sum(difference)), "this is Σ(expected − predicted) without squaring"),
        (float(np.sum(np.abs(difference))), "this adds |expected − predicted|; square instead"),
        (float(np.sqrt(case.expected)), "this is the length ‖expected − predicted‖, the "
                                        "square root of the cost; leave the root out"),
        (case.expected / p.shape[-1], "this is the mean over the outputs; the exercise asks "
                                      "for their sum"),
        (case.expected / 2, "this is ½·Σ(…)²; the exercise's cost has no ½"),
    ]
    if p.ndim == 2:
        slips.append((case.expected / p.shape[0], "this is the mean over the examples of the "
                                                  "batch; the exercise asks for their sum"))
        slips.append((float(np.sum((y - p)[0] ** 2)), "this is the cost of the first row "
                                                      "only; add up every example"))
    if np.ndim(e) < np.ndim(p):
        for shift in (-1, 1):
            moved = np.asarray(e) + shift
            if np.all((moved >= 0) & (moved < p.shape[-1])):
                slips.append((quadratic_cost(moved, p), f"this is the cost for the label "
                              f"{'minus' if shift < 0 else 'plus'} one; the label k means a 1 "
                              "at index k, counting from 0"))
    for candidate, words in slips:
        if _close(value, candidate) and not _close(candidate, case.expected):
            return words
    if np.ndim(e) < np.ndim(p):
        return (f"expected is a label here ({show(e)}), not a one-hot vector; turn it into "
                "one first: zeros, with a 1 at the label's index")
    return None
