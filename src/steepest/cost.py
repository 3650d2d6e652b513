"""Cost functions: how wrong a network's outputs are, and their gradients.

Two costs, each with its gradient with respect to the predictions (the first
step of backpropagation):

- :func:`quadratic_cost` — the seed's exercise, the sum over the outputs of
  ``(expected − predicted)²``; with ``half=True, reduce="mean"`` it is
  Nielsen's ``C = 1/2n Σₓ ‖y(x) − a(x)‖²``.
- :func:`cross_entropy` — ``−Σ y·ln a`` for probability outputs (softmax).

``expected`` is either an array of the same shape as ``predicted`` (one-hot rows
or any target values) or integer labels: one label for a single example, one per
row for a batch, the number of classes taken from ``predicted``. Nothing is
broadcast: any other shape is an error.

:class:`Cost` bundles a cost with its gradient in the convention that training
uses (a mean over the mini-batch); :data:`QUADRATIC` and :data:`CROSS_ENTROPY` are
the two that :class:`steepest.Network` knows. Left out: regularisation terms,
binary (per-output) cross-entropy, and costs of raw logits (apply softmax first).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any, Literal

import numpy as np

from steepest.errors import CostError

__all__ = [
    "CROSS_ENTROPY",
    "QUADRATIC",
    "Cost",
    "as_targets",
    "check_finite",
    "check_labels",
    "cross_entropy",
    "cross_entropy_grad",
    "get_cost",
    "one_hot",
    "quadratic_cost",
    "quadratic_cost_grad",
]

Reduce = Literal["sum", "mean", "none"]
_REDUCTIONS = ("sum", "mean", "none")


# --------------------------------------------------------------------------- checks
def _position(index: tuple[int, ...]) -> str:
    return f"[{', '.join(str(int(i)) for i in index)}]"


def check_finite(array: np.ndarray, where: str, name: str) -> None:
    """Raise if ``array`` holds NaN or infinity, naming the first bad entry."""
    if array.dtype.kind in "fc" and not np.isfinite(array).all():
        index = tuple(np.argwhere(~np.isfinite(array))[0])
        raise CostError(
            f"{where}: {name} must be finite; got {array[index]} at {name}{_position(index)}"
        )


def _as_numeric(value: Any, where: str, name: str) -> np.ndarray:
    array = np.asarray(value)
    if array.dtype.kind not in "iuf":
        raise TypeError(
            f"{where}: {name} must be an array of numbers; got dtype {array.dtype}"
        )
    return array


def check_labels(labels: np.ndarray, n_classes: int, where: str, name: str) -> np.ndarray:
    """Return ``labels`` as int64 after checking they are integers in [0, n_classes).

    The one check of class labels: costs, networks (through :func:`as_targets`) and
    evaluations (:func:`steepest.nn.evaluate`) all call it. Whole-number floats are labels.
    """
    if labels.dtype.kind == "f":
        check_finite(labels, where, name)
        bad = labels != np.round(labels)
        if bad.any():
            index = tuple(np.argwhere(bad)[0])
            raise CostError(
                f"{where}: labels in {name} must be whole numbers; got {labels[index]} "
                f"at {name}{_position(index)}"
            )
    out = labels.astype(np.int64)
    bad = (out < 0) | (out >= n_classes)
    if bad.any():
        index = tuple(np.argwhere(bad)[0])
        raise CostError(
            f"{where}: labels in {name} must lie in 0..{n_classes - 1} (one per class); "
            f"got {out[index]} at {name}{_position(index)}"
        )
    return out


def one_hot(labels: Any, n_classes: int, dtype: Any = np.float64) -> np.ndarray:
    """Integer labels as one-hot rows.

    Parameters
    ----------
    labels
        An integer or a 1-D array of integers in ``0..n_classes - 1``.
    n_classes
        The number of classes (the length of each row).
    dtype
        The dtype of the result.

    Returns
    -------
    numpy.ndarray
        Shape ``(n_classes,)`` for one label, ``(len(labels), n_classes)`` for many.

    Examples
    --------
    >>> one_hot([2, 0], 3)
    array([[0., 0., 1.],
           [1., 0., 0.]])
    """
    array = _as_numeric(labels, "one_hot", "labels")
    if array.ndim > 1:
        raise CostError(f"one_hot: labels must be 0-D or 1-D; got shape {array.shape}")
    array = check_labels(array, n_classes, "one_hot", "labels")
    out = np.zeros((*array.shape, n_classes), dtype=dtype)
    np.put_along_axis(out, array[..., None], 1, axis=-1)
    return out


def _targets(expected: Any, predicted: Any, where: str) -> tuple[np.ndarray, np.ndarray]:
    """Check both arguments; return ``(y, a)`` as float arrays of the same shape."""
    a = _as_numeric(predicted, where, "predicted")
    if a.ndim not in (1, 2) or a.size == 0:
        raise CostError(
            f"{where}: predicted must be one example (1-D) or a batch (2-D, one example a "
            f"row), not empty; got shape {a.shape}"
        )
    a = a.astype(np.result_type(a.dtype, np.float32), copy=False)
    check_finite(a, where, "predicted")
    y = _as_numeric(expected, where, "expected")
    if y.shape == a.shape:
        check_finite(y, where, "expected")
        return y.astype(a.dtype, copy=False), a
    if y.ndim == a.ndim - 1 and y.shape == a.shape[:-1]:
        return one_hot(check_labels(y, a.shape[-1], where, "expected"), a.shape[-1], a.dtype), a
    labels = "one integer label" if a.ndim == 1 else f"{a.shape[0]} integer labels"
    raise CostError(
        f"{where}: expected has shape {y.shape} but predicted has shape {a.shape}; expected "
        f"must have the same shape (one-hot rows or target values) or be {labels} (one per "
        f"example). Nothing is broadcast."
    )


def as_targets(y: Any, n_classes: int, n_examples: int, where: str) -> np.ndarray:
    """``y`` (labels ``(m,)`` or one-hot rows ``(m, n_classes)``) as float one-hot rows.

    The one check of a network's labels (training, backpropagation, evaluation): integer
    (or whole-number) labels in ``0..n_classes - 1``, or finite rows of the right shape.
    """
    array = _as_numeric(y, where, "y")
    if array.shape == (n_examples, n_classes):
        check_finite(array, where, "y")
        return array.astype(np.result_type(array.dtype, np.float32), copy=False)
    if array.shape == (n_examples,):
        return one_hot(check_labels(array, n_classes, where, "y"), n_classes)
    raise CostError(
        f"{where}: y must be {n_examples} integer labels in 0..{n_classes - 1} or one-hot "
        f"rows of shape ({n_examples}, {n_classes}); got shape {array.shape}"
    )


def _reduce(per_example: np.ndarray, reduce: str, where: str) -> Any:
    if reduce == "sum":
        return float(per_example.sum())
    if reduce == "mean":
        return float(per_example.mean())
    if reduce == "none":
        return per_example if per_example.ndim else float(per_example)
    raise CostError(f"{where}: reduce must be one of {_REDUCTIONS}; got {reduce!r}")


def _scale(a: np.ndarray, reduce: str, where: str) -> float:
    """The factor the gradient of one example gets under ``reduce``."""
    if reduce not in _REDUCTIONS:
        raise CostError(f"{where}: reduce must be one of {_REDUCTIONS}; got {reduce!r}")
    return 1.0 / a.shape[0] if reduce == "mean" and a.ndim == 2 else 1.0


# ----------------------------------------------------------------- quadratic cost
def quadratic_cost(
    expected: Any, predicted: Any, *, reduce: Reduce = "sum", half: bool = False
) -> Any:
    """The quadratic (squared-error) cost, ``Σⱼ (yⱼ − aⱼ)²`` per example.

    Parameters
    ----------
    expected
        Targets ``y``: same shape as ``predicted`` (e.g. one-hot rows), or integer
        labels (one per example).
    predicted
        Outputs ``a``: one example (1-D) or a batch (2-D, one example a row).
    reduce
        Over the examples of a batch: ``"sum"``, ``"mean"`` (divide by the number of
        examples n), or ``"none"`` (one cost per example).
    half
        Multiply by ½ (Nielsen's convention, so that the gradient is ``a − y``).

    Returns
    -------
    float or numpy.ndarray
        With the defaults, 3Blue1Brown's "cost of one training example"; with
        ``half=True, reduce="mean"``, Nielsen's ``C = 1/2n Σₓ ‖y(x) − a(x)‖²``.

    Examples
    --------
    >>> quadratic_cost([0, 1], [0.5, 0.75])  # 0.5² + 0.25²
    0.3125
    >>> quadratic_cost(1, [0.5, 0.75])  # the label 1 means the target [0, 1]
    0.3125
    >>> a = [[0.5, 0.75], [1.0, 0.0]]
    >>> quadratic_cost([1, 0], a, half=True, reduce="mean")  # (0.3125 + 0) / (2·2)
    0.078125
    """
    y, a = _targets(expected, predicted, "quadratic_cost")
    squared = np.square(a.astype(np.float64) - y, dtype=np.float64)
    per_example = squared.sum(axis=-1) * (0.5 if half else 1.0)
    return _reduce(per_example, reduce, "quadratic_cost")


def quadratic_cost_grad(
    expected: Any, predicted: Any, *, reduce: Reduce = "sum", half: bool = False
) -> np.ndarray:
    """The gradient of :func:`quadratic_cost` with respect to ``predicted``.

    ``2(a − y)``, or ``a − y`` with ``half=True``; divided by the number of examples
    when ``reduce="mean"``. ``reduce="none"`` gives each example's own gradient
    (the same numbers as ``"sum"``).

    Examples
    --------
    >>> quadratic_cost_grad([0, 1], [0.5, 0.75])
    array([ 1. , -0.5])
    >>> quadratic_cost_grad([1, 0], [[0.5, 0.75], [1.0, 0.0]], half=True, reduce="mean")
    array([[ 0.25 , -0.125],
           [ 0.   ,  0.   ]])
    """
    y, a = _targets(expected, predicted, "quadratic_cost_grad")
    factor = _scale(a, reduce, "quadratic_cost_grad") * (1.0 if half else 2.0)
    return (a - y) * a.dtype.type(factor)


# ------------------------------------------------------------------ cross-entropy
def _probabilities(y: np.ndarray, a: np.ndarray, where: str) -> None:
    for name, array in (("predicted", a), ("expected", y)):
        bad = (array < 0) | (array > 1)
        if bad.any():
            index = tuple(np.argwhere(bad)[0])
            raise CostError(
                f"{where}: {name} must hold probabilities in [0, 1]; got {array[index]} at "
                f"{name}{_position(index)}. hint: apply softmax to the outputs first"
            )


def _clipped(a: np.ndarray) -> np.ndarray:
    """``a`` with zeros raised to the dtype's machine epsilon, so ``ln a`` is finite."""
    return np.maximum(a, np.finfo(a.dtype).eps)


def cross_entropy(expected: Any, predicted: Any, *, reduce: Reduce = "sum") -> Any:
    """The cross-entropy cost, ``−Σⱼ yⱼ·ln aⱼ`` per example, for probability outputs.

    Parameters
    ----------
    expected
        Targets ``y``: same shape as ``predicted`` (one-hot rows or probability
        rows), or integer labels (one per example).
    predicted
        Probabilities ``a`` in [0, 1] (softmax outputs): one example (1-D) or a
        batch (2-D). Rows need not sum to 1; values outside [0, 1] are an error.
    reduce
        ``"sum"``, ``"mean"`` or ``"none"`` over the examples, as for
        :func:`quadratic_cost`.

    Returns
    -------
    float or numpy.ndarray
        The cost. Outputs are clipped below at the machine epsilon of their dtype
        before the logarithm (2.2e-16 in float64, 1.2e-7 in float32), so a
        confidently wrong answer costs at most ``−ln eps`` (36.0 or 15.9) per
        example instead of infinity.

    Examples
    --------
    >>> round(cross_entropy(0, [0.5, 0.25, 0.25]), 6)  # −ln 0.5
    0.693147
    >>> round(cross_entropy([0, 2], [[0.5, 0.5, 0.0], [0.0, 0.0, 1.0]], reduce="mean"), 6)
    0.346574
    """
    y, a = _targets(expected, predicted, "cross_entropy")
    _probabilities(y, a, "cross_entropy")
    per_example = -(y * np.log(_clipped(a).astype(np.float64))).sum(axis=-1)
    return _reduce(per_example, reduce, "cross_entropy")


def cross_entropy_grad(expected: Any, predicted: Any, *, reduce: Reduce = "sum") -> np.ndarray:
    """The gradient of :func:`cross_entropy` with respect to ``predicted``: ``−y / a``.

    ``a`` is clipped below at the machine epsilon as in :func:`cross_entropy`;
    divided by the number of examples when ``reduce="mean"``.

    Examples
    --------
    >>> cross_entropy_grad(0, [0.5, 0.25, 0.25])
    array([-2., -0., -0.])
    """
    y, a = _targets(expected, predicted, "cross_entropy_grad")
    _probabilities(y, a, "cross_entropy_grad")
    factor = _scale(a, reduce, "cross_entropy_grad")
    return -y / _clipped(a) * a.dtype.type(factor)


# ------------------------------------------------------------- costs for training
@dataclass(frozen=True)
class Cost:
    """A cost and its gradient with respect to the outputs, as training uses them.

    Attributes
    ----------
    name
        The name used by :func:`steepest.train` and the CLI.
    formula
        The cost of a mini-batch of ``m`` examples, in words a learner can read.
    value
        ``value(expected, predicted) -> float``.
    grad
        ``grad(expected, predicted) -> ndarray`` shaped like ``predicted``.
    """

    name: str
    formula: str
    value: Callable[[Any, Any], float]
    grad: Callable[[Any, Any], np.ndarray]

    def __repr__(self) -> str:
        return f"Cost({self.name!r}: {self.formula})"


QUADRATIC = Cost(
    "quadratic",
    "C = 1/2m Σₓ ‖y − a‖²",
    partial(quadratic_cost, reduce="mean", half=True),
    partial(quadratic_cost_grad, reduce="mean", half=True),
)
CROSS_ENTROPY = Cost(
    "cross-entropy",
    "C = −1/m Σₓ Σⱼ yⱼ·ln aⱼ",
    partial(cross_entropy, reduce="mean"),
    partial(cross_entropy_grad, reduce="mean"),
)
_COSTS = {"quadratic": QUADRATIC, "cross-entropy": CROSS_ENTROPY}


def get_cost(cost: str | Cost) -> Cost:
    """The :class:`Cost` named ``cost`` (``"quadratic"`` or ``"cross-entropy"``).

    Examples
    --------
    >>> get_cost("cross_entropy")
    Cost('cross-entropy': C = −1/m Σₓ Σⱼ yⱼ·ln aⱼ)
    """
    if isinstance(cost, Cost):
        return cost
    if not isinstance(cost, str):
        raise TypeError(f"cost must be a name or a Cost; got {type(cost).__name__}")
    found = _COSTS.get(cost.strip().lower().replace("_", "-"))
    if found is None:
        raise CostError(
            f"cost must be one of {', '.join(map(repr, _COSTS))}; got {cost!r}"
        )
    return found
