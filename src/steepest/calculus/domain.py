"""Why f has no real value at a point: the part of it that breaks, and what that part needs.

:func:`why_undefined` finds the innermost piece of an expression (a logarithm, a root, a
division, an inverse trigonometric function) whose own arguments are real numbers at the
point while it is not, and says what it needs: ``ln(x) needs x > 0``. It is how a start
or a point outside f's domain is named to the user. Left out: describing the whole
domain as a set (SymPy's ``continuous_domain`` does that for one variable, slowly).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

import sympy

from steepest.calculus.exact import TooLargeError, exact_at
from steepest.equation.printing import plain

__all__ = ["why_undefined"]

#: The most time spent looking for the piece that breaks.
SECONDS = 2.0

_Need = Callable[[str], str]

#: What each function needs of its argument ``u`` to be a real number.
_NEEDS: dict[Any, _Need] = {
    sympy.log: lambda u: f"{u} > 0",
    sympy.asin: lambda u: f"-1 ≤ {u} ≤ 1",
    sympy.acos: lambda u: f"-1 ≤ {u} ≤ 1",
    sympy.acosh: lambda u: f"{u} ≥ 1",
    sympy.atanh: lambda u: f"-1 < {u} < 1",
    sympy.acoth: lambda u: f"{u} < -1 or {u} > 1",
    sympy.asec: lambda u: f"{u} ≤ -1 or {u} ≥ 1",
    sympy.acsc: lambda u: f"{u} ≤ -1 or {u} ≥ 1",
    sympy.asech: lambda u: f"0 < {u} ≤ 1",
}


def why_undefined(expr: sympy.Expr, variables: Sequence[sympy.Symbol],
                  point: Sequence[float]) -> str | None:
    """What keeps ``expr`` from being a finite real number at ``point``, or None.

    Returns the innermost piece that breaks and what it needs, such as ``ln(x) needs
    x > 0`` or ``1/(x - 1) needs x - 1 ≠ 0``; None when no piece breaks (``expr`` is real
    there, or merely too large for floating point) or the search took too long.

    Examples
    --------
    >>> x, y = sympy.symbols("x y", real=True)
    >>> why_undefined(sympy.log(x) + y, [x, y], [-1.0, 2.0])
    'ln(x) needs x > 0'
    >>> why_undefined(sympy.sqrt(1 - x**2), [x], [2.0])
    'sqrt(1 - x²) needs 1 - x² ≥ 0'
    >>> why_undefined(sympy.log(x), [x], [1.0]) is None
    True
    """
    where = {v: sympy.Float(p, 30) for v, p in zip(variables, point, strict=True)}
    deadline = time.monotonic() + SECONDS
    try:
        for node in sympy.postorder_traversal(expr):
            if time.monotonic() > deadline:
                return None
            if not node.free_symbols or not (node.is_Pow or isinstance(node, sympy.Function)):
                continue
            if all(_real(a, where) for a in node.args) and not _real(node, where):
                return _need(node)
    except TooLargeError:
        return None
    return None


def _real(e: sympy.Expr, where: dict[Any, Any]) -> bool:
    """Whether ``e`` is a finite real number at the point."""
    value = exact_at(e, where, seconds=SECONDS).evalf(30)
    return bool(value.is_real and value.is_finite)


def _need(node: sympy.Expr) -> str:
    """What ``node`` needs of its arguments to be a real number, in words."""
    if node.is_Pow:
        base, exp = node.args
        b = plain(base)
        if exp.is_Integer:
            return f"{plain(node)} needs {b} ≠ 0"
        if exp.is_Rational:
            return f"{plain(node)} needs {b} {'>' if exp < 0 else '≥'} 0"
        return f"{plain(node)} needs {b} > 0 (or a whole-number power)"
    need = _NEEDS.get(node.func)
    if need is not None and len(node.args) == 1:
        return f"{plain(node)} needs {need(plain(node.args[0]))}"
    return f"{plain(node)} is not a real number there"
