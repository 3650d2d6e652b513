"""The gradient: exact and symbolic for typed equations, numeric for Python callables.

:class:`Gradient` holds one SymPy expression per variable (the partial derivatives),
prints them plainly and as LaTeX, and evaluates them fast at a point or on whole grids
through NumPy code compiled once (shared subexpressions computed once, large grids split
across the machine's cores). :func:`numeric_gradient` approximates the gradient of any
Python function by central differences. Descent lives in :mod:`steepest.descent`, the
step-by-step derivations in :mod:`steepest.steps`.
"""

from __future__ import annotations

import itertools
import math
import os
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
import sympy

from steepest import _printing
from steepest.equation import Equation, parse
from steepest.errors import SteepestError

__all__ = ["Gradient", "GradientAt", "gradient", "numeric_gradient"]

# Grids with at least this many points are split into slices evaluated in parallel
# threads (NumPy's ufuncs release the GIL on large arrays).
_PARALLEL_MIN_SIZE = 100_000
_WORKERS = max(1, min(4, os.cpu_count() or 1))
_pool: ThreadPoolExecutor | None = None


class Gradient:
    """The gradient ∇f of an equation: its partial derivatives, in variable order.

    Build one with :func:`gradient`. Calling it evaluates the partial derivatives:
    ``g(1, 2)`` or ``g(x=1, y=2)`` at a point, ``g(X, Y)`` on broadcastable arrays (the
    result has the n partial derivatives along its first axis), ``g.at(points)`` on points
    given as rows (the partial derivatives along the last axis).

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
            raise SteepestError(
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
        values = np.asarray(function(*_point(point, n)), dtype=float)
        return values.reshape(n, n)

    def directional(self, u: Sequence[Any]) -> sympy.Expr:
        """The derivative along the direction ``u`` (normalised to unit length): ∇f·u/|u|."""
        n = len(self.variables)
        if isinstance(u, str) or len(u) != n:
            raise SteepestError(
                f"the direction u must have {n} components, one per variable "
                f"({', '.join(self.names)}); got {u!r}"
            )
        vector = [sympy.nsimplify(c) if isinstance(c, float) else sympy.sympify(c) for c in u]
        length = sympy.sqrt(sum(c**2 for c in vector))
        if length == 0:
            raise SteepestError("the direction u is the zero vector; a direction needs a length")
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

    def plot(self, bounds: Sequence[tuple[float, float]] | None = None, **options: Any) -> Any:
        """The picture of f that fits: a contour map with this gradient field (two variables),
        a graph with tangents (one); see :func:`steepest.plot.plot_gradient`."""
        from steepest.plot import plot_gradient

        return plot_gradient(self, bounds, **options)

    def steps(self) -> list[Any]:
        """How each partial derivative is found, rule by rule (see :mod:`steepest.steps`)."""
        from steepest.steps import derive_all

        return derive_all(self.equation.expr, self.variables)

    # -- evaluation ---------------------------------------------------------------
    def __call__(self, *values: Any, **named: Any) -> np.ndarray:
        """The partial derivatives on broadcastable arrays, stacked along the first axis."""
        arrays = _bind(self.names, values, named)
        return _evaluate(self._compile("gradient", list(self.components)), arrays, len(self))

    def at(self, points: Sequence[float] | np.ndarray) -> np.ndarray:
        """The gradient at points given as rows: shape ``(n,)`` or ``(..., n)``, returned alike."""
        columns = _point(points, len(self))
        stacked = _evaluate(self._compile("gradient", list(self.components)), columns, len(self))
        return np.moveaxis(stacked, 0, -1)

    def value_and_grad(self, points: Sequence[float] | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The value of f and its gradient at points given as rows, computed together.

        Returns ``(values, grads)`` with shapes ``points.shape[:-1]`` and ``points.shape``.
        """
        columns = _point(points, len(self))
        stacked = _evaluate(self.compiled(), columns, len(self) + 1)
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
        n = len(self.variables)
        if isinstance(point, str) or len(point) != n:
            raise SteepestError(
                f"expected a point with {n} coordinates ({', '.join(self.names)}); got {point!r}"
            )
        exact_point = tuple(
            sympy.nsimplify(p) if isinstance(p, float) else sympy.sympify(p) for p in point
        )
        where = dict(zip(self.variables, exact_point, strict=True))
        name = self.equation.name
        f_exact = self.equation.expr.subs(where)
        f = _real_number(f_exact, name, huge=True)
        _check_differentiable(self.equation.expr, where, name)
        exact = tuple(c.subs(where) for c in self.components)
        values = [_real_number(e, f"∂{name}/∂{v}") for v, e in zip(self.names, exact, strict=True)]
        gradient_at = GradientAt(self, exact_point, exact, np.array(values),
                                 f if math.isfinite(f) else None)
        if not math.isfinite(gradient_at.norm):
            raise SteepestError(
                f"|∇{name}| is too large for floating point at this point "
                f"(the largest component is about {max(map(abs, values)):.3g})"
            )
        return gradient_at

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
            function = _lambdify(exprs, self.variables)
            self._compiled[key] = function
        return function


