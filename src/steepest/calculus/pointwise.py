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

from steepest.equation import printing as _printing
from steepest.errors import SteepestError

if TYPE_CHECKING:  # pragma: no cover
    from steepest.calculus.gradients import Gradient


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
    """Refuse a point where f has a kink, a jump or an infinite slope along a variable.

    Only points where one of f's non-smooth parts (``|u|``, ``sign(u)``, ``max``, ``min``,
    steps) sits exactly on its edge are examined: there f is evaluated exactly on both
    sides along each variable at two tiny rational steps, 1e-12 and 1e-18 (see
    :func:`_one_variable`). The refusal says what was found: the two one-sided slopes
    (a kink), the values on the two sides (a jump), or an infinite slope.
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
    at = f.subs(where)
    for var in where:
        v = _printing.plain(var)

        def change(step: sympy.Rational, var: Any = var) -> complex:
            moved = dict(where)
            moved[var] = where[var] + step
            return complex((f.subs(moved) - at).evalf(60))

        problem = _one_variable(change, complex(at.evalf(30)), v)
        if problem:
            raise SteepestError(
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
