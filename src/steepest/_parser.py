"""steepest's own reader for equations typed as text.

A tokenizer and a small precedence-climbing parser turn text such as ``x^2 sin(y)`` into
SymPy objects directly: numbers become exact ``Integer``/``Rational``, names become real
``Symbol``\\ s, constants and functions come only from the :data:`FUNCTIONS` and
:data:`CONSTANTS` tables. Nothing is ever passed to ``eval``, ``exec``, ``sympify`` or
``parse_expr``. Anything else is an :class:`~steepest.errors.EquationError` whose message
quotes the text with a caret under the problem.

Sizes are bounded (the ``MAX_*`` constants), and every power of exact numbers is estimated
before SymPy computes it, so hostile text such as ``9^9^9^9`` fails at once instead of
hanging. The reading rules (implicit multiplication, how ``xy`` splits, ...) are written
down in ``docs/parsing.md``. Printing and differentiation live elsewhere
(:mod:`steepest.equation`, :mod:`steepest.gradients`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Sequence
from typing import NamedTuple

import sympy

from steepest.errors import EquationError

__all__ = [
    "CONSTANTS",
    "FUNCTIONS",
    "GREEK",
    "MAX_CONSTANT_NESTING",
    "MAX_DEPTH",
    "MAX_DIGITS",
    "MAX_EXPONENT",
    "MAX_LENGTH",
    "MAX_MIN_MAX_ARGUMENTS",
    "MAX_NUMBER_DIGITS",
    "MAX_ROOT_DIGITS",
    "MAX_TOKENS",
    "Function",
    "Parsed",
    "parse_text",
]

MAX_LENGTH = 2000  # characters of text
MAX_TOKENS = 2000  # numbers, names and operators (at most one per character)
MAX_DEPTH = 64  # nested parentheses, bars, function calls and exponents
MAX_NUMBER_DIGITS = 100  # digits in one number as typed
MAX_DIGITS = 4000  # digits of any exact number the expression would produce
MAX_EXPONENT = 10_000  # size of an exponent on anything but a number
MAX_ROOT_DIGITS = 100  # digits of numbers inside a function or a root (per product)
MAX_MIN_MAX_ARGUMENTS = 8  # all arguments of min and max together (SymPy compares pairs)
MAX_CONSTANT_NESTING = 2  # functions nested inside an exact constant, as in sin(sqrt(2))

_MAX_BITS = MAX_DIGITS * math.log2(10)  # numerator plus denominator
_MAX_ROOT_BITS = MAX_ROOT_DIGITS * math.log2(10)


class Function(NamedTuple):
    """A function the parser knows: how to build it and how many arguments it takes."""

    build: Callable[..., sympy.Expr]
    min_args: int
    max_args: int | None  # None: any number
    doc: str
    inverse: str | None = None  # what ``name^-1(x)`` means


class Parsed(NamedTuple):
    """What :func:`parse_text` returns: the function's name, expression and variables."""

    name: str
    expr: sympy.Expr
    variables: tuple[sympy.Symbol, ...]


class _RefusedError(Exception):
    """A value SymPy must not be asked to build; the parser adds the position."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


# ------------------------------------------------------------------ size guards


def _bits(r: sympy.Rational) -> float:
    """Bits of the numerator and denominator of ``r`` (0 for 0 and ±1)."""
    p = abs(int(r.p))
    return (math.log2(p) if p else 0.0) + math.log2(int(r.q))


def _log2_size(bits: float, exp: sympy.Rational) -> float:
    """log2 of ``bits * |exp|``, without overflowing on huge exponents (-inf if 0)."""
    p = abs(int(exp.p))
    if bits <= 0 or p == 0:
        return -math.inf
    return math.log2(bits) + math.log2(p) - math.log2(int(exp.q))


def _digits(log2_bits: float) -> str:
    """How many decimal digits ``2**log2_bits`` bits are, for a message."""
    log10_digits = (log2_bits - math.log2(math.log2(10))) * math.log10(2)
    if log10_digits < 6:
        return f"about {round(10**log10_digits):,}"
    return f"about 10^{int(log10_digits)}"


def _short(r: sympy.Rational) -> str:
    """``r`` for a message: as is if short, else its size."""
    p, q = abs(int(r.p)), int(r.q)
    if p < 10**12 and q < 10**12:
        return str(r)
    if q >= 10**12:
        return f"a fraction with a {int(math.log10(q)) + 1}-digit denominator"
    return f"about {'-' if r.is_negative else ''}10^{int(math.log10(p))}"


def _sizes(e: sympy.Expr) -> tuple[float, float]:
    """Bits of e's exact coefficient and of the numbers under its roots (shallow)."""
    number = root = 0.0
    for f in sympy.Mul.make_args(e):
        if f.is_Rational:
            number += _bits(f)
        elif f.is_Pow and f.base.is_Rational and f.exp.is_Rational:
            root += _bits(f.base)
        elif f.is_Add:
            number += max(_sizes(a)[0] for a in f.args)
    return number, root


_TOO_BIG_HINT = f"steepest computes exact numbers only up to {MAX_DIGITS} digits"
_ROOT_HINT = f"roots are taken of numbers up to {MAX_ROOT_DIGITS} digits"
_EXPONENT_HINT = (
    f"exponents on variables and constants are limited to ±{MAX_EXPONENT}, "
    f"and the denominators of all exponents to {MAX_EXPONENT}"
)


def _exponent_too_large(exp: sympy.Rational) -> bool:
    """Whether |exp| > MAX_EXPONENT or its denominator is (SymPy takes q-th roots)."""
    p, q = abs(int(exp.p)), int(exp.q)
    return p > MAX_EXPONENT * q or q > MAX_EXPONENT


_LOG2_MAX_BITS = math.log2(_MAX_BITS)


