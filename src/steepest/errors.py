"""The error family of steepest.

Every problem with a user's input is a :class:`SteepestError` (a ``ValueError``)
or one of its children, with a message that names the bad value, what was
expected, and a hint where one helps. Anything else raised by the library is a bug.
"""

from __future__ import annotations

__all__ = [
    "CheckError",
    "CostError",
    "DataError",
    "DescentError",
    "EquationError",
    "ExploreError",
    "GradientError",
    "NetworkError",
    "OptimizerError",
    "OutputError",
    "PlotError",
    "SteepestError",
]


class SteepestError(ValueError):
    """A value given to steepest is not usable; the message says why."""


class EquationError(SteepestError):
    """An equation could not be parsed or is not allowed.

    Attributes
    ----------
    text : str or None
        The text that was read.
    position : int or None
        Where in ``text`` the problem is (0-based), when there is one place.
    hint : str or None
        What to do about it.
    """

    text: str | None = None
    position: int | None = None
    hint: str | None = None


class GradientError(SteepestError):
    """A gradient cannot be given: not differentiable, a bad point, a bad search box."""


class DescentError(SteepestError):
    """A descent was asked for with settings that cannot work."""


class OptimizerError(DescentError):
    """An optimizer or a learning-rate schedule was given a setting that cannot work.

    A child of :class:`DescentError`: the optimizers are the descent's, whichever world
    (an equation's point, a network's weights) they step.
    """


class NetworkError(SteepestError):
    """A network, its inputs or a saved model file are not usable."""


class DataError(SteepestError):
    """A data file is missing, corrupt or not what it claims to be."""


class CostError(SteepestError):
    """A cost was given targets and predictions that do not fit together."""


class PlotError(SteepestError):
    """A picture was asked for with options or data it cannot draw."""


class CheckError(SteepestError):
    """A learner's answer or code could not be checked as asked (not: it was wrong)."""


class OutputError(SteepestError):
    """A file or folder could not be written; the message names it and says why."""


class ExploreError(SteepestError):
    """The explorer (``steepest explore``) cannot serve what was asked: an equation of the
    wrong number of variables for a picture, a start of the wrong size, a missing part."""