def _real_number(value: sympy.Expr, what: str, *, huge: bool = False) -> float:
    """``value`` as a float, or a SteepestError saying why it is not a usable real number.

    With ``huge``, a real number too large for floating point gives ±inf instead of an error.
    """
    number = value.evalf(30)
    if number.has(sympy.zoo, sympy.oo, sympy.S.NegativeInfinity):
        raise SteepestError(
            f"{what} is infinite at this point"
            "\nhint: f is undefined or has a vertical slope there; try a point next to it"
        )
    if number.has(sympy.I) or number.is_real is False:
        raise SteepestError(
            f"{what} is not a real number at this point ({_short_text(value)})"
            "\nhint: the point is outside the function's domain"
        )
    try:
        result = float(number)
    except TypeError:
        raise SteepestError(
            f"{what} has no value at this point ({_short_text(value)})"
            "\nhint: the point is outside the function's domain, or f has a kink or a jump there"
        ) from None
    if math.isnan(result):
        raise SteepestError(f"{what} is not defined at this point ({_short_text(value)})"
                            "\nhint: the point is outside the function's domain")
    if math.isinf(result) and not huge:
        raise SteepestError(
            f"{what} is about {sympy.N(number, 4)}, too large for floating point numbers"
            "\nhint: choose a point where the values are smaller"
        )
    return result


_KINKS = (sympy.Abs, sympy.sign, sympy.Heaviside, sympy.DiracDelta, sympy.Max, sympy.Min)


def _check_differentiable(f: sympy.Expr, where: dict[Any, Any], name: str) -> None:
    """Refuse a point where f has a kink or a jump, so that no gradient exists there.

    Only points where one of f's non-smooth parts (``|u|``, ``sign(u)``, ``max``, ``min``,
    steps) sits exactly on its edge are examined: there f's one-sided slopes along each
    variable, computed exactly with a tiny rational step, must agree.
    """
    on_edge = False
    for kink in f.atoms(*_KINKS):
        args = [a.subs(where) for a in kink.args]
        if isinstance(kink, (sympy.Max, sympy.Min)):
            on_edge |= len(set(args)) < len(args)
        else:
            on_edge |= args[0] == 0
    if not on_edge:
        return
    h = sympy.Rational(1, 10**12)
    at = f.subs(where)
    for var in where:
        moved = dict(where)
        moved[var] = where[var] + h
        right = (f.subs(moved) - at) / h
        moved[var] = where[var] - h
        left = (at - f.subs(moved)) / h
        gap = abs(complex((right - left).evalf(40)))
        jump = abs(complex(((right + left) * h).evalf(40)))  # f(x + h) − f(x − h)
        if jump > 1e-6 or gap > 1e-6 * (1 + abs(complex(right.evalf(40)))
                                        + abs(complex(left.evalf(40)))):
            raise SteepestError(
                f"∂{name}/∂{_printing.plain(var)} does not exist at this point: {name} has a "
                "kink or a jump there (its slope differs on the two sides)"
                "\nhint: try a point next to it"
            )


def _short_text(value: sympy.Expr) -> str:
    """``value`` printed, or its numeric value when the exact form is very long."""
    text = _printing.plain(value)
    return text if len(text) <= 60 else f"about {sympy.N(value, 4)}"


