"""Figure titles: the equation as the user typed it, set as mathematics.

SymPy reorders what it builds (``(1-x)^2 + 100(y-x^2)^2`` prints as
``(1 - x)² + 100·(-x² + y)²``), which a learner does not recognise as what they typed.
:func:`typed_title` re-reads the typed text with steepest's own lexer and sets it token by
token: whole-number powers as superscripts, a true minus sign, ``·`` for ``*``, Greek
names as letters, one space around ``+``, ``−`` and ``=``, and the typed spacing
elsewhere. It falls back to SymPy's reading whenever the text is not an equation that
reads to the same expression. What it leaves out: drawing (the figure modules).
"""

from __future__ import annotations

from typing import Any

__all__ = ["typed_title"]

_SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")
_SUBSCRIPT = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
_CONSTANTS = {"pi": "π", "tau": "τ", "e": "e", "E": "e"}
_VALUE_ENDS = ("number", "var", "const", "super")


def typed_title(equation: Any) -> str:
    """``f(x, y) = <the typed text, set as maths>``, or ``str(equation)`` when it cannot be.

    Examples
    --------
    >>> from steepest.equation import parse
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


def typed_text(equation: Any) -> str | None:
    """The right-hand side as typed and set as maths; None if the text does not read back."""
    from steepest.equation.declaration import _declaration
    from steepest.equation.grammar import parse_text
    from steepest.equation.lexer import _Lexer
    from steepest.errors import SteepestError

    text = getattr(equation, "text", "")
    if not text:
        return None
    names = tuple(v.name for v in equation.variables)
    try:
        if parse_text(text, names).expr != equation.expr:
            return None  # a slice (fix=...) or an equation built by hand: SymPy's reading
        _, declared, begin, source = _declaration(text, names)
        tokens = _Lexer(text, declared, source).run(begin)
    except (SteepestError, RecursionError):
        return None
    return _set(tokens)


def _set(tokens: list[Any]) -> str:
    from steepest.equation.printing import symbol_text

    out: list[str] = []
    previous = None
    i = 0
    while i < len(tokens) and tokens[i].kind != "end":
        token = tokens[i]
        if token.kind == "op" and token.text == "^":
            power = _superscript(tokens, i + 1)
            if power is not None:
                out.append(power[0])
                previous, i = tokens[power[1] - 1], power[1]
                continue
        piece = _piece(token, symbol_text)
        binary = (
            token.kind == "op" and token.text in "+-=" and previous is not None
            and (previous.kind in _VALUE_ENDS or previous.text in (")", "|"))
        )
        if binary:
            out.append(f" {piece} ")
        elif token.kind == "op" and token.text == ",":
            out.append(", ")
        else:
            opener = previous is not None and previous.text == "(" and previous.kind == "op"
            closer = token.kind == "op" and token.text == ")"
            spaced = token.space and out and not out[-1].endswith(" ")
            out.append((" " if spaced and not opener and not closer else "") + piece)
        previous = token
        i += 1
    return "".join(out).strip()


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
    """A whole-number exponent (``2``, ``-1``) at ``tokens[i]`` as superscript, with the
    index after it; None for anything else (``^(1/2)``, ``^x``, ``^2.5``)."""
    sign = ""
    if tokens[i].kind == "op" and tokens[i].text == "-":
        sign, i = "-", i + 1
    token = tokens[i]
    if token.kind != "number" or not token.text.isdigit():
        return None
    return (sign + token.text).translate(_SUPERSCRIPT), i + 1
