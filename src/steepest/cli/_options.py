"""Option values that several commands read the same way (not a command itself).

What it leaves out: options that only one command has, and everything after parsing
(the commands call the library).
"""

from __future__ import annotations

import argparse
import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from steepest.descent.optimizers import Optimizer

__all__ = ["NEGATIVE_VALUE", "accept_negative_values", "optimizer_from", "variable_names"]

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


def optimizer_from(
    name: str, learning_rate: float | None, *, default: float | None = None, schedule: Any = None
) -> Optimizer:
    """The optimizer that ``--optimizer NAME`` and ``--lr RATE`` ask for.

    The one route from the flags to an optimizer, for ``descend``, ``ascend``, ``plot`` and
    ``train``. Without ``--lr`` (``learning_rate`` None): ``default``, the named default of
    the command's world (:data:`steepest.descent.EQUATION_LEARNING_RATE` for an equation),
    or else the optimizer's own default. A bad value raises the library's
    :class:`~steepest.errors.OptimizerError`, which the CLI prints as one line.
    """
    from steepest.descent.optimizers import make_optimizer

    rate = default if learning_rate is None else learning_rate
    return make_optimizer(name, rate, **({} if schedule is None else {"schedule": schedule}))
