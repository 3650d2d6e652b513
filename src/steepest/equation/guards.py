"""Size guards: what the equation parser refuses to ask SymPy to build, and why.

SymPy computes exact numbers eagerly, so text such as ``9^9^9^9``, ``2^(10^9)`` or
``e^(1 + e^(1 + e^9))`` would hang it or fill memory. Every power, product, sum and
function call the parser builds goes through a builder here (:func:`guarded_power`,
:func:`guarded_product`, :func:`guarded_sum`, :func:`guarded_apply`) that first estimates
the size of the exact numbers it would produce, from their bits and with plain float
arithmetic, never SymPy's own evaluation, and raises :class:`RefusedError` past the
``MAX_*`` bounds.
The same builders refuse values that are not real (a root of a negative number,
``asin(2)``, ``0^-1``).

Left out: the position in the text and the final
:class:`~steepest.errors.EquationError` (the parser adds them, replacing ``{token}`` in
each message), and the bounds on the text as typed: its length, tokens, nesting, the
digits of each number and the arguments of min and max are counted by the lexer and the
parser, against the limits defined here.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import sympy

if TYPE_CHECKING:
    from steepest.equation.vocabulary import Function

MAX_LENGTH = 2000  # characters of text
MAX_TOKENS = 2000  # numbers, names and operators (at most one per character)
MAX_DEPTH = 64  # nested parentheses, bars, function calls and exponents
MAX_NUMBER_DIGITS = 100  # digits in one number as typed
MAX_DIGITS = 4000  # digits of any exact number the expression would produce
MAX_EXPONENT = 10_000  # size of an exponent on anything but a number
MAX_ROOT_DIGITS = 100  # digits of numbers inside a function or a root (per product)
MAX_ROOT_ORDER = 16  # roots of higher order (x^(1/17) ...) only of numbers of at most ...
MAX_HIGH_ROOT_DIGITS = 6  # ... 6 digits: SymPy looks for exact roots by factoring
MAX_MIN_MAX_ARGUMENTS = 8  # all arguments of min and max together (SymPy compares pairs)
MAX_CONSTANT_NESTING = 2  # functions nested inside an exact constant, as in sin(sqrt(2))

_MAX_BITS = MAX_DIGITS * math.log2(10)  # numerator plus denominator
_MAX_ROOT_BITS = MAX_ROOT_DIGITS * math.log2(10)


class RefusedError(Exception):
    """A value SymPy must not be asked to build; the parser adds the position."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


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


TOO_BIG_HINT = f"steepest computes exact numbers only up to {MAX_DIGITS} digits"
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
        check_exp(exp)
        return
    if not exp.is_Rational:
        return
    q = int(exp.q)
    if base.is_Rational:
        if base is sympy.S.Zero and exp.is_negative:
            raise RefusedError(
                "{token} raises 0 to a negative power: a division by zero",
                "a negative power divides by the base",
            )
        if base in (sympy.S.Zero, sympy.S.One, sympy.S.NegativeOne):
            return
        size = _log2_size(_bits(base), exp)
        if size > _LOG2_MAX_BITS:
            raise RefusedError(
                f"{{token}} would give a number with {_digits(size)} digits", TOO_BIG_HINT
            )
        if q != 1:
            if base.is_negative:
                raise RefusedError(
                    "{token} takes a fractional power of a negative number, which is not real",
                    "steepest works with real numbers only",
                )
            if q > MAX_EXPONENT:
                raise RefusedError(
                    f"{{token}} has an exponent too large ({_short(exp)})", _EXPONENT_HINT
                )
            if _bits(base) > _MAX_ROOT_BITS:
                raise RefusedError(
                    f"{{token}} would take a root of a number with "
                    f"{_digits(math.log2(_bits(base)))} digits",
                    _ROOT_HINT,
                )
            if q > MAX_ROOT_ORDER and max(abs(base.p), base.q) >= 10**MAX_HIGH_ROOT_DIGITS:
                raise RefusedError(
                    f"{{token}} would take a root of order {q} of a number with more than "
                    f"{MAX_HIGH_ROOT_DIGITS} digits",
                    f"roots of order above {MAX_ROOT_ORDER} are computed exactly only for "
                    f"numbers below 10^{MAX_HIGH_ROOT_DIGITS}",
                )
        return
    effective, inner = exp, base
    if base.is_Pow and base.exp.is_Rational:
        effective, inner = base.exp * exp, base.base
    if _exponent_too_large(effective):
        raise RefusedError(
            f"{{token}} has an exponent too large ({_short(effective)})", _EXPONENT_HINT
        )
    if inner.is_Rational and inner is not base:
        _check_power(inner, effective)
    number, root = _sizes(base)
    size = _log2_size(number + root, exp)
    if size > _LOG2_MAX_BITS:
        raise RefusedError(
            f"{{token}} would give a number with {_digits(size)} digits", TOO_BIG_HINT
        )
    if q != 1 and number > _MAX_ROOT_BITS:
        raise RefusedError(
            f"{{token}} would take a root of a number with {_digits(math.log2(number))} digits",
            _ROOT_HINT,
        )


