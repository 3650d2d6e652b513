"""The functions the checks give a learner's code, with their equations for the reports.

A :class:`Surface` (the ``f`` of ``gradient(f, point)``) and a :class:`BowlGradient`
(the ``grad_f`` of the descent loop) are small frozen dataclasses whose ``repr`` says in
maths what they are, for the reports. A learner's code never gets them: in the child
process (:mod:`steepest.check._sandbox`) it gets a plain function named ``name`` that
asks the checker for each value, and in this process a plain function that calls them.
They need only :mod:`math` and NumPy. Left out: anything a learner's code returns.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

__all__ = ["SURFACES", "BowlGradient", "Surface"]

_NAMES = "xyz"


@dataclass(frozen=True)
class Surface:
    """A function of one point (a list or array of coordinates) returning a number.

    Attributes
    ----------
    text
        The same function as steepest equation text, variables in the point's order.
    formula
        A module-level Python function of the point.
    n
        The number of coordinates of a point.
    """

    text: str
    formula: Callable[[Sequence[float]], float]
    n: int = 2
    #: what a learner's code calls it (the name of the plain function it is given)
    name: ClassVar[str] = "f"

    def __call__(self, point: Sequence[float]) -> float:
        return float(self.formula(point))

    def __repr__(self) -> str:
        return f"f, with f([{', '.join(_NAMES[: self.n])}]) = {self.text}"


def _bowl(p: Sequence[float]) -> float:
    return p[0] ** 2 + 3 * p[1] ** 2


def _seed(p: Sequence[float]) -> float:
    return p[0] ** 2 * math.sin(p[1])


def _cube(p: Sequence[float]) -> float:
    return p[0] ** 3


def _three(p: Sequence[float]) -> float:
    return p[0] * p[1] * p[2] + math.exp(p[0])


def _circle(p: Sequence[float]) -> float:
    return p[0] ** 2 + p[1] ** 2


def _bump(p: Sequence[float]) -> float:
    return math.exp(-(p[0] ** 2) - p[1] ** 2)


SURFACES: dict[str, Surface] = {
    "bowl": Surface("x^2 + 3y^2", _bowl),
    "seed": Surface("x^2 sin(y)", _seed),
    "cube": Surface("x^3", _cube, 1),
    "three": Surface("x y z + e^x", _three, 3),
    "circle": Surface("x^2 + y^2", _circle),
    "bump": Surface("e^(-x^2 - y^2)", _bump),
}


@dataclass(frozen=True)
class BowlGradient:
    """The gradient of ``f(x) = Σᵢ scaleᵢ·(xᵢ − centerᵢ)²``, whose minimum is ``center``.

    Examples
    --------
    >>> grad_f = BowlGradient((1.0, -2.0), (1.0, 5.0))
    >>> grad_f([3.0, -1.0]).tolist()
    [4.0, 10.0]
    >>> grad_f
    grad_f, the gradient of f(x, y) = (x − 1)² + 5·(y + 2)²
    """

    center: tuple[float, ...]
    scales: tuple[float, ...]
    #: what a learner's code calls it (the name of the plain function it is given)
    name: ClassVar[str] = "grad_f"

    @property
    def n(self) -> int:
        """The number of coordinates of a point."""
        return len(self.center)

    def __call__(self, x: Any) -> np.ndarray:
        x = np.asarray(x, dtype=float)
        return 2 * np.asarray(self.scales) * (x - np.asarray(self.center))

    def __repr__(self) -> str:
        terms = []
        for name, c, s in zip(_NAMES, self.center, self.scales, strict=False):
            base = name if c == 0 else f"({name} {'−' if c > 0 else '+'} {abs(c):g})"
            terms.append(f"{'' if s == 1 else f'{s:g}·'}{base}²")
        args = ", ".join(_NAMES[: len(self.center)])
        return f"grad_f, the gradient of f({args}) = {' + '.join(terms)}"
