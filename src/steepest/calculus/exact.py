"""Exact values of an expression at a point, with every step bounded in size and time.

SymPy computes exact numbers eagerly; :func:`exact_at` rebuilds an expression from its
leaves at a point and refuses (:class:`TooLargeError`) before a node would hold a huge
number or the time runs out. What the values mean (a gradient, a kink) is
:mod:`steepest.calculus.pointwise`' business.
"""

from __future__ import annotations

import math
import time
from typing import Any

import sympy

EXACT_SECONDS = 2.0  # the most time spent building one exact value
_EVAL_BITS = 1 << 20  # the largest |log2| of a value left for evalf (x^y with y not exact)


class TooLargeError(Exception):
    """An exact value at a point would be too large (or too slow) to compute."""


def exact_at(expr: sympy.Expr, where: dict[Any, Any],
             seconds: float = EXACT_SECONDS) -> sympy.Expr:
    """``expr`` at a point, exactly: ``expr.subs(where)`` with every step bounded.

    SymPy computes exact numbers eagerly, so ``x^x^x^x^x^x`` at 2 or ``exp(exp(x))`` at
    100 would take hours or fill memory. The expression is rebuilt from its leaves, and
    before each node is built the size of the exact numbers it would produce is
    estimated with the parser's own guards (:mod:`steepest.equation.guards`, float arithmetic
    on their bits, never SymPy's evaluation); past those bounds, or after ``seconds``,
    :class:`TooLargeError` is raised.
    """
    deadline = time.monotonic() + seconds
    memo: dict[sympy.Expr, sympy.Expr] = {}

    def walk(e: sympy.Expr) -> sympy.Expr:
        if e in where:
            return where[e]
        if not e.args or not e.free_symbols:
            return e
        found = memo.get(e)
        if found is None:
            if time.monotonic() > deadline:
                raise TooLargeError
            found = memo[e] = _build(e, [walk(a) for a in e.args])
        return found

    return walk(expr)


def _build(e: sympy.Expr, args: list[sympy.Expr]) -> sympy.Expr:
    """``e.func(*args)`` once the sizes it would compute are known to be small."""
    from steepest.equation import guards as guard

    try:
        if e.is_Pow:
            _check_power_size(*args)
            return sympy.Pow(*args)
        if e.is_Mul:
            guard._check_product(args)
            return sympy.Mul(*args)
        if e.is_Add:
            guard._check_sum(args)
            return sympy.Add(*args)
        if isinstance(e, sympy.exp):
            _check_exp_size(args[0])
        for arg in args:
            for number in arg.atoms(sympy.Rational):
                if guard._bits(number) > guard._MAX_ROOT_BITS:
                    raise TooLargeError
        return e.func(*args)
    except guard.RefusedError:
        raise TooLargeError from None


def _check_power_size(base: sympy.Expr, exp: sympy.Expr) -> None:
    """Refuse ``base^exp`` when its exact value would be huge (not when it is undefined:
    0^-1 and (-1)^(1/2) are built, and reported as infinite or not real)."""
    from steepest.equation import guards as guard

    if base is sympy.E:
        _check_exp_size(exp)
        return
    if not exp.is_Rational:  # kept symbolic by SymPy; evalf's cost grows with |exp·ln base|
        size = abs(guard._approx(exp)) * abs(math.log2(abs(guard._approx(base)) or 1.0))
        if size > _EVAL_BITS:
            raise TooLargeError
        return
    if base.is_Rational:
        if base in (sympy.S.Zero, sympy.S.One, sympy.S.NegativeOne):
            return
        if guard._log2_size(guard._bits(base), exp) > guard._LOG2_MAX_BITS:
            raise TooLargeError
        if exp.q != 1 and (guard._exponent_too_large(exp)
                           or guard._bits(base) > guard._MAX_ROOT_BITS):
            raise TooLargeError
        return
    number, root = guard._sizes(base)
    if (guard._exponent_too_large(exp)
            or guard._log2_size(number + root, exp) > guard._LOG2_MAX_BITS):
        raise TooLargeError


def _check_exp_size(arg: sympy.Expr) -> None:
    """Refuse exp(arg) when arg is far beyond what floating point holds (|arg| > 10^6:
    evalf's work grows with it), or when it holds n·ln(b), which SymPy turns into b^n."""
    from steepest.equation import guards as guard

    for term in sympy.Add.make_args(arg):
        coeff, rest = term.as_coeff_Mul()
        if isinstance(rest, sympy.log):
            _check_power_size(rest.args[0], coeff)
    if abs(guard._approx(arg)) > _EVAL_BITS:  # False for nan: unknown values pass
        raise TooLargeError
