"""The names around an equation: a leading ``f(x, y) =`` and a given list of variables.

:func:`read_declaration` reads the optional declaration at the start of the text (the
function's name and its variables, in order) and checks it against the ``variables``
argument of :func:`~steepest.equation.grammar.parse_text`, which :func:`given_variables`
validates; both accept Greek letters and subscripts (``θ``, ``x₁``) and give back the
canonical names (``theta``, ``x1``).

Left out: the body of the equation after the ``=`` (:mod:`steepest.equation.lexer` and
:mod:`steepest.equation.grammar` read it), and the order of variables found only in the body.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from steepest.equation.lexer import equation_error
from steepest.equation.vocabulary import CONSTANTS, FUNCTIONS, GREEK, SUBSCRIPTS

_VALID_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
_GREEK_CLASS = "".join(GREEK)
_DECLARATION = re.compile(
    rf"\s*(?P<name>[A-Za-z_][A-Za-z0-9_]*|[{_GREEK_CLASS}])\s*"
    rf"(?:\((?P<args>[^()=]*)\))?\s*=(?!=)"
)


def _variable_name(raw: str) -> str | None:
    """The canonical name for ``raw`` (``θ`` → ``theta``), or None if it cannot be one."""
    name = raw.strip()
    if name[:1] in GREEK:
        name = GREEK[name[0]] + name[1:]
    name = name.translate(SUBSCRIPTS)
    if not _VALID_NAME.fullmatch(name) or name in FUNCTIONS:
        return None
    return name


def given_variables(text: str, variables: Iterable[str]) -> tuple[str, ...]:
    names: list[str] = []
    for raw in variables:
        name = _variable_name(raw)
        if name is None:
            reason = "is a function" if raw.strip() in FUNCTIONS else "is not a variable name"
            raise equation_error(
                text,
                f"variables: {raw!r} {reason}",
                None,
                hint="a variable name is a letter, then letters, digits or _ (x, x2, x_max, θ)",
            )
        if name in names:
            raise equation_error(
                text, f"variables: {name!r} is given twice", None, hint="give each variable once"
            )
        names.append(name)
    return tuple(names)


def read_declaration(
    text: str, given: tuple[str, ...] | None
) -> tuple[str, tuple[str, ...] | None, int, str]:
    """Read a leading ``f(x, y) =``: the name, the declared variables, where the body starts."""
    source = f"given as variables={list(given)}" if given is not None else ""
    match = _DECLARATION.match(text)
    if match is None:
        return "f", given, 0, source
    name = GREEK.get(match["name"], match["name"])
    if name in FUNCTIONS or name in CONSTANTS:
        kind = "function" if name in FUNCTIONS else "constant"
        raise equation_error(
            text,
            f"{name!r} is a {kind} steepest knows, not a name for yours",
            match.start("name"),
            match.end("name"),
            hint="call it f, g, cost, …",
        )
    if match["args"] is None:
        return name, given, match.end(), source
    declared: list[str] = []
    offset = match.start("args")
    for part in match["args"].split(",") if match["args"].strip() else []:
        start = offset + len(part) - len(part.lstrip())
        offset += len(part) + 1
        variable = _variable_name(part) if part.strip() else None
        if variable is None or variable in declared:
            what = "is given twice" if variable else "is not a variable name"
            raise equation_error(
                text,
                f"{part.strip() or 'nothing'!r} {what} in the declaration",
                start,
                start + len(part.strip()),
                hint="declare distinct names such as f(x, y) = …; a name is a letter, then "
                "letters, digits or _",
            )
        declared.append(variable)
    if given is not None and tuple(declared) != given:
        raise equation_error(
            text,
            f"the declaration {text[: match.end('args') + 1].strip()} and "
            f"variables={list(given)} disagree",
            match.start("args"),
            match.end("args"),
            hint="give the variables once, or the same in both places",
        )
    where = f"declared in {name}({', '.join(declared)})"
    return name, tuple(declared), match.end(), where