def check_exp(arg: sympy.Expr) -> None:
    """Refuse exp(arg) when SymPy would compute a huge number.

    exp(n·ln 2) becomes 2^n; and SymPy asks the sign of a constant argument by evaluating
    it, which takes minutes for towers such as e^(1 + e^(1 + e^9)).
    """
    for term in sympy.Add.make_args(arg):
        coeff, rest = term.as_coeff_Mul()
        if isinstance(rest, sympy.log):
            _check_power(rest.args[0], coeff)
        elif rest is sympy.S.One and _exponent_too_large(coeff):
            raise RefusedError(
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
                raise RefusedError(
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
        raise RefusedError(
            f"this product would give a number with {_digits(math.log2(number))} digits",
            TOO_BIG_HINT,
        )
    if root > _MAX_ROOT_BITS:
        raise RefusedError(
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
        raise RefusedError(
            f"this sum would give a number with {_digits(math.log2(bits))} digits",
            TOO_BIG_HINT,
        )


UNDEFINED = (sympy.S.ComplexInfinity, sympy.S.NaN, sympy.S.Infinity, sympy.S.NegativeInfinity)


def guarded_power(base: sympy.Expr, exp: sympy.Expr) -> sympy.Expr:
    """``base^exp``, checked before and after SymPy builds it."""
    _check_power(base, exp)
    result = sympy.Pow(base, exp)
    if result in UNDEFINED:
        raise RefusedError("{token} gives an undefined value", "look for a division by zero")
    return result


def guarded_product(factors: Sequence[sympy.Expr]) -> sympy.Expr:
    """The product of ``factors``, checked before and after SymPy builds it."""
    if len(factors) == 1:
        return factors[0]
    _check_product(factors)
    product = sympy.Mul(*factors)
    for factor in sympy.Mul.make_args(product):  # x^(1/3)·x^(1/7)·… adds up exponents
        exp = factor.exp if factor.is_Pow else None
        if exp is not None and exp.is_Rational and _exponent_too_large(exp):
            raise RefusedError(
                f"this product has an exponent too large ({_short(exp)})", _EXPONENT_HINT
            )
    return product


def guarded_sum(terms: Sequence[sympy.Expr]) -> sympy.Expr:
    """The sum of ``terms``, checked before SymPy builds it."""
    if len(terms) == 1:
        return terms[0]
    _check_sum(terms)
    return sympy.Add(*terms)


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


def nesting_depth(e: sympy.Expr, memo: dict[sympy.Expr, int]) -> int:
    """How deeply functions and roots nest inside ``e`` (sin(sqrt(2)) is 2)."""
    if e.is_Atom:
        return 0
    found = memo.get(e)
    if found is None:
        inner = max(nesting_depth(a, memo) for a in e.args)
        own = isinstance(e, sympy.Function) or (e.is_Pow and not e.exp.is_Integer)
        found = memo[e] = inner + own
    return found


def guarded_apply(spec: Function, args: Sequence[sympy.Expr], shown: str) -> sympy.Expr:
    """The function's value, refused if its arguments are numbers and it is not real.

    SymPy simplifies functions of exact numbers as it builds them, sin(atan(y)) into
    y/sqrt(1 + y²) for instance, and a root of a huge number can take minutes; hence the
    bound on the numbers inside a function's arguments.
    """
    for arg in args:
        for number in arg.atoms(sympy.Rational):
            if _bits(number) > _MAX_ROOT_BITS:
                raise RefusedError(
                    f"{{token}} is given a number with {_digits(math.log2(_bits(number)))} digits",
                    f"numbers inside functions are limited to {MAX_ROOT_DIGITS} digits",
                )
    domain = _REAL_DOMAINS.get(spec.build)
    if domain is not None and not args[0].free_symbols:
        estimate = _approx(args[0])
        if math.isfinite(estimate) and not domain(estimate):
            raise RefusedError(
                f"{shown} is not a real number", "steepest works with real numbers only"
            )
    value = spec.build(*args)
    if not any(a.free_symbols for a in args) and (
        value in UNDEFINED or value.has(sympy.I) or value.is_extended_real is False
    ):
        raise RefusedError(
            f"{shown} is not a real number", "steepest works with real numbers only"
        )
    return value
