"""The gradient: exact and symbolic for typed equations, numeric for Python callables.

:class:`Gradient` holds one SymPy expression per variable (the partial derivatives),
prints them plainly and as LaTeX, and evaluates them fast at a point or on whole grids
through NumPy code compiled once (shared subexpressions computed once, large grids split
across the machine's cores). :func:`numeric_gradient` approximates the gradient of any
Python function by central differences. Descent lives in :mod:`steepest.descent`, the
step-by-step derivations in :mod:`steepest.calculus.derivations`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import sympy

from steepest.calculus.pointwise import GradientAt, explain_at
from steepest.equation import Equation, parse
from steepest.equation import printing as _printing
from steepest.equation.compiled import bind, evaluate, lambdify, point_columns
from steepest.errors import GradientError

__all__ = ["Gradient", "GradientAt", "gradient", "numeric_gradient"]

class Gradient:
    """The gradient ∇f of an equation: its partial derivatives, in variable order.

    Build one with :func:`gradient`. Calling it evaluates the partial derivatives:
    ``g(1, 2)`` or ``g(x=1, y=2)`` at a point, ``g(X, Y)`` on broadcastable arrays (the
    result has the n partial derivatives along its first axis), ``g.at(points)`` on points
    given as rows (the partial derivatives along the last axis). Its picture is
    :func:`steepest.plot.plot_gradient` ``(g, bounds)``.

    Examples
    --------
    >>> g = gradient("x^2 sin(y)")
    >>> print(g)
    ∇f(x, y) = (2·x·sin(y), x²·cos(y))
    >>> g.components
    (2*x*sin(y), x**2*cos(y))
    >>> g(1, 0).tolist()
    [0.0, 1.0]
    >>> g.at([[1, 0], [2, 0]]).tolist()
    [[0.0, 1.0], [0.0, 4.0]]
    >>> print(g.latex())
    \\left( 2 x \\sin{\\left(y \\right)}, \\  x^{2} \\cos{\\left(y \\right)}\\right)
    """

    def __init__(self, equation: Equation) -> None:
        if not equation.variables:
            raise GradientError(
                f"{equation.text or equation.expr!s} is a constant with no variables, so it "
                "has no gradient"
                "\nhint: declare the variables, e.g. f(x) = 5 (its gradient is 0)"
            )
        self.equation = equation
        self.components: tuple[sympy.Expr, ...] = tuple(
            sympy.diff(equation.expr, v) for v in equation.variables
        )
        self._compiled: dict[str, Callable[..., Any]] = {}

    # -- what it is ---------------------------------------------------------------
    @property
    def variables(self) -> tuple[sympy.Symbol, ...]:
        """The variables, in the order of the components."""
        return self.equation.variables

    @property
    def names(self) -> tuple[str, ...]:
        """The variable names, in order."""
        return self.equation.names

    def __len__(self) -> int:
        return len(self.components)

    def __iter__(self):
        return iter(self.components)

    def __getitem__(self, key: int | str) -> sympy.Expr:
        """A partial derivative, by position or by variable name."""
        if isinstance(key, str):
            if key not in self.names:
                raise KeyError(f"no variable {key!r}; the variables are {', '.join(self.names)}")
            key = self.names.index(key)
        return self.components[key]

    @property
    def norm(self) -> sympy.Expr:
        """The gradient's length |∇f| as an expression."""
        return sympy.sqrt(sum((c**2 for c in self.components), sympy.S.Zero))

    def hessian(self) -> sympy.Matrix:
        """The matrix of second partial derivatives."""
        return sympy.hessian(self.equation.expr, self.variables)

    def hessian_at(self, point: Sequence[float] | np.ndarray) -> np.ndarray:
        """The Hessian's value at a point, an ``(n, n)`` array."""
        function = self._compile("hessian", list(self.hessian()))
        n = len(self.variables)
        values = np.asarray(function(*point_columns(point, n)), dtype=float)
        return values.reshape(n, n)

    def directional(self, u: Sequence[Any]) -> sympy.Expr:
        """The derivative along the direction ``u`` (normalised to unit length): ∇f·u/|u|."""
        n = len(self.variables)
        if isinstance(u, str) or len(u) != n:
            raise GradientError(
                f"the direction u must have {n} components, one per variable "
                f"({', '.join(self.names)}); got {u!r}"
            )
        vector = [sympy.nsimplify(c) if isinstance(c, float) else sympy.sympify(c) for c in u]
        length = sympy.sqrt(sum(c**2 for c in vector))
        if length == 0:
            raise GradientError("the direction u is the zero vector; a direction needs a length")
        along = sum(c * d for c, d in zip(self.components, vector, strict=True))
        return sympy.simplify(along / length)

    # -- printing -----------------------------------------------------------------
    def __str__(self) -> str:
        args = ", ".join(_printing.plain(v) for v in self.variables)
        parts = ", ".join(_printing.plain(c) for c in self.components)
        return f"∇{self.equation.name}({args}) = ({parts})"

    def __repr__(self) -> str:
        return f"Gradient({str(self)!r})"

    def latex(self) -> str:
        """The gradient vector as LaTeX."""
        return sympy.latex(sympy.Tuple(*self.components))

    def _repr_latex_(self) -> str:
        args = ", ".join(sympy.latex(v) for v in self.variables)
        return f"$\\displaystyle \\nabla {self.equation.name}({args}) = {self.latex()}$"

    def steps(self) -> list[Any]:
        """How each partial derivative is found, rule by rule (see ``calculus.derivations``)."""
        from steepest.calculus.derivations import derive_all

        return derive_all(self.equation.expr, self.variables)

    # -- evaluation ---------------------------------------------------------------
    def __call__(self, *values: Any, **named: Any) -> np.ndarray:
        """The partial derivatives on broadcastable arrays, stacked along the first axis."""
        arrays = bind(self.names, values, named)
        return evaluate(self._compile("gradient", list(self.components)), arrays, len(self))

    def at(self, points: Sequence[float] | np.ndarray) -> np.ndarray:
        """The gradient at points given as rows: shape ``(n,)`` or ``(..., n)``, returned alike."""
        columns = point_columns(points, len(self))
        stacked = evaluate(self._compile("gradient", list(self.components)), columns, len(self))
        return np.moveaxis(stacked, 0, -1)

    def value_and_grad(self, points: Sequence[float] | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The value of f and its gradient at points given as rows, computed together.

        Returns ``(values, grads)`` with shapes ``points.shape[:-1]`` and ``points.shape``.
        """
        columns = point_columns(points, len(self))
        stacked = evaluate(self.compiled(), columns, len(self) + 1)
        return stacked[0], np.moveaxis(stacked[1:], 0, -1)

    def explain_at(self, point: Sequence[Any]) -> GradientAt:
        """The gradient at one point, exactly and in numbers, with its length and direction.

        Examples
        --------
        >>> print(gradient("x^2 + y^2").explain_at([3, 4]).text())
        at (x, y) = (3, 4):
          f = 25
          ∂f/∂x = 6
          ∂f/∂y = 8
          |∇f| = 10
          steepest ascent along (0.6, 0.8); steepest descent the opposite way
        """
        return explain_at(self, point)

    def compiled(self) -> Callable[..., list[Any]]:
        """The raw compiled function ``(*coordinates) -> [f, ∂f/∂x₁, …, ∂f/∂xₙ]``.

        One argument per variable (numbers or broadcastable arrays); constant results come
        back as plain numbers. No checks and no stacking: the fast path for loops that call
        it many times, such as :func:`steepest.minimize`.
        """
        return self._compile("value_and_grad", [self.equation.expr, *self.components])

    def _compile(self, key: str, exprs: list[sympy.Expr]) -> Callable[..., Any]:
        function = self._compiled.get(key)
        if function is None:
            function = lambdify(exprs, self.variables)
            self._compiled[key] = function
        return function


def gradient(
    f: str | Equation | sympy.Expr | Callable[..., Any],
    variables: Sequence[str] | None = None,
    *,
    at: Sequence[float] | np.ndarray | None = None,
    step: float | None = None,
) -> Any:
    """The gradient of ``f``.

    Parameters
    ----------
    f
        Equation text (``"x^2 sin(y)"``), an :class:`~steepest.Equation`, a SymPy
        expression, or a Python function of one 1-D array returning a number.
    variables
        The variables and their order, for text or a SymPy expression.
    at
        A point. When given, the gradient's value there is returned (an array).
    step
        Central-difference step for a Python function (default: a step scaled to each
        coordinate, about 6e-6·max(1, |x|)).

    Returns
    -------
    Gradient or numpy.ndarray or callable
        For an equation, a :class:`Gradient` (exact); with ``at``, its value there.
        For a Python function, the numeric (approximate) gradient at ``at``, or without
        ``at`` a function ``point -> gradient``.

    Examples
    --------
    >>> gradient("x^2 + 3y^2", at=[1, 1]).tolist()
    [2.0, 6.0]
    >>> import numpy as np
    >>> np.round(gradient(lambda p: p[0] ** 2 + 3 * p[1] ** 2, at=[1, 1]), 6).tolist()
    [2.0, 6.0]
    """
    if isinstance(f, Gradient):
        result = f
    elif isinstance(f, str):
        result = Gradient(parse(f, variables))
    elif isinstance(f, Equation):
        result = Gradient(f)
    elif isinstance(f, sympy.Expr):
        symbols = sorted(f.free_symbols, key=lambda s: s.name)
        if variables is not None:
            by_name = {s.name: s for s in symbols}
            symbols = [by_name.get(name, sympy.Symbol(name, real=True)) for name in variables]
        result = Gradient(Equation(f, tuple(symbols), str(f)))
    elif callable(f):
        if at is None:
            return lambda point: numeric_gradient(f, point, step=step)
        return numeric_gradient(f, at, step=step)
    else:
        raise TypeError(
            "gradient() takes equation text, an Equation, a SymPy expression or a "
            f"Python function; got {type(f).__name__}"
        )
    return result if at is None else result.at(at)


def numeric_gradient(
    f: Callable[[np.ndarray], Any],
    at: Sequence[float] | np.ndarray,
    *,
    step: float | None = None,
) -> np.ndarray:
    """The gradient of a Python function at a point, by central differences.

    Numeric and approximate: each partial derivative is
    (f(x + hₖeₖ) − f(x − hₖeₖ)) / 2hₖ with hₖ = step·max(1, |xₖ|), and ``step`` defaults
    to the cube root of the float64 machine epsilon (≈ 6e-6), which balances truncation
    and rounding error; expect about 10 correct digits for smooth functions.

    Examples
    --------
    >>> round(float(numeric_gradient(lambda p: float(p[0] ** 3), [2.0])[0]), 6)
    12.0
    """
    x = np.array(at, dtype=float)
    if x.ndim != 1 or x.size == 0:
        raise GradientError(
            f"the point must be a flat sequence of numbers, one per variable; got shape {x.shape}"
        )
    if not np.all(np.isfinite(x)):
        raise GradientError(f"the point must be finite; got {x.tolist()}")
    h_scale = np.finfo(float).eps ** (1 / 3) if step is None else float(step)
    if not (h_scale > 0 and math.isfinite(h_scale)):
        raise GradientError(f"step must be a positive finite number; got {step!r}")
    if not math.isfinite(_scalar(f, x)):
        raise GradientError(f"the function is not finite at the point {x.tolist()}")
    grad = np.empty_like(x)
    for k in range(x.size):
        grad[k] = _central_difference(f, x, k, h_scale * max(1.0, abs(x[k])))
    return grad


def _central_difference(f: Callable[[np.ndarray], Any], x: np.ndarray, k: int, h: float) -> float:
    """∂f/∂x_k at x by central differences; near the edge of f's domain the step shrinks.

    When f is not finite a step away (a logarithm near 0, a root near its edge), the step
    is cut by 10 until both sides are finite, then by 100 more for accuracy.
    """
    shrunk = False
    for _ in range(12):
        forward, backward = x.copy(), x.copy()
        forward[k] += h
        backward[k] -= h
        with np.errstate(all="ignore"):
            slope = (_scalar(f, forward) - _scalar(f, backward)) / (forward[k] - backward[k])
        if math.isfinite(slope):
            if not shrunk:
                return slope
            return _central_difference(f, x, k, h / 100) if h > 1e-300 else slope
        h /= 10
        shrunk = True
    raise GradientError(
        f"the numeric derivative along coordinate {k} is not finite at {x.tolist()}: f is not "
        "finite on both sides of the point, however small the step"
        "\nhint: the point may be on the edge of the function's domain"
    )


def _scalar(f: Callable[[np.ndarray], Any], x: np.ndarray) -> float:
    """``f(x)`` as a float, or a clear error when it is not a single number."""
    value = f(x.copy())
    shape = np.shape(value)
    if shape != () and shape != (1,):
        raise GradientError(
            "a gradient is only defined for functions that return a single number; "
            f"the function returned shape {shape}"
        )
    return float(np.reshape(value, ()))
