"""steepest's own reader for equations typed as text: the grammar and :func:`parse_text`.

A tokenizer and a small precedence-climbing parser turn text such as ``x^2 sin(y)`` into
SymPy objects directly: numbers become exact ``Integer``/``Rational``, names become real
``Symbol``\\ s, constants and functions come only from the :data:`FUNCTIONS` and
:data:`CONSTANTS` tables. Nothing is ever passed to ``eval``, ``exec``, ``sympify`` or
``parse_expr``. Anything else is an :class:`~steepest.errors.EquationError` whose message
quotes the text with a caret under the problem.

This module holds the grammar (:class:`_Parser`) and the entry point :func:`parse_text`;
it re-exports the tables and limits that other modules import from here. The other
stages live beside it: :mod:`steepest.equation.declaration` reads a leading ``f(x, y) =`` and the
``variables`` argument, :mod:`steepest.equation.lexer` splits the text into tokens,
:mod:`steepest.equation.calls` reads function calls, :mod:`steepest.equation.cursor` keeps
the position in the tokens and words the errors,
:mod:`steepest.equation.vocabulary` holds the known functions, constants and Greek letters, and
:mod:`steepest.equation.guards` bounds sizes (the ``MAX_*`` constants) and estimates every power
of exact numbers before SymPy computes it, so hostile text such as ``9^9^9^9`` fails at
once instead of hanging. The reading rules (implicit multiplication, how ``xy``
splits, ...) are written down in ``docs/parsing.md``. Printing and differentiation live
elsewhere (:mod:`steepest.equation`, :mod:`steepest.calculus.gradients`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import NamedTuple

import sympy

from steepest.equation.calls import FunctionCalls
from steepest.equation.declaration import given_variables, read_declaration
from steepest.equation.guards import (
    MAX_CONSTANT_NESTING,
    MAX_DEPTH,
    MAX_DIGITS,
    MAX_EXPONENT,
    MAX_LENGTH,
    MAX_MIN_MAX_ARGUMENTS,
    MAX_NUMBER_DIGITS,
    MAX_ROOT_DIGITS,
    MAX_TOKENS,
    UNDEFINED,
    guarded_power,
    guarded_product,
    guarded_sum,
)
from steepest.equation.lexer import Lexer, equation_error
from steepest.equation.vocabulary import CONSTANTS, FUNCTIONS, GREEK, Function

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


class Parsed(NamedTuple):
    """What :func:`parse_text` returns: the function's name, expression and variables."""

    name: str
    expr: sympy.Expr
    variables: tuple[sympy.Symbol, ...]


class _Parser(FunctionCalls):
    """Precedence climbing over the tokens, building SymPy objects as it goes.

    Lowest to highest: ``+ -``; ``* /`` and a spaced implicit product; an implicit product
    without space; unary ``- +``; ``^`` (right-associative, its exponent may carry a sign);
    numbers, names, calls, ``( )`` and ``| |``. Function calls are read by
    :class:`~steepest.equation.calls.FunctionCalls`, the position in the tokens and the
    errors kept by :class:`~steepest.equation.cursor.Cursor`.
    """

    def parse(self) -> sympy.Expr:
        if self.token.kind == "end":
            raise self.error(
                "there is no expression", self.token, hint="type an expression such as x^2 sin(y)"
            )
        expr = self.expression()
        if self.token.kind != "end":
            raise self.leftover()
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
        return self.build(first, guarded_sum, terms)

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
                    factor = self.build(token, guarded_power, factor, sympy.S.NegativeOne)
                factors.append(factor)
            elif token.space and self.starts_factor(token):
                self.implicit(token)
                factors.append(self.group())
            else:
                break
        return self.build(first, guarded_product, factors)

    def group(self) -> sympy.Expr:
        first = self.token
        factors = [self.unary()]
        while not self.token.space and self.starts_factor(self.token):
            self.implicit(self.token)
            factors.append(self.power())
        return self.build(first, guarded_product, factors)

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
            return self.build(token, guarded_power, base, sympy.Integer(token.value))
        if token.kind == "op" and token.text == "^":
            self.next()
            if not self.value_follows():
                raise self.missing(token)
            self.enter(token)
            exponent = self.unary()
            self.depth -= 1
            if not exponent.is_Integer:
                self.constant_nesting(token, (base, exponent))
            return self.build(token, guarded_power, base, exponent)
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


# ------------------------------------------------------------------ entry point


def _natural(name: str) -> list[object]:
    """Sort key putting x2 before x10."""
    return [int(p) if p.isdigit() else p.casefold() for p in re.split(r"(\d+)", name)]


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
        raise equation_error(
            text,
            f"the equation is {len(text)} characters long",
            MAX_LENGTH,
            hint=f"equations are limited to {MAX_LENGTH} characters",
        )
    if not text.strip():
        raise equation_error(
            text, "the equation is empty", None, hint="type an expression such as x^2 sin(y)"
        )
    given = given_variables(text, variables) if variables is not None else None
    name, declared, begin, source = read_declaration(text, given)
    tokens = Lexer(text, declared, source).run(begin)
    parser = _Parser(text, tokens)
    try:
        expr = parser.parse()
    except RecursionError:
        raise equation_error(text, "the equation is nested too deeply", None) from None
    if expr.has(*UNDEFINED, sympy.I):
        raise equation_error(
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