def _check_power(base: sympy.Expr, exp: sympy.Expr) -> None:
    """Refuse ``base^exp`` if SymPy would compute a huge or non-real number."""
    if base is sympy.E:
        _check_exp(exp)
        return
    if not exp.is_Rational:
        return
    q = int(exp.q)
    if base.is_Rational:
        if base is sympy.S.Zero and exp.is_negative:
            raise _RefusedError(
                "{token} raises 0 to a negative power: a division by zero",
                "a negative power divides by the base",
            )
        if base in (sympy.S.Zero, sympy.S.One, sympy.S.NegativeOne):
            return
        size = _log2_size(_bits(base), exp)
        if size > _LOG2_MAX_BITS:
            raise _RefusedError(
                f"{{token}} would give a number with {_digits(size)} digits", _TOO_BIG_HINT
            )
        if q != 1:
            if base.is_negative:
                raise _RefusedError(
                    "{token} takes a fractional power of a negative number, which is not real",
                    "steepest works with real numbers only",
                )
            if q > MAX_EXPONENT:
                raise _RefusedError(
                    f"{{token}} has an exponent too large ({_short(exp)})", _EXPONENT_HINT
                )
            if _bits(base) > _MAX_ROOT_BITS:
                raise _RefusedError(
                    f"{{token}} would take a root of a number with "
                    f"{_digits(math.log2(_bits(base)))} digits",
                    _ROOT_HINT,
                )
        return
    effective, inner = exp, base
    if base.is_Pow and base.exp.is_Rational:
        effective, inner = base.exp * exp, base.base
    if _exponent_too_large(effective):
        raise _RefusedError(
            f"{{token}} has an exponent too large ({_short(effective)})", _EXPONENT_HINT
        )
    if inner.is_Rational and inner is not base:
        _check_power(inner, effective)
    number, root = _sizes(base)
    size = _log2_size(number + root, exp)
    if size > _LOG2_MAX_BITS:
        raise _RefusedError(
            f"{{token}} would give a number with {_digits(size)} digits", _TOO_BIG_HINT
        )
    if q != 1 and number > _MAX_ROOT_BITS:
        raise _RefusedError(
            f"{{token}} would take a root of a number with {_digits(math.log2(number))} digits",
            _ROOT_HINT,
        )


def _check_exp(arg: sympy.Expr) -> None:
    """Refuse exp(arg) when SymPy would compute a huge number.

    exp(n·ln 2) becomes 2^n; and SymPy asks the sign of a constant argument by evaluating
    it, which takes minutes for towers such as e^(1 + e^(1 + e^9)).
    """
    for term in sympy.Add.make_args(arg):
        coeff, rest = term.as_coeff_Mul()
        if isinstance(rest, sympy.log):
            _check_power(rest.args[0], coeff)
        elif rest is sympy.S.One and _exponent_too_large(coeff):
            raise _RefusedError(
                f"{{token}} has an exponent too large ({_short(coeff)})", _EXPONENT_HINT
            )
        elif not term.is_Rational and not term.free_symbols:
            value = abs(_approx(term))
            if value > MAX_EXPONENT:  # False for nan: unknown values pass
                shown = (
                    f"about 10^{int(math.log10(value))}"
                    if math.isfinite(value)
                    else "beyond 10^308"
                )
                raise _RefusedError(
                    f"{{token}} has an exponent too large ({shown})", _EXPONENT_HINT
                )


_FLOAT_FUNCTIONS: dict[type, Callable[[float], float]] = {
    sympy.exp: math.exp, sympy.log: math.log, sympy.sin: math.sin, sympy.cos: math.cos,
    sympy.tan: math.tan, sympy.sinh: math.sinh, sympy.cosh: math.cosh, sympy.tanh: math.tanh,
    sympy.asin: math.asin, sympy.acos: math.acos, sympy.atan: math.atan, sympy.erf: math.erf,
    sympy.Abs: abs, sympy.asinh: math.asinh,
}  # fmt: skip


def _approx(e: sympy.Expr) -> float:
    """A float estimate of a constant: inf if too large for a float, nan if unknown.

    Plain float arithmetic over the tree, never SymPy's evalf, so it is always fast.
    """
    try:
        if e.is_Rational:
            return int(e.p) / int(e.q)
        if e.is_NumberSymbol:
            return float(e)
        if e.is_Add:
            return math.fsum(_approx(a) for a in e.args)
        if e.is_Mul:
            return math.prod(_approx(a) for a in e.args)
        if e.is_Pow:
            value = _approx(e.base) ** _approx(e.exp)
            return value if isinstance(value, float) else math.nan
        function = _FLOAT_FUNCTIONS.get(type(e))
        if function is not None and len(e.args) == 1:
            return function(_approx(e.args[0]))
    except OverflowError:
        return math.inf
    except (ValueError, ZeroDivisionError):
        return math.nan
    return math.nan


def _check_product(factors: Sequence[sympy.Expr]) -> None:
    """Refuse a product whose exact numbers, multiplied out, would be huge."""
    number = root = 0.0
    for f in factors:
        n, r = _sizes(f)
        number += n
        root += r
    if number > _MAX_BITS:
        raise _RefusedError(
            f"this product would give a number with {_digits(math.log2(number))} digits",
            _TOO_BIG_HINT,
        )
    if root > _MAX_ROOT_BITS:
        raise _RefusedError(
            f"this product would take a root of a number with {_digits(math.log2(root))} digits",
            _ROOT_HINT,
        )


def _check_sum(terms: Sequence[sympy.Expr]) -> None:
    """Refuse a sum whose exact numbers, added up, would be huge.

    Adding fractions multiplies denominators (1/3 + 1/7 = 10/21), so the bound is the sum
    of all denominators' bits plus the largest numerator's.
    """
    numerator = denominator = 0.0
    for term in terms:
        for part in sympy.Add.make_args(term):
            coeff = part.as_coeff_Mul()[0]
            if coeff.is_Rational:
                p = abs(int(coeff.p))
                numerator = max(numerator, math.log2(p) if p else 0.0)
                denominator += math.log2(int(coeff.q))
    bits = numerator + denominator
    if bits > _MAX_BITS:
        raise _RefusedError(
            f"this sum would give a number with {_digits(math.log2(bits))} digits",
            _TOO_BIG_HINT,
        )


_UNDEFINED = (sympy.S.ComplexInfinity, sympy.S.NaN, sympy.S.Infinity, sympy.S.NegativeInfinity)


def _power(base: sympy.Expr, exp: sympy.Expr) -> sympy.Expr:
    """``base^exp``, checked before and after SymPy builds it."""
    _check_power(base, exp)
    result = sympy.Pow(base, exp)
    if result in _UNDEFINED:
        raise _RefusedError("{token} gives an undefined value", "look for a division by zero")
    return result


