"""The function to descend, made ready for the loops of :mod:`steepest.descent`.

:class:`Objective` turns what a user may pass as ``f`` (equation text, an
:class:`~steepest.Equation`, a SymPy expression, a :class:`~steepest.Gradient`, or a
Python function of a 1-D array with or without its gradient) into two functions: the
value, gradient and gradient norm at one point (``point``, cheap, for a single start), and
the values and gradients at the rows of an ``(m, n)`` array (``rows``, for many starts).

What it leaves out: differentiation itself (:mod:`steepest.calculus.gradients`), the loops and
their stopping rules (:mod:`steepest.descent.loops`), and the checks of the other
arguments of :func:`~steepest.minimize` (:mod:`steepest.descent`).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from steepest.errors import DescentError

__all__ = ["Objective"]


class Objective:
    """``f`` made ready for descent: value and gradient at one point (fast) or at rows.

    Parameters
    ----------
    f
        Equation text, an Equation, a SymPy expression, a Gradient, or a Python function
        of a 1-D array returning a number.
    grad
        For a Python function ``f``: its gradient (else central differences are used).
    n
        The number of coordinates of the start(s), checked against the variables.

    Attributes
    ----------
    point : callable
        ``point(x) -> (value, gradient, gradient norm)`` at one point of shape ``(n,)``.
    rows : callable
        ``rows(X) -> (values, gradients)`` at the rows of ``X``, shapes ``(m,)``, ``(m, n)``.
    names : tuple of str
        The variable names (``x1, x2, ...`` for a Python function).
    gradient : Gradient or None
        The exact gradient, for an equation.
    """

    def __init__(self, f: Any, grad: Callable[[np.ndarray], Any] | None, n: int) -> None:
        import sympy

        from steepest.calculus.gradients import Gradient, gradient
        from steepest.equation import Equation

        if isinstance(f, (str, Equation, sympy.Expr)):
            f = gradient(f)
        self.gradient = f if isinstance(f, Gradient) else None
        if self.gradient is not None:
            if grad is not None:
                raise DescentError("grad= is only for a Python function f; an equation's "
                                   "gradient is exact already")  # fmt: skip
            self._check_count(n, f.names, f.equation)
            compiled = f.compiled()

            def point(x: np.ndarray) -> tuple[float, np.ndarray, float]:
                out = compiled(*x)
                partials = out[1:]
                return float(out[0]), np.array(partials, dtype=float), math.hypot(*partials)

            def rows(X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
                # the compiled code of Gradient.value_and_grad, called on the columns
                # directly (contiguous when X is in Fortran order) and without stacking
                out = compiled(*X.T)
                m = len(X)
                V = out[0] if np.shape(out[0]) == (m,) else np.full(m, out[0], dtype=float)
                G = np.empty(X.shape, order="F")
                for j, partial in enumerate(out[1:]):
                    G[:, j] = partial
                return V, G

            self.point, self.rows, self.names = point, rows, f.names
        elif callable(f):
            if grad is not None and not callable(grad):
                raise TypeError(f"grad must be a function of a 1-D array, got {grad!r}")
            self.function, self.grad = f, grad
            self.point, self.rows = self._point, self._rows
            self.names = tuple(f"x{i + 1}" for i in range(n))
        else:
            raise TypeError(
                "f must be equation text, an Equation, a Gradient or a Python function of a "
                f"1-D array; got {type(f).__name__}"
            )

    @staticmethod
    def _check_count(n: int, names: tuple[str, ...], equation: Any) -> None:
        if not names:
            raise DescentError(f"{equation} has no variables: there is nothing to descend along")
        if n != len(names):
            hint = (" hint: for many starts of a one-variable function, give them as a "
                    "column, shape (m, 1)" if len(names) == 1 else "")  # fmt: skip
            raise DescentError(
                f"the start has {n} coordinates, but {equation} has {len(names)} variables "
                f"({', '.join(names)}), in that order.{hint}"
            )

    def _point(self, x: np.ndarray) -> tuple[float, np.ndarray, float]:
        if not np.isfinite(x).all():
            return math.nan, np.full(x.shape, math.nan), math.nan
        value = self.function(x.copy())
        if np.shape(value) not in ((), (1,)):
            raise DescentError(
                "descent needs a function that returns a single number; f returned shape "
                f"{np.shape(value)}"
            )
        if self.grad is None:
            from steepest.calculus.gradients import numeric_gradient

            g = numeric_gradient(self.function, x)
        else:
            g = np.array(self.grad(x.copy()), dtype=float)
            if g.shape != x.shape:
                raise DescentError(f"grad must return an array of shape {x.shape} (one "
                                   f"entry per coordinate); it returned shape {g.shape}")
        return float(np.reshape(value, ())), g, math.hypot(*g)

    def _rows(self, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        pairs = [self._point(x) for x in X]
        return np.array([p[0] for p in pairs]), np.array([p[1] for p in pairs])

    def hessian_at(self, x: np.ndarray) -> np.ndarray | None:
        """The Hessian at ``x`` for an equation (exact), else None."""
        return None if self.gradient is None else self.gradient.hessian_at(x)
