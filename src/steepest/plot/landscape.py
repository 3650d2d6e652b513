"""The cost landscape of a network as a contour map, with its training path.

:func:`plot_landscape` draws a :class:`~steepest.nn.landscape.Landscape`: the cost over
the plane through the trained weights as filled contours (spaced geometrically, since the
cost rises fast away from the minimum), the training path projected onto the plane, and
words under the map that say which images the cost is measured on, the grid and the
directions. Left out: computing the slice (:func:`steepest.nn.landscape.landscape`).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from matplotlib import patheffects
from matplotlib.colors import BoundaryNorm
from matplotlib.figure import Figure

from steepest.errors import PlotError
from steepest.plot._common import new_figure

__all__ = ["plot_landscape"]

PATH, START, END = "#ffffff", "#E69F00", "#D55E00"  # Okabe–Ito orange and vermilion


def plot_landscape(landscape: Any, *, subset: str | None = None, title: str | None = None,
                   levels: int = 18) -> Figure:  # fmt: skip
    """A contour map of the cost around a network's weights, with the path training took.

    Parameters
    ----------
    landscape
        A :class:`~steepest.nn.landscape.Landscape`.
    subset
        Words naming the images the cost is measured on (e.g. "the first 1,000 training
        images of the bundled sample"); by default their count.
    title
        The figure's title.
    levels
        The number of contour levels (3 to 60).

    Returns
    -------
    matplotlib.figure.Figure
        The map, a colour bar of the cost, the path (start and end marked) when the
        landscape has one, and a caption.

    Examples
    --------
    >>> from steepest.nn import Network
    >>> from steepest.nn.landscape import landscape
    >>> net = Network([4, 3, 2], seed=0)
    >>> x = np.random.default_rng(1).normal(size=(20, 4)); y = np.arange(20) % 2
    >>> fig = plot_landscape(landscape(net, x, y, grid=9))
    >>> fig.axes[0].get_xlabel()
    'α (first direction)'
    """
    if isinstance(levels, bool) or not isinstance(levels, int) or not 3 <= levels <= 60:
        raise PlotError(f"levels must be an int from 3 to 60; got {levels!r}")
    values = np.asarray(landscape.values, dtype=float)
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        raise PlotError("the landscape has no finite cost to draw (every point overflowed)")
    fig = new_figure(7.2, 6.4)
    ax = fig.subplots()
    low, high = float(finite.min()), float(finite.max())
    if low > 0 and high > 1.5 * low:  # geometric levels: detail near the minimum
        bounds = np.geomspace(low, high, levels + 1)
    else:
        bounds = np.linspace(low, high if high > low else low + 1.0, levels + 1)
    norm = BoundaryNorm(bounds, 256)
    shown = np.where(np.isfinite(values), values, high)
    filled = ax.contourf(landscape.alphas, landscape.betas, shown, levels=bounds, norm=norm,
                         cmap="viridis", extend="neither")
    ax.contour(landscape.alphas, landscape.betas, shown, levels=bounds, colors="black",
               linewidths=0.4, alpha=0.35)
    bar = fig.colorbar(filled, ax=ax, shrink=0.85, format="%.3g")
    bar.set_label(f"{landscape.cost} cost")
    ax.plot(0.0, 0.0, marker="*", ms=15, color=END, mec="black", mew=0.8, ls="none",
            label=f"the trained weights (cost {landscape.centre:.4g})", zorder=5)
    if landscape.path is not None:
        _draw_path(ax, landscape)
    ax.set(xlim=(landscape.alphas[0], landscape.alphas[-1]),
           ylim=(landscape.betas[0], landscape.betas[-1]))
    names = _axis_names(landscape)
    ax.set_xlabel(names[0])
    ax.set_ylabel(names[1])
    ax.legend(loc="upper left", fontsize=8, framealpha=0.85)
    ax.set_title(title or "The cost around the trained weights", fontsize=12)
    images = subset or f"{landscape.images:,} images"
    caption = (f"cost ({landscape.cost}) measured on {images}\n"
               + landscape.describe().split("; ", 1)[1].replace("; ", "\n"))
    fig.text(0.01, 0.0, caption, fontsize=8, va="bottom", ha="left", color="#333333")
    fig.get_layout_engine().set(rect=(0, 0.09, 1, 0.91))
    return fig


def _axis_names(landscape: Any) -> tuple[str, str]:
    if landscape.kind == "pca" and landscape.explained is not None:
        a, b = landscape.explained
        return (f"α: the path's main direction ({a:.0%} of its movement)",
                f"β: its second direction ({b:.0%})")
    return "α (first direction)", "β (second direction)"


def _draw_path(ax: Any, landscape: Any) -> None:
    path, steps = landscape.path, landscape.path_steps
    outline = [patheffects.withStroke(linewidth=3.2, foreground="black")]
    ax.plot(path[:, 0], path[:, 1], "-", color=PATH, lw=1.6, zorder=3, path_effects=outline,
            label=f"training path: {len(path)} snapshots over {int(steps[-1]):,} steps")
    ax.plot(path[:, 0], path[:, 1], "o", color=PATH, mec="black", mew=0.5, ms=3.5, zorder=4)
    start = f"start (cost {landscape.path_values[0]:.3g})"
    ax.plot(path[0, 0], path[0, 1], "o", color=START, mec="black", ms=9, zorder=5, label=start)
