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
:mod:`steepest.equation.vocabulary` holds the known functions, constants and Greek letters, and
:mod:`steepest.equation.guards` bounds sizes (the ``MAX_*`` constants) and estimates every power
of exact numbers before SymPy computes it, so hostile text such as ``9^9^9^9`` fails at
once instead of hanging. The reading rules (implicit multiplication, how ``xy``
splits, ...) are written down in ``docs/parsing.md``. Printing and differentiation live
elsewhere (:mod:`steepest.equation`, :mod:`steepest.calculus.gradients`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import NamedTuple

import sympy

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
    RefusedError,
    guarded_apply,
    guarded_power,
    guarded_product,
    guarded_sum,
    nesting_depth,
)
from steepest.equation.lexer import Lexer, Token, equation_error, other_spelling
from steepest.equation.vocabulary import CONSTANTS, FUNCTIONS, GREEK, Function
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


class Parsed(NamedTuple):
    """What :func:`parse_text` returns: the function's name, expression and variables."""

    name: str
    expr: sympy.Expr
    variables: tuple[sympy.Symbol, ...]


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

    def __init__(self, text: str, tokens: list[Token]) -> None:
        self.text = text
        self.tokens = tokens
        self.i = 0
        self.depth = 0
        self.bars = 0  # how many |…| are open (inside the innermost parentheses)
        self.used: dict[str, sympy.Symbol] = {}
        self.nesting: dict[sympy.Expr, int] = {}  # memo for nesting_depth
        self.min_max_arguments = 0

    # -------------------------------------------------------------- helpers

    @property
    def token(self) -> Token:
        return self.tokens[self.i]

    def next(self) -> Token:
        token = self.tokens[self.i]
        self.i = min(self.i + 1, len(self.tokens) - 1)
        return token

    def is_op(self, text: str) -> bool:
        return self.token.kind == "op" and self.token.text == text

    def error(
        self, message: str, token: Token, hint: str | None = None, end: int | None = None
    ) -> EquationError:
        return equation_error(self.text, message, token.start, end or token.end, hint)

    def build(
        self,
        token: Token,
        function: Callable[..., sympy.Expr],
        *args: object,
        end: int | None = None,
    ) -> sympy.Expr:
        """``function(*args)``, any refusal or SymPy failure reported at ``token``."""
        try:
            return function(*args)
        except RefusedError as refused:
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

    def enter(self, token: Token) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.error(
                f"the equation is nested more than {MAX_DEPTH} levels deep",
                token,
                hint="simplify the equation: fewer nested parentheses, powers or calls",
            )

    def starts_factor(self, token: Token) -> bool:
        if token.kind in ("number", "var", "const", "func"):
            return True
        return token.kind == "op" and (token.text == "(" or (token.text == "|" and not self.bars))

    def value_follows(self) -> bool:
        """Whether the current token can begin a value (after an operator)."""
        token = self.token
        if token.kind in ("number", "var", "const", "func"):
            return True
        return token.kind == "op" and token.text in "(|-+"

    def implicit(self, token: Token) -> None:
        """Refuse ``2 3``: two numbers in a row are a typo more often than a product."""
        previous = self.tokens[self.i - 1]
        if token.kind == "number" and previous.kind in ("number", "super"):
            raise self.error(
                f"the number {token.text!r} follows another number",
                token,
                hint="write * between them if you mean a product",
            )

    def missing(self, after: Token) -> EquationError:
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

    def constant_nesting(self, token: Token, parts: Sequence[sympy.Expr]) -> None:
        """Refuse a function or root of exact constants nested too deeply (SymPy's evalf,
        which its simplifications call on constants, grows exponentially with the depth)."""
        if any(p.free_symbols for p in parts):
            return
        level = 1 + max(nesting_depth(p, self.nesting) for p in parts)
        if level > MAX_CONSTANT_NESTING:
            raise self.error(
                f"{token.text!r} nests functions of exact constants {level} deep",
                token,
                f"at most {MAX_CONSTANT_NESTING} levels: compute the constant and type its "
                "value, or give it a name as a variable",
            )

    def symbol(self, name: str) -> sympy.Symbol:
        """The variable ``name``; x2 and x_2 are one variable, spelled as first seen."""
        found = self.used.get(name) or self.used.get(other_spelling(name))
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

    def unclosed(self, opening: Token) -> EquationError:
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
        base, base_token = None, None
        if self.token.kind == "base":  # log_2(x), log_b x: read as log(x, base)
            base_token = self.next()
            base = base_token.value if base_token.value is not None else self.symbol(
                base_token.text
            )
        power: int | sympy.Expr | None = None
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
        if base is not None and base_token is not None:
            if len(args) != 1:
                raise self.error(
                    f"log_{base_token.text} takes 1 argument, got {len(args)}", name_token,
                    hint=f"the base is already given after '_': write log_{base_token.text}(x)",
                    end=end,
                )
            args.append(base)
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
        value = self.build(name_token, guarded_apply, spec, args, shown, end=end)
        if power is not None:
            exponent = sympy.Integer(power) if isinstance(power, int) else power
            value = self.build(name_token, guarded_power, value, exponent)
        return value

    def function_power(self, name_token: Token) -> int | sympy.Expr:
        """The power n in ``sin^2(x)``, ``sin^n(x)``, ``sin^-1(x)`` or ``sin^(-1)(x)``.

        A whole number, or one name (``sin^n(x)`` is sin(x)ⁿ, a power of the value).
        """
        caret = self.next()
        paren = self.is_op("(")
        if paren:
            self.next()
        after = self.tokens[min(self.i + 1, len(self.tokens) - 1)]
        if self.token.kind in ("var", "const") and (after.text == ")") == paren:
            named = self.next()
            if paren:
                self.next()
            return self.symbol(named.text) if named.kind == "var" else named.value
        sign = 1
        while self.is_op("-") or self.is_op("+"):
            sign *= -1 if self.next().text == "-" else 1
        number = self.token
        closed = not paren or self.tokens[min(self.i + 1, len(self.tokens) - 1)].text == ")"
        if number.kind != "number" or not number.value.is_Integer or not closed:
            name = name_token.text
            raise self.error(
                f"after '{name}^' a whole number or one name is expected",
                caret,
                hint=f"{name}^2(x) and {name}^n(x) mean {name}(x)^2 and {name}(x)^n; for "
                f"other powers write {name}(x)^(…)",
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

    def arguments(self, name_token: Token) -> tuple[list[sympy.Expr], int]:
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
