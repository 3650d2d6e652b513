"""Where the parser of equations stands in the tokens, and how it says what is wrong there.

:class:`Cursor` is the ground the grammar (:mod:`steepest.equation.grammar`) and its
function calls (:mod:`steepest.equation.calls`) stand on: the position in the tokens and
a look at the next one, the nesting depth kept under
:data:`~steepest.equation.guards.MAX_DEPTH`, the variables met so far, SymPy values
built with any refusal of :mod:`steepest.equation.guards` reported at a token, and the
errors the rules share (a value missing, a group never closed, a token left over), each
an :class:`~steepest.errors.EquationError` quoting the text with a caret under the
problem. Left out: the rules themselves, that is what a sequence of tokens means.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import sympy

from steepest.equation.guards import (
    MAX_CONSTANT_NESTING,
    MAX_DEPTH,
    RefusedError,
    nesting_depth,
)
from steepest.equation.lexer import Token, equation_error, other_spelling
from steepest.errors import EquationError

__all__ = ["Cursor"]

_END_HINTS = {
    ")": "there is no '(' for this ')'",
    "=": "comparisons and assignments are not allowed; only a leading declaration "
    "such as f(x, y) = … may use '='",
    ",": "',' separates a function's arguments, as in log(x, 2)",
    "|": "bars come in pairs, |x|; inside bars, write abs(…) for another pair",
    "^": "write the exponent once: x^6 or x⁶, or (x²)^3",
}


class Cursor:
    """The parser's position in ``tokens`` (the lexer's, ending with an ``end`` token).

    Parameters
    ----------
    text
        The equation as typed, quoted by the errors.
    tokens
        Its tokens, from :class:`~steepest.equation.lexer.Lexer`.
    """

    def __init__(self, text: str, tokens: list[Token]) -> None:
        self.text = text
        self.tokens = tokens
        self.i = 0
        self.depth = 0
        self.bars = 0  # how many |…| are open (inside the innermost parentheses)
        self.used: dict[str, sympy.Symbol] = {}
        self.nesting: dict[sympy.Expr, int] = {}  # memo for nesting_depth
        self.min_max_arguments = 0  # arguments of min and max so far (calls counts them)

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

    def unclosed(self, opening: Token) -> EquationError:
        """The error for the group ``opening`` began, not closed where it should be."""
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

    def leftover(self) -> EquationError:
        """The error for the current token, left over after a whole expression."""
        token = self.token
        if token.kind == "op" and token.text in _END_HINTS:
            what = "unmatched" if token.text in ")|" else "unexpected"
            return self.error(f"{what} {token.text!r}", token, _END_HINTS[token.text])
        return self.error(f"unexpected {token.text!r}", token)
