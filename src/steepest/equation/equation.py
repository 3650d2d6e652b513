"""Equations typed as text, turned into SymPy expressions with ordered variables.

:func:`parse` is the only way text becomes an :class:`Equation`. The text is read by
steepest's own parser (:mod:`steepest.equation.grammar`): nothing is ever passed to ``eval``,
``exec`` or ``sympify``. This module holds the result and how it prints; it leaves
differentiation to :mod:`steepest.calculus.gradients`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import sympy

from steepest.equation import printing as _printing

__all__ = ["Equation", "parse"]


@dataclass(frozen=True, eq=False)
class Equation:
    """A parsed equation: a SymPy expression and its variables, in a defined order.

    Parameters
    ----------
    expr
        The expression, built from real SymPy symbols.
    variables
        The variables in order: as declared (``f(x, y) = ...`` or ``variables=``),
        else alphabetical.
    text
        The text the equation came from.
    name
        The function's name (``f`` unless the text declared another).

    Examples
    --------
    >>> eq = parse("x^2 sin(y)")
    >>> print(eq)
    f(x, y) = x²·sin(y)
    >>> eq.latex()
    'x^{2} \\\\sin{\\\\left(y \\\\right)}'
    >>> float(eq(2, 0))
    0.0
    """

    expr: sympy.Expr
    variables: tuple[sympy.Symbol, ...]
    text: str = ""
    name: str = "f"
    _compiled: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def names(self) -> tuple[str, ...]:
        """The variable names, in order."""
        return tuple(v.name for v in self.variables)

    def __str__(self) -> str:
        args = ", ".join(_printing.plain(v) for v in self.variables)
        return f"{self.name}({args}) = {_printing.plain(self.expr)}"

    def __repr__(self) -> str:
        return f"Equation({str(self)!r})"

    def latex(self) -> str:
        """The expression as LaTeX."""
        return sympy.latex(self.expr)

    def _repr_latex_(self) -> str:
        args = ", ".join(sympy.latex(v) for v in self.variables)
        return f"$\\displaystyle {self.name}({args}) = {self.latex()}$"

    def __call__(self, *values: Any, **named: Any) -> Any:
        """The value at a point or on broadcastable arrays, one argument per variable."""
        from steepest.equation.compiled import bind, compile_scalar

        function = self._compiled.get("value")
        if function is None:
            function = compile_scalar(self.expr, self.variables)
            self._compiled["value"] = function
        return function(*bind(self.names, values, named))

    def at(self, points: Any) -> Any:
        """The value at points given as rows: ``(n,)`` gives a number, ``(..., n)`` an array."""
        from steepest.equation.compiled import point_columns

        return self(*point_columns(points, len(self.variables)))


def parse(text: str, variables: Sequence[str] | None = None) -> Equation:
    """Read an equation typed as text.

    Parameters
    ----------
    text
        The equation, as one writes it on paper: ``x^2 sin(y)``, ``f(x, y) = x²·sin(y)``,
        ``e^(-x^2-y^2)``. The rules are in the README ("How equations are read").
    variables
        The variables and their order. Names typed in ``text`` that are declared here
        are never split into letters (``variables=["xy"]`` keeps ``xy`` whole).

    Returns
    -------
    Equation

    Raises
    ------
    EquationError
        If the text is not an equation steepest can read, is too long, too deeply
        nested, has numbers too large, or uses anything outside the known functions
        and constants. The message quotes the text with a caret under the problem.

    Examples
    --------
    >>> parse("f(x, y) = 2xsin(y)").expr
    2*x*sin(y)
    >>> parse("0.5 x").expr
    x/2
    """
    from steepest.equation.grammar import parse_text

    if not isinstance(text, str):
        raise TypeError(f"an equation must be given as a str, got {type(text).__name__}")
    if variables is not None:
        if isinstance(variables, str):
            variables = [v.strip() for v in variables.split(",") if v.strip()]
        variables = list(variables)
        for v in variables:
            if not isinstance(v, str):
                raise TypeError(f"variable names must be str, got {type(v).__name__}")
    parsed = parse_text(text, variables)
    return Equation(parsed.expr, parsed.variables, text, parsed.name)
