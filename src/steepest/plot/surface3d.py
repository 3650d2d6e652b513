"""The graph of f(x, y) as a surface in 3-D, with the gradient drawn as arrows.

At a few points (a 3 × 3 grid by default) an arrow on the surface shows the direction of
steepest ascent lifted onto the graph, (s·u, s·|∇f|) with u = ∇f/|∇f|: it lies in the
tangent plane and climbs at the rate |∇f|. Its reach s across the floor is proportional
to |∇f| (the steepest point's arrow is the longest), so flat places get short arrows.
The arrows are drawn on top of the surface, black outlined in white. A highlighted
point gets its arrow in red, with ∇f itself (a vector in the (x, y) plane) on the
floor's contour map below it and |∇f| written beside it. What it leaves out: the flat
map (:mod:`steepest.plot.contour`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from steepest.errors import PlotError
from steepest.plot import _common

__all__ = ["surface"]


def surface(
    f: Any,
    bounds: Sequence[tuple[float, float]] | None = None,
    *,
    arrows_at: Any = None,
    highlight: Sequence[float] | None = None,
    resolution: int = 60,
    fix: dict[str, float] | None = None,
    ax: Axes | None = None,
) -> Figure:
    """Draw the surface z = f(x, y) with gradient arrows.

    Parameters
    ----------
    f
        Equation text, an Equation or a Gradient, of two variables (or more with ``fix``).
    bounds
        ``[(x_low, x_high), (y_low, y_high)]``; default around the stationary points.
    arrows_at
        Points ``(m, 2)`` where to draw the steepest-ascent arrows; default a 3 × 3 grid
        inside the box. ``[]`` for none.
    highlight
        One point whose steepest-ascent direction is drawn in red.
    resolution
        Grid points per axis for the surface.
    fix
        Values for variables held fixed, leaving two free.
    ax
        3-D axes to draw into (``projection="3d"``) instead of a new figure.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> fig = surface("x^2 + y^2", [(-1, 1), (-1, 1)], highlight=[0.5, 0.5], resolution=20)
    >>> fig.axes[0].name
    '3d'
    """
    g = _common.fix_variables(_common.as_gradient(f), fix)
    if len(g.variables) != 2:
        raise PlotError(
            f"a surface needs a function of two variables; {g.equation} has "
            f"{len(g.variables)}\nhint: hold the others fixed with fix={{'z': 0}}"
        )
    box = _common.check_bounds(bounds, 2) if bounds is not None else _common.default_bounds(g)
    if ax is None:
        fig = _common.new_figure(7.0, 5.6)
        # arrows drawn over the surface rather than hidden by mplot3d's depth sorting
        ax = fig.add_subplot(projection="3d", computed_zorder=False)
    else:
        fig = ax.figure
    X, Y = _common.grid(box, resolution)
    with np.errstate(all="ignore"):
        Z = np.asarray(g.equation(X, Y), dtype=float) * np.ones_like(X)
    finite = Z[np.isfinite(Z)]
    if finite.size == 0:
        raise PlotError("f is not finite anywhere in the box; choose another range")
    floor = float(finite.min()) - 0.15 * float(np.ptp(finite) or 1.0)
    Z = np.where(np.isfinite(Z), Z, np.nan)
    ax.plot_surface(X, Y, Z, cmap="viridis", alpha=0.75, linewidth=0, antialiased=True,
                    rcount=resolution, ccount=resolution, zorder=1)
    ax.contour(X, Y, Z, levels=12, zdir="z", offset=floor, cmap="viridis", linewidths=0.8,
               zorder=0)
    (x0, x1), (y0, y1) = box
    if arrows_at is None:
        t = (np.arange(3) + 0.5) / 3
        arrows_at = np.stack(np.meshgrid(x0 + t * (x1 - x0), y0 + t * (y1 - y0)), -1)
        arrows_at = arrows_at.reshape(-1, 2)
    points = _common.as_points(arrows_at, 2, "arrows_at") if np.size(arrows_at) else None
    length = 0.16 * min(x1 - x0, y1 - y0)
    if points is not None:
        _arrows(ax, g, points, None, length, "k", "gradient")
        ax.text2D(0.0, 0.94, "black arrows: steepest ascent, longer where steeper",
                  transform=ax.transAxes, fontsize=8, gid="gradient-key")
    if highlight is not None:
        p = _common.as_points(highlight, 2, "highlight")[:1]
        norm = _arrows(ax, g, p, floor, 1.2 * length, "#d62728", "steepest-ascent")[0]
        z = float(g.equation(*p[0]))
        ax.scatter(p[:, 0], p[:, 1], [z], color="#d62728", s=40, depthshade=False, zorder=6)
        where = ", ".join(f"{c:.3g}" for c in p[0])
        ax.text2D(0.0, 0.98, f"red: steepest ascent at ({where}), |∇{g.equation.name}| = "
                  f"{norm:.3g}; ∇{g.equation.name} itself on the floor below",
                  transform=ax.transAxes, color="#d62728", fontsize=9)
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_zlim(floor, float(finite.max()))
    # round ticks, few of them, and none at the corner where x's last meets y's first
    ax.xaxis.set_major_locator(MaxNLocator(4, steps=[1, 2, 5, 10]))
    ax.yaxis.set_major_locator(MaxNLocator(4, steps=[1, 2, 5, 10], prune="lower"))
    ax.set_xlabel(g.names[0])
    ax.set_ylabel(g.names[1])
    ax.set_zlabel(g.equation.name)
    ax.set_title(_common.title_of(g), fontsize=11)
    return fig


def _arrows(ax: Any, g: Any, points: np.ndarray, floor: float | None, length: float,
            color: str, gid: str) -> np.ndarray:
    """Steepest-ascent arrows on the surface (and ∇f on the floor when ``floor`` is given).

    The longest reaches ``length`` across the floor, at the steepest of the points; the
    others in proportion to |∇f|. Returns |∇f| at the points.
    """
    from matplotlib import patheffects

    with np.errstate(all="ignore"):
        grads = np.asarray(g.at(points), dtype=float).reshape(-1, 2)
        z = np.asarray(g.equation(points[:, 0], points[:, 1]), dtype=float) * np.ones(len(points))
        norm = np.hypot(grads[:, 0], grads[:, 1])
        unit = np.where(norm[:, None] > 0, grads / norm[:, None], 0.0)
    ok = np.isfinite(z) & np.isfinite(norm)
    if not ok.any():
        return norm
    top = float(norm[ok].max())
    reach = length * (norm[ok] / top if top > 0 else np.zeros(ok.sum()))
    p, zz, nn = points[ok], z[ok], norm[ok]
    u = unit[ok] * reach[:, None]
    outline = [patheffects.withStroke(linewidth=4.5, foreground="white")]
    if floor is not None:
        floor_arrows = ax.quiver(p[:, 0], p[:, 1], np.full(len(p), floor), u[:, 0], u[:, 1],
                                 np.zeros(len(p)), color=color, arrow_length_ratio=0.3,
                                 lw=2.0, zorder=4)
        floor_arrows.set_gid(f"{gid}-floor")
    # along the surface: dz = ∇f·(step) = |∇f|·reach for a step of that reach along u
    surface_arrows = ax.quiver(p[:, 0], p[:, 1], zz, u[:, 0], u[:, 1], nn * reach,
                               color=color, arrow_length_ratio=0.25, lw=2.2, zorder=5)
    surface_arrows.set_path_effects(outline)
    surface_arrows.set_gid(gid)
    return norm
