"""Option values that several commands read the same way (not a command itself).

What it leaves out: options that only one command has, and everything after parsing
(the commands call the library).
"""

from __future__ import annotations

__all__ = ["variable_names"]


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
