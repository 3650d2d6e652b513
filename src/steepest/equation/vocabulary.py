"""What the equation parser knows by name: functions, constants, Greek letters, symbols.

:data:`FUNCTIONS` maps each function name (with its ``arc``/``ar`` spellings) to a
:class:`Function`: how to build it in SymPy, how many arguments it takes, a line of help
and its inverse for ``sin^-1(x)``. :data:`CONSTANTS` holds ``pi``, ``e``, ``E`` and
``tau``; :data:`GREEK` maps Greek letters to the names they stand for. The private maps
say which Unicode characters count as operators, root signs, superscripts, subscripts or
invisible characters pasted from the web. Only names in these tables are ever turned into
SymPy objects: nothing is looked up by ``eval`` or ``sympify``.

Left out: splitting text into names (:mod:`steepest.equation.lexer`), the grammar
(:mod:`steepest.equation.grammar`) and the size checks the builders rely on
(:mod:`steepest.equation.guards`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import sympy

from steepest.equation.guards import RefusedError, check_exp, guarded_power


class Function(NamedTuple):
    """A function the parser knows: how to build it and how many arguments it takes."""

    build: Callable[..., sympy.Expr]
    min_args: int
    max_args: int | None  # None: any number
    doc: str
    inverse: str | None = None  # what ``name^-1(x)`` means


def _exp(arg: sympy.Expr) -> sympy.Expr:
    check_exp(arg)
    return sympy.exp(arg)


def _log(arg: sympy.Expr, base: sympy.Expr | None = None) -> sympy.Expr:
    if base is None:
        return sympy.log(arg)
    if base.is_number and (base.is_positive is False or base == 1):
        raise RefusedError(
            "a logarithm's base must be positive and not 1", "log(x, b) is ln(x)/ln(b)"
        )
    return sympy.log(arg, base)


def _root(arg: sympy.Expr, n: sympy.Expr) -> sympy.Expr:
    if n is sympy.S.Zero:
        raise RefusedError("root(x, 0) is undefined", "the 0th root does not exist")
    return guarded_power(arg, guarded_power(n, sympy.S.NegativeOne))


def _sigmoid(arg: sympy.Expr) -> sympy.Expr:
    return 1 / (1 + _exp(-arg))


def _trig(f: Callable[..., sympy.Expr], doc: str, inverse: str) -> Function:
    return Function(f, 1, 1, doc, inverse)


def _one(f: Callable[..., sympy.Expr], doc: str) -> Function:
    return Function(f, 1, 1, doc)


FUNCTIONS: dict[str, Function] = {
    "sin": _trig(sympy.sin, "sine", "asin"),
    "cos": _trig(sympy.cos, "cosine", "acos"),
    "tan": _trig(sympy.tan, "tangent", "atan"),
    "cot": _trig(sympy.cot, "cotangent", "acot"),
    "sec": _trig(sympy.sec, "secant", "asec"),
    "csc": _trig(sympy.csc, "cosecant", "acsc"),
    "asin": _one(sympy.asin, "inverse sine (also arcsin)"),
    "acos": _one(sympy.acos, "inverse cosine (also arccos)"),
    "atan": _one(sympy.atan, "inverse tangent (also arctan)"),
    "acot": _one(sympy.acot, "inverse cotangent (also arccot)"),
    "asec": _one(sympy.asec, "inverse secant (also arcsec)"),
    "acsc": _one(sympy.acsc, "inverse cosecant (also arccsc)"),
    "atan2": Function(sympy.atan2, 2, 2, "atan2(y, x): the angle of the point (x, y)"),
    "arctan2": Function(sympy.atan2, 2, 2, "same as atan2"),
    "sinh": _trig(sympy.sinh, "hyperbolic sine", "asinh"),
    "cosh": _trig(sympy.cosh, "hyperbolic cosine", "acosh"),
    "tanh": _trig(sympy.tanh, "hyperbolic tangent", "atanh"),
    "coth": _trig(sympy.coth, "hyperbolic cotangent", "acoth"),
    "sech": _trig(sympy.sech, "hyperbolic secant", "asech"),
    "csch": _trig(sympy.csch, "hyperbolic cosecant", "acsch"),
    "asinh": _one(sympy.asinh, "inverse hyperbolic sine (also arsinh, arcsinh)"),
    "acosh": _one(sympy.acosh, "inverse hyperbolic cosine (also arcosh, arccosh)"),
    "atanh": _one(sympy.atanh, "inverse hyperbolic tangent (also artanh, arctanh)"),
    "acoth": _one(sympy.acoth, "inverse hyperbolic cotangent (also arccoth)"),
    "asech": _one(sympy.asech, "inverse hyperbolic secant (also arcsech)"),
    "acsch": _one(sympy.acsch, "inverse hyperbolic cosecant (also arccsch)"),
    "exp": _one(_exp, "e to the power x"),
    "ln": _one(sympy.log, "natural logarithm"),
    "log": Function(_log, 1, 2, "log(x) is natural, log(x, b) is base b"),
    "log10": _one(lambda a: sympy.log(a, 10), "base-10 logarithm"),
    "log2": _one(lambda a: sympy.log(a, 2), "base-2 logarithm"),
    "sqrt": _one(lambda a: guarded_power(a, sympy.S.Half), "square root (also √)"),
    "cbrt": _one(lambda a: guarded_power(a, sympy.Rational(1, 3)), "cube root x^(1/3), x ≥ 0"),
    "root": Function(_root, 2, 2, "root(x, n) = x^(1/n)"),
    "abs": _one(sympy.Abs, "absolute value (also |x|)"),
    "sign": _one(sympy.sign, "sign: -1, 0 or 1 (also sgn)"),
    "sgn": _one(sympy.sign, "same as sign"),
    "min": Function(sympy.Min, 2, None, "smallest of two or more values"),
    "max": Function(sympy.Max, 2, None, "largest of two or more values"),
    "erf": _one(sympy.erf, "error function"),
    "sigmoid": _one(_sigmoid, "logistic sigmoid 1/(1 + e^-x)"),
}
for _name in ("sin", "cos", "tan", "cot", "sec", "csc", "sinh", "cosh", "tanh", "coth"):
    FUNCTIONS["arc" + _name] = FUNCTIONS["a" + _name]._replace(doc=f"same as a{_name}")
for _name in ("sech", "csch"):
    FUNCTIONS["arc" + _name] = FUNCTIONS["a" + _name]._replace(doc=f"same as a{_name}")
for _name in ("sinh", "cosh", "tanh"):
    FUNCTIONS["ar" + _name] = FUNCTIONS["a" + _name]._replace(doc=f"same as a{_name}")
del _name

CONSTANTS: dict[str, sympy.Expr] = {
    "pi": sympy.pi,
    "e": sympy.E,
    "E": sympy.E,
    "tau": 2 * sympy.pi,
}

GREEK: dict[str, str] = {
    "α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "epsilon", "ϵ": "epsilon",
    "ζ": "zeta", "η": "eta", "θ": "theta", "ϑ": "theta", "ι": "iota", "κ": "kappa",
    "λ": "lambda", "μ": "mu", "µ": "mu", "ν": "nu", "ξ": "xi", "ο": "omicron", "π": "pi",
    "ρ": "rho", "σ": "sigma", "ς": "sigma", "τ": "tau", "υ": "upsilon", "φ": "phi", "ϕ": "phi",
    "χ": "chi", "ψ": "psi", "ω": "omega", "Γ": "Gamma", "Δ": "Delta", "Θ": "Theta",
    "Λ": "Lambda", "Ξ": "Xi", "Π": "Pi", "Σ": "Sigma", "Φ": "Phi", "Ψ": "Psi", "Ω": "Omega",
}  # fmt: skip
"""Greek letters and the names they stand for (``θ`` is the variable ``theta``)."""

GREEK_NAMES = frozenset(GREEK.values()) - set(CONSTANTS)

OPERATORS = {
    "+": "+", "-": "-", "−": "-", "–": "-", "‐": "-", "*": "*", "·": "*", "×": "*", "⋅": "*",
    "∗": "*", "•": "*", "/": "/", "÷": "/", "∕": "/", "^": "^", "(": "(", ")": ")", ",": ",",
    "|": "|", "=": "=",
}  # fmt: skip
ROOT_SIGNS = {"√": "sqrt", "∛": "cbrt"}
INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"  # zero-width characters pasted from the web: refused
SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺", "0123456789-+")
SUBSCRIPTS = str.maketrans("₀₁₂₃₄₅₆₇₈₉", "0123456789")
