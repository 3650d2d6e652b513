"""The exercises of the lesson, in its order, each with how to check an answer.

The lesson on gradient descent asks a learner to compute a gradient by hand, to write a
function that computes gradients, to write the cost function of a digit classifier, and
(implicitly) to write the descent loop. :data:`EXERCISES` holds them as
:class:`Exercise` records: a short prompt for the list ``steepest exercises`` prints, the
full text with the function's exact signature, a starting file, and the command that
checks an answer (:mod:`steepest.check` does the checking). Left out: solutions.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["EXERCISES", "Exercise", "get_exercise"]


@dataclass(frozen=True)
class Exercise:
    """One exercise.

    Attributes
    ----------
    number
        Its place in the lesson, from 1.
    name
        The name ``steepest check`` knows it by.
    title
        A few words.
    prompt
        One or two sentences: what to do.
    details
        The full statement: signature, inputs, what is checked.
    check
        The command that checks an answer.
    template
        A file to start from (empty for a pen-and-paper exercise).
    """

    number: int
    name: str
    title: str
    prompt: str
    details: str
    check: str
    template: str = ""

    def text(self) -> str:
        """The whole exercise as plain text, for ``steepest exercises N``."""
        parts = [f"{self.number}. {self.title}", "", self.prompt, "", self.details]
        if self.template:
            parts += ["", "Start from (save as answer.py):", "",
                      _indent(self.template.rstrip())]
        parts += ["", "Check your answer:", "", _indent(self.check)]
        return "\n".join(parts)


def _indent(text: str) -> str:
    return "\n".join("    " + line if line else "" for line in text.splitlines())


EXERCISES: tuple[Exercise, ...] = (
    Exercise(
        1, "gradient", "Compute a gradient by hand",
        "Find both partial derivatives of f(x, y) = x²·sin(y): ∂f/∂x (y held constant) "
        "and ∂f/∂y (x held constant).",
        "Write them as you would on paper, in the order x, y, separated by a comma: "
        "2*x*sin(y), 2x sin(y) and sin(y)·2x are all read the same way, and any form equal "
        "to the right one is right. You may also label them: "
        "\"∂f/∂x = …; ∂f/∂y = …\" (or df/dx, f_x). Wrong ones are shown at a point where "
        "they differ, with the first step of the derivation as a hint; --reveal shows the "
        "right derivative and --show-steps every step. More to try: \"e^(-x^2 - y^2)\", "
        "\"x y + y^3\", \"ln(x^2 + y^2)\".",
        'steepest check gradient "x^2 sin(y)" --answer "<∂f/∂x>, <∂f/∂y>"',
    ),
    Exercise(
        2, "gradient-function", "A function that computes gradients",
        "Write gradient(f, point): the gradient of any function f at a point, found "
        "numerically by nudging one coordinate at a time.",
        "f takes a point (a list of floats, one per variable) and returns a number; point "
        "is such a list, of any length. Return a list of numbers, one partial derivative "
        "per coordinate: (f(point with coordinate i moved by +h) − f(point with it moved "
        "by −h)) / 2h, with a small h such as 1e-5. Do not change point itself (copy it). "
        "It is checked on functions of 1, 2 and 3 variables, at points near and far from "
        "0; each partial derivative must be within 1e-4·(1 + |exact value|).",
        "steepest check gradient-function answer.py:gradient",
        'def gradient(f, point, h=1e-5):\n    """The gradient of f at point, by central '
        'differences."""\n    ...\n',
    ),
    Exercise(
        3, "cost", "The cost of a digit classifier",
        "Write cost(expected, predicted): how wrong a network's 10 outputs are for one "
        "image of a digit, the sum over the outputs of (expected − predicted)².",
        "expected and predicted are NumPy arrays of the same shape. For an image of a 7, "
        "expected is 1 at index 7 and 0 elsewhere (a one-hot vector) and predicted holds "
        "the network's outputs, each between 0 and 1. Return one number: 0 for a perfect "
        "prediction, larger the more wrong it is. It is compared with steepest's "
        "quadratic_cost. Going further (add --batch and --labels to the check): accept a "
        "batch, 2-D arrays with one example a row, whose cost is the sum over all the "
        "examples; and accept expected as the digit itself (an int, or one int per row).",
        "steepest check cost answer.py:cost",
        'import numpy as np\n\n\ndef cost(expected, predicted):\n    """Σ (expected − '
        'predicted)²."""\n    ...\n',
    ),
    Exercise(
        4, "descent", "Gradient descent: one step, then the loop",
        "Write step(x, grad, learning_rate): one step of gradient descent, x − "
        "learning_rate·grad. Then descend(grad_f, start, learning_rate, steps): that step, "
        "repeated.",
        "x, grad and start are 1-D NumPy arrays of floats; grad_f(x) returns the gradient "
        "at x. step returns the new point (changing x in place and returning it is fine). "
        "descend takes exactly `steps` steps from start and returns the last point. The "
        "step is checked on quadratic bowls against steepest's GradientDescent; the loop "
        "must match it after 1 and 10 steps and end within 1e-6 of the bowl's minimum "
        "after 300.",
        "steepest check descent answer.py:step --loop answer.py:descend",
        'def step(x, grad, learning_rate):\n    """One step downhill: x − learning_rate·grad."""'
        '\n    ...\n\n\ndef descend(grad_f, start, learning_rate, steps):\n    """`steps` '
        'steps of gradient descent from start; the last point."""\n    ...\n',
    ),
)


def get_exercise(key: int | str) -> Exercise:
    """An exercise by number (``3`` or ``"3"``) or name (``"cost"``).

    Examples
    --------
    >>> get_exercise("cost").number
    3
    >>> get_exercise(1).name
    'gradient'
    """
    from steepest.errors import CheckError

    for exercise in EXERCISES:
        if str(key).strip().lower() in (str(exercise.number), exercise.name):
            return exercise
    known = ", ".join(f"{e.number} ({e.name})" for e in EXERCISES)
    raise CheckError(f"no exercise {key!r}; the exercises are {known}")
