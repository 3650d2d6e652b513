"""What a training run records and how a caller steers it while it runs.

:class:`History` is what :func:`~steepest.nn.training.train` returns: the costs,
accuracies and times of each epoch, every mini-batch's cost, how the run ended and the
settings it ran with. :class:`TrainingStep` is what its ``on_batch`` callback sees after
each mini-batch: where the run is, the cost just measured, and the levers to change the
optimizer's settings from the next step or to stop.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from steepest.errors import NetworkError

if TYPE_CHECKING:
    from steepest.descent.optimizers import Optimizer
    from steepest.nn.network import Network

__all__ = ["History", "TrainingStep"]


@dataclass
class History:
    """What happened during :func:`train`, epoch by epoch.

    Attributes
    ----------
    cost
        The mean training cost of each epoch (the mean of its mini-batch costs,
        taken while the weights were moving; no extra pass over the data).
    test_cost, test_accuracy
        Cost and accuracy (fraction right) on the ``test`` data after each epoch;
        empty without ``test``.
    seconds
        Training time of each epoch (shuffling, backprop and steps; evaluation on
        ``test`` not included), by the wall clock.
    cpu_seconds
        The same span in CPU time of this process (all its threads); far below
        ``seconds`` when other programs share the processor.
    batch_costs
        One array per epoch begun: the cost of each of its mini-batches, in order.
    interrupted
        True if training was stopped by Ctrl-C (KeyboardInterrupt); the network
        keeps the weights of the last step taken.
    stopped
        True if an ``on_batch`` callback asked to stop (:meth:`TrainingStep.stop`);
        the epoch it stopped in is not counted (its ``batch_costs`` holds the
        mini-batches done) and the network keeps the weights of the last step.
    diverged
        True if an epoch's cost or the weights became NaN or infinite, which stops
        training; that epoch is not scored on the ``test`` data.
    settings
        The settings ``train`` ran with (optimizer, learning rate, batch size, ...).
    """

    cost: list[float] = field(default_factory=list)
    test_cost: list[float] = field(default_factory=list)
    test_accuracy: list[float] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)
    cpu_seconds: list[float] = field(default_factory=list)
    batch_costs: list[np.ndarray] = field(default_factory=list, repr=False)
    interrupted: bool = False
    stopped: bool = False
    diverged: bool = False
    settings: dict[str, Any] = field(default_factory=dict)

    @property
    def epochs(self) -> int:
        """The number of epochs completed."""
        return len(self.cost)

    @property
    def batch_cost(self) -> np.ndarray:
        """Every mini-batch cost, all epochs in order, as one array."""
        return np.concatenate(self.batch_costs) if self.batch_costs else np.empty(0)

    @property
    def best_accuracy(self) -> float | None:
        """The best test accuracy of any epoch (``None`` without test data)."""
        return max(self.test_accuracy) if self.test_accuracy else None

    def line(self, epoch: int | None = None) -> str:
        """One line about an epoch (the last by default), as the progress shows it."""
        i = len(self.cost) - 1 if epoch is None else epoch
        text = f"epoch {i + 1}: cost {self.cost[i]:.4f}"
        if i < len(self.test_accuracy):
            text += f", test cost {self.test_cost[i]:.4f}, accuracy {self.test_accuracy[i]:.2%}"
        return text + f" ({self.seconds[i]:.2f} s)"


class TrainingStep:
    """What an ``on_batch`` callback of :func:`train` sees after each mini-batch.

    One object is made per run and updated in place before every call (so that the
    callback costs no allocation); read it during the call, keep the numbers, not it.

    Attributes
    ----------
    epoch
        The epoch under way, counting from 0.
    batch
        Mini-batches done in this epoch (1 after the first).
    batches
        Mini-batches in an epoch.
    steps
        Optimizer steps taken in the whole run.
    cost
        The cost of the mini-batch just stepped on (measured before its step).
    network, optimizer, history
        The network being trained, the run's own optimizer stepping it (a fresh copy of
        the one :func:`train` was given; its settings are read at every step) and the
        run's :class:`History` so far.
    """

    __slots__ = ("_stop", "batch", "batches", "cost", "epoch", "history", "network",
                 "optimizer", "steps")

    def __init__(self, network: Network, optimizer: Optimizer, history: History,
                 batches: int) -> None:  # fmt: skip
        self.network, self.optimizer, self.history = network, optimizer, history
        self.epoch = self.batch = self.steps = 0
        self.batches = batches
        self.cost = float("nan")
        self._stop = False

    def stop(self) -> None:
        """End training after this mini-batch (``History.stopped`` becomes True)."""
        self._stop = True

    def change(self, **settings: Any) -> None:
        """Change the optimizer's settings (``learning_rate``, ``momentum``, ``beta1``, ...)
        from the next step on, keeping the network and the optimizer's state.

        The new values are checked as the optimizer's constructor checks them; a bad one
        raises and changes nothing.

        Examples
        --------
        >>> from steepest.descent.optimizers import Momentum
        >>> from steepest.nn import Network
        >>> opt = Momentum(0.1)
        >>> step = TrainingStep(Network([2, 1], seed=0), opt, History(), 1)
        >>> step.change(learning_rate=0.5, momentum=0.5)
        >>> opt
        Momentum(learning_rate=0.5, momentum=0.5)
        """
        known = self.optimizer.hyperparameters()
        unknown = sorted(set(settings) - set(known))
        if unknown:
            raise NetworkError(
                f"{type(self.optimizer).__name__} has no setting {', '.join(map(repr, unknown))}; "
                f"its settings are {', '.join(map(repr, known))}"
            )
        checked = type(self.optimizer)(**{**known, **settings}).hyperparameters()
        for name in settings:
            setattr(self.optimizer, name, checked[name])
