"""Check a learner's own answers to the exercises (see :mod:`steepest.check.exercises`).

- :func:`check_gradient`: a gradient computed by hand, as text (exercise 1);
- :func:`check_gradient_function`: a Python function that computes gradients (exercise 2);
- :func:`check_cost`: the cost function of a digit classifier (exercise 3);
- :func:`check_descent`: one gradient-descent step, and the loop (exercise 4).

The last three run the learner's own code: named as ``"answer.py:function"`` it runs in a
child process with a time limit (:mod:`steepest.check._sandbox`); a Python function is
called directly. Each returns a report whose ``str()`` explains what is wrong and whose
``.correct`` says whether everything is right. Names are imported on first use, so that
checking a cost function never imports SymPy's simplifier.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from steepest._lazy import lazy_exports

__all__ = [
    "MAX_TIMEOUT",
    "CodeCheck",
    "ComponentCheck",
    "GradientCheck",
    "check_cost",
    "check_descent",
    "check_gradient",
    "check_gradient_function",
]

_LAZY = {
    "MAX_TIMEOUT": "steepest.check._sandbox",
    "CodeCheck": "steepest.check._cases",
    "ComponentCheck": "steepest.check.gradient",
    "GradientCheck": "steepest.check.gradient",
    "check_cost": "steepest.check.cost",
    "check_descent": "steepest.check.descent",
    "check_gradient": "steepest.check.gradient",
    "check_gradient_function": "steepest.check.function",
}


__getattr__, __dir__ = lazy_exports(__name__, _LAZY, __all__, globals())


if TYPE_CHECKING:  # pragma: no cover
    from steepest.check._cases import CodeCheck
    from steepest.check._sandbox import MAX_TIMEOUT
    from steepest.check.cost import check_cost
    from steepest.check.descent import check_descent
    from steepest.check.function import check_gradient_function
    from steepest.check.gradient import ComponentCheck, GradientCheck, check_gradient