# ------------------------------------------------------------------ the tables


def _exp(arg: sympy.Expr) -> sympy.Expr:
    _check_exp(arg)
    return sympy.exp(arg)


def _log(arg: sympy.Expr, base: sympy.Expr | None = None) -> sympy.Expr:
    if base is None:
        return sympy.log(arg)
    if base.is_number and (base.is_positive is False or base == 1):
        raise _RefusedError(
            "a logarithm's base must be positive and not 1", "log(x, b) is ln(x)/ln(b)"
        )
    return sympy.log(arg, base)


def _root(arg: sympy.Expr, n: sympy.Expr) -> sympy.Expr:
    if n is sympy.S.Zero:
        raise _RefusedError("root(x, 0) is undefined", "the 0th root does not exist")
    return _power(arg, _power(n, sympy.S.NegativeOne))


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
    "sqrt": _one(lambda a: _power(a, sympy.S.Half), "square root (also √)"),
    "cbrt": _one(lambda a: _power(a, sympy.Rational(1, 3)), "cube root x^(1/3), x ≥ 0"),
    "root": Function(_root, 2, 2, "root(x, n) = x^(1/n)"),
    "abs": _one(sympy.Abs, "absolute value (also |x|)"),
    "sign": _one(sympy.sign, "sign: -1, 0 or 1"),
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

_GREEK_NAMES = frozenset(GREEK.values()) - set(CONSTANTS)

_OPERATORS = {
    "+": "+", "-": "-", "−": "-", "–": "-", "‐": "-", "*": "*", "·": "*", "×": "*", "⋅": "*",
    "∗": "*", "•": "*", "/": "/", "÷": "/", "∕": "/", "^": "^", "(": "(", ")": ")", ",": ",",
    "|": "|", "=": "=",
}  # fmt: skip
_ROOT_SIGNS = {"√": "sqrt", "∛": "cbrt"}
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"  # zero-width characters pasted from the web
_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺", "0123456789-+")
_SUBSCRIPTS = str.maketrans("₀₁₂₃₄₅₆₇₈₉", "0123456789")

_CHARACTER_HINTS = {
    "'": "strings are not allowed",
    '"': "strings are not allowed",
    ".": "a '.' belongs inside a number such as 0.5; attribute access (x.real) is not allowed",
    ";": "write a single expression",
    ":": "write a single expression: no lambdas, slices or dictionaries",
    "[": "use round parentheses ( ) for grouping",
    "]": "use round parentheses ( ) for grouping",
    "{": "use round parentheses ( ) for grouping",
    "}": "use round parentheses ( ) for grouping",
    "<": "comparisons are not allowed: write the expression itself",
    ">": "comparisons are not allowed: write the expression itself",
    "!": "comparisons and factorials are not allowed",
    "\\": "LaTeX is not read here: write sqrt(x), x^2, pi, ...",
    "_": "'_' joins a letter to its subscript, as in x_2",
}
_DEFAULT_CHARACTER_HINT = "use numbers, names, + - * / ^, parentheses, |x| and the known functions"

_DIGITS = "0123456789"
_DIGITS_NONEMPTY = tuple(_DIGITS)
_NUMBER = re.compile(r"(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?|\.(\d+)(?:[eE]([+-]?\d+))?")
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_SUFFIX = re.compile(r"\d+|_(?:\d+|[A-Za-z]+)")
_SUPER_RUN = re.compile(r"[⁻⁺]?[⁰¹²³⁴⁵⁶⁷⁸⁹]+")
_SUB_RUN = re.compile(r"[₀₁₂₃₄₅₆₇₈₉]+")
_DIGIT_SUBSCRIPT = re.compile(r"([A-Za-z]+?)(_?)(\d+)")
_VALID_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
_GREEK_CLASS = "".join(GREEK)
_DECLARATION = re.compile(
    rf"\s*(?P<name>[A-Za-z_][A-Za-z0-9_]*|[{_GREEK_CLASS}])\s*"
    rf"(?:\((?P<args>[^()=]*)\))?\s*=(?!=)"
)


# ------------------------------------------------------------------ errors


def _error(
    text: str,
    message: str,
    start: int | None,
    end: int | None = None,
    hint: str | None = None,
) -> EquationError:
    """An EquationError quoting ``text`` with a caret under ``text[start:end]``."""
    shown = "".join(" " if c.isspace() else c for c in text)
    lines = [message]
    if shown.strip():
        if start is None:
            lines.append("    " + _window(shown, 0, 0)[0])
        else:
            end = max(start + 1, end if end is not None else start + 1)
            quoted, offset = _window(shown, start, end)
            width = min(end - start, len(quoted) - offset + 1)
            lines += ["    " + quoted, "    " + " " * offset + "^" * max(1, width)]
    if hint:
        lines.append(f"hint: {hint}")
    err = EquationError("\n".join(lines))
    err.text = text  # type: ignore[attr-defined]
    err.position = start  # type: ignore[attr-defined]
    err.hint = hint  # type: ignore[attr-defined]
    return err


