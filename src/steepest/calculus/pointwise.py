"""The gradient at one point, exactly and in numbers, and the reasons it may not exist.

:class:`GradientAt` holds the exact values SymPy gives at a point, their floats, the
gradient's length and the direction of steepest ascent. Points where no gradient exists
(a kink, a jump, an infinite slope, outside the domain, values beyond floating point) are
refused with the reason. Building gradients is :mod:`steepest.calculus.gradients`' business.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np
import sympy

from steepest.calculus.exact import TooLargeError as _TooLargeError
from steepest.calculus.exact import exact_at
from steepest.equation import printing as _printing
from steepest.errors import GradientError

if TYPE_CHECKING:  # pragma: no cover
    from steepest.calculus.gradients import Gradient


def explain_at(g: Gradient, point: Any) -> GradientAt:
    """What :meth:`steepest.gradients.Gradient.explain_at` returns (see there).

    Values are exact where their exact numbers stay within the parser's bounds
    (:func:`exact_at`); past them f and the gradient are evaluated in floating point,
    and a value that overflows there is said to (f), or refused with the reason (∂f).
    """
    n = len(g.variables)
    if isinstance(point, str) or len(point) != n:
        raise GradientError(
            f"expected a point with {n} coordinates ({', '.join(g.names)}); got {point!r}"
        )
    exact_point = tuple(
        sympy.nsimplify(p) if isinstance(p, float) else sympy.sympify(p) for p in point
    )
    where = dict(zip(g.variables, exact_point, strict=True))
    name = g.equation.name
    try:
        f_exact = exact_at(g.equation.expr, where)
        exact: tuple[sympy.Expr | None, ...] = tuple(exact_at(c, where) for c in g.components)
    except _TooLargeError:
        return _in_floats(g, exact_point)
    f = _real_number(f_exact, name, huge=True)
    _check_differentiable(g.equation.expr, where, name)
    values = [_component(g, where, e, formula, f"∂{name}/∂{v}", f)
              for v, e, formula in zip(g.names, exact, g.components, strict=True)]
    gradient_at = GradientAt(g, exact_point, exact, np.array(values),
                             f if math.isfinite(f) else None)
    if not math.isfinite(gradient_at.norm):
        raise GradientError(
            f"|∇{name}| is too large for floating point at this point "
            f"(the largest component is about {max(map(abs, values)):.3g})"
        )
    return gradient_at


def _component(g: Gradient, where: dict[Any, Any], exact: sympy.Expr, formula: sympy.Expr,
               what: str, f: float) -> float:
    """One partial derivative at the point as a float, or the reason it has none.

    Where f is defined but the derivative's formula has no value (0/0, as that of
    sqrt(x² + y²) at its tip), the point is in f's domain: f itself is examined along each
    variable, as at a ``|u|``, and a kink, jump or infinite slope found there is named.
    """
    if not math.isfinite(f) or not _undefined(exact.evalf(30)):
        return _real_number(exact, what)
    name = g.equation.name
    _check_differentiable(g.equation.expr, where, name, anywhere=True)
    raise GradientError(
        f"{what} has no value at this point: its formula is undefined there "
        f"({what} = {_short_text(formula)}), though {name} is defined ({name} = {f:.6g})"
        "\nhint: try a point next to it"
    )


def _undefined(number: sympy.Expr) -> bool:
    """Whether a value has no number at all (nan, as 0/0 gives), rather than an infinite
    or a complex one."""
    if number is sympy.nan:
        return True
    if number.has(sympy.I, sympy.zoo, sympy.oo, sympy.S.NegativeInfinity) or (
            number.is_real is False):
        return False
    try:
        return math.isnan(float(number))
    except TypeError:
        return True


def _in_floats(g: Gradient, exact_point: tuple[sympy.Expr, ...]) -> GradientAt:
    """The gradient at a point in floating point, for values too large to compute exactly."""
    name = g.equation.name
    coordinates = [np.asarray(float(p)) for p in exact_point]  # NumPy: overflow gives inf
    with np.errstate(all="ignore"):
        try:
            f, *parts = (complex(v) for v in g.compiled()(*coordinates))
        except (ArithmeticError, ValueError, TypeError):
            f, parts = complex("nan"), [complex("nan")] * len(coordinates)
    values = []
    for var, part in zip(g.names, parts, strict=True):
        what = f"∂{name}/∂{var}"
        if math.isinf(f.real) and (part.imag != 0 or math.isnan(part.real)):
            part = complex(f.real)  # inf·0 or inf − inf, in a derivative of what overflows
        if part.imag != 0 or math.isnan(part.real):
            raise GradientError(
                f"{what} is too large to evaluate exactly at this point, and floating point "
                "gives it no value\nhint: choose a point where the values are smaller"
            )
        if math.isinf(part.real):
            raise GradientError(
                f"{what} is too large to evaluate exactly at this point, and overflows to "
                f"{'-' if part.real < 0 else ''}infinity in floating point"
                "\nhint: choose a point where the values are smaller"
            )
        values.append(part.real)
    value = f.real if f.imag == 0 and math.isfinite(f.real) else None
    note = "too large to evaluate exactly: these values are floating-point ones"
    if value is None and f.imag == 0 and math.isinf(f.real):
        note += f"; {name} itself overflows to {'-' if f.real < 0 else ''}infinity"
    at = GradientAt(g, exact_point, (None,) * len(values), np.array(values), value, note)
    if not math.isfinite(at.norm):
        raise GradientError(f"|∇{name}| is too large for floating point at this point")
    return at


def _real_number(value: sympy.Expr, what: str, *, huge: bool = False) -> float:
    """``value`` as a float, or a SteepestError saying why it is not a usable real number.

    With ``huge``, a real number too large for floating point gives ±inf instead of an error.
    """
    number = value.evalf(30)
    if number.has(sympy.zoo, sympy.oo, sympy.S.NegativeInfinity):
        raise GradientError(
            f"{what} is infinite at this point"
            "\nhint: f is undefined or has a vertical slope there; try a point next to it"
        )
    if number.has(sympy.I) or number.is_real is False:
        raise GradientError(
            f"{what} is not a real number at this point ({_short_text(value)})"
            "\nhint: the point is outside the function's domain"
        )
    try:
        result = float(number)
    except TypeError:
        raise GradientError(
            f"{what} has no value at this point ({_short_text(value)})"
            "\nhint: the point is outside the function's domain, or f has a kink or a jump there"
        ) from None
    if math.isnan(result):
        raise GradientError(f"{what} is not defined at this point ({_short_text(value)})"
                            "\nhint: the point is outside the function's domain")
    if math.isinf(result) and not huge:
        raise GradientError(
            f"{what} is about {_about(number)}, too large for floating point numbers"
            "\nhint: choose a point where the values are smaller"
        )
    return result


_KINKS = (sympy.Abs, sympy.sign, sympy.Heaviside, sympy.DiracDelta, sympy.Max, sympy.Min)


def _check_differentiable(f: sympy.Expr, where: dict[Any, Any], name: str, *,
                          anywhere: bool = False) -> None:
    """Refuse a point where f has a kink, a jump or an infinite slope along a variable.

    Only points where one of f's non-smooth parts (``|u|``, ``sign(u)``, ``max``, ``min``,
    steps) sits exactly on its edge are examined: there f is evaluated exactly on both
    sides along each variable at two tiny rational steps, 1e-12 and 1e-18 (see
    :func:`_one_variable`); with ``anywhere``, every point is. The refusal says what was
    found: the two one-sided slopes (a kink), the values on the two sides (a jump), or an
    infinite slope.
    """
    try:
        return _check_kinks(f, where, name, anywhere=anywhere)
    except _TooLargeError:
        return  # numbers too large to look closely; the values say what they can


def _check_kinks(f: sympy.Expr, where: dict[Any, Any], name: str, *, anywhere: bool) -> None:
    on_edge = anywhere
    for kink in () if anywhere else f.atoms(*_KINKS):
        args = [exact_at(a, where) for a in kink.args]
        if isinstance(kink, (sympy.Max, sympy.Min)):
            on_edge |= len(set(args)) < len(args)
        else:
            on_edge |= args[0] == 0
    if not on_edge:
        return
    at = exact_at(f, where)
    for var in where:
        v = _printing.plain(var)

        def change(step: sympy.Rational, var: Any = var) -> complex:
            moved = dict(where)
            moved[var] = where[var] + step
            return complex((exact_at(f, moved) - at).evalf(60))

        problem = _one_variable(change, complex(at.evalf(30)), v)
        if problem:
            raise GradientError(
                f"∂{name}/∂{v} does not exist at this point: {name} {problem}"
                "\nhint: try a point next to it"
            )


_STEPS = (sympy.Rational(1, 10**12), sympy.Rational(1, 10**18))


def _one_variable(change: Any, value: complex, v: str) -> str | None:
    """What keeps f from having a derivative along one variable, or None if nothing does.

    ``change(h)`` is f(x + h) − f(x) along that variable, exactly evaluated. On a side
    where f is continuous the change shrinks with the step (by about a millionth from
    1e-12 to 1e-18 when f has a slope there); if it does not, the values beside the
    point are reported (a jump, or a hole when both sides agree). Otherwise the
    one-sided slopes at the smaller step are compared: they must agree (to 1e-6), and
    must not have grown tenfold from the larger step (an infinite slope, as of
    sqrt(|x|) at 0).
    """
    big, small = _STEPS
    right = (change(big), change(small))
    left = (change(-big), change(-small))
    if any(abs(c.imag) > 1e-30 for c in (*right, *left)):
        side = "right" if any(abs(c.imag) > 1e-30 for c in right) else "left"
        return (f"is not a real number just to the {side} of it along {v} (the point is on "
                "the edge of its domain)")
    if not all(math.isfinite(abs(c)) for c in (*right, *left)):
        return f"is not finite just beside it along {v}"
    right, left = tuple(c.real for c in right), tuple(c.real for c in left)
    if not all(abs(c[1]) <= 0.5 * abs(c[0]) or c[1] == 0 for c in (right, left)):
        before, after = value.real + left[1], value.real + right[1]
        if abs(after - before) <= 1e-9 * (1 + abs(after)):
            return (f"is not continuous there: along {v} it is {_side(after)} on both sides "
                    f"of the point and {_side(value.real)} at it")
        return (f"has a jump there: along {v} it is {_side(before)} just to the left and "
                f"{_side(after)} just to the right")
    slopes = [(c[0] / float(big), c[1] / float(small)) for c in (right, (-left[0], -left[1]))]
    if any(abs(at_small) > 10 * max(1.0, abs(at_big)) for at_big, at_small in slopes):
        return f"has an infinite slope along {v} there"
    to_right, to_left = slopes[0][1], slopes[1][1]
    if abs(to_right - to_left) <= 1e-6 * (1 + abs(to_right) + abs(to_left)):
        return None
    return (f"has a kink there: its slope along {v} is {_side(to_left)} from the left and "
            f"{_side(to_right)} from the right")


def _side(value: float) -> str:
    """A one-sided value or slope, to 4 significant digits (it is found with a tiny
    step, so more digits would show the step, not the function)."""
    return f"{value + 0.0:.4g}"  # + 0.0: no "-0"


def _short_text(value: sympy.Expr) -> str:
    """``value`` printed, or its numeric value when the exact form is very long."""
    text = _printing.plain(value)
    return text if len(text) <= 60 else f"about {_about(value.evalf(30))}"


def _about(number: sympy.Expr) -> str:
    """A number to 4 digits, however large (``str``, never ``format``: that goes through
    ``decimal``, whose exponent range is smaller than SymPy's)."""
    return str(sympy.Float(number, 4)) if number.is_Float else str(number)


class GradientAt:
    """The gradient at one point: exact values, numbers, length and direction of ascent."""

    def __init__(self, gradient: Gradient, point: tuple[sympy.Expr, ...],
                 exact: tuple[sympy.Expr | None, ...], values: np.ndarray,
                 value: float | None, note: str | None = None) -> None:
        #: None where a value was too large to compute exactly (then ``note`` says so)
        self.note = note
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
        if self.note:
            lines.append(f"  ({self.note})")
        if self.value is not None:
            lines.append(f"  {name} {'≈' if self.note else '='} {_number(self.value)}")
        for var, exact, number in zip(g.variables, self.exact, self.values, strict=True):
            approx = _number(number)
            shown = _printing.plain(exact) if exact is not None else ""
            text = (f"≈ {approx}" if exact is None else "= " + shown if shown == approx else
                    f"≈ {approx}" if len(shown) > 40 else f"= {shown} ≈ {approx}")
            lines.append(f"  ∂{name}/∂{_printing.plain(var)} {text}")
        norm = _number(self.norm)
        exact_norm = self.norm < 1e15 and float(norm).is_integer() and self.norm == float(norm)
        lines.append(f"  |∇{name}| {'=' if exact_norm else '≈'} {norm}")
        underflow = any(e is not None and e.is_zero is False for e in self.exact)
        if self.direction is None and underflow:
            lines.append("  the gradient rounds to zero in floating point here (too small "
                         "for it), though it is not zero: no direction can be computed")
        elif self.direction is None and self.note:
            lines.append("  the gradient rounds to zero in floating point here")
        elif self.direction is None:
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
            "gradient_at_exact": [None if e is None else str(e) for e in self.exact],
            "norm": self.norm,
            "ascent_direction": None if self.direction is None else self.direction.tolist(),
        }


def _number(value: float) -> str:
    return f"{value:.6g}"
