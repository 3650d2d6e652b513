"""Telling a run stopped by ``max_iter`` that was heading for no minimum at all.

A run on ``x`` or ``-log(x)`` never diverges: its steps stay moderate, the point walks
off slowly, and at ``max_iter`` only the rule below tells it from a slow crawl towards a
minimum. Left out: the runs that do run off (``-x^2``): the loops stop those themselves.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from steepest.descent.loops import row_norms

if TYPE_CHECKING:
    from steepest.descent.loops import Run

__all__ = ["keeps_going"]


def keeps_going(run: Run, path: np.ndarray, values: np.ndarray) -> tuple[float, float] | None:
    """Whether a run stopped by max_iter was heading for no minimum at all, and what says so.

    The rule: over the last half of the run f fell at every step; the steps did not
    shrink as a converging path's do (the mean step of the last quarter is at least 0.7
    times that of the quarter before: a path that shrinks its steps like 1/k or slower
    travels without bound); and beyond the end, along the direction the path moved over
    its last half, f keeps falling at points 1, 10, ... 10^6 times that distance further.
    A slow crawl towards a minimum (Rosenbrock's valley, a long narrow bowl) fails the
    last test: past the minimum f rises again. So does a curved valley to -∞ (x²·sin(y)
    along y = -π/2), which a straight line drawn far enough leaves: such a run is called
    a stopped run, not an unbounded one (a nearer probe called a plateau before a far
    well unbounded). Returns f (as descended: ``sign·f``) at the farthest point and that
    point's norm, or None.
    """
    k = len(path) - 1
    if k < 20:
        return None
    half, quarter = k // 2, k - k // 4
    fallen = run.sign * values[half:]
    if not np.all(np.diff(fallen) < 0):
        return None
    steps = row_norms(np.diff(path[half:], axis=0))
    before, after = steps[: quarter - half].mean(), steps[quarter - half:].mean()
    if not after >= 0.7 * before:
        return None
    moved = path[-1] - path[half]
    distance = float(np.linalg.norm(moved))
    if not 0 < distance < math.inf:
        return None
    last, far = float(fallen[-1]), path[-1]
    with np.errstate(all="ignore"):
        for power in range(7):
            far = path[-1] + moved * 10.0**power
            try:
                value = run.sign * run.objective.point(far)[0]
            except Exception:  # a Python f may refuse far points: then nothing is known
                return None
            if not value <= last:  # rose again (or is not a number)
                return None
            last = value
    if not last < fallen[-1]:
        return None
    return last, float(np.linalg.norm(far))