class GradientAt:
    """The gradient at one point: exact values, numbers, length and direction of ascent."""

    def __init__(self, gradient: Gradient, point: tuple[sympy.Expr, ...],
                 exact: tuple[sympy.Expr, ...], values: np.ndarray, value: float | None) -> None:
        self.gradient = gradient
        self.point = point
        self.exact = exact
        self.values = values
        self.value = value
        self.norm = math.hypot(*values)  # scaled: no overflow while the result is finite
        self.direction = (values / self.norm if 0 < self.norm < math.inf
                          else None)

    def text(self) -> str:
        """The values as lines of text, exact where SymPy gives a short exact form."""
        g, name = self.gradient, self.gradient.equation.name
        names = ", ".join(_printing.plain(v) for v in g.variables)
        where = ", ".join(
            text if len(text := _printing.plain(p)) <= 20 else _number(float(p))
            for p in self.point
        )
        lines = [f"at ({names}) = ({where}):"]
        if self.value is not None:
            lines.append(f"  {name} = {_number(self.value)}")
        for var, exact, number in zip(g.variables, self.exact, self.values, strict=True):
            shown, approx = _printing.plain(exact), _number(number)
            text = ("= " + shown if shown == approx else
                    f"≈ {approx}" if len(shown) > 40 else f"= {shown} ≈ {approx}")
            lines.append(f"  ∂{name}/∂{_printing.plain(var)} {text}")
        norm = _number(self.norm)
        exact_norm = self.norm < 1e15 and float(norm).is_integer() and self.norm == float(norm)
        lines.append(f"  |∇{name}| {'=' if exact_norm else '≈'} {norm}")
        if self.direction is None:
            lines.append("  the gradient is zero here: a stationary point, with no direction "
                         "of steepest ascent")
        else:
            direction = ", ".join(_number(d) for d in self.direction)
            lines.append(f"  steepest ascent along ({direction}); steepest descent the "
                         "opposite way")
        return "\n".join(lines)

    def as_dict(self) -> dict[str, Any]:
        """The values as plain JSON-ready data."""
        return {
            "at": {n: float(p) for n, p in zip(self.gradient.names, self.point, strict=True)},
            "value": self.value,
            "gradient_at": self.values.tolist(),
            "gradient_at_exact": [str(e) for e in self.exact],
            "norm": self.norm,
            "ascent_direction": None if self.direction is None else self.direction.tolist(),
        }


def _number(value: float) -> str:
    return f"{value:.6g}"


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
        raise SteepestError(
            f"the point must be a flat sequence of numbers, one per variable; got shape {x.shape}"
        )
    if not np.all(np.isfinite(x)):
        raise SteepestError(f"the point must be finite; got {x.tolist()}")
    h_scale = np.finfo(float).eps ** (1 / 3) if step is None else float(step)
    if not (h_scale > 0 and math.isfinite(h_scale)):
        raise SteepestError(f"step must be a positive finite number; got {step!r}")
    if not math.isfinite(_scalar(f, x)):
        raise SteepestError(f"the function is not finite at the point {x.tolist()}")
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
    raise SteepestError(
        f"the numeric derivative along coordinate {k} is not finite at {x.tolist()}: f is not "
        "finite on both sides of the point, however small the step"
        "\nhint: the point may be on the edge of the function's domain"
    )


def _scalar(f: Callable[[np.ndarray], Any], x: np.ndarray) -> float:
    """``f(x)`` as a float, or a clear error when it is not a single number."""
    value = f(x.copy())
    shape = np.shape(value)
    if shape != () and shape != (1,):
        raise SteepestError(
            "a gradient is only defined for functions that return a single number; "
            f"the function returned shape {shape}"
        )
    return float(np.reshape(value, ()))


# -- compiled evaluation ---------------------------------------------------------------


def _dirac_delta(u: Any) -> Any:
    """The derivative of a step, numerically: 0 away from the step, undefined (NaN) on it."""
    u = np.asarray(u, dtype=float)
    return np.where(u == 0, np.nan, 0.0)


# what NumPy has no function for: the derivative of sign(u) is 2·DiracDelta(u)
_NUMERIC_EXTRAS = {"DiracDelta": _dirac_delta}


def _lambdify(exprs: list[sympy.Expr], variables: Sequence[sympy.Symbol]) -> Callable[..., Any]:
    """NumPy code for ``exprs``, with common subexpressions computed once."""
    return sympy.lambdify(list(variables), exprs, modules=[_NUMERIC_EXTRAS, "numpy"], cse=True,
                          docstring_limit=0)


