"""Checks of arguments shared by several modules, with messages in the house style."""

from __future__ import annotations

import math
from numbers import Real
from typing import Any

import numpy as np

from steepest.errors import OptimizerError, SteepestError

__all__ = ["as_generator", "check_fraction", "check_positive", "check_real"]


def as_generator(
    seed: Any, owner: str, error: type[SteepestError] = SteepestError
) -> np.random.Generator:
    """``seed`` (None, a non-negative int or a Generator) as a NumPy random Generator.

    Examples
    --------
    >>> int(as_generator(0, "train").integers(10)) == int(as_generator(0, "train").integers(10))
    True
    """
    if seed is None or isinstance(seed, np.random.Generator):
        return np.random.default_rng(seed)
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"{owner}: seed must be an int, a numpy.random.Generator or None; "
                        f"got {type(seed).__name__} {seed!r}")
    if seed < 0:
        raise error(f"{owner}: seed must be a non-negative int or a numpy.random.Generator; "
                    f"got {seed}\nhint: seed=0")
    return np.random.default_rng(int(seed))


def check_real(owner: str, name: str, value: Any) -> float:
    """The hyperparameter ``name`` of ``owner`` as a float; a TypeError unless a real number."""
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(
            f"The {name!r} parameter of {owner} must be a real number, "
            f"got {type(value).__name__} {value!r} instead."
        )
    return float(value)


def check_positive(owner: str, name: str, value: Any) -> float:
    """The hyperparameter ``name`` of ``owner`` (an optimizer or a schedule), finite and > 0."""
    number = check_real(owner, name, value)
    if not (math.isfinite(number) and number > 0):
        raise OptimizerError(
            f"The {name!r} parameter of {owner} must be a float in the range (0, inf). "
            f"Got {value!r} instead."
        )
    return number


def check_fraction(owner: str, name: str, value: Any) -> float:
    """The hyperparameter ``name`` of ``owner`` (an optimizer), in [0, 1) (a decay rate)."""
    number = check_real(owner, name, value)
    if not 0 <= number < 1:
        raise OptimizerError(
            f"The {name!r} parameter of {owner} must be a float in the range [0, 1). "
            f"Got {value!r} instead; hint: typical values are 0.9 to 0.999."
        )
    return number
