"""Read a learner's gradient, typed by hand, into one SymPy expression per variable.

The forms accepted, for ``f(x, y)``:

- the partial derivatives in variable order, separated by commas or semicolons:
  ``2x sin(y), x^2 cos(y)``, optionally in brackets ``(…, …)`` or ``[…, …]`` and
  after ``∇f =`` or ``grad f =``;
- for a function of one variable, also after ``f'(x) =`` or ``f' =``;
- each one labelled, in any order: ``∂f/∂x = 2x sin(y); ∂f/∂y = x^2 cos(y)``; the
  labels ``df/dx``, ``∂/∂x``, ``d/dx`` and ``f_x`` work too (``:`` may replace ``=``);
- a Python list or tuple of such texts (or SymPy expressions), one per variable, or a
  dict from variable name to text.

Each expression is read by steepest's own parser (never ``eval``) with the equation's
variables declared, so ``2xsin(y)`` is ``2·x·sin(y)``. Left out: answers that name a
variable the equation does not have (an error says which), and vector notation other
than the above.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

import sympy

from steepest.equation import Equation, parse
from steepest.errors import CheckError, EquationError

__all__ = ["read_answer"]

_PREFIX = re.compile(
    r"^\s*(?:(?:∇|nabla\s*|grad\s*)\s*[A-Za-z]?\w*|[A-Za-z]\w*\s*[\'′])"
    r"\s*(?:\([^()]*\))?\s*=\s*"
)
_LABEL = re.compile(
    r"^\s*(?:(?P<d>∂|d)\s*(?P<f>[A-Za-z]\w*)?\s*/\s*(?P=d)\s*(?P<v>[A-Za-z]\w*)"
    r"|(?P<g>[A-Za-z]\w*?)_(?P<w>[A-Za-z]\w*))\s*[=:]\s*"
)


def read_answer(answer: Any, equation: Equation) -> list[sympy.Expr]:
    """The learner's partial derivatives, one expression per variable, in variable order.

    Parameters
    ----------
    answer
        Text in one of the forms of this module's docstring, a list or tuple of texts
        or SymPy expressions, or a dict from variable name to text.
    equation
        The equation whose gradient it claims to be.

    Raises
    ------
    SteepestError
        If the number of parts does not match the variables, a label or a name is not one
        of the equation's variables, or a part cannot be read (an ``EquationError``).
    TypeError
        If ``answer`` is none of the forms above.

    Examples
    --------
    >>> eq = parse("x^2 sin(y)")
    >>> read_answer("2xsin(y), x^2 cos(y)", eq)
    [2*x*sin(y), x**2*cos(y)]
    >>> read_answer("∂f/∂y = x^2 cos(y); ∂f/∂x = sin(y)*2*x", eq)
    [2*x*sin(y), x**2*cos(y)]
    """
    names = equation.names
    if isinstance(answer, str):
        _check_brackets(answer)
        parts = _split(_unwrap(_PREFIX.sub("", answer.strip(), count=1)))
        labelled = [_label(part, equation) for part in parts]
        if any(v is not None for v, _ in labelled):
            return _by_label(labelled, equation)
        texts: list[Any] = parts
    elif isinstance(answer, Mapping):
        unknown = [k for k in answer if k not in names]
        if unknown:
            raise CheckError(
                f"answer: {', '.join(map(repr, unknown))} is not a variable of {equation}; "
                f"the keys must be the variables {', '.join(names)}"
            )
        missing = [n for n in names if n not in answer]
        if missing:
            raise CheckError(_missing_message(missing, equation))
        texts = [answer[n] for n in names]
    elif isinstance(answer, Sequence):
        texts = list(answer)
    else:
        raise TypeError(
            "answer must be text such as '2x sin(y), x^2 cos(y)', a list of texts (one per "
            f"variable) or a dict from variable name to text; got {type(answer).__name__}"
        )
    _check_count(len(texts), equation)
    return [_expression(text, equation, names[i]) for i, text in enumerate(texts)]


def _check_brackets(text: str) -> None:
    """Raise, with a caret, at a bracket that is never closed or never opened."""
    pairs = {")": "(", "]": "[", "}": "{"}
    stack: list[int] = []
    for i, char in enumerate(text):
        if char in "([{":
            stack.append(i)
        elif char in pairs:
            if not stack or text[stack[-1]] != pairs[char]:
                _caret(text, i, f"{char!r} closes nothing", f"remove it or add "
                       f"{pairs[char]!r} where the group starts")
            stack.pop()
    if stack:
        opening = text[stack[-1]]
        closing = {v: k for k, v in pairs.items()}[opening]
        _caret(text, stack[-1], f"{opening!r} is never closed",
               f"add {closing!r} where the group ends")


def _caret(text: str, at: int, problem: str, hint: str) -> None:
    raise EquationError(f"answer: {problem}\n    {text}\n    {' ' * at}^\nhint: {hint}")


def _unwrap(text: str) -> str:
    """``text`` without brackets that enclose all of it: ``(a, b)`` → ``a, b``."""
    while len(text) >= 2 and (text[0], text[-1]) in (("(", ")"), ("[", "]")):
        depth = 0
        for i, char in enumerate(text):
            depth += char in "([{"
            depth -= char in ")]}"
            if depth == 0 and i < len(text) - 1:
                return text  # the first bracket closes before the end: (a)(b)
        text = text[1:-1].strip()
    return text


def _split(text: str) -> list[str]:
    """Split on commas and semicolons outside brackets."""
    parts, depth, start = [], 0, 0
    for i, char in enumerate(text):
        depth += char in "([{"
        depth -= char in ")]}"
        if depth == 0 and char in ",;":
            parts.append(text[start:i].strip())
            start = i + 1
    parts.append(text[start:].strip())
    if len(parts) > 1 and parts[-1] == "":
        parts.pop()  # a trailing separator
    return parts


def _label(part: str, equation: Equation) -> tuple[str | None, str]:
    """``(variable, rest)`` when ``part`` starts with a label such as ``∂f/∂x =``."""
    match = _LABEL.match(part)
    if match is None:
        return None, part
    if match["d"] is not None:
        function, variable = match["f"], match["v"]
    else:
        function, variable = match["g"], match["w"]
        if function != equation.name:
            return None, part  # x_1 = ... is not a label, unless f is called x
    if function not in (None, equation.name):
        raise CheckError(
            f"answer: the label {match.group(0).strip()!r} names the function {function!r}, "
            f"but the equation's function is {equation.name!r}"
        )
    if variable not in equation.names:
        raise CheckError(
            f"answer: the label {match.group(0).strip()!r} names the variable {variable!r}, "
            f"but {equation} has the variables {', '.join(equation.names)}"
        )
    return variable, part[match.end():]


def _by_label(labelled: list[tuple[str | None, str]], equation: Equation) -> list[sympy.Expr]:
    names = equation.names
    found: dict[str, str] = {}
    for variable, text in labelled:
        if variable is None:
            raise CheckError(
                f"answer: {text!r} has no label while other parts do\nhint: label every "
                f"part, e.g. '∂f/∂{names[0]} = …; ∂f/∂{names[-1]} = …', or none of them"
            )
        if variable in found:
            raise CheckError(f"answer: ∂{equation.name}/∂{variable} is given twice")
        found[variable] = text
    missing = [n for n in names if n not in found]
    if missing:
        raise CheckError(_missing_message(missing, equation))
    return [_expression(found[n], equation, n) for n in names]


def _missing_message(missing: list[str], equation: Equation) -> str:
    return (
        f"answer: no partial derivative with respect to {', '.join(missing)}; {equation} has "
        f"{len(equation.names)} variables ({', '.join(equation.names)}), one partial "
        "derivative each"
    )


def _check_count(count: int, equation: Equation) -> None:
    n = len(equation.names)
    if count == n:
        return
    names = ", ".join(equation.names)
    labels = "; ".join(f"∂{equation.name}/∂{v} = …" for v in equation.names)
    raise CheckError(
        f"answer: {count} partial derivative{'s' * (count != 1)} given, but {equation} has "
        f"{n} variable{'s' * (n != 1)} ({names}), so its gradient has {n}\n"
        f"hint: give one per variable in the order {names}, separated by commas, "
        f"or label each: '{labels}'"
    )


def _expression(text: Any, equation: Equation, variable: str) -> sympy.Expr:
    """One part of the answer as an expression over the equation's own symbols."""
    where = f"∂{equation.name}/∂{variable}"
    if isinstance(text, sympy.Expr):
        expr = text
    elif isinstance(text, (int, float)) and not isinstance(text, bool):
        expr = sympy.nsimplify(text)
    elif isinstance(text, str):
        if not text.strip():
            raise CheckError(f"answer: the part for {where} is empty")
        try:
            expr = parse(text, variables=list(equation.names)).expr
        except EquationError as error:
            # a parser that refuses undeclared names: say which, if that is the reason
            _check_names(_loose(text), equation, where)
            raise EquationError(f"answer, the part for {where}: {error}") from None
    else:
        raise TypeError(
            f"answer: the part for {where} must be text or a SymPy expression; "
            f"got {type(text).__name__}"
        )
    _check_names(expr, equation, where)
    symbols = {s.name: s for s in equation.variables}
    return expr.xreplace({s: symbols[s.name] for s in expr.free_symbols})


def _loose(text: str) -> sympy.Expr | None:
    """``text`` read with no variables declared, or None if it cannot be read at all."""
    try:
        return parse(text).expr
    except EquationError:
        return None


def _check_names(expr: sympy.Expr | None, equation: Equation, where: str) -> None:
    if expr is None:
        return
    unknown = sorted(s.name for s in expr.free_symbols if s.name not in equation.names)
    if unknown:
        raise CheckError(
            f"answer: the part for {where} uses {', '.join(unknown)}, which "
            f"{'is not a variable' if len(unknown) == 1 else 'are not variables'} of "
            f"{equation}\nhint: write it with the variables {', '.join(equation.names)} only"
        )