def _compile_scalar(expr: sympy.Expr, variables: Sequence[sympy.Symbol]) -> Callable[..., Any]:
    """A function of one argument per variable giving ``expr`` on broadcastable arrays."""
    function = _lambdify([expr], variables)
    return lambda *arrays: _evaluate(function, [np.asarray(a, dtype=float) for a in arrays], 1)[0]


def _bind(names: Sequence[str], values: Sequence[Any], named: Mapping[str, Any]) -> list[Any]:
    """Arguments given by position or by name, as a list in variable order."""
    n = len(names)
    if values and named:
        raise TypeError("give the values either all by position or all by name, not both")
    if named:
        unknown = sorted(set(named) - set(names))
        missing = [name for name in names if name not in named]
        if unknown or missing:
            raise TypeError(
                f"expected values for ({', '.join(names)})"
                + (f"; unknown: {', '.join(unknown)}" if unknown else "")
                + (f"; missing: {', '.join(missing)}" if missing else "")
            )
        values = tuple(named[name] for name in names)
    if len(values) != n:
        hint = " (for a point given as one sequence, use .at(point))" if len(values) == 1 else ""
        raise TypeError(f"expected {n} values, one for each of ({', '.join(names)}); "
                        f"got {len(values)}{hint}")
    return [np.asarray(v, dtype=float) for v in values]


def _point(points: Sequence[float] | np.ndarray, n: int) -> list[np.ndarray]:
    """The columns of points given as rows, one array per variable."""
    array = np.asarray(points, dtype=float)
    if array.ndim == 0 and n == 1:  # one variable: a number is a point
        array = array.reshape(1)
    if array.ndim == 0 or array.shape[-1] != n:
        raise SteepestError(
            f"expected points with {n} coordinates along the last axis; got shape {array.shape}"
        )
    return [array[..., k] for k in range(n)]


def _evaluate(function: Callable[..., Any], arrays: list[np.ndarray], count: int) -> np.ndarray:
    """Call a compiled function and stack its ``count`` results into one float array.

    Inputs that repeat along an axis (the coordinate arrays of ``numpy.meshgrid``) are
    first reduced to that axis's single slice, so that the functions of one coordinate are
    computed once per row or column rather than once per grid point; large grids are then
    cut along their first axis and the slices computed in parallel.
    """
    shape = np.broadcast_shapes(*(a.shape for a in arrays)) if arrays else ()
    out = np.empty((count, *shape))
    arrays = [_squeeze_repeats(a) for a in arrays]
    size = math.prod(shape)
    if size < _PARALLEL_MIN_SIZE or _WORKERS == 1 or shape[0] < 2 * _WORKERS:
        _fill(out, function(*arrays))
        return out
    padded = [a.reshape((1,) * (len(shape) - a.ndim) + a.shape) for a in arrays]
    bounds = np.linspace(0, shape[0], 2 * _WORKERS + 1).astype(int)

    errors = np.geterr()  # worker threads follow the caller's floating-point error settings

    def work(lo: int, hi: int) -> None:
        part = [a[lo:hi] if a.shape[0] > 1 else a for a in padded]
        with np.errstate(**errors):
            _fill(out[:, lo:hi], function(*part))

    global _pool
    if _pool is None:
        _pool = ThreadPoolExecutor(_WORKERS, thread_name_prefix="steepest-eval")
    for future in [_pool.submit(work, lo, hi) for lo, hi in itertools.pairwise(bounds)]:
        future.result()
    return out


def _squeeze_repeats(array: np.ndarray) -> np.ndarray:
    """``array`` reduced to length 1 along every axis it is constant along (same values)."""
    if array.ndim < 2 or array.size < _PARALLEL_MIN_SIZE:
        return array
    for axis in range(array.ndim):
        if array.shape[axis] == 1:
            continue
        first = np.take(array, [0], axis=axis)
        last = np.take(array, [-1], axis=axis)
        # a cheap look at the two ends rules out most arrays before the full comparison
        if np.array_equal(first, last) and (array == first).all():
            array = first
    return array


def _fill(out: np.ndarray, results: Sequence[Any]) -> None:
    for k, value in enumerate(results):
        out[k] = value
