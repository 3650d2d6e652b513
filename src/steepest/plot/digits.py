"""Figures of the digit classifier: learning curves, digits with predictions, errors, weights.

- :func:`plot_history`: the cost per mini-batch and per epoch, and the test accuracy,
  from the :class:`~steepest.nn.History` that :func:`steepest.train` returns.
- :func:`plot_digits`: a grid of digits titled with the network's answer, right answers
  in one colour and wrong ones in another (with the true digit beside).
- :func:`plot_confusion`: the confusion matrix, counts written in the cells.
- :func:`plot_weights`: each first-layer neuron's 784 weights as a 28 × 28 picture,
  "what each neuron looks for".

Each returns a :class:`matplotlib.figure.Figure` built without pyplot; save it with
:func:`steepest.plot.save_figure`. Left out: computing anything (training is
:mod:`steepest.nn`, scores are :mod:`steepest.nn.evaluation`).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from matplotlib.colors import PowerNorm
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from steepest.errors import PlotError
from steepest.plot._common import new_figure

__all__ = ["RIGHT", "WRONG", "plot_confusion", "plot_digits", "plot_history", "plot_weights"]

#: Title colours of right and wrong answers (Okabe–Ito blue and vermilion: safe for
#: colour-blind readers; wrong answers also say the true digit, so colour is not the only cue).
RIGHT, WRONG = "#0072B2", "#D55E00"


def plot_history(history: Any, *, title: str | None = None) -> Figure:
    """The learning curves of a training run: cost, and test accuracy when there is one.

    Parameters
    ----------
    history
        A :class:`~steepest.nn.History`: per-epoch ``cost``, ``test_cost``,
        ``test_accuracy``, and the cost of every mini-batch.
    title
        The figure title; by default the run in words (:func:`describe_run`).

    Returns
    -------
    matplotlib.figure.Figure
        Left: the range of the mini-batch costs (a band), each epoch's mean training
        cost and the test cost, against epochs, on a log axis that shows the whole
        band. Right: the test accuracy per epoch, the best marked.

    Examples
    --------
    >>> from steepest.nn import History
    >>> h = History(cost=[0.5, 0.3], test_cost=[0.4, 0.35], test_accuracy=[0.9, 0.93],
    ...             seconds=[1.0, 1.0], batch_costs=[np.array([0.6, 0.4]), np.array([0.3, 0.3])])
    >>> fig = plot_history(h)
    >>> [ax.get_ylabel() for ax in fig.axes]
    ['cost (log scale)', 'test accuracy (%)']
    """
    if history.epochs == 0:
        raise PlotError("the history has no completed epoch to plot; train for at least one")
    has_test = bool(history.test_accuracy)
    fig = new_figure(11.0 if has_test else 6.4, 4.2)
    axes = fig.subplots(1, 2 if has_test else 1, squeeze=False)[0]
    ax = axes[0]
    epochs = np.arange(1, history.epochs + 1)
    lows = _cost_band(ax, history.batch_costs[: history.epochs])
    smoothed = history.settings.get("label_smoothing")
    ax.plot(epochs, history.cost, "o-", color=RIGHT, ms=3,
            label="training cost (epoch mean" + (", smoothed labels)" if smoothed else ")"))
    if history.test_cost:
        ax.plot(epochs, history.test_cost, "s-", color=WRONG, ms=3, label="test cost")
    ax.set(xlabel="epoch", ylabel="cost (log scale)", yscale="log",
           xlim=(0, history.epochs + 0.5))
    # the whole band on the axis: from below its lowest part to above every curve
    values = np.concatenate([lows, history.cost, history.test_cost]) if len(lows) else \
        np.asarray(history.cost + history.test_cost, dtype=float)
    values = values[np.isfinite(values) & (values > 0)]
    if values.size:
        ax.set_ylim(bottom=float(values.min()) / 1.5)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.legend(fontsize="small")
    ax.grid(alpha=0.3)
    if has_test:
        ax = axes[1]
        accuracy = 100 * np.asarray(history.test_accuracy)
        best = int(np.argmax(accuracy))
        ax.plot(epochs[: accuracy.size], accuracy, "o-", color=RIGHT, ms=3)
        ax.plot([best + 1], [accuracy[best]], "*", color=WRONG, ms=12, label="best")
        # in the lower right corner, which a rising accuracy curve leaves empty
        ax.text(0.97, 0.05, f"best {accuracy[best]:.2f}% (epoch {best + 1}, ★)",
                transform=ax.transAxes, ha="right", va="bottom", fontsize="small",
                bbox={"boxstyle": "round", "fc": "white", "ec": "0.8", "alpha": 0.9},
                gid="best-label")
        ax.set(xlabel="epoch", ylabel="test accuracy (%)", xlim=(0.5, history.epochs + 0.5))
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.grid(alpha=0.3)
    fig.suptitle(title if title is not None else describe_run(history.settings),
                 fontsize="medium")
    return fig


def _cost_band(ax: Any, batch_costs: list[np.ndarray]) -> np.ndarray:
    """The mini-batch costs as a shaded band (lowest to highest in short stretches).

    Returns the band's lower edge, so the axis can be set to show all of it.
    """
    xs, lows, highs = [], [], []
    for index, costs in enumerate(batch_costs):
        costs = np.asarray(costs, dtype=float)
        if costs.size == 0:
            continue
        chunks = np.array_split(np.arange(costs.size), min(25, costs.size))
        for chunk in chunks:
            part = costs[chunk]
            part = part[np.isfinite(part)]
            if part.size:
                xs.append(index + (chunk[-1] + 1) / costs.size)
                lows.append(part.min())
                highs.append(part.max())
    if xs:
        ax.fill_between(xs, lows, highs, color="#9ecae1", alpha=0.6, lw=0,
                        label="mini-batch costs (range)", gid="batch-band")
    return np.asarray(lows, dtype=float)


_OPTIMIZER_WORDS = {
    "GradientDescent": "plain gradient descent",
    "Momentum": "gradient descent with momentum",
    "Nesterov": "Nesterov momentum",
    "AdaGrad": "AdaGrad",
    "RMSProp": "RMSProp",
    "Adam": "Adam",
}


def describe_run(settings: dict[str, Any]) -> str:
    """A training run in words, from :attr:`History.settings`.

    Examples
    --------
    >>> describe_run({"network": "Network([784, 30, 10], activation='sigmoid', "
    ...               "output='sigmoid', dtype=float32)",
    ...               "optimizer": "GradientDescent(learning_rate=3.0)", "batch_size": 10})
    '784-30-10 sigmoid network, plain gradient descent, learning rate 3, mini-batches of 10'
    >>> describe_run({"optimizer": "Adam(learning_rate=0.004)", "schedule": "along a cosine to 0"})
    'Adam, learning rate 0.004 along a cosine to 0'
    """
    import re

    parts = []
    network = re.match(r"Network\(\[([\d, ]+)\](?:, activation='(\w+)')?",
                       str(settings.get("network")))
    if network:
        sizes = "-".join(p.strip() for p in network.group(1).split(","))
        parts.append(" ".join(filter(None, [sizes, network.group(2), "network"])))
    optimizer = re.match(r"(\w+)\((.*)\)$", str(settings.get("optimizer", "")))
    if optimizer:
        name = _OPTIMIZER_WORDS.get(optimizer.group(1), optimizer.group(1))
        words = [name]
        for key, value in re.findall(r"(\w+)=([^,]+)", optimizer.group(2)):
            label = key.replace("_", " ")
            try:
                words.append(f"{label} {float(value):g}")
            except ValueError:
                words.append(f"{label} {value.strip(chr(39))}")
            if key == "learning_rate" and settings.get("schedule"):
                words[-1] += f" {settings['schedule']}"
        parts.append(", ".join(words))
    if settings.get("batch_size"):
        parts.append(f"mini-batches of {settings['batch_size']}")
    if settings.get("label_smoothing"):
        parts.append(f"label smoothing {settings['label_smoothing']:g}")
    return ", ".join(parts)


def plot_digits(
    images: Any,
    predictions: Any,
    labels: Any = None,
    *,
    columns: int = 10,
    title: str | None = None,
) -> Figure:
    """A grid of digits, each titled with the network's answer.

    Parameters
    ----------
    images
        ``(n, 784)`` (or ``(n, 28, 28)``) pixels in [0, 1], light ink on dark as MNIST.
    predictions
        The predicted digit of each image, ``(n,)``.
    labels
        The true digits, ``(n,)``, or ``None``. With labels, right answers are titled in
        :data:`RIGHT` and wrong ones in :data:`WRONG` as ``"4 (is 9)"``.
    columns
        Digits per row.
    title
        The figure title; by default how many of the shown digits are right.

    Examples
    --------
    >>> fig = plot_digits(np.zeros((3, 784)), [1, 2, 3], [1, 2, 5], columns=3)
    >>> [ax.get_title() for ax in fig.axes]
    ['1', '2', '3 (is 5)']
    >>> fig.axes[2].title.get_color() == WRONG
    True
    """
    pictures = np.asarray(images, dtype=float)
    if pictures.ndim not in (2, 3) or pictures.shape[0] == 0 or pictures[0].size != 784:
        raise PlotError(
            f"images must have shape (n, 784) or (n, 28, 28) with n ≥ 1; got {pictures.shape}"
        )
    n = pictures.shape[0]
    predicted = np.asarray(predictions).reshape(-1)
    truth = None if labels is None else np.asarray(labels).reshape(-1)
    for name, values in (("predictions", predicted), ("labels", truth)):
        if values is not None and values.size != n:
            raise PlotError(f"{name} must give one digit per image ({n}); got {values.size}")
    if isinstance(columns, bool) or not isinstance(columns, (int, np.integer)):
        raise TypeError(f"columns must be an int; got {type(columns).__name__}")
    if columns < 1:
        raise PlotError(f"columns must be at least 1; got {columns}")
    columns = min(int(columns), n)
    rows = math.ceil(n / columns)
    fig = new_figure(1.0 * columns + 0.2, 1.15 * rows + 0.5)
    for i, ax in enumerate(fig.subplots(rows, columns, squeeze=False).flat):
        ax.set_axis_off()
        if i >= n:
            continue
        ax.imshow(pictures[i].reshape(28, 28), cmap="gray", vmin=0.0, vmax=1.0)
        guess = int(predicted[i])
        if truth is None:
            ax.set_title(str(guess), fontsize="medium")
            continue
        right = guess == int(truth[i])
        text = str(guess) if right else f"{guess} (is {int(truth[i])})"
        ax.set_title(text, fontsize="medium", color=RIGHT if right else WRONG,
                     fontweight="normal" if right else "bold")
    for ax in fig.axes[n:]:
        fig.delaxes(ax)
    if title is None and truth is not None:
        correct = int((predicted == truth).sum())
        title = f"{correct} of {n} right"
        if correct < n:  # the key only where there is something to read it on
            title += " (wrong in bold, with the true digit)"
    if title:
        fig.suptitle(title, fontsize="medium")
    return fig


def plot_confusion(confusion: Any, *, title: str | None = None) -> Figure:
    """The confusion matrix: rows the true digit, columns the predicted one, counts in cells.

    Parameters
    ----------
    confusion
        A ``(k, k)`` matrix of counts, or an :class:`~steepest.nn.evaluation.Evaluation`.
    title
        The figure title; by default the accuracy.

    Notes
    -----
    The image's data are the counts themselves; its colours follow their square root
    (a power norm), so that the few mistakes off the diagonal are still visible beside
    the thousands on it.

    Examples
    --------
    >>> fig = plot_confusion(np.array([[5, 1], [0, 4]]))
    >>> fig.axes[0].images[0].get_array().tolist()
    [[5, 1], [0, 4]]
    """
    matrix = np.asarray(getattr(confusion, "confusion", confusion))
    if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1] or matrix.dtype.kind not in "iu":
        raise PlotError(
            f"confusion must be a square matrix of counts (k, k); got {matrix.dtype} "
            f"of shape {matrix.shape}"
        )
    k = matrix.shape[0]
    fig = new_figure(6.4, 5.6)
    ax = fig.subplots()
    image = ax.imshow(matrix, cmap="Blues", norm=PowerNorm(0.5, vmin=0, vmax=max(1, matrix.max())))
    threshold = 0.5 * max(1, matrix.max())
    for (i, j), count in np.ndenumerate(matrix):
        if count:
            ax.text(j, i, f"{count:,}", ha="center", va="center", fontsize="x-small",
                    color="white" if count > threshold else "black")
    ax.set(xticks=range(k), yticks=range(k), xlabel="predicted digit", ylabel="true digit")
    fig.colorbar(image, ax=ax, shrink=0.8, label="examples")
    if title is None:
        total = matrix.sum()
        title = f"accuracy {np.trace(matrix) / total:.2%} on {total:,}" if total else ""
    ax.set_title(title, fontsize="medium")
    return fig


def plot_weights(network: Any, *, count: int | None = None, columns: int = 10) -> Figure:
    """What each first-layer neuron looks for: its 784 weights as a 28 × 28 picture.

    Red pixels push the neuron's input up when they are inked, blue ones push it down;
    each picture has its own symmetric colour scale, so white is a weight of 0.

    Parameters
    ----------
    network
        A :class:`~steepest.nn.Network` with 784 inputs.
    count
        How many neurons to show (the first ``count``); by default all, at most 100.
    columns
        Pictures per row.

    Examples
    --------
    >>> from steepest.nn import Network
    >>> fig = plot_weights(Network([784, 6, 10], seed=0), columns=3)
    >>> len(fig.axes), fig.axes[0].images[0].get_array().shape
    (6, (28, 28))
    """
    weights = np.asarray(network.weights[0])
    if weights.shape[1] != 784:
        raise PlotError(
            f"plot_weights draws 28 × 28 pictures, so the network needs 784 inputs; "
            f"this one has {weights.shape[1]}"
        )
    count = min(weights.shape[0], 100) if count is None else int(count)
    if not 1 <= count <= weights.shape[0]:
        raise PlotError(
            f"count must lie in 1..{weights.shape[0]} (the first layer's neurons); got {count}"
        )
    columns = max(1, min(int(columns), count))
    rows = math.ceil(count / columns)
    fig = new_figure(1.0 * columns + 0.2, 1.05 * rows + 0.5)
    for i, ax in enumerate(fig.subplots(rows, columns, squeeze=False).flat):
        ax.set_axis_off()
        if i < count:
            w = weights[i].reshape(28, 28)
            limit = float(np.abs(w).max()) or 1.0
            ax.imshow(w, cmap="RdBu_r", vmin=-limit, vmax=limit)
    for ax in fig.axes[count:]:
        fig.delaxes(ax)
    fig.suptitle(f"what each neuron looks for: the input weights of the first {count} "
                 f"neurons of the first layer (red +, blue −)", fontsize="medium")
    return fig
