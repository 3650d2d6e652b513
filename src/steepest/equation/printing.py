"""Plain, readable printing of SymPy expressions for terminals and reports.

``plain(2*x*sin(y))`` gives ``2·x·sin(y)``; ``plain(x**2*cos(y))`` gives ``x²·cos(y)``.
Integer powers become superscripts, products a middle dot, ``Abs(x)`` becomes ``|x|``,
``log`` becomes ``ln``, Greek names become letters and trailing digits subscripts
(``theta`` → θ, ``x_2`` → x₂). LaTeX is left to SymPy's own printer.
"""

from __future__ import annotations

import re

import sympy
from sympy.printing.precedence import precedence
from sympy.printing.str import StrPrinter

__all__ = ["plain", "symbol_text"]

_SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")
_SUBSCRIPT = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
_GREEK = {
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "zeta": "ζ",
    "eta": "η", "theta": "θ", "iota": "ι", "kappa": "κ", "lambda": "λ", "lamda": "λ",
    "mu": "μ", "nu": "ν", "xi": "ξ", "omicron": "ο", "rho": "ρ", "sigma": "σ",
    "tau": "τ", "upsilon": "υ", "phi": "φ", "chi": "χ", "psi": "ψ", "omega": "ω",
}  # fmt: skip
_NAME = re.compile(r"^([A-Za-z]+?)_?(\d+)$")


def symbol_text(name: str) -> str:
    """A variable name as printed: Greek names as letters, trailing digits as subscripts."""
    greek = _GREEK.get(name)
    if greek is not None:
        return greek
    match = _NAME.match(name)
    if match:
        stem, digits = match.groups()
        return _GREEK.get(stem, stem) + digits.translate(_SUBSCRIPT)
    return name


class PlainPrinter(StrPrinter):
    """StrPrinter with superscript powers, ``|x|``, ``ln`` and unicode names.

    Powers never print as ``**`` here, so every ``*`` left in the output comes from a
    product and :func:`plain` turns it into a middle dot.
    """

    def _print_Symbol(self, expr: sympy.Symbol) -> str:
        return symbol_text(expr.name)

    def _print_Pow(self, expr: sympy.Pow, rational: bool = False) -> str:
        exp = expr.exp
        if exp.is_Integer and exp not in (sympy.S.One, sympy.S.NegativeOne):
            base = self.parenthesize(expr.base, precedence(expr), strict=True)
            if isinstance(expr.base, sympy.Pow) or base.endswith(tuple("⁰¹²³⁴⁵⁶⁷⁸⁹")):
                base = f"({base})"
            return base + str(int(exp)).translate(_SUPERSCRIPT)
        return super()._print_Pow(expr, rational).replace("**", "^")

    def _print_Abs(self, expr: sympy.Abs) -> str:
        return f"|{self._print(expr.args[0])}|"

    def _print_log(self, expr: sympy.log) -> str:
        return f"ln({self._print(expr.args[0])})"

    def _print_Min(self, expr: sympy.Expr) -> str:
        return f"min({', '.join(self._print(a) for a in expr.args)})"

    def _print_Max(self, expr: sympy.Expr) -> str:
        return f"max({', '.join(self._print(a) for a in expr.args)})"

    def _print_DiracDelta(self, expr: sympy.Expr) -> str:
        return f"δ({self._print(expr.args[0])})"

    def _print_Exp1(self, expr: sympy.Expr) -> str:
        return "e"

    def _print_Pi(self, expr: sympy.Expr) -> str:
        return "π"


_PRINTER = PlainPrinter()


def plain(expr: sympy.Basic) -> str:
    """``expr`` as one line of readable maths.

    Examples
    --------
    >>> x, y = sympy.symbols("x y", real=True)
    >>> plain(2 * x * sympy.sin(y))
    '2·x·sin(y)'
    >>> plain(x**2 * sympy.cos(y) - sympy.Abs(x) / 3)
    'x²·cos(y) - |x|/3'
    """
    return _PRINTER.doprint(expr).replace("*", "·")
