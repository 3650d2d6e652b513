"""Checks of arguments shared by several modules, with messages in the house style."""

from __future__ import annotations

from typing import Any

import numpy as np

from steepest.errors import SteepestError

__all__ = ["as_generator"]


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