def _window(shown: str, start: int, end: int, width: int = 76) -> tuple[str, int]:
    """At most ``width`` characters of ``shown`` around ``start``, and start's offset there."""
    if len(shown) <= width:
        return shown, start
    left = max(0, min(start - width // 3, len(shown) - width))
    right = left + width
    quoted = shown[left:right]
    offset = start - left
    if left > 0:
        quoted, offset = "…" + quoted, offset + 1
    if right < len(shown):
        quoted += "…"
    return quoted, offset


def _known_functions() -> str:
    return ", ".join(sorted(n for n, f in FUNCTIONS.items() if not f.doc.startswith("same")))


# ------------------------------------------------------------------ tokens


class _Token(NamedTuple):
    kind: str  # number, var, const, func, op, super, end
    text: str  # the name or the canonical operator
    start: int
    end: int
    space: bool  # whitespace right before it
    value: object = None  # number, constant or superscript value; a var's whole word


def _other_spelling(name: str) -> str:
    """The same subscripted name spelled the other way: x2 ↔ x_2 ('' if not subscripted)."""
    match = _DIGIT_SUBSCRIPT.fullmatch(name)
    if match is None:
        return ""
    stem, underscore, digits = match.groups()
    return f"{stem}{'' if underscore else '_'}{digits}"


def _number(text: str, match: re.Match[str]) -> sympy.Rational:
    whole, frac, sci, frac_only, sci_only = match.groups()
    frac = frac_only if frac_only is not None else (frac or "")
    whole = whole or ""
    sci = sci if sci is not None else sci_only
    digits = len(whole) + len(frac)
    if digits > MAX_NUMBER_DIGITS:
        raise _error(
            text,
            f"the number {match.group()[:20]}… has {digits} digits",
            match.start(),
            match.end(),
            f"numbers are limited to {MAX_NUMBER_DIGITS} digits",
        )
    power = -len(frac)
    if sci is not None:
        if len(sci.lstrip("+-")) > 5 or abs(int(sci)) > MAX_DIGITS:
            raise _error(
                text,
                f"the number {match.group()!r} has an exponent beyond ±{MAX_DIGITS}",
                match.start(),
                match.end(),
                _TOO_BIG_HINT,
            )
        power += int(sci)
    mantissa = int(whole + frac)
    if power >= 0:
        return sympy.Integer(mantissa * 10**power)
    return sympy.Rational(mantissa, 10**-power)


class _Lexer:
    """Splits the text into tokens, reading words into names by the documented rules."""

    def __init__(self, text: str, declared: Sequence[str] | None, source: str) -> None:
        self.text = text
        self.declared = frozenset(declared) if declared is not None else None
        self.source = source  # where the declared names came from, for hints
        known = set(FUNCTIONS) | set(CONSTANTS) | _GREEK_NAMES | set(self.declared or ())
        self.longest = max(map(len, known))
        self.tokens: list[_Token] = []

    def error(
        self, message: str, start: int | None, end: int | None = None, hint: str | None = None
    ) -> EquationError:
        return _error(self.text, message, start, end, hint)

    def run(self, begin: int) -> list[_Token]:
        text, i, n = self.text, begin, len(self.text)
        while i < n:
            c = text[i]
            space = i == begin or text[i - 1].isspace()
            if c.isspace() or c in _INVISIBLE:
                i += 1
            elif c in _DIGITS or (c == "." and text[i + 1 : i + 2] in _DIGITS_NONEMPTY):
                match = _NUMBER.match(text, i)
                assert match is not None  # the first character is a digit
                if match.end() < n and text[match.end()] == ".":
                    raise self.error(
                        f"unexpected '.' after the number {match.group()!r}",
                        match.end(),
                        hint=_CHARACTER_HINTS["."],
                    )
                value = _number(text, match)
                self.add("number", match.group(), i, match.end(), space, value)
                i = match.end()
            elif c.isascii() and (c.isalpha() or c == "_"):
                match = _WORD.match(text, i)
                assert match is not None
                word, i = match.group(), match.end()
                subscript = _SUB_RUN.match(text, i)
                if subscript is not None:  # x₁₂ reads as x12: one character per digit
                    word, i = word + subscript.group().translate(_SUBSCRIPTS), subscript.end()
                self.word(word, match.start(), space)
            elif c in GREEK:
                i = self.greek(i, space)
            elif c == "*" and text[i + 1 : i + 2] == "*":
                self.add("op", "^", i, i + 2, space)
                i += 2
            elif c in _OPERATORS:
                self.add("op", _OPERATORS[c], i, i + 1, space)
                i += 1
            elif c in _ROOT_SIGNS:
                self.add("func", _ROOT_SIGNS[c], i, i + 1, space)
                i += 1
            elif c in "⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺":
                match = _SUPER_RUN.match(text, i)
                if match is None:
                    raise self.error(f"{c!r} must be followed by a superscript digit", i)
                value = int(match.group().translate(_SUPERSCRIPTS))
                self.add("super", match.group(), i, match.end(), space, value)
                i = match.end()
            elif c in "₀₁₂₃₄₅₆₇₈₉":
                i = self.subscript(i)
            else:
                raise self.error(
                    f"unexpected character {c!r}",
                    i,
                    hint=_CHARACTER_HINTS.get(c, _DEFAULT_CHARACTER_HINT),
                )
            if len(self.tokens) > MAX_TOKENS:
                raise self.error(
                    f"the equation has more than {MAX_TOKENS} tokens",
                    i,
                    hint="write a shorter equation",
                )
        self.add("end", "", n, n, True)
        return self.tokens

    def add(
        self, kind: str, text: str, start: int, end: int, space: bool, value: object = None
    ) -> None:
        self.tokens.append(_Token(kind, text, start, end, space, value))

    def greek(self, i: int, space: bool) -> int:
        name = GREEK[self.text[i]]
        end = i + 1
        subscript = _SUB_RUN.match(self.text, end)
        suffix = _SUFFIX.match(self.text, end)
        if subscript is not None:
            name += subscript.group().translate(_SUBSCRIPTS)
            end = subscript.end()
        elif suffix is not None:
            name += suffix.group()
            end = suffix.end()
        self.name(name, i, end, space, (i, end))
        return end

    def subscript(self, i: int) -> int:
        """Subscript digits not right after a name (those are read with the name)."""
        match = _SUB_RUN.match(self.text, i)
        assert match is not None
        raise self.error(
            "a subscript must follow a variable's name",
            i,
            match.end(),
            hint="write x₁ or x1 or x_1",
        )

    def word(self, word: str, start: int, space: bool) -> None:
        """Split a word into names: longest known or declared name first, else a letter."""
        pieces: list[tuple[str, int, int]] = []  # (name or digits, start, end)
        i, n = 0, len(word)
        while i < n:
            if word[i].isdigit():
                j = i
                while j < n and word[j].isdigit():
                    j += 1
                pieces.append((word[i:j], start + i, start + j))
                i = j
                continue
            if word[i] == "_":
                bad = (start, start + n) if i == 0 else (start + i, start + i + 1)
                hint = _CHARACTER_HINTS["_"]
                if i == 0:
                    hint = "a name starts with a letter; " + hint
                raise self.error(f"unknown name {word!r}", *bad, hint=hint)
            known = self.known_at(word, i)
            stem = known if known in _GREEK_NAMES else word[i]
            suffix = _SUFFIX.match(word, i + len(stem))
            subscripted = stem + suffix.group() if suffix else ""
            piece = known if known and len(known) >= len(subscripted) else subscripted
            piece = piece or word[i]
            pieces.append((piece, start + i, start + i + len(piece)))
            i += len(piece)
        end = start + n
        declared = self.declared or ()
        if (
            len(pieces) > 1
            and self.text[end : end + 1] == "("
            and pieces[-1][0] not in FUNCTIONS
            and not all(piece in declared for piece, _, _ in pieces)
        ):
            # foo(x), sine(x): a misspelt function far more often than f·o·o·(x)
            raise self.unknown_function(word, start, end)
        for k, (piece, a, b) in enumerate(pieces):
            self.name(piece, a, b, space and k == 0, (start, end))

    def known_at(self, word: str, i: int) -> str:
        """The longest declared or known name starting at ``word[i]`` ('' if none)."""
        declared = self.declared or ()
        for length in range(min(self.longest, len(word) - i), 0, -1):
            piece = word[i : i + length]
            if piece in declared or piece in FUNCTIONS or piece in CONSTANTS:
                return piece
            if piece in _GREEK_NAMES:
                return piece
        return ""

    def name(self, name: str, start: int, end: int, space: bool, word: tuple[int, int]) -> None:
        declared = self.declared
        if name.isdigit():
            self.add("number", name, start, end, space, sympy.Integer(int(name)))
        elif declared is not None and name in declared:
            self.add("var", name, start, end, space, word)
        elif name in FUNCTIONS:
            self.add("func", name, start, end, space)
        elif name in CONSTANTS:
            self.add("const", name, start, end, space, CONSTANTS[name])
        elif declared is not None and _other_spelling(name) in declared:
            self.add("var", _other_spelling(name), start, end, space, word)
        elif declared is not None:
            raise self.unknown_variable(name, start, end, word)
        else:
            self.add("var", name, start, end, space, word)

    def unknown_variable(
        self, name: str, start: int, end: int, word: tuple[int, int]
    ) -> EquationError:
        names = ", ".join(sorted(self.declared or ())) or "none"
        hint = f"the variables are {names} ({self.source})"
        whole = self.text[word[0] : word[1]]
        if whole != name and self.text[start:end] == name:
            hint += f"; {whole!r} was read letter by letter"
        if end < len(self.text) and self.text[end] == "(":
            return self.unknown_function(name, start, end)
        return self.error(f"unknown variable {name!r}", start, end, hint)

    def unknown_function(self, name: str, start: int, end: int) -> EquationError:
        import difflib

        close = difflib.get_close_matches(name, list(FUNCTIONS), n=1)
        hint = f"did you mean {close[0]!r}? " if close else ""
        hint += f"the known functions are {_known_functions()}"
        if len(name) > 1:
            letters = "*".join(name)
            hint += f". For a product, write {letters}*(…)"
        return self.error(f"unknown function {name!r}", start, end, hint)


# ------------------------------------------------------------------ the parser


def _product(factors: Sequence[sympy.Expr]) -> sympy.Expr:
    if len(factors) == 1:
        return factors[0]
    _check_product(factors)
    product = sympy.Mul(*factors)
    for factor in sympy.Mul.make_args(product):  # x^(1/3)·x^(1/7)·… adds up exponents
        exp = factor.exp if factor.is_Pow else None
        if exp is not None and exp.is_Rational and _exponent_too_large(exp):
            raise _RefusedError(
                f"this product has an exponent too large ({_short(exp)})", _EXPONENT_HINT
            )
    return product


def _sum(terms: Sequence[sympy.Expr]) -> sympy.Expr:
    if len(terms) == 1:
        return terms[0]
    _check_sum(terms)
    return sympy.Add(*terms)


_END_HINTS = {
    ")": "there is no '(' for this ')'",
    "=": "comparisons and assignments are not allowed; only a leading declaration "
    "such as f(x, y) = … may use '='",
    ",": "',' separates a function's arguments, as in log(x, 2)",
    "|": "bars come in pairs, |x|; inside bars, write abs(…) for another pair",
    "^": "write the exponent once: x^6 or x⁶, or (x²)^3",
}


class _Parser:
    """Precedence climbing over the tokens, building SymPy objects as it goes.

    Lowest to highest: ``+ -``; ``* /`` and a spaced implicit product; an implicit product
    without space; unary ``- +``; ``^`` (right-associative, its exponent may carry a sign);
    numbers, names, calls, ``( )`` and ``| |``.
    """

    def __init__(self, text: str, tokens: list[_Token]) -> None:
        self.text = text
        self.tokens = tokens
        self.i = 0
        self.depth = 0
        self.bars = 0  # how many |…| are open (inside the innermost parentheses)
        self.used: dict[str, sympy.Symbol] = {}
        self.nesting: dict[sympy.Expr, int] = {}  # memo for _nesting
        self.min_max_arguments = 0

    # -------------------------------------------------------------- helpers

    @property
    def token(self) -> _Token:
        return self.tokens[self.i]

    def next(self) -> _Token:
        token = self.tokens[self.i]
        self.i = min(self.i + 1, len(self.tokens) - 1)
        return token

    def is_op(self, text: str) -> bool:
        return self.token.kind == "op" and self.token.text == text

    def error(
        self, message: str, token: _Token, hint: str | None = None, end: int | None = None
    ) -> EquationError:
        return _error(self.text, message, token.start, end or token.end, hint)

    def build(
        self,
        token: _Token,
        function: Callable[..., sympy.Expr],
        *args: object,
        end: int | None = None,
    ) -> sympy.Expr:
        """``function(*args)``, any refusal or SymPy failure reported at ``token``."""
        try:
            return function(*args)
        except _RefusedError as refused:
            message = refused.message.replace("{token}", repr(token.text))
            raise self.error(message, token, refused.hint, end) from None
        except RecursionError:
            raise self.error("the equation is nested too deeply", token) from None
        except Exception as exc:  # SymPy itself fails on a few odd constants
            raise self.error(
                f"SymPy cannot evaluate this ({type(exc).__name__})",
                token,
                "rewrite this part, for example with fewer exact constants",
            ) from exc

    def enter(self, token: _Token) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.error(
                f"the equation is nested more than {MAX_DEPTH} levels deep",
                token,
                hint="simplify the equation: fewer nested parentheses, powers or calls",
            )

    def starts_factor(self, token: _Token) -> bool:
        if token.kind in ("number", "var", "const", "func"):
            return True
        return token.kind == "op" and (token.text == "(" or (token.text == "|" and not self.bars))

    def value_follows(self) -> bool:
        """Whether the current token can begin a value (after an operator)."""
        token = self.token
        if token.kind in ("number", "var", "const", "func"):
            return True
        return token.kind == "op" and token.text in "(|-+"

    def implicit(self, token: _Token) -> None:
        """Refuse ``2 3``: two numbers in a row are a typo more often than a product."""
        previous = self.tokens[self.i - 1]
        if token.kind == "number" and previous.kind in ("number", "super"):
            raise self.error(
                f"the number {token.text!r} follows another number",
                token,
                hint="write * between them if you mean a product",
            )

    def missing(self, after: _Token) -> EquationError:
        """The error for a value missing after ``after``."""
        token = self.token
        if token.kind == "end":
            where = f"after {after.text!r}" if after.kind == "op" else "here"
            return self.error(
                f"the equation ends where a value is expected {where}",
                token,
                hint="complete the expression",
            )
        hint = _END_HINTS.get(token.text) if token.kind == "op" else None
        return self.error(f"unexpected {token.text!r}", token, hint or "a value is missing here")

    def constant_nesting(self, token: _Token, parts: Sequence[sympy.Expr]) -> None:
        """Refuse a function or root of exact constants nested too deeply (SymPy's evalf,
        which its simplifications call on constants, grows exponentially with the depth)."""
        if any(p.free_symbols for p in parts):
            return
        level = 1 + max(_nesting(p, self.nesting) for p in parts)
        if level > MAX_CONSTANT_NESTING:
            raise self.error(
                f"{token.text!r} nests functions of exact constants {level} deep",
                token,
                f"at most {MAX_CONSTANT_NESTING} levels: compute the constant and type its "
                "value, or give it a name as a variable",
            )

    def symbol(self, name: str) -> sympy.Symbol:
        """The variable ``name``; x2 and x_2 are one variable, spelled as first seen."""
        found = self.used.get(name) or self.used.get(_other_spelling(name))
        if found is None:
            found = self.used[name] = sympy.Symbol(name, real=True)
        return found

    # -------------------------------------------------------------- grammar

    def parse(self) -> sympy.Expr:
        if self.token.kind == "end":
            raise self.error(
                "there is no expression", self.token, hint="type an expression such as x^2 sin(y)"
            )
        expr = self.expression()
        token = self.token
        if token.kind != "end":
            if token.kind == "op" and token.text in _END_HINTS:
                what = "unmatched" if token.text in ")|" else "unexpected"
                raise self.error(f"{what} {token.text!r}", token, _END_HINTS[token.text])
            raise self.error(f"unexpected {token.text!r}", token)
        return expr

    def expression(self) -> sympy.Expr:
        first = self.token
        terms = [self.term()]
        while self.is_op("+") or self.is_op("-"):
            op = self.next()
            if not self.value_follows():
                raise self.missing(op)
            term = self.term()
            terms.append(-term if op.text == "-" else term)
        return self.build(first, _sum, terms)

    def term(self) -> sympy.Expr:
        first = self.token
        factors = [self.group()]
        while True:
            token = self.token
            if token.kind == "op" and token.text in "*/":
                self.next()
                if not self.value_follows():
                    raise self.missing(token)
                factor = self.group()
                if token.text == "/":
                    if factor is sympy.S.Zero:  # structural: no assumptions queried
                        raise self.error("division by zero", token, "the divisor is exactly 0")
                    factor = self.build(token, _power, factor, sympy.S.NegativeOne)
                factors.append(factor)
            elif token.space and self.starts_factor(token):
                self.implicit(token)
                factors.append(self.group())
            else:
                break
        return self.build(first, _product, factors)

    def group(self) -> sympy.Expr:
        first = self.token
        factors = [self.unary()]
        while not self.token.space and self.starts_factor(self.token):
            self.implicit(self.token)
            factors.append(self.power())
        return self.build(first, _product, factors)

    def unary(self) -> sympy.Expr:
        negative = False
        while self.is_op("-") or self.is_op("+"):
            negative ^= self.next().text == "-"
        value = self.power()
        return -value if negative else value

    def power(self) -> sympy.Expr:
        base = self.primary()
        token = self.token
        if token.kind == "super":
            self.next()
            return self.build(token, _power, base, sympy.Integer(token.value))
        if token.kind == "op" and token.text == "^":
            self.next()
            if not self.value_follows():
                raise self.missing(token)
            self.enter(token)
            exponent = self.unary()
            self.depth -= 1
            if not exponent.is_Integer:
                self.constant_nesting(token, (base, exponent))
            return self.build(token, _power, base, exponent)
        return base

    def primary(self) -> sympy.Expr:
        token = self.token
        if token.kind in ("number", "const"):
            self.next()
            return token.value  # type: ignore[return-value]
        if token.kind == "var":
            self.next()
            return self.symbol(token.text)
        if token.kind == "func":
            return self.call()
        if self.is_op("(") or self.is_op("|"):
            return self.enclosed()
        raise self.missing(self.tokens[self.i - 1] if self.i else token)

    def enclosed(self) -> sympy.Expr:
        """``( … )`` or ``| … |``."""
        opening = self.next()
        if self.token.kind == "end":
            raise self.unclosed(opening)
        self.enter(opening)
        bars = self.bars
        self.bars = 1 if opening.text == "|" else 0
        inner = self.expression()
        closing = ")" if opening.text == "(" else "|"
        if not self.is_op(closing):
            raise self.unclosed(opening)
        self.next()
        self.bars = bars
        self.depth -= 1
        return inner if closing == ")" else sympy.Abs(inner)

    def unclosed(self, opening: _Token) -> EquationError:
        token = self.token
        closing = ")" if opening.text == "(" else "|"
        if token.kind == "end":
            return self.error(
                f"{opening.text!r} is never closed",
                opening,
                hint=f"add {closing!r} where the group ends",
            )
        hint = _END_HINTS.get(token.text) if token.kind == "op" else None
        return self.error(
            f"unexpected {token.text!r}, expected {closing!r}",
            token,
            hint or f"close the {opening.text!r} opened earlier first",
        )

    def call(self) -> sympy.Expr:
        """A function: ``sin(x)``, ``log(x, 2)``, ``sin^2(x)``, ``sin⁻¹(x)``, ``sin x``, ``√x``."""
        name_token = self.next()
        name = name_token.text
        spec = FUNCTIONS[name]
        power = None
        if self.token.kind == "super":
            power = self.next().value
        elif self.is_op("^"):
            power = self.function_power(name_token)
        if self.is_op("("):
            args, end = self.arguments(name_token)
        elif self.starts_factor(self.token) or self.is_op("|"):
            if spec.min_args > 1:
                raise self.error(
                    f"{name} needs parentheses", name_token, hint=f"write {name}(…, …)"
                )
            self.enter(name_token)
            args = [self.power()]
            self.depth -= 1
            end = self.tokens[self.i - 1].end
            after = self.token
            if self.starts_factor(after) and after.kind != "func":
                raise self.error(
                    f"{name} without parentheses is ambiguous here",
                    name_token,
                    hint=f"write {name}(…) around its whole argument, e.g. {name}(2x) or "
                    f"{name}(2)·x",
                    end=after.end,
                )
        else:
            raise self.error(f"{name} needs an argument", name_token, hint=f"write {name}(x)")
        if power == -1:
            if spec.inverse is None:
                raise self.error(
                    f"{name}^-1 has no inverse function here",
                    name_token,
                    hint=f"for the reciprocal write 1/{name}(x)",
                )
            name, spec, power = spec.inverse, FUNCTIONS[spec.inverse], None
        count = len(args)
        if count < spec.min_args or (spec.max_args is not None and count > spec.max_args):
            raise self.error(
                f"{name} takes {_arity(spec)}, got {count}",
                name_token,
                hint=f"{name}: {spec.doc}",
                end=end,
            )
        self.constant_nesting(name_token, args)
        if spec.build in (sympy.Min, sympy.Max):
            self.min_max_arguments += count
            if self.min_max_arguments > MAX_MIN_MAX_ARGUMENTS:
                raise self.error(
                    f"min and max have more than {MAX_MIN_MAX_ARGUMENTS} arguments in all",
                    name_token,
                    "SymPy compares every pair of arguments, which grows fast; "
                    "use fewer, or split the equation",
                    end=end,
                )
        shown = self.text[name_token.start : end]
        value = self.build(name_token, _apply, spec, args, shown, end=end)
        if power is not None:
            value = self.build(name_token, _power, value, sympy.Integer(power))
        return value

    def function_power(self, name_token: _Token) -> int:
        """The whole number n in ``sin^n(x)``, ``sin^-1(x)`` or ``sin^(-1)(x)``."""
        caret = self.next()
        paren = self.is_op("(")
        if paren:
            self.next()
        sign = 1
        while self.is_op("-") or self.is_op("+"):
            sign *= -1 if self.next().text == "-" else 1
        number = self.token
        closed = not paren or self.tokens[min(self.i + 1, len(self.tokens) - 1)].text == ")"
        if number.kind != "number" or not number.value.is_Integer or not closed:
            name = name_token.text
            raise self.error(
                f"after '{name}^' a whole number is expected",
                caret,
                hint=f"{name}^2(x) means {name}(x)^2; for other powers write {name}(x)^(…)",
            )
        self.next()
        if paren:
            self.next()
        power = sign * int(number.value)
        if power < 1 and power != -1:
            raise self.error(
                f"{name_token.text}^{power} is not allowed",
                caret,
                hint=f"write {name_token.text}(x)^({power}) for a power of the value",
                end=number.end,
            )
        return power

    def arguments(self, name_token: _Token) -> tuple[list[sympy.Expr], int]:
        opening = self.next()
        self.enter(opening)
        bars, self.bars = self.bars, 0
        if self.is_op(")"):
            raise self.error(
                f"{name_token.text}() needs an argument",
                self.token,
                hint=f"write {name_token.text}(x)",
            )
        args = [self.expression()]
        while self.is_op(","):
            comma = self.next()
            if not self.value_follows():
                raise self.missing(comma)
            args.append(self.expression())
        if not self.is_op(")"):
            raise self.unclosed(opening)
        end = self.next().end
        self.bars = bars
        self.depth -= 1
        return args, end


_TOLERANCE = 1e-12
_REAL_DOMAINS: dict[Callable[..., sympy.Expr], Callable[[float], bool]] = {
    sympy.asin: lambda v: abs(v) <= 1 + _TOLERANCE,
    sympy.acos: lambda v: abs(v) <= 1 + _TOLERANCE,
    sympy.asec: lambda v: abs(v) >= 1 - _TOLERANCE,
    sympy.acsc: lambda v: abs(v) >= 1 - _TOLERANCE,
    sympy.acosh: lambda v: v >= 1 - _TOLERANCE,
    sympy.atanh: lambda v: abs(v) < 1,
    sympy.acoth: lambda v: abs(v) > 1,
    sympy.asech: lambda v: 0 < v <= 1 + _TOLERANCE,
}
"""Where inverse functions are real, checked on a float estimate of a constant argument
(SymPy cannot always tell, and asking it costs far more than this)."""


def _nesting(e: sympy.Expr, memo: dict[sympy.Expr, int]) -> int:
    """How deeply functions and roots nest inside ``e`` (sin(sqrt(2)) is 2)."""
    if e.is_Atom:
        return 0
    found = memo.get(e)
    if found is None:
        inner = max(_nesting(a, memo) for a in e.args)
        own = isinstance(e, sympy.Function) or (e.is_Pow and not e.exp.is_Integer)
        found = memo[e] = inner + own
    return found


def _apply(spec: Function, args: Sequence[sympy.Expr], shown: str) -> sympy.Expr:
    """The function's value, refused if its arguments are numbers and it is not real.

    SymPy simplifies functions of exact numbers as it builds them, sin(atan(y)) into
    y/sqrt(1 + y²) for instance, and a root of a huge number can take minutes; hence the
    bound on the numbers inside a function's arguments.
    """
    for arg in args:
        for number in arg.atoms(sympy.Rational):
            if _bits(number) > _MAX_ROOT_BITS:
                raise _RefusedError(
                    f"{{token}} is given a number with {_digits(math.log2(_bits(number)))} digits",
                    f"numbers inside functions are limited to {MAX_ROOT_DIGITS} digits",
                )
    domain = _REAL_DOMAINS.get(spec.build)
    if domain is not None and not args[0].free_symbols:
        estimate = _approx(args[0])
        if math.isfinite(estimate) and not domain(estimate):
            raise _RefusedError(
                f"{shown} is not a real number", "steepest works with real numbers only"
            )
    value = spec.build(*args)
    if not any(a.free_symbols for a in args) and (
        value in _UNDEFINED or value.has(sympy.I) or value.is_extended_real is False
    ):
        raise _RefusedError(
            f"{shown} is not a real number", "steepest works with real numbers only"
        )
    return value


def _arity(spec: Function) -> str:
    if spec.max_args is None:
        return f"{spec.min_args} or more arguments"
    if spec.min_args == spec.max_args:
        return f"{spec.min_args} argument" + "s" * (spec.min_args != 1)
    return f"{spec.min_args} to {spec.max_args} arguments"


# ------------------------------------------------------------------ entry point


def _natural(name: str) -> list[object]:
    """Sort key putting x2 before x10."""
    return [int(p) if p.isdigit() else p.casefold() for p in re.split(r"(\d+)", name)]


def _variable_name(raw: str) -> str | None:
    """The canonical name for ``raw`` (``θ`` → ``theta``), or None if it cannot be one."""
    name = raw.strip()
    if name[:1] in GREEK:
        name = GREEK[name[0]] + name[1:]
    name = name.translate(_SUBSCRIPTS)
    if not _VALID_NAME.fullmatch(name) or name in FUNCTIONS:
        return None
    return name


def _given_variables(text: str, variables: Iterable[str]) -> tuple[str, ...]:
    names: list[str] = []
    for raw in variables:
        name = _variable_name(raw)
        if name is None:
            reason = "is a function" if raw.strip() in FUNCTIONS else "is not a variable name"
            raise _error(
                text,
                f"variables: {raw!r} {reason}",
                None,
                hint="a variable name is a letter, then letters, digits or _ (x, x2, x_max, θ)",
            )
        if name in names:
            raise _error(
                text, f"variables: {name!r} is given twice", None, hint="give each variable once"
            )
        names.append(name)
    return tuple(names)


def _declaration(
    text: str, given: tuple[str, ...] | None
) -> tuple[str, tuple[str, ...] | None, int, str]:
    """Read a leading ``f(x, y) =``: the name, the declared variables, where the body starts."""
    source = f"given as variables={list(given)}" if given is not None else ""
    match = _DECLARATION.match(text)
    if match is None:
        return "f", given, 0, source
    name = GREEK.get(match["name"], match["name"])
    if name in FUNCTIONS or name in CONSTANTS:
        kind = "function" if name in FUNCTIONS else "constant"
        raise _error(
            text,
            f"{name!r} is a {kind} steepest knows, not a name for yours",
            match.start("name"),
            match.end("name"),
            hint="call it f, g, cost, …",
        )
    if match["args"] is None:
        return name, given, match.end(), source
    declared: list[str] = []
    offset = match.start("args")
    for part in match["args"].split(",") if match["args"].strip() else []:
        start = offset + len(part) - len(part.lstrip())
        offset += len(part) + 1
        variable = _variable_name(part) if part.strip() else None
        if variable is None or variable in declared:
            what = "is given twice" if variable else "is not a variable name"
            raise _error(
                text,
                f"{part.strip() or 'nothing'!r} {what} in the declaration",
                start,
                start + len(part.strip()),
                hint="declare distinct names such as f(x, y) = …; a name is a letter, then "
                "letters, digits or _",
            )
        declared.append(variable)
    if given is not None and tuple(declared) != given:
        raise _error(
            text,
            f"the declaration {text[: match.end('args') + 1].strip()} and "
            f"variables={list(given)} disagree",
            match.start("args"),
            match.end("args"),
            hint="give the variables once, or the same in both places",
        )
    where = f"declared in {name}({', '.join(declared)})"
    return name, tuple(declared), match.end(), where


def parse_text(text: str, variables: Sequence[str] | None) -> Parsed:
    """Read ``text`` into a name, an expression and ordered variables.

    Parameters
    ----------
    text
        The equation, with an optional leading declaration ``f(x, y) = …``.
    variables
        The variables in order, or None to take them from the declaration or else
        alphabetically (x2 before x10). A name used in ``text`` but not listed is an error.

    Returns
    -------
    Parsed

    Raises
    ------
    EquationError
        With ``text``, ``position`` (0-based, or None) and ``hint`` attributes; the message
        quotes the text with a caret under the problem.

    Examples
    --------
    >>> parse_text("f(x, y) = x^2 sin(y)", None)
    Parsed(name='f', expr=x**2*sin(y), variables=(x, y))
    >>> parse_text("2pi r", None).expr
    2*pi*r
    """
    if len(text) > MAX_LENGTH:
        raise _error(
            text,
            f"the equation is {len(text)} characters long",
            MAX_LENGTH,
            hint=f"equations are limited to {MAX_LENGTH} characters",
        )
    if not text.strip():
        raise _error(
            text, "the equation is empty", None, hint="type an expression such as x^2 sin(y)"
        )
    given = _given_variables(text, variables) if variables is not None else None
    name, declared, begin, source = _declaration(text, given)
    tokens = _Lexer(text, declared, source).run(begin)
    parser = _Parser(text, tokens)
    try:
        expr = parser.parse()
    except RecursionError:
        raise _error(text, "the equation is nested too deeply", None) from None
    if expr.has(*_UNDEFINED, sympy.I):
        raise _error(
            text,
            "the equation is not a finite real expression",
            None,
            hint="look for a division by zero or a logarithm of 0",
        )
    if declared is not None:
        symbols = tuple(parser.used.get(n) or sympy.Symbol(n, real=True) for n in declared)
    else:
        symbols = tuple(parser.used[n] for n in sorted(parser.used, key=_natural))
    return Parsed(name, expr, symbols)
