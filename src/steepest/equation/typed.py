"""The equation as the user typed it, set as mathematics: for titles and "read as" lines.

SymPy reorders what it builds (``(1-x)^2 + 100(y-x^2)^2`` prints as
``(1 - x)² + 100·(-x² + y)²``), which a learner does not recognise as what they typed.
:func:`typed_title` re-reads the typed text with the lexer and sets it token by token:
whole-number (and one-letter) powers as superscripts, a true minus sign, ``·`` for ``*``,
Greek names as letters, one space around ``+``, ``−`` and ``=``, and the typed spacing
elsewhere. :func:`reading` sets it the same way but writes every implied product as
``·`` (``e^xy`` reads as ``eˣ·y``, ``import`` as ``i·m·p·o·r·t``), and says None when
the reading is the obvious one (``2x``, ``x^2 sin(y)``). Both fall back (title) or give
up (reading) when the text does not read to the same expression. What it leaves out:
drawing (:mod:`steepest.plot`).
"""

from __future__ import annotations

from typing import Any

__all__ = ["reading", "typed_text", "typed_title"]

_SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")
# the letters Unicode has as superscripts (no q), for one-letter exponents: eˣ
_SUPER_LETTERS = dict(zip("abcdefghijklmnoprstuvwxyz", "ᵃᵇᶜᵈᵉᶠᵍʰⁱʲᵏˡᵐⁿᵒᵖʳˢᵗᵘᵛʷˣʸᶻ", strict=True))
_SUBSCRIPT = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
_CONSTANTS = {"pi": "π", "tau": "τ", "e": "e", "E": "e"}
_VALUE_ENDS = ("number", "var", "const", "super")


def typed_title(equation: Any) -> str:
    """``f(x, y) = <the typed text, set as maths>``, or ``str(equation)`` when it cannot be.

    Examples
    --------
    >>> from steepest.equation.equation import parse
    >>> typed_title(parse("(1-x)^2 + 100(y-x^2)^2"))
    'f(x, y) = (1 − x)² + 100(y − x²)²'
    >>> typed_title(parse("x^2 sin(y)"))
    'f(x, y) = x² sin(y)'
    """
    from steepest.equation.printing import symbol_text

    body = typed_text(equation)
    if body is None:
        return str(equation)
    args = ", ".join(symbol_text(v.name) for v in equation.variables)
    return f"{equation.name}({args}) = {body}"


def reading(equation: Any) -> str | None:
    """How the text was read, every implied product written ``·``, when that is not the
    obvious reading: a word split into names (``xy``, ``2xsin(y)``) or a factor pressed
    against an exponent (``e^xy``). None otherwise (``2x``, ``x^2 sin(y)``).

    Examples
    --------
    >>> from steepest.equation.equation import parse
    >>> reading(parse("e^xy"))
    'eˣ·y'
    >>> reading(parse("2xsin(y)"))
    '2·x·sin(y)'
    >>> print(reading(parse("x^2 sin(y)")))
    None
    """
    tokens = _tokens(equation)
    if tokens is None:
        return None
    text, implied = _set(tokens, explicit=True)
    return text if implied else None


def typed_text(equation: Any) -> str | None:
    """The right-hand side as typed and set as maths; None if the text does not read back."""
    tokens = _tokens(equation)
    return None if tokens is None else _set(tokens, explicit=False)[0]


def _tokens(equation: Any) -> list[Any] | None:
    from steepest.equation.declaration import read_declaration
    from steepest.equation.grammar import parse_text
    from steepest.equation.lexer import Lexer
    from steepest.errors import SteepestError

    text = getattr(equation, "text", "")
    if not text:
        return None
    names = tuple(v.name for v in equation.variables)
    try:
        if parse_text(text, names).expr != equation.expr:
            return None  # a slice (fix=...) or an equation built by hand: SymPy's reading
        _, declared, begin, source = read_declaration(text, names)
        return Lexer(text, declared, source).run(begin)
    except (SteepestError, RecursionError):
        return None


def _ends_value(token: Any, closing_bar: bool) -> bool:
    if token.kind in _VALUE_ENDS:
        return True
    return token.kind == "op" and (token.text == ")" or (token.text == "|" and closing_bar))


