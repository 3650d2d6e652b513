"""The contour map: filled contours with labelled levels, the gradient field, stationary points.

The gradient arrows are drawn in data coordinates on axes of equal aspect, so that they
visibly cross the contour lines at right angles (the gradient is normal to the level
curves). Stationary points come from :func:`steepest.calculus.stationary.stationary_points` and
are marked by kind. What it leaves out: descent paths (:mod:`steepest.plot.paths`) and
the 3-D view (:mod:`steepest.plot.surface3d`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import BoundaryNorm
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from steepest.errors import PlotError
from steepest.plot import _common

__all__ = ["contour_map", "draw_contours", "draw_gradient_field", "draw_stationary"]

# marker, colour and size for each kind of stationary point: hollow, outlined in black,
# and drawn above the paths, so a path's end at a minimum shows inside the ring
STATIONARY_STYLE: dict[str, dict[str, Any]] = {
    "minimum": {"marker": "o", "edgecolors": "#ffffff", "s": 190},
    "maximum": {"marker": "^", "edgecolors": "#ff4040", "s": 200},
    "saddle": {"marker": "X", "edgecolors": "#ffb000", "s": 190},
    "degenerate": {"marker": "D", "edgecolors": "#b0b0b0", "s": 150},
}


def stationary_marker_style(kind: str) -> dict[str, Any]:
    """The keyword arguments of ``scatter`` for a stationary point of this kind."""
    from matplotlib import patheffects

    return {**STATIONARY_STYLE[kind], "facecolors": "none", "linewidths": 2.0, "zorder": 9,
            "path_effects": [patheffects.withStroke(linewidth=3.6, foreground="k")]}


def contour_map(
    f: Any,
    bounds: Sequence[tuple[float, float]] | None = None,
    *,
    levels: int | Sequence[float] | str = "auto",
    resolution: int = 200,
    arrows: int = 15,
    normalize: bool = False,
    stationary: bool = True,
    colorbar: bool = True,
    fix: dict[str, float] | None = None,
    ax: Axes | None = None,
) -> Figure:
    """Draw the contour map of f(x, y) with its gradient field and stationary points.

    Parameters
    ----------
    f
        Equation text, an :class:`~steepest.equation.Equation` or a
        :class:`~steepest.calculus.gradients.Gradient`, of two variables (or more, with ``fix``).
    bounds
        ``[(x_low, x_high), (y_low, y_high)]``. Default: a square box around the
        stationary points, else ``[-3, 3]²``.
    levels
        The number of contour levels, the levels themselves, or ``"auto"``: 15 evenly
        spaced levels, spaced geometrically above the minimum instead when most of the
        map lies in the lowest tenth of the values (as for Rosenbrock's valley).
    resolution
        Grid points per axis for the contours.
    arrows
        Gradient arrows per axis (0 for none).
    normalize
        Draw every arrow the same length (the direction only). By default lengths are
        proportional to |∇f|, so arrows shrink where the map is flat; the scale is
        stated by a key arrow above the map, and the steepest tenth of the arrows are
        capped at one grid cell (drawn in a lighter shade).
    stationary
        Find, classify and mark the stationary points in the box.
    colorbar
        Show the colour scale of f.
    fix
        Values for variables to hold fixed, leaving two free: ``{"z": 0}``.
    ax
        Draw into these axes instead of a new figure.

    Returns
    -------
    matplotlib.figure.Figure
        The figure; the gradient arrows are its :class:`~matplotlib.quiver.Quiver`
        (gid ``"gradient"``).

    Examples
    --------
    >>> fig = contour_map("x^2 - y^2", [(-2, 2), (-2, 2)], resolution=40, arrows=5)
    >>> fig.axes[0].get_xlabel(), fig.axes[0].get_ylabel()
    ('x', 'y')
    """
    g = _common.fix_variables(_common.as_gradient(f), fix)
    if len(g.variables) != 2:
        raise PlotError(
            f"a contour map needs a function of two variables; {g.equation} has "
            f"{len(g.variables)}\nhint: hold the others fixed with fix={{'z': 0}}, "
            "or use graph() for one variable"
        )
    box = _common.check_bounds(bounds, 2) if bounds is not None else _common.default_bounds(g)
    fig, ax = _target(ax)
    # the aspect first: the contour labels take their angles from the axes as they are
    # now, and a later change of aspect turns them off their lines, some upside down
    set_aspect(ax, box)
    filled = draw_contours(ax, g, box, levels=levels, resolution=resolution)
    if colorbar:
        attach_colorbar(ax, filled, f"{g.equation.name}({', '.join(g.names)})")
    if arrows:
        draw_gradient_field(ax, g, box, arrows=arrows, normalize=normalize)
    if stationary:
        from steepest.calculus.stationary import stationary_points

        draw_stationary(ax, stationary_points(g, box), box)
    finish_axes(ax, g, box)
    return fig


def attach_colorbar(ax: Axes, filled: Any, label: str) -> Any:
    """The colour scale of a filled contour map, right beside the map.

    The bar is an inset of the map's own axes, so it stays against the map's right edge
    however the equal aspect shrinks the map (a bar placed by the layout keeps to the
    space the map was given, and a wide gap opens between them). The bar's name stands
    above it, not along its outer side, where it would read as the y label of a panel to
    its right. Returns the Colorbar; its axes are labelled ``"<colorbar>"``.
    """
    cax = ax.inset_axes([1.03, 0.0, 0.045, 1.0], label="<colorbar>")
    bar = ax.figure.colorbar(filled, cax=cax,
                             format=FuncFormatter(lambda v, _: f"{float(f'{v:.3g}'):g}"))
    cax.set_title(label, fontsize=9, pad=12, loc="left")
    return bar


def _target(ax: Axes | None) -> tuple[Figure, Axes]:
    if ax is None:
        fig = _common.new_figure()
        return fig, fig.add_subplot()
    return ax.figure, ax


def finish_axes(ax: Axes, g: Any, box: _common.Bounds) -> None:
    """Limits, labels, title and aspect: equal unless the box is very elongated."""
    (x0, x1), (y0, y1) = box
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_xlabel(g.names[0])
    ax.set_ylabel(g.names[1])
    if not ax.get_title():
        # room above the map for the key of the gradient arrows
        keyed = any(getattr(a, "get_gid", lambda: None)() == "gradient-key"
                    for a in ax.get_children())
        ax.set_title(_common.title_of(g), fontsize=11, pad=16 if keyed else 6)
    set_aspect(ax, box)
    handles, _ = ax.get_legend_handles_labels()
    if len(handles) > 3:  # many entries (paths): below the map, not over it
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=2, fontsize=8)
    elif handles:
        ax.legend(loc="upper right", fontsize=8, framealpha=0.85)


def set_aspect(ax: Axes, box: _common.Bounds) -> None:
    """Equal scales on both axes (so the gradient meets the contours at right angles),
    unless the box is more than four times as wide as high or the other way round."""
    (x0, x1), (y0, y1) = box
    ratio = (x1 - x0) / (y1 - y0)
    ax.set_aspect("equal" if 0.25 <= ratio <= 4 else "auto")
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.apply_aspect()


#: the largest |f| a contour map is drawn for
_LARGEST_DRAWN = 1e150


def contour_levels(z: np.ndarray, levels: int | Sequence[float] | str) -> Any:
    """The contour levels for values ``z``: see :func:`contour_map`'s ``levels``."""
    if not isinstance(levels, str):
        if isinstance(levels, (int, np.integer)):
            return _common.check_count(levels, "levels", 2, _common.MAX_LEVELS,
                                       "the default draws about 15")
        if np.size(levels) > _common.MAX_LEVELS:
            raise PlotError(f"levels lists {np.size(levels):,} values; at most "
                                f"{_common.MAX_LEVELS}")
        return levels
    if levels != "auto":
        raise PlotError(f"levels must be a number, a list or 'auto'; got {levels!r}")
    finite = z[np.isfinite(z)]
    if finite.size == 0:
        raise PlotError("f is not finite anywhere in the box; choose another range")
    lo, hi = float(finite.min()), float(finite.max())
    if max(abs(lo), abs(hi)) > _LARGEST_DRAWN:
        # matplotlib's contouring interpolates between values and overflows near 1e308
        raise PlotError(f"f reaches {hi if abs(hi) >= abs(lo) else lo:.3g} in this box: "
                        f"contours are drawn only where |f| stays within {_LARGEST_DRAWN:.0e}; "
                        "choose a smaller --range")
    if hi - lo <= 1e-12 * max(1.0, abs(lo)):
        return np.array([lo - 0.5, lo + 0.5]) if hi == lo else np.linspace(lo, hi, 3)
    spread = (float(np.median(finite)) - lo) / (hi - lo)
    if spread < 0.1:
        above = finite - lo
        smallest = float(np.quantile(above[above > 0], 0.02))
        steps = np.geomspace(smallest, hi - lo, 14)[:-1]
        # a minimum of (nearly) 0 is 0 on the scale, not the grid's 0.000634
        base = 0.0 if 0 <= lo <= smallest else lo
        geometric = np.unique(base + np.concatenate([[0.0], [float(f"{v:.2g}") for v in steps]]))
        # far from 0, base + a small step can round back to base: keep only distinct levels
        if geometric.size >= 3:
            return geometric
    ticks = np.unique(MaxNLocator(15).tick_values(lo, hi))
    if ticks.size < 2:  # values so large that neighbouring ticks round to one number
        return np.array([lo, hi]) if hi > lo else np.array([lo - 0.5, lo + 0.5])
    return ticks


def draw_contours(
    ax: Axes,
    g: Any,
    box: _common.Bounds,
    *,
    levels: int | Sequence[float] | str = "auto",
    resolution: int = 200,
    labels: bool = True,
    cmap: str = "viridis",
) -> Any:
    """Filled contours with labelled contour lines; returns the filled ContourSet."""
    if resolution < 8:
        raise PlotError(f"resolution must be at least 8 points per axis; got {resolution}")
    X, Y = _common.grid(box, resolution)
    with np.errstate(all="ignore"):
        Z = np.asarray(g.equation(X, Y), dtype=float) * np.ones_like(X)
    chosen = contour_levels(Z, levels)
    Z = np.ma.masked_invalid(Z)
    norm = None
    if np.ndim(chosen) == 1 and len(chosen) > 2:
        # one colour per band, however unevenly the levels are spaced
        norm = BoundaryNorm(chosen, ncolors=256, extend="both")
    filled = ax.contourf(X, Y, Z, levels=chosen, cmap=cmap, norm=norm, extend="both")
    lines = ax.contour(X, Y, Z, levels=filled.levels, colors="k", linewidths=0.6, alpha=0.55)
    if labels and len(lines.levels):
        _label_inside(ax, X, Y, Z, lines.levels[::2])
    return filled


def _label_inside(ax: Axes, X: np.ndarray, Y: np.ndarray, Z: Any, levels: Any) -> None:
    """Label contour levels, every label wholly inside the box.

    The labels are placed on invisible contours of the inner part of the grid (a margin
    of 6% on every side), so none is cut by the edge of the map; each sits on a pale
    patch over the visible line.
    """
    rows, cols = X.shape
    m, n = max(1, int(0.06 * rows)), max(1, int(0.06 * cols))
    inner = (slice(m, rows - m), slice(n, cols - n))
    ghost = ax.contour(X[inner], Y[inner], Z[inner], levels=levels, colors="k",
                       linestyles="solid", linewidths=0.5)
    texts = ax.clabel(ghost, fmt=lambda v: f"{float(f'{v:.3g}'):g}", fontsize=7, inline=False)
    ghost.set_visible(False)  # the labels are artists of their own and stay
    for text in texts:
        text.set_alpha(1.0)
        text.set_bbox({"boxstyle": "round,pad=0.12", "fc": "white", "ec": "none",
                       "alpha": 0.7})
        text.set_gid("contour-label")


def draw_gradient_field(
    ax: Axes,
    g: Any,
    box: _common.Bounds,
    *,
    arrows: int = 15,
    normalize: bool = True,
    color: str = "white",
) -> Any:
    """The gradient as arrows at the centres of an ``arrows × arrows`` grid of cells.

    Arrows point along ∇f in data coordinates (``angles="xy"``), so on equal-aspect axes
    they meet the contour lines at right angles. Unless ``normalize``, an arrow's length is
    |∇f| times one scale for the whole map, chosen so that the 90th percentile of |∇f|
    spans 0.85 of a cell; the few longer ones are capped at one cell and drawn fainter,
    and a key arrow above the map says which |∇f| its length stands for. Returns the
    Quiver (its ``steepest_scale`` attribute: data units per unit of |∇f|, None when
    normalized).
    """
    if not isinstance(arrows, (int, np.integer)) or arrows < 1:
        raise PlotError(f"arrows must be a positive whole number per axis; got {arrows!r}")
    _common.check_count(arrows, "arrows", 1, _common.MAX_ARROWS,
                        "the default draws 15 per axis; 0 draws none")
    (x0, x1), (y0, y1) = box
    dx, dy = (x1 - x0) / arrows, (y1 - y0) / arrows
    xs = x0 + dx * (np.arange(arrows) + 0.5)
    ys = y0 + dy * (np.arange(arrows) + 0.5)
    X, Y = np.meshgrid(xs, ys)
    with np.errstate(all="ignore"):
        U, V = (np.asarray(c, dtype=float) * np.ones_like(X) for c in g(X, Y))
        length = np.hypot(U, V)
        cell = min(dx, dy)
        finite = length[np.isfinite(length)]
        reference = float(np.quantile(finite, 0.9)) if finite.size else 0.0
        per_unit = 0.85 * cell / reference if reference > 0 else None
        if normalize or per_unit is None:
            scale = np.where(length > 0, 0.75 * cell / length, 0.0)
            capped = np.zeros(length.shape, bool)
        else:
            capped = length * per_unit > cell
            scale = np.where(capped, cell / length, per_unit)
        U, V = U * scale, V * scale
    bad = ~(np.isfinite(U) & np.isfinite(V))
    arrays = [np.ma.masked_array(a, bad) for a in (U, V)]
    style: dict[str, Any] = {"color": color}
    if capped.any():  # capped arrows fainter: a shade per arrow through a two-tone map
        arrays.append(np.ma.masked_array(np.where(capped, 0.0, 1.0), bad))
        style = {"cmap": _shades(color), "clim": (0.0, 1.0)}
    quiver = ax.quiver(
        X, Y, *arrays, angles="xy", scale_units="xy", scale=1.0, alpha=0.9,
        width=0.004, headwidth=3.5, headlength=4, pivot="middle", zorder=3, **style,
    )
    quiver.set_gid("gradient")
    quiver.steepest_scale = None if normalize else per_unit  # type: ignore[attr-defined]
    quiver.steepest_capped = capped  # type: ignore[attr-defined]
    if not normalize and per_unit is not None:
        text = f"|∇{g.equation.name}| = {float(f'{reference:.2g}'):g}"
        if capped.any():
            text += "  (longer ones capped, fainter)"
        key = ax.quiverkey(quiver, 0.03, 1.025, 0.85 * cell, text, labelpos="E",
                           coordinates="axes", color="k", fontproperties={"size": 8})
        key.set_gid("gradient-key")
    elif normalize:
        ax.text(0.0, 1.02, "arrows: direction of ∇f only (all one length)", fontsize=8,
                transform=ax.transAxes, gid="gradient-key")
    return quiver


def _shades(color: str) -> Any:
    """A colour map from a faint to a full version of ``color`` (for capped arrows)."""
    from matplotlib.colors import LinearSegmentedColormap, to_rgba

    r, gr, b, _ = to_rgba(color)
    return LinearSegmentedColormap.from_list("shades", [(r, gr, b, 0.45), (r, gr, b, 1.0)])


def draw_stationary(ax: Axes, found: Any, box: _common.Bounds) -> None:
    """Mark stationary points by kind (one legend entry per kind) and stationary curves."""
    for kind in STATIONARY_STYLE:
        pts = np.array([p.point for p in found if p.kind == kind]).reshape(-1, 2)
        if len(pts):
            ax.scatter(pts[:, 0], pts[:, 1], label=kind, gid=f"stationary-{kind}",
                       **stationary_marker_style(kind))
    for k, curve in enumerate(found.curves):
        pts = curve.sample(box)
        label = "stationary curve" if k == 0 else None
        if curve.solution is None:
            ax.scatter(pts[:, 0], pts[:, 1], s=8, color="#ff00ff", zorder=4, label=label,
                       gid="stationary-curve")
        else:
            ax.plot(pts[:, 0], pts[:, 1], "--", color="#ff00ff", lw=1.8, zorder=4,
                    label=label, gid="stationary-curve")
