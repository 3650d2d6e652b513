"""The gradient at one point, exactly and in numbers, and the reasons it may not exist.

:class:`GradientAt` holds the exact values SymPy gives at a point, their floats, the
gradient's length and the direction of steepest ascent. Points where no gradient exists
(a kink, a jump, an infinite slope, outside the domain, values beyond floating point) are
refused with the reason. Building gradients is :mod:`steepest.gradients`' business.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np
import sympy

from steepest import _printing
from steepest.errors import SteepestError

if TYPE_CHECKING:  # pragma: no cover
    from steepest.gradients import Gradient


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
    variable, computed exactly with a tiny rational step, must agree. The refusal says
    the two one-sided slopes (a kink), or the values on the two sides (a jump).
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
            v = _printing.plain(var)
            if jump > 1e-6:  # the values themselves differ on the two sides
                before, after = _side(at - left * h), _side(at + right * h)
                how = (f"a jump there: along {v} it is {before} just to the left and {after} "
                       "just to the right")
            else:
                how = (f"a kink there: its slope along {v} is {_side(left)} from the left and "
                       f"{_side(right)} from the right")
            raise SteepestError(
                f"∂{name}/∂{v} does not exist at this point: {name} has {how}"
                "\nhint: try a point next to it"
            )


def _side(value: sympy.Expr) -> str:
    """A one-sided value or slope, to 4 significant digits (it is found with a step of
    1e-12, so more digits would show the step, not the function)."""
    number = complex(value.evalf(30))
    return f"{number.real:.4g}" if abs(number.imag) < 1e-9 else f"{number:.4g}"


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
