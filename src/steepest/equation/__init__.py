"""Text to :class:`Equation`: steepest's own reader of typed mathematics (no ``eval``).

:func:`parse` and :class:`Equation` live in :mod:`steepest.equation.equation`. The reading
is split by job: :mod:`~steepest.equation.lexer` (characters to tokens),
:mod:`~steepest.equation.grammar` (tokens to a SymPy expression, with
:mod:`~steepest.equation.calls` for function calls and :mod:`~steepest.equation.cursor`
for the position in the tokens and the errors),
:mod:`~steepest.equation.declaration` (a leading ``f(x, y) =``),
:mod:`~steepest.equation.vocabulary` (the functions, constants and Greek letters it knows),
:mod:`~steepest.equation.guards` (the size limits that keep SymPy from running away) and
:mod:`~steepest.equation.printing` (readable and LaTeX output). Differentiation is left to
:mod:`steepest.calculus`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from steepest._lazy import lazy_exports

_LAZY: dict[str, str] = {
    "Equation": "steepest.equation.equation",
    "parse": "steepest.equation.equation",
}

__all__ = [
    "Equation",
    "parse",
]

__getattr__, __dir__ = lazy_exports(__name__, _LAZY, __all__, globals())

if TYPE_CHECKING:  # pragma: no cover - for type checkers and IDEs only
    from steepest.equation.equation import Equation, parse
