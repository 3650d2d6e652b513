"""Step-size schedules for the optimizers.

A schedule is a function ``t -> factor``: step ``t`` (counted from 0) of an optimizer
uses ``learning_rate * schedule(t)``. :data:`SCHEDULES` names the usual ones; any
callable works. :func:`cosine_decay` needs the length of the run, so it has no name there.

Left out: warm-up and cyclical schedules, and schedules that look at the loss.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from steepest._validate import check_positive, check_real
from steepest.errors import OptimizerError

__all__ = [
    "SCHEDULES",
    "Schedule",
    "cosine_decay",
    "decay_to",
    "exponential_decay",
    "inverse_sqrt",
    "inverse_time",
]

Schedule = Callable[[int], float]


# ---------------------------------------------------------------------------- schedules


def inverse_time(decay: float = 0.01) -> Schedule:
    """Schedule ``t -> 1 / (1 + decay·t)``: the step shrinks like ``1/t`` in the long run."""
    decay = check_positive("inverse_time", "decay", decay)
    return lambda t: 1.0 / (1.0 + decay * t)


def inverse_sqrt() -> Schedule:
    """Schedule ``t -> 1 / sqrt(1 + t)``."""
    return lambda t: 1.0 / math.sqrt(1.0 + t)


def exponential_decay(rate: float = 0.99) -> Schedule:
    """Schedule ``t -> rate**t``: the step shrinks by the factor ``rate`` every step."""
    rate = check_positive("exponential_decay", "rate", rate)
    if rate > 1:
        raise OptimizerError(f"The 'rate' of exponential_decay must be at most 1. Got {rate!r}.")
    return lambda t: rate**t


def decay_to(fraction: float, steps: int) -> Schedule:
    """Schedule ``t -> fraction**(t / steps)``: exponential decay to ``fraction`` at step ``steps``.

    ``steepest train --lr-decay`` uses it: the step falls smoothly to ``fraction`` times its
    start by the last step of the run.

    Examples
    --------
    >>> schedule = decay_to(0.05, 100)
    >>> schedule(0), round(schedule(100), 12)
    (1.0, 0.05)
    """
    fraction = check_positive("decay_to", "fraction", fraction)
    if fraction > 1:
        raise OptimizerError(f"The 'fraction' of decay_to must be at most 1. Got {fraction!r}.")
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 1:
        raise OptimizerError(f"The 'steps' of decay_to must be an int >= 1. Got {steps!r}.")
    return lambda t: fraction ** (t / steps)


def cosine_decay(steps: int, final: float = 0.0) -> Schedule:
    """Schedule ``t -> final + (1 − final)·½(1 + cos(π·t/steps))``, then ``final``.

    The step falls from the full learning rate to ``final`` times it along half a cosine
    over ``steps`` steps: it stays near its start for a while, falls fastest midway and
    lands gently, so the last steps settle into a minimum instead of rattling around it.
    ``steps`` is usually the whole run (epochs × mini-batches an epoch).

    Examples
    --------
    >>> schedule = cosine_decay(100)
    >>> [round(schedule(t), 3) for t in (0, 50, 100, 200)]
    [1.0, 0.5, 0.0, 0.0]
    >>> round(cosine_decay(100, final=0.1)(50), 3)
    0.55
    """
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or steps < 1:
        raise OptimizerError(
            f"The 'steps' parameter of cosine_decay must be a whole number of at least 1. "
            f"Got {steps!r} instead; hint: epochs × mini-batches an epoch."
        )
    final = check_real("cosine_decay", "final", final)
    if not 0 <= final <= 1:
        raise OptimizerError(
            f"The 'final' parameter of cosine_decay must be a float in the range [0, 1]. "
            f"Got {final!r} instead."
        )
    return _Cosine(int(steps), final)


class _Cosine:
    """:func:`cosine_decay`'s schedule, which says what it is (``words``)."""

    __slots__ = ("final", "total")

    def __init__(self, total: int, final: float) -> None:
        self.total, self.final = total, final

    def __call__(self, t: int) -> float:
        total = self.total
        return self.final + (1.0 - self.final) * 0.5 * (1.0 + math.cos(math.pi * min(t, total)
                                                                        / total))  # fmt: skip

    @property
    def words(self) -> str:
        """The schedule for people: ``along a cosine to 0``."""
        return f"along a cosine to {self.final:g}" + (" of it" if self.final else "")

    def __repr__(self) -> str:
        return f"cosine_decay({self.total}, final={self.final:g})"


#: Named schedules, with their default constants; pass a callable for other constants.
SCHEDULES: dict[str, Callable[[], Schedule]] = {
    "constant": lambda: (lambda t: 1.0),
    "inverse_time": inverse_time,
    "inverse_sqrt": inverse_sqrt,
    "exponential": exponential_decay,
}


def check_schedule(owner: str, schedule: str | Schedule | None) -> Schedule | None:
    if schedule is None or callable(schedule):
        return schedule
    if isinstance(schedule, str):
        if schedule not in SCHEDULES:
            raise OptimizerError(
                f"The 'schedule' parameter of {owner} must be one of {sorted(SCHEDULES)} "
                f"or a callable t -> factor. Got {schedule!r} instead."
            )
        return SCHEDULES[schedule]()
    raise TypeError(
        f"The 'schedule' parameter of {owner} must be a name, a callable t -> factor or "
        f"None, got {type(schedule).__name__} instead."
    )
