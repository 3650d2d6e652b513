"""Basins of attraction: where gradient descent ends, for every start of a grid.

:func:`basins` descends from every point of an ``num × num`` grid over a box in one
vectorised run (:func:`steepest.minimize` with many starts) and groups the ends: the
starts whose runs converged to the same point share a label, numbered by the value there
(0 for the lowest end of a descent, the highest of an ascent). A start whose run diverged
gets :data:`DIVERGED`, one that stopped at ``max_iter`` before converging :data:`UNFINISHED`.
It shows that where descent ends depends on where it starts.

What it leaves out: drawing (the explorer colours its map by the labels) and more than two
variables (a grid in three dimensions would need num³ starts).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from steepest.errors import DescentError

__all__ = ["DIVERGED", "MAX_STARTS", "UNFINISHED", "Basins", "basins"]

DIVERGED = -1  #: the label of a start whose run diverged
UNFINISHED = -2  #: the label of a start whose run stopped at max_iter without converging
MAX_STARTS = 250_000  #: the most starts: each keeps its whole path (500 × 500 starts)


@dataclass(frozen=True)
class Basins:
    """The ends of descents from a grid of starts, grouped.

    Attributes
    ----------
    x, y : numpy.ndarray
        The grid's coordinates along each axis, shape ``(num,)`` (one variable: ``y`` is
        empty and the starts are ``x``).
    labels : numpy.ndarray
        One int per start, shape ``(num, num)`` with rows along y (``(num,)`` for one
        variable): the index into ``ends``, or :data:`DIVERGED` or :data:`UNFINISHED`.
    ends : numpy.ndarray
        The distinct points the runs converged to, shape ``(c, n)``, sorted by value
        (lowest first for a descent, highest first for an ascent).
    values : numpy.ndarray
        f at each end, shape ``(c,)``.
    counts : dict of str to int
        How many runs ended with each status.
    maximize : bool
        True when the runs were ascents.
    """

    x: np.ndarray
    y: np.ndarray
    labels: np.ndarray
    ends: np.ndarray
    values: np.ndarray
    counts: dict[str, int]
    maximize: bool


def basins(
    f: Any,
    bounds: Sequence[tuple[float, float]],
    num: int = 50,
    *,
    optimizer: str = "gd",
    learning_rate: float = 0.1,
    maximize: bool = False,
    max_iter: int = 1000,
    tol: float = 1e-6,
    line_search: bool = False,
    callback: Any = None,
    **optimizer_options: Any,
) -> Basins:
    """Descend from every start of a ``num × num`` grid over ``bounds`` and group the ends.

    Parameters
    ----------
    f
        What :func:`steepest.minimize` takes: equation text, an Equation or a Gradient of
        one or two variables.
    bounds
        One ``(low, high)`` per variable.
    num
        Starts per axis, at least 2 (``num**n`` at most :data:`MAX_STARTS`).
    optimizer, learning_rate, max_iter, tol, line_search, callback, **optimizer_options
        As for :func:`steepest.minimize`.
    maximize
        Ascents instead of descents.

    Returns
    -------
    Basins

    Examples
    --------
    >>> b = basins("(x^2 - 1)^2 + y^2", [(-2, 2), (-1, 1)], num=4, learning_rate=0.05)
    >>> (b.ends.round(6) + 0.0).tolist(), b.values.round(9).tolist()
    ([[-1.0, 0.0], [1.0, 0.0]], [0.0, 0.0])
    >>> b.labels.tolist()  # the left half ends at (-1, 0), the right half at (1, 0)
    [[0, 0, 1, 1], [0, 0, 1, 1], [0, 0, 1, 1], [0, 0, 1, 1]]
    """
    from steepest.descent.run import maximize as ascend
    from steepest.descent.run import minimize

    box = _box(bounds)
    n = len(box)
    if n not in (1, 2):
        raise DescentError(f"basins are drawn for one or two variables; got bounds for {n}")
    if isinstance(num, bool) or not isinstance(num, (int, np.integer)) or num < 2:
        raise DescentError(f"num must be a whole number of starts per axis, 2 or more; got {num!r}")
    if num**n > MAX_STARTS:
        raise DescentError(f"num**{n} = {num**n:,} starts is more than the {MAX_STARTS:,} "
                           f"allowed (each keeps its path); hint: a smaller num")  # fmt: skip
    axes = [np.linspace(lo, hi, int(num)) for lo, hi in box]
    starts = np.stack([a.ravel() for a in np.meshgrid(*axes)], axis=-1)
    run = ascend if maximize else minimize
    results = run(f, starts, optimizer=optimizer, learning_rate=learning_rate,
                  max_iter=max_iter, tol=tol, line_search=line_search, callback=callback,
                  **optimizer_options)  # fmt: skip
    final = np.array([r.x for r in results])
    finals = np.array([r.value for r in results])
    statuses = [r.status for r in results]
    done = np.array([r.success for r in results])
    scale = max(hi - lo for lo, hi in box)
    ends, values, labels = _group(final, finals, done, 1e-3 * scale, maximize)
    labels[np.array([s == "diverged" for s in statuses], dtype=bool)] = DIVERGED
    labels[np.array([s == "max_iterations" for s in statuses], dtype=bool)] = UNFINISHED
    counts = {s: statuses.count(s) for s in dict.fromkeys(statuses)}
    shape = (int(num),) * n
    return Basins(axes[0], axes[1] if n == 2 else np.empty(0), labels.reshape(shape), ends,
                  values, counts, bool(maximize))  # fmt: skip


def _box(bounds: Any) -> list[tuple[float, float]]:
    """``bounds`` as ``(low, high)`` pairs of finite floats with low < high."""
    try:
        box = [(float(low), float(high)) for low, high in bounds]
    except (TypeError, ValueError):
        raise DescentError(f"bounds must be one (low, high) pair per variable; got {bounds!r}"
                           ) from None  # fmt: skip
    for low, high in box:
        if not (np.isfinite(low) and np.isfinite(high) and low < high):
            raise DescentError(f"each range of bounds must be finite with low < high; got "
                               f"({low:g}, {high:g})")  # fmt: skip
    return box


def _group(
    points: np.ndarray, values: np.ndarray, done: np.ndarray, radius: float, maximize: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Merge the converged end points closer than ``radius``; label every point."""
    labels = np.full(len(points), UNFINISHED, dtype=int)
    centres: list[np.ndarray] = []
    for i in np.flatnonzero(done):
        if centres:
            distance = np.abs(np.array(centres) - points[i]).max(axis=1)
            j = int(distance.argmin())
            if distance[j] <= radius:
                labels[i] = j
                continue
        labels[i] = len(centres)
        centres.append(points[i])
    if not centres:
        return np.empty((0, points.shape[1])), np.empty(0), labels
    ends = np.array(centres)
    means = np.array([values[labels == j].mean() for j in range(len(centres))])
    order = np.lexsort((*ends.T[::-1], -means if maximize else means))
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    labels[labels >= 0] = rank[labels[labels >= 0]]
    return ends[order], means[order], labels
