"""The protocol every optimizer follows: :class:`Optimizer`, written once for both worlds.

It keeps the state (one dict of arrays per parameter, made on the first step with the
parameters' shapes and dtypes), checks the arrays, applies the schedule and calls each
subclass's ``_update`` on every parameter. The optimizers themselves, each a few lines of
arithmetic, are in :mod:`steepest.descent.optimizers`.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any, ClassVar

import numpy as np

from steepest._validate import check_positive
from steepest.descent.schedules import Schedule, check_schedule
from steepest.errors import OptimizerError

__all__ = ["Optimizer"]


class Optimizer:
    """The protocol every optimizer follows; subclasses give ``_update`` and its formula.

    Parameters
    ----------
    learning_rate
        The step size η, a positive finite float.
    schedule
        Optional learning-rate schedule: a callable ``t -> factor`` (``t`` = steps taken
        before this one, starting at 0) or a name from :data:`SCHEDULES`. Step ``t`` uses
        ``learning_rate * schedule(t)``.

    Attributes
    ----------
    state : list of dict
        One dict of arrays per parameter (empty dicts for plain gradient descent), made on
        the first :meth:`step` with each parameter's shape and dtype.
    t : int
        The number of steps taken since construction or the last :meth:`reset`.
    """

    name: ClassVar[str] = ""
    #: names of the per-parameter state arrays
    slots: ClassVar[tuple[str, ...]] = ()
    default_learning_rate: ClassVar[float] = 0.01

    def __init__(
        self, learning_rate: float | None = None, *, schedule: str | Schedule | None = None
    ) -> None:
        owner = type(self).__name__
        if learning_rate is None:
            learning_rate = self.default_learning_rate
        self._learning_rate = check_positive(owner, "learning_rate", learning_rate)
        self.schedule = check_schedule(owner, schedule)
        self.state: list[dict[str, np.ndarray]] = []
        self._scratch: list[np.ndarray] = []
        self._rates: list[np.ndarray] = []  # per parameter, a 0-d array of its dtype
        self.t = 0

    @property
    def learning_rate(self) -> float:
        """The step size η (before any schedule)."""
        return self._learning_rate

    @learning_rate.setter
    def learning_rate(self, value: float) -> None:
        self._learning_rate = check_positive(type(self).__name__, "learning_rate", value)

    def hyperparameters(self) -> dict[str, Any]:
        """The constructor arguments other than the schedule, by name."""
        return {"learning_rate": self._learning_rate}

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.hyperparameters().items())
        return f"{type(self).__name__}({args})"

    def reset(self) -> None:
        """Forget all state: velocities, running averages and the step count."""
        self.state = []
        self._scratch = []
        self._rates = []
        self.t = 0

    def fresh(self) -> Optimizer:
        """A new optimizer of this kind and settings (schedule included), with no state.

        What a run steps with, so that it never changes the object it was given.

        Examples
        --------
        >>> import numpy as np
        >>> from steepest import Adam
        >>> adam = Adam(0.1)
        >>> run = adam.fresh()
        >>> _ = run.step([np.ones(2)], [np.ones(2)])
        >>> run, run.t, adam.t
        (Adam(learning_rate=0.1, beta1=0.9, beta2=0.999, eps=1e-08), 1, 0)
        """
        new = copy.copy(self)
        new.reset()
        return new

    def select_rows(self, keep: np.ndarray) -> None:
        """Keep only the rows ``keep`` (first axis) of every state array.

        For a run that steps many starts as the rows of one array
        (:func:`~steepest.minimize`) and drops the rows that have stopped; it drops the same
        rows of its parameters.
        """

        def take(a: np.ndarray) -> np.ndarray:  # keeping a Fortran-ordered array so
            rows = a[keep]
            return np.asfortranarray(rows) if a.ndim > 1 and a.flags.f_contiguous else rows

        self.state = [{name: take(a) for name, a in s.items()} for s in self.state]
        self._scratch = [take(buf) for buf in self._scratch]

    def step(self, params: list[np.ndarray], grads: Sequence[np.ndarray]) -> list[np.ndarray]:
        """Update every ``params[i]`` in place from ``grads[i]``; return ``params``."""
        if len(self.state) != len(params) or len(grads) != len(params):
            self._start(params, grads)
        lr = self._learning_rate
        if self.schedule is not None:
            lr *= self.schedule(self.t)
        self.t += 1
        update = self._update
        for p, g, s, buf in zip(params, grads, self.state, self._scratch, strict=True):
            update(p, g, s, buf, lr)
        return params

    def _start(self, params: Sequence[np.ndarray], grads: Sequence[np.ndarray]) -> None:
        """Check the arrays and create the state (first step), or explain a mismatch."""
        owner = type(self).__name__
        if isinstance(params, np.ndarray) or isinstance(grads, np.ndarray):
            raise TypeError(
                f"{owner}.step takes lists of arrays, got a bare array; "
                "hint: pass [params] and [grads]."
            )
        if len(grads) != len(params):
            raise OptimizerError(
                f"{owner}.step got {len(params)} parameter arrays but {len(grads)} gradients."
            )
        if self.state:
            raise OptimizerError(
                f"{owner}.step got {len(params)} parameter arrays, but its state was made "
                f"for {len(self.state)}; hint: call reset() before stepping other parameters."
            )
        for i, p in enumerate(params):
            if not isinstance(p, np.ndarray) or p.dtype.kind != "f":
                kind = p.dtype if isinstance(p, np.ndarray) else type(p).__name__
                raise TypeError(
                    f"params[{i}] must be a floating-point NumPy array (it is updated in "
                    f"place), got {kind}; hint: np.asarray(p, dtype=float)."
                )
            if not p.flags.writeable:
                raise OptimizerError(
                    f"params[{i}] is read-only; the optimizer updates it in place."
                )
        self.state = [{k: np.zeros_like(p) for k in self.slots} for p in params]
        self._scratch = [np.empty_like(p) for p in params]
        self._rates = [np.empty((), p.dtype) for p in params]

    def _update(
        self, p: np.ndarray, g: np.ndarray, s: dict[str, np.ndarray], buf: np.ndarray, lr: float
    ) -> None:
        raise NotImplementedError  # pragma: no cover