def _starts_factor(token: Any, closing_bar: bool) -> bool:
    if token.kind in ("number", "var", "const", "func"):
        return True
    return token.kind == "op" and (token.text == "(" or (token.text == "|" and not closing_bar))


def _argument_start(tokens: list[Any], i: int) -> int:
    """The index where the argument of the function at ``tokens[i]`` begins."""
    j = i + 1
    if tokens[j].kind == "base":
        j += 1
    if tokens[j].kind == "super":
        return j + 1
    if tokens[j].kind == "op" and tokens[j].text == "^":
        j += 1
        if tokens[j].kind == "op" and tokens[j].text == "(":
            while tokens[j].kind != "end" and (tokens[j].kind, tokens[j].text) != ("op", ")"):
                j += 1
            return j + 1
        while tokens[j].kind == "op" and tokens[j].text in "+-":
            j += 1
        return j + 1
    return j


def _set(tokens: list[Any], *, explicit: bool) -> tuple[str, bool]:
    """The tokens set as maths, and whether a product was implied between two of them."""
    from steepest.equation.printing import symbol_text

    out: list[str] = []
    previous = None
    bars = 0  # bars open: a '|' after a value closes one
    previous_closed = False  # whether the previous token was a closing '|'
    no_product_at = -1  # where a function's argument starts: not a product
    implied = False
    just_raised = False  # the previous token ended an exponent written with '^'
    i = 0
    while i < len(tokens) and tokens[i].kind != "end":
        token = tokens[i]
        if token.kind == "func":
            no_product_at = _argument_start(tokens, i)
        if token.kind == "op" and token.text == "^":
            power = _superscript(tokens, i + 1)
            if power is not None:
                out.append(power[0])
                previous, i = tokens[power[1] - 1], power[1]
                just_raised = True
                continue
        raised = just_raised or (previous is not None and previous.kind == "super")
        just_raised = False
        piece = _piece(token, symbol_text)
        after_value = previous is not None and _ends_value(previous, previous_closed)
        closing = bars > 0 and after_value  # a '|' right after a value closes a pair
        binary = token.kind == "op" and token.text in "+-=" and after_value
        product = after_value and i != no_product_at and _starts_factor(token, closing)
        previous_closed = False
        if token.kind == "op" and token.text == "|":
            bars += -1 if closing else 1
            previous_closed = closing
        if binary:
            out.append(f" {piece} ")
        elif token.kind == "op" and token.text == ",":
            out.append(", ")
        elif product and explicit:
            # not obvious: a word split into names (xy, xsin), or a factor pressed
            # against an exponent (e^xy is eˣ·y); 2x, x sin(y) and (a)(b) are
            implied |= not token.space and (
                (previous.kind in ("var", "const") and token.kind in ("var", "const", "func"))
                or raised
            )
            out.append("·" + piece)
        else:
            opener = previous is not None and previous.text == "(" and previous.kind == "op"
            closer = token.kind == "op" and token.text == ")"
            spaced = token.space and out and not out[-1].endswith(" ")
            out.append((" " if spaced and not opener and not closer else "") + piece)
        previous = token
        i += 1
    return "".join(out).strip(), implied


def _piece(token: Any, symbol_text: Any) -> str:
    if token.kind == "var":
        return symbol_text(token.text)
    if token.kind == "const":
        return _CONSTANTS.get(token.text, token.text)
    if token.kind == "base":
        return token.text.translate(_SUBSCRIPT) if token.text.isdigit() else f"_{token.text}"
    if token.kind == "op":
        return {"-": "−", "*": "·"}.get(token.text, token.text)
    return token.text


def _superscript(tokens: list[Any], i: int) -> tuple[str, int] | None:
    """A whole-number or one-letter exponent (``2``, ``-1``, ``x``) at ``tokens[i]`` as
    superscript, with the index after it; None for anything else (``^(1/2)``, ``^2.5``)."""
    sign = ""
    if tokens[i].kind == "op" and tokens[i].text == "-":
        sign, i = "-", i + 1
    token = tokens[i]
    if token.kind == "number" and token.text.isdigit():
        return (sign + token.text).translate(_SUPERSCRIPT), i + 1
    if token.kind in ("var", "const") and token.text in _SUPER_LETTERS:
        return sign.translate(_SUPERSCRIPT) + _SUPER_LETTERS[token.text], i + 1
    return None
