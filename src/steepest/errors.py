"""The error family of steepest.

Every problem with a user's input is a :class:`SteepestError` (a ``ValueError``)
or one of its children, with a message that names the bad value, what was
expected, and a hint where one helps. Anything else raised by the library is a bug.
"""

from __future__ import annotations

__all__ = [
    "DataError",
    "DescentError",
    "EquationError",
    "NetworkError",
    "SteepestError",
]


class SteepestError(ValueError):
    """A value given to steepest is not usable; the message says why."""


class EquationError(SteepestError):
    """An equation could not be parsed or is not allowed."""


class DescentError(SteepestError):
    """A descent was asked for with settings that cannot work."""


class NetworkError(SteepestError):
    """A network, its inputs or a saved model file are not usable."""


class DataError(SteepestError):
    """A data file is missing, corrupt or not what it claims to be."""
