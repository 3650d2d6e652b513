"""The graph of a function of one variable, its tangent lines and its derivative.

For one variable the gradient is the derivative f′(x): the slope of the tangent line.
The top panel draws f with tangents at chosen points, each with a green arrow along the
x axis in the direction of f′'s sign: the way uphill, as the arrows of a contour map
point (descent steps the other way); the bottom panel draws f′, which is zero at the
stationary points.
What it leaves out: functions of two variables (:mod:`steepest.plot.contour`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from steepest.errors import PlotError
from steepest.plot import _common

__all__ = ["graph"]


def graph(
    f: Any,
    bounds: Sequence[tuple[float, float]] | tuple[float, float] | None = None,
    *,
    tangent_at: Sequence[float] | float | None = None,
    derivative: bool = True,
    stationary: bool = True,
    resolution: int = 400,
    ax: Axes | None = None,
) -> Figure:
    """Draw f(x) with tangent lines, and its derivative f′(x) below.

    Parameters
    ----------
    f
        Equation text, an Equation or a Gradient, of one variable.
    bounds
        ``(low, high)`` or ``[(low, high)]``; default around the stationary points.
    tangent_at
        Where to draw tangent lines; default: one point a third of the way in.
        ``()`` for none.
    derivative
        Add the panel of f′(x) below.
    stationary
        Mark the stationary points (f′ = 0), classified.
    resolution
        Points along x.
    ax
        Draw the graph of f into these axes (then no derivative panel).

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> fig = graph("x^3 - 3x", (-2.5, 2.5), tangent_at=[0.5], resolution=50)
    >>> [a.get_ylabel() for a in fig.axes]
    ['f(x)', 'f′(x)']
    """
    g = _common.as_gradient(f)
    if len(g.variables) != 1:
        raise PlotError(
            f"graph() draws functions of one variable; {g.equation} has {len(g.variables)}"
            "\nhint: use contour_map() or surface() for two"
        )
    if bounds is not None and np.ndim(bounds) == 1:
        bounds = [bounds]  # type: ignore[list-item]
    box = _common.check_bounds(bounds, 1) if bounds is not None else _common.default_bounds(g)
    (x0, x1), = box
    if ax is None:
        fig = _common.new_figure(6.4, 6.0 if derivative else 4.2)
        if derivative:
            top, bottom = fig.subplots(2, 1, sharex=True, height_ratios=[1.6, 1])
        else:
            top, bottom = fig.add_subplot(), None
    else:
        fig, top, bottom = ax.figure, ax, None
    _common.check_count(resolution, "resolution", 2, _common.MAX_GRID_POINTS,
                        "the default draws 400 points")
    x = np.linspace(x0, x1, resolution)
    with np.errstate(all="ignore"):
        y = np.asarray(g.equation(x), dtype=float) * np.ones_like(x)
        dy = np.asarray(g(x)[0], dtype=float) * np.ones_like(x)
    name, var = g.equation.name, g.names[0]
    top.plot(x, y, color="#1f4e9c", lw=2, label=f"{name}({var})", gid="graph")
    top.set_ylabel(f"{name}({var})")
    top.set_title(_common.title_of(g), fontsize=11)
    top.grid(True, alpha=0.3)
    _tangents(top, g, box, tangent_at, y)
    if stationary:
        from steepest.calculus.stationary import stationary_points
        from steepest.plot.contour import stationary_marker_style

        for p in stationary_points(g, box):
            top.scatter(p.point[:1], [p.value], label=p.kind, gid=f"stationary-{p.kind}",
                        **stationary_marker_style(p.kind))
            # a guide down through both panels: here f is flat and f′ crosses zero
            for panel in (top, bottom) if bottom is not None else (top,):
                panel.axvline(p.point[0], color="0.45", ls=":", lw=1.0, zorder=1,
                              gid="stationary-guide")
    if bottom is not None:
        bottom.plot(x, dy, color="#c0392b", lw=1.8, gid="derivative")
        bottom.axhline(0, color="k", lw=0.8)
        bottom.set_ylabel(f"{name}′({var})")
        bottom.set_xlabel(var)
        bottom.grid(True, alpha=0.3)
    else:
        top.set_xlabel(var)
    top.set_xlim(x0, x1)
    _dedupe_legend(top)
    return fig


def _tangents(ax: Axes, g: Any, box: _common.Bounds, at: Any, y: np.ndarray) -> None:
    (x0, x1), = box
    points = [x0 + (x1 - x0) / 3] if at is None else np.atleast_1d(np.asarray(at, float))
    half = 0.15 * (x1 - x0)
    finite = y[np.isfinite(y)]
    rise = float(np.ptp(finite)) if finite.size else 1.0
    drawn = 0
    arrows = False
    for a in points:
        with np.errstate(all="ignore"):
            fa = float(g.equation(a))
            slope = float(g.at([a])[0])
        if not (np.isfinite(fa) and np.isfinite(slope)):
            continue  # outside the function's domain: no tangent there
        k, drawn = drawn, drawn + 1
        xs = np.array([a - half, a + half])
        ax.plot(xs, fa + slope * (xs - a), "--", color="#e67e22", lw=1.5, gid="tangent",
                label="tangent" if k == 0 else None)
        ax.plot([a], [fa], "o", color="#e67e22", mec="k", zorder=6)
        # right of the point, on the side the tangent line leaves free (below the arrow)
        ax.annotate(f"slope {g.equation.name}′ = {slope:.3g}".replace("-", "−"), (a, fa),
                    fontsize=8,
                    xytext=(8, -26 if slope > 0 else 8), textcoords="offset points")
        if slope != 0:
            # the gradient f′ as a vector on the x axis: it points uphill
            step = np.sign(slope) * 0.08 * (x1 - x0)
            ax.annotate("", (a + step, fa - 0.04 * rise), (a, fa - 0.04 * rise),
                        arrowprops={"arrowstyle": "->", "color": "#27ae60", "lw": 2},
                        gid="slope-arrow")
            if not arrows:
                arrows = True
                ax.plot([], [], color="#27ae60", lw=2, marker=">", ms=6, gid="slope-key",
                        label=f"direction of {g.equation.name}′: uphill (descent goes back)")


def _dedupe_legend(ax: Axes) -> None:
    handles, labels = ax.get_legend_handles_labels()
    unique = dict(zip(labels, handles, strict=True))
    if unique:
        # above the graph, between it and the title: nothing of the curve is hidden
        ncol = 3 if len(unique) > 2 else len(unique)
        rows = -(-len(unique) // ncol)
        ax.legend(unique.values(), unique.keys(), fontsize=7, ncol=ncol, loc="lower center",
                  bbox_to_anchor=(0.5, 1.01), frameon=False, handlelength=1.6)
        ax.set_title(ax.get_title(), fontsize=11, pad=8 + 13 * rows)
