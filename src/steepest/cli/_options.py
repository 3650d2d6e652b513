"""Option values that several commands read the same way (not a command itself).

What it leaves out: options that only one command has, and everything after parsing
(the commands call the library).
"""

from __future__ import annotations

import argparse
import re

__all__ = ["NEGATIVE_VALUE", "accept_negative_values", "variable_names"]

#: Values such as "-1,2", "-3:3,-3:3" or "-pi/4,1" start with a minus sign but are not options.
NEGATIVE_VALUE = re.compile(r"^-(\d|\.\d|pi|e\b)")


def accept_negative_values(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Let an option take a value that starts with a minus sign: ``--from -1,2``.

    argparse takes ``-1,2`` for an option (it only knows plain negative numbers such as
    ``-1``); this widens its test of "a negative number" to :data:`NEGATIVE_VALUE`. Safe
    as long as the parser has no option that itself starts with a digit or ``pi``.

    Examples
    --------
    >>> parser = accept_negative_values(argparse.ArgumentParser())
    >>> _ = parser.add_argument("--from", dest="start")
    >>> parser.parse_args(["--from", "-1,2"]).start
    '-1,2'
    """
    if hasattr(parser, "_negative_number_matcher"):
        parser._negative_number_matcher = NEGATIVE_VALUE
    return parser


def variable_names(text: str | None) -> list[str] | None:
    """The names given to ``--vars`` (``"x, y"`` -> ``['x', 'y']``), or None without it.

    Examples
    --------
    >>> variable_names("y, x,"), variable_names(None)
    (['y', 'x'], None)
    """
    if text is None:
        return None
    return [part.strip() for part in text.split(",") if part.strip()]
