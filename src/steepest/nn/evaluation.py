"""How well a network does on labelled examples: :func:`evaluate`, :func:`score`.

:func:`evaluate` runs a trained :class:`~steepest.nn.Network` over labelled images and
returns an :class:`Evaluation` (accuracy, accuracy per digit, confusion matrix, and a text
report); :func:`score` gives the cost and the accuracy that training reports. Both use
the network's one chunked forward pass, :meth:`~steepest.nn.Network.outputs`.

The command line (``steepest evaluate``) and the tour call these. Left out: training
(:func:`steepest.nn.train`), loading data (:mod:`steepest.data`), preparing a picture of a
digit (:func:`steepest.data.images.prepare_image`, also importable from here), and
pictures (:mod:`steepest.plot.digits`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from steepest.cost import check_labels
from steepest.data.images import prepare_image
from steepest.errors import CostError, NetworkError

if TYPE_CHECKING:  # pragma: no cover
    from steepest.cost import Cost
    from steepest.nn import Network

__all__ = ["Evaluation", "evaluate", "prepare_image", "score"]

_CHUNK = 4096  # examples per forward pass in evaluate (bounds the memory)


@dataclass(frozen=True, repr=False, eq=False)  # arrays: no element-wise ==
class Evaluation:
    """How a network did on labelled examples.

    Attributes
    ----------
    labels : numpy.ndarray
        The true class of each example, int64 ``(n,)``.
    predictions : numpy.ndarray
        The network's class for each example (its largest output), int64 ``(n,)``.
    confusion : numpy.ndarray
        int64 ``(k, k)``: ``confusion[i, j]`` counts examples of class ``i`` predicted
        as ``j``; rows are the truth, columns the prediction, the diagonal is right.
    """

    labels: np.ndarray
    predictions: np.ndarray
    confusion: np.ndarray

    @property
    def count(self) -> int:
        """The number of examples."""
        return int(self.labels.size)

    @property
    def correct(self) -> int:
        """The number of examples predicted right."""
        return int(np.trace(self.confusion))

    @property
    def accuracy(self) -> float:
        """The fraction of examples predicted right (``nan`` with no examples)."""
        return self.correct / self.count if self.count else float("nan")

    @property
    def per_digit(self) -> np.ndarray:
        """The accuracy on each true class (recall); ``nan`` for a class with no examples."""
        totals = self.confusion.sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.diagonal(self.confusion) / totals

    @property
    def wrong(self) -> np.ndarray:
        """The indices of the examples predicted wrong, in order."""
        return np.flatnonzero(self.predictions != self.labels)

    def __repr__(self) -> str:
        return f"Evaluation(accuracy={self.accuracy:.4f}, count={self.count})"

    def report(self) -> str:
        """Accuracy, accuracy per digit and the confusion matrix, as plain text.

        Examples
        --------
        >>> e = Evaluation.from_predictions([0, 1, 1, 2], [0, 1, 2, 2], classes=3)
        >>> print(e.report())
        accuracy 75.00% (3 of 4 right)
        <BLANKLINE>
        digit         0       1       2
        right    100.0%   50.0%  100.0%
        count         1       2       1
        <BLANKLINE>
        confusion matrix (rows: true digit, columns: predicted digit)
                0   1   2
            0   1   .   .
            1   .   1   1
            2   .   .   1
        """
        k = self.confusion.shape[0]
        lines = [f"accuracy {self.accuracy:.2%} ({self.correct:,} of {self.count:,} right)", ""]
        lines.append("digit  " + "".join(f"{d:>8}" for d in range(k)))
        shown = ["     –" if np.isnan(a) else f"{a:.1%}" for a in self.per_digit]
        lines.append("right  " + "".join(f"{s:>8}" for s in shown))
        lines.append("count  " + "".join(f"{n:>8,}" for n in self.confusion.sum(axis=1)))
        lines += ["", "confusion matrix (rows: true digit, columns: predicted digit)"]
        width = max(4, len(f"{self.confusion.max(initial=0):,}") + 1)
        lines.append("     " + "".join(f"{d:>{width}}" for d in range(k)))
        for digit, row in enumerate(self.confusion):
            cells = "".join(f"{n:>{width},}" if n else f"{'.':>{width}}" for n in row)
            lines.append(f"{digit:>5}{cells}")
        return "\n".join(lines)

    @classmethod
    def from_predictions(cls, labels: Any, predictions: Any, classes: int = 10) -> Evaluation:
        """An evaluation from true labels and predicted labels (``classes`` of them).

        Examples
        --------
        >>> Evaluation.from_predictions([3, 3, 5], [3, 5, 5]).accuracy
        0.6666666666666666
        """
        labels = _labels(labels, classes, "labels", "Evaluation")
        predictions = _labels(predictions, classes, "predictions", "Evaluation")
        if labels.shape != predictions.shape:
            raise NetworkError(
                f"labels and predictions must have the same length; got {labels.size} "
                f"labels and {predictions.size} predictions"
            )
        confusion = np.zeros((classes, classes), np.int64)
        np.add.at(confusion, (labels, predictions), 1)
        return cls(labels, predictions, confusion)


def _labels(values: Any, classes: int, name: str, where: str = "evaluate") -> np.ndarray:
    """Integer class labels ``(n,)`` in ``0 .. classes-1``, checked.

    The range is checked by :func:`steepest.cost.check_labels`, the one label check.
    """
    array = np.asarray(values)
    if array.dtype.kind not in "iu":
        raise TypeError(f"{name} must be integer class labels; got dtype {array.dtype}")
    if array.ndim != 1:
        raise NetworkError(f"{name} must be one label per example, shape (n,); got {array.shape}")
    try:
        return check_labels(array, classes, where, name)
    except CostError as error:
        raise NetworkError(str(error)) from None


def evaluate(network: Network, images: Any, labels: Any) -> Evaluation:
    """Run ``network`` over labelled images: accuracy, per-digit accuracy, confusion matrix.

    Parameters
    ----------
    network
        A trained :class:`~steepest.nn.Network`; its prediction is its largest output.
    images
        Inputs, one example a row: ``(n, 784)`` for MNIST, as :func:`steepest.load_mnist`
        gives them.
    labels
        The true class of each example, integers ``(n,)``.

    Returns
    -------
    Evaluation
        ``accuracy``, ``per_digit``, ``confusion`` (rows true, columns predicted),
        ``predictions``, and ``report()`` for a text table.

    Examples
    --------
    >>> from steepest.nn import Network
    >>> net = Network([784, 10], output="softmax", seed=0)
    >>> result = evaluate(net, np.zeros((3, 784)), [1, 2, 3])
    >>> result.confusion.shape, result.count
    ((10, 10), 3)
    """
    x = np.asarray(images)
    if x.ndim != 2 or x.shape[1] != network.sizes[0]:
        raise NetworkError(
            f"images must have shape (n, {network.sizes[0]}) for this network "
            f"{list(network.sizes)}; got shape {x.shape}"
        )
    y = _labels(labels, network.sizes[-1], "labels")
    if y.size != x.shape[0]:
        raise NetworkError(f"got {x.shape[0]} images but {y.size} labels; give one label per image")
    predictions = network.outputs(x, chunk=_CHUNK).argmax(axis=1)
    return Evaluation.from_predictions(y, predictions, network.sizes[-1])


def score(network: Network, x: np.ndarray, y: np.ndarray, cost: Cost) -> tuple[float, float]:
    """The mean cost and the accuracy of ``network`` on checked data (``y`` one-hot rows).

    The scoring of :meth:`Network.evaluate <steepest.nn.Network.evaluate>` and of
    :func:`~steepest.nn.train`'s test data after each epoch; the forward pass is chunked
    (:meth:`~steepest.nn.Network.outputs`). Outputs that overflow to NaN or infinity
    (huge weights) give ``(nan, nan)``.
    """
    outputs = network.outputs(x, chunk=_CHUNK)
    if not np.isfinite(outputs).all():
        return float("nan"), float("nan")
    right = outputs.argmax(axis=1) == y.argmax(axis=1)
    return float(cost.value(y, outputs)), float(right.mean())
