"""Mathematics for the page as MathML, which the browser renders itself (no LaTeX source,
no JavaScript library): SymPy's presentation printer, with the output checked against a
short list of MathML elements before it is sent, so that nothing else can reach the page.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["mathml"]

_ELEMENTS = frozenset({"math", "mrow", "mi", "mn", "mo", "msup", "msub", "msubsup", "mfrac",
                       "msqrt", "mroot", "mtext", "mspace", "mover", "munder", "mfenced",
                       "mstyle", "mtable", "mtr", "mtd", "mpadded", "mphantom"})  # fmt: skip
_TAG = re.compile(r"<\s*/?\s*([a-zA-Z]+)([^>]*)>")
_ATTRIBUTE = re.compile(r'^(\s+[a-z]+="[a-zA-Z0-9 .#-]*")*\s*/?$')


def mathml(expr: Any, before: str = "", display: bool = False) -> str:
    """``expr`` as a ``<math>`` element, optionally after the text ``before`` (``f(x, y) =``).

    Examples
    --------
    >>> import sympy
    >>> mathml(sympy.Symbol("x") ** 2)
    '<math><msup><mi>x</mi><mn>2</mn></msup></math>'
    """
    from sympy.printing.mathml import mathml as to_mathml

    body = to_mathml(expr, printer="presentation")
    for match in _TAG.finditer(body):
        if match[1] not in _ELEMENTS or not _ATTRIBUTE.match(match[2]):
            raise RuntimeError(f"unexpected MathML from SymPy: {match[0]!r}")
    if "<" in _TAG.sub("", body) or ">" in _TAG.sub("", body):
        raise RuntimeError("unexpected markup in SymPy's MathML")
    prefix = f"<mtext>{_escape(before)}</mtext>" if before else ""
    opening = '<math display="block">' if display else "<math>"
    return f"{opening}{prefix}{body}</math>"


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
