"""The equation lexer: text in, tokens out, and the errors that quote the text.

:class:`Lexer` reads numbers as exact SymPy rationals (bounded in digits and exponent),
splits words into names by the rules of ``docs/parsing.md`` (the longest known or
declared name first, else one letter with its subscript, so ``xsin`` is ``x`` then
``sin``), and turns Unicode operators, superscripts and subscripts into their plain
forms. :func:`equation_error` builds the :class:`~steepest.errors.EquationError` every stage
raises, quoting the text with a caret under the problem.

Left out: what a sequence of tokens means (:mod:`steepest.equation.grammar`), the tables of known
names (:mod:`steepest.equation.vocabulary`) and the bounds on the values built
(:mod:`steepest.equation.guards`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from typing import NamedTuple

import sympy

from steepest.equation.guards import MAX_DIGITS, MAX_NUMBER_DIGITS, MAX_TOKENS, TOO_BIG_HINT
from steepest.equation.vocabulary import (
    CONSTANTS,
    FUNCTIONS,
    GREEK,
    GREEK_NAMES,
    INVISIBLE,
    OPERATORS,
    ROOT_SIGNS,
    SUBSCRIPTS,
    SUPERSCRIPTS,
)
from steepest.errors import EquationError

_CHARACTER_HINTS = {
    "'": "strings are not allowed",
    '"': "strings are not allowed",
    ".": "a '.' belongs inside a number such as 0.5; attribute access (x.real) is not allowed",
    ";": "write a single expression",
    ":": "write a single expression: no lambdas, slices or dictionaries",
    "[": "use round parentheses ( ) for grouping",
    "]": "use round parentheses ( ) for grouping",
    "{": "use round parentheses ( ) for grouping",
    "}": "use round parentheses ( ) for grouping",
    "<": "comparisons are not allowed: write the expression itself",
    ">": "comparisons are not allowed: write the expression itself",
    "!": "comparisons and factorials are not allowed",
    "\\": "LaTeX is not read here: write sqrt(x), x^2, pi, ...",
    "_": "'_' joins a letter to its subscript, as in x_2",
}
_DEFAULT_CHARACTER_HINT = "use numbers, names, + - * / ^, parentheses, |x| and the known functions"

_DIGITS = "0123456789"
_DIGITS_NONEMPTY = tuple(_DIGITS)
_NUMBER = re.compile(r"(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?|\.(\d+)(?:[eE]([+-]?\d+))?")
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_SUFFIX = re.compile(r"\d+|_(?:\d+|[A-Za-z]+)")
_SUPER_RUN = re.compile(r"[⁻⁺]?[⁰¹²³⁴⁵⁶⁷⁸⁹]+")
_SUB_RUN = re.compile(r"[₀₁₂₃₄₅₆₇₈₉]+")
_DIGIT_SUBSCRIPT = re.compile(r"([A-Za-z]+?)(_?)(\d+)")


# ------------------------------------------------------------------ errors


def equation_error(
    text: str,
    message: str,
    start: int | None,
    end: int | None = None,
    hint: str | None = None,
) -> EquationError:
    """An EquationError quoting ``text`` with a caret under ``text[start:end]``."""
    shown = "".join(" " if c.isspace() else _HIDDEN_MARK if _hidden(c) else c for c in text)
    lines = [message]
    if shown.strip():
        if start is None:
            lines.append("    " + _window(shown, 0, 0)[0])
        else:
            end = max(start + 1, end if end is not None else start + 1)
            quoted, offset = _window(shown, start, end)
            width = min(end - start, len(quoted) - offset + 1)
            lines += ["    " + quoted, "    " + " " * offset + "^" * max(1, width)]
    if hint:
        lines.append(f"hint: {hint}")
    err = EquationError("\n".join(lines))
    err.text = text  # type: ignore[attr-defined]
    err.position = start  # type: ignore[attr-defined]
    err.hint = hint  # type: ignore[attr-defined]
    return err


_HIDDEN_MARK = "\ufffd"  # �: what an invisible or control character is shown as


def _hidden(c: str) -> bool:
    """Whether ``c`` would not show when printed (a format or control character)."""
    return not c.isprintable() and unicodedata.category(c) in ("Cf", "Cc")


def _window(shown: str, start: int, end: int, width: int = 76) -> tuple[str, int]:
    """At most ``width`` characters of ``shown`` around ``start``, and start's offset there."""
    if len(shown) <= width:
        return shown, start
    left = max(0, min(start - width // 3, len(shown) - width))
    right = left + width
    quoted = shown[left:right]
    offset = start - left
    if left > 0:
        quoted, offset = "…" + quoted, offset + 1
    if right < len(shown):
        quoted += "…"
    return quoted, offset


def _known_functions() -> str:
    return ", ".join(sorted(n for n, f in FUNCTIONS.items() if not f.doc.startswith("same")))


# ------------------------------------------------------------------ tokens


class Token(NamedTuple):
    kind: str  # number, var, const, func, base (of log_b), op, super, end
    text: str  # the name or the canonical operator
    start: int
    end: int
    space: bool  # whitespace right before it
    value: object = None  # number, constant or superscript value; a var's whole word


def other_spelling(name: str) -> str:
    """The same subscripted name spelled the other way: x2 ↔ x_2 ('' if not subscripted)."""
    match = _DIGIT_SUBSCRIPT.fullmatch(name)
    if match is None:
        return ""
    stem, underscore, digits = match.groups()
    return f"{stem}{'' if underscore else '_'}{digits}"


def _number(text: str, match: re.Match[str]) -> sympy.Rational:
    whole, frac, sci, frac_only, sci_only = match.groups()
    frac = frac_only if frac_only is not None else (frac or "")
    whole = whole or ""
    sci = sci if sci is not None else sci_only
    digits = len(whole) + len(frac)
    if digits > MAX_NUMBER_DIGITS:
        raise equation_error(
            text,
            f"the number {match.group()[:20]}… has {digits} digits",
            match.start(),
            match.end(),
            f"numbers are limited to {MAX_NUMBER_DIGITS} digits",
        )
    power = -len(frac)
    if sci is not None:
        if len(sci.lstrip("+-")) > 5 or abs(int(sci)) > MAX_DIGITS:
            raise equation_error(
                text,
                f"the number {match.group()!r} has an exponent beyond ±{MAX_DIGITS}",
                match.start(),
                match.end(),
                TOO_BIG_HINT,
            )
        power += int(sci)
    mantissa = int(whole + frac)
    if power >= 0:
        return sympy.Integer(mantissa * 10**power)
    return sympy.Rational(mantissa, 10**-power)


class Lexer:
    """Splits the text into tokens, reading words into names by the documented rules."""

    def __init__(self, text: str, declared: Sequence[str] | None, source: str) -> None:
        self.text = text
        self.declared = frozenset(declared) if declared is not None else None
        self.source = source  # where the declared names came from, for hints
        known = set(FUNCTIONS) | set(CONSTANTS) | GREEK_NAMES | set(self.declared or ())
        self.longest = max(map(len, known))
        self.tokens: list[Token] = []

    def error(
        self, message: str, start: int | None, end: int | None = None, hint: str | None = None
    ) -> EquationError:
        return equation_error(self.text, message, start, end, hint)

    def run(self, begin: int) -> list[Token]:
        text, i, n = self.text, begin, len(self.text)
        while i < n:
            c = text[i]
            space = i == begin or text[i - 1].isspace()
            if c.isspace():  # a non-breaking space too: it shows as what it is
                i += 1
            elif c in _DIGITS or (c == "." and text[i + 1 : i + 2] in _DIGITS_NONEMPTY):
                match = _NUMBER.match(text, i)
                assert match is not None  # the first character is a digit
                if match.end() < n and text[match.end()] == ".":
                    raise self.error(
                        f"unexpected '.' after the number {match.group()!r}",
                        match.end(),
                        hint=_CHARACTER_HINTS["."],
                    )
                value = _number(text, match)
                self.add("number", match.group(), i, match.end(), space, value)
                i = match.end()
            elif c.isascii() and (c.isalpha() or c == "_"):
                match = _WORD.match(text, i)
                assert match is not None
                word, i = match.group(), match.end()
                subscript = _SUB_RUN.match(text, i)
                if subscript is not None:  # x₁₂ reads as x12: one character per digit
                    word, i = word + subscript.group().translate(SUBSCRIPTS), subscript.end()
                self.word(word, match.start(), space)
            elif c in GREEK:
                i = self.greek(i, space)
            elif c == "*" and text[i + 1 : i + 2] == "*":
                self.add("op", "^", i, i + 2, space)
                i += 2
            elif c in OPERATORS:
                self.add("op", OPERATORS[c], i, i + 1, space)
                i += 1
            elif c in ROOT_SIGNS:
                self.add("func", ROOT_SIGNS[c], i, i + 1, space)
                i += 1
            elif c in "⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺":
                match = _SUPER_RUN.match(text, i)
                if match is None:
                    raise self.error(f"{c!r} must be followed by a superscript digit", i)
                value = int(match.group().translate(SUPERSCRIPTS))
                self.add("super", match.group(), i, match.end(), space, value)
                i = match.end()
            elif c in "₀₁₂₃₄₅₆₇₈₉":
                i = self.subscript(i)
            elif c in INVISIBLE or unicodedata.category(c) == "Cf":
                name = unicodedata.name(c, "a format character").lower()
                raise self.error(
                    f"invisible character U+{ord(c):04X} ({name}) in the equation, shown "
                    f"here as {_HIDDEN_MARK}",
                    i,
                    hint="delete it (it often comes with text copied from a web page or a "
                         "document): steepest reads only text that shows what it says",
                )
            else:
                raise self.error(
                    f"unexpected character {c!r}",
                    i,
                    hint=_CHARACTER_HINTS.get(c, _DEFAULT_CHARACTER_HINT),
                )
            if len(self.tokens) > MAX_TOKENS:
                raise self.error(
                    f"the equation has more than {MAX_TOKENS} tokens",
                    i,
                    hint="write a shorter equation",
                )
        self.add("end", "", n, n, True)
        return self.tokens

    def add(
        self, kind: str, text: str, start: int, end: int, space: bool, value: object = None
    ) -> None:
        self.tokens.append(Token(kind, text, start, end, space, value))

    def greek(self, i: int, space: bool) -> int:
        name = GREEK[self.text[i]]
        end = i + 1
        subscript = _SUB_RUN.match(self.text, end)
        suffix = _SUFFIX.match(self.text, end)
        if subscript is not None:
            name += subscript.group().translate(SUBSCRIPTS)
            end = subscript.end()
        elif suffix is not None:
            name += suffix.group()
            end = suffix.end()
        self.name(name, i, end, space, (i, end))
        return end

    def subscript(self, i: int) -> int:
        """Subscript digits not right after a name (those are read with the name)."""
        match = _SUB_RUN.match(self.text, i)
        assert match is not None
        raise self.error(
            "a subscript must follow a variable's name",
            i,
            match.end(),
            hint="write x₁ or x1 or x_1",
        )

    def word(self, word: str, start: int, space: bool) -> None:
        """Split a word into names: longest known or declared name first, else a letter."""
        pieces: list[tuple[str, int, int]] = []  # (name or digits, start, end)
        base: tuple[str, int, int] | None = None  # the subscripted base of log_b
        i, n = 0, len(word)
        while i < n:
            if word[i].isdigit():
                j = i
                while j < n and word[j].isdigit():
                    j += 1
                pieces.append((word[i:j], start + i, start + j))
                i = j
                continue
            if word[i] == "_":
                bad = (start, start + n) if i == 0 else (start + i, start + i + 1)
                hint = _CHARACTER_HINTS["_"]
                if i == 0:
                    hint = "a name starts with a letter; " + hint
                raise self.error(f"unknown name {word!r}", *bad, hint=hint)
            known = self.known_at(word, i)
            if known == "log" and word[i + 3 : i + 4] == "_":  # log_2(x), log_b x
                pieces.append((known, start + i, start + i + 3))
                base = (word[i + 4 :], start + i + 4, start + n)
                break
            stem = known if known in GREEK_NAMES else word[i]
            suffix = _SUFFIX.match(word, i + len(stem))
            subscripted = stem + suffix.group() if suffix else ""
            piece = known if known and len(known) >= len(subscripted) else subscripted
            piece = piece or word[i]
            pieces.append((piece, start + i, start + i + len(piece)))
            i += len(piece)
        end = start + n
        declared = self.declared or ()
        if (
            len(pieces) > 1
            and self.text[end : end + 1] == "("
            and pieces[-1][0] not in FUNCTIONS
            and not all(piece in declared for piece, _, _ in pieces)
        ):
            # foo(x), sine(x): a misspelt function far more often than f·o·o·(x)
            raise self.unknown_function(word, start, end)
        for k, (piece, a, b) in enumerate(pieces):
            self.name(piece, a, b, space and k == 0, (start, end))
        if base is not None:
            self.log_base(*base)

    def log_base(self, base: str, start: int, end: int) -> None:
        """The base of ``log_2``, ``log_10``, ``log_e`` or ``log_b``: one number or one name."""
        declared = self.declared
        hint = "write the base as one number or one name, log_2(x) or log_b(x), or log(x, b)"
        if not base:
            raise self.error("'log_' needs a base after '_'", start - 1, start + 1, hint)
        if base.isdigit():
            self.add("base", base, start, end, False, sympy.Integer(int(base)))
            return
        single = re.fullmatch(r"[A-Za-z](?:_?\d+)?", base) is not None
        if base in CONSTANTS:
            self.add("base", base, start, end, False, CONSTANTS[base])
        elif declared is not None and (base in declared or other_spelling(base) in declared):
            name = base if base in declared else other_spelling(base)
            self.add("base", name, start, end, False, None)
        elif declared is not None:
            names = ", ".join(sorted(declared)) or "none"
            raise self.error(f"unknown variable {base!r} as the base of log_{base}", start, end,
                             f"the variables are {names} ({self.source})")
        elif base in GREEK_NAMES or single:
            self.add("base", base, start, end, False, None)
        else:
            raise self.error(
                f"the base of log_{base} is ambiguous", start, end,
                f"{hint}; for a product write log_b(x)·… with parentheses",
            )

    def known_at(self, word: str, i: int) -> str:
        """The longest declared or known name starting at ``word[i]`` ('' if none)."""
        declared = self.declared or ()
        for length in range(min(self.longest, len(word) - i), 0, -1):
            piece = word[i : i + length]
            if piece in declared or piece in FUNCTIONS or piece in CONSTANTS:
                return piece
            if piece in GREEK_NAMES:
                return piece
        return ""

    def name(self, name: str, start: int, end: int, space: bool, word: tuple[int, int]) -> None:
        declared = self.declared
        if name.isdigit():
            self.add("number", name, start, end, space, sympy.Integer(int(name)))
        elif declared is not None and name in declared:
            self.add("var", name, start, end, space, word)
        elif name in FUNCTIONS:
            self.add("func", name, start, end, space)
        elif name in CONSTANTS:
            self.add("const", name, start, end, space, CONSTANTS[name])
        elif declared is not None and other_spelling(name) in declared:
            self.add("var", other_spelling(name), start, end, space, word)
        elif declared is not None:
            raise self.unknown_variable(name, start, end, word)
        else:
            self.add("var", name, start, end, space, word)

    def unknown_variable(
        self, name: str, start: int, end: int, word: tuple[int, int]
    ) -> EquationError:
        names = ", ".join(sorted(self.declared or ())) or "none"
        hint = f"the variables are {names} ({self.source})"
        whole = self.text[word[0] : word[1]]
        if whole != name and self.text[start:end] == name:
            hint += f"; {whole!r} was read letter by letter"
        if end < len(self.text) and self.text[end] == "(":
            return self.unknown_function(name, start, end)
        return self.error(f"unknown variable {name!r}", start, end, hint)

    def unknown_function(self, name: str, start: int, end: int) -> EquationError:
        import difflib

        close = difflib.get_close_matches(name, list(FUNCTIONS), n=1)
        hint = f"did you mean {close[0]!r}? " if close else ""
        hint += f"the known functions are {_known_functions()}"
        if len(name) > 1:
            letters = "*".join(name)
            hint += f". For a product, write {letters}*(…)"
        return self.error(f"unknown function {name!r}", start, end, hint)
