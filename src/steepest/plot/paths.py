"""Descent paths on the contour map, and the value of f against iteration.

Reads :class:`steepest.descent.Result` objects (anything with ``path``, ``values``,
``status``, ``optimizer`` and ``maximize`` will do): one colour per optimizer, the start
and the end marked, one legend entry per optimizer. :func:`compare_optimizers` runs
several optimizers from the same start and draws both views side by side. What it leaves
out: running descents beyond that comparison (:mod:`steepest.descent`), animation
(:mod:`steepest.plot.animate`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from steepest.errors import PlotError
from steepest.plot import _common

__all__ = ["compare_optimizers", "draw_paths", "plot_paths", "plot_result", "plot_values"]


def as_results(results: Any) -> list[tuple[str, Any]]:
    """``(label, result)`` pairs from a Result, a list of them, or a mapping label -> Results."""
    if isinstance(results, Mapping):
        pairs = []
        for label, value in results.items():
            items = value if isinstance(value, (list, tuple)) else [value]
            pairs.extend((str(label), r) for r in items)
    else:
        items = results if isinstance(results, (list, tuple)) else [results]
        pairs = [
            item if _is_pair(item) else (str(getattr(item, "optimizer", "descent")), item)
            for item in items
        ]
    if not pairs:
        raise PlotError("results is empty; give at least one descent Result")
    for _, r in pairs:
        if not hasattr(r, "path") or not hasattr(r, "values"):
            raise TypeError(
                f"expected descent Results (with .path and .values); got {type(r).__name__}"
            )
    return pairs


def _is_pair(item: Any) -> bool:
    return isinstance(item, tuple) and len(item) == 2 and isinstance(item[0], str)


# one line style and marker per label, so paths that coincide stay told apart
_STYLES = ("-", "--", ":", "-.")
_MARKERS = ("o", "^", "D", "v", "P", "h")  # never "s": the start is a square
# path widths by rank (the longest run first): a point apart, so each edge shows; a lone
# path 2.2 points wide, each more path one point more for the widest, up to 4.2
_WIDEST, _NARROWER, _NARROWEST = 4.2, 1.0, 1.2


def path_style(index: int) -> dict[str, Any]:
    """The line style and marker of the ``index``-th label, shared by map and value plot."""
    return {"ls": _STYLES[index % len(_STYLES)], "marker": _MARKERS[index % len(_MARKERS)]}


def _markevery(n: int) -> int:
    return max(1, (n - 1) // 10)


def draw_paths(ax: Axes, results: Any, *, colors: dict[str, str] | None = None) -> list[Any]:
    """Draw each result's path (first two coordinates) with its start and end marked.

    Each label has its own colour, line style and marker (set every few steps); the
    longer paths are drawn below and wider, the shorter on top, so a path that runs along
    another stays visible beside it. The start (hollow square) and the end (star, or a
    cross for a diverged run) each have one legend entry. Returns the path lines (gid
    ``"path"``), whose data are the points of ``Result.path``; a line's white casing, if
    it has one, is its ``steepest_casing`` (an animation grows the two together).
    """
    colors = {} if colors is None else colors
    lines = []
    pairs = as_results(results)
    groups = pairs_to_mapping(pairs)
    order = list(groups)
    # rank 0: the run with the most steps (then the longest way), drawn lowest and widest
    ranked = sorted(range(len(pairs)), key=lambda k: _extent(pairs[k][1]), reverse=True)
    rank = {k: r for r, k in enumerate(ranked)}
    seen: set[str] = set()
    diverged = False
    for k, (label, r) in enumerate(pairs):
        path = np.asarray(r.path, dtype=float)
        colour = _common.optimizer_color(label, colors)
        index = order.index(label)
        xs, ys = (path[:, 0], path[:, 1]) if path.shape[1] > 1 else (path[:, 0], r.values)
        legend = None if label in seen else f"{label} ({_summary(groups[label])})"
        seen.add(label)
        z = 6 + 0.01 * rank[k]
        widest = min(_WIDEST, _NARROWEST + _NARROWER * len(pairs))
        width = max(_NARROWEST, widest - _NARROWER * rank[k])
        casing = None
        if rank[k] == 0:
            # the widest path (drawn lowest) is cased in white: the bundle of paths stands
            # out from the map, and each narrower path on top shows as a core inside it
            (casing,) = ax.plot(xs, ys, color="white", lw=width + 2.4, alpha=0.8,
                                zorder=z - 0.005, solid_capstyle="round",
                                solid_joinstyle="round", gid="path-casing")
        (line,) = ax.plot(
            xs, ys, color=colour, lw=width, ms=4.5, markevery=_markevery(len(xs)), mec="k",
            mew=0.5, label=legend, zorder=z, gid="path", **path_style(index),
        )
        line.steepest_casing = casing  # type: ignore[attr-defined]  # grows with the line
        lines.append(line)
        ax.plot(xs[:1], ys[:1], "s", ms=9, mfc="none", mec=colour, mew=2.2, zorder=7,
                gid="path-start")
        diverged |= r.status == "diverged"
        end_marker = "X" if r.status == "diverged" else "*"
        ok = np.isfinite(xs) & np.isfinite(ys)
        if ok.any():
            last = np.flatnonzero(ok)[-1]
            ax.plot(xs[last], ys[last], end_marker, ms=11, color=colour, mec="k", mew=0.8,
                    zorder=8, gid="path-end")
    # one legend entry each for the start and the end, in neutral black
    ax.plot([], [], "s", ms=8, mfc="none", mec="k", mew=2, label="start", gid="legend-start")
    ax.plot([], [], "*", ms=11, color="0.3", mec="k", label="end", gid="legend-end")
    if diverged:
        ax.plot([], [], "X", ms=10, color="0.3", mec="k", label="end (diverged)",
                gid="legend-end")
    return lines


def _extent(r: Any) -> tuple[int, float]:
    """Steps taken, then the length of the way travelled (for drawing order)."""
    path = np.asarray(r.path, dtype=float)
    with np.errstate(all="ignore"):
        way = float(np.nansum(np.linalg.norm(np.diff(path, axis=0), axis=-1)))
    return len(path), way if np.isfinite(way) else float("inf")


# how each status reads in a legend, with the number of steps taken
_OUTCOMES = {
    "converged": "converged in {}",
    "max_iterations": "stopped at the limit, {}",
    "diverged": "diverged after {}",
    "stationary": "started where ∇f = 0, {}",
}


def _summary(runs: list[Any]) -> str:
    """``converged in 84 steps`` for one run; ``3 starts: 2 converged, 1 diverged`` for
    several."""
    if len(runs) == 1:
        steps = getattr(runs[0], "iterations", len(runs[0].path) - 1)
        status = runs[0].status
        taken = f"{steps} step{'s' * (steps != 1)}"
        return _OUTCOMES.get(status, status.replace("_", " ") + ", {}").format(taken)
    counts: dict[str, int] = {}
    for r in runs:
        counts[r.status.replace("_", " ")] = counts.get(r.status.replace("_", " "), 0) + 1
    return f"{len(runs)} starts: " + ", ".join(f"{n} {status}" for status, n in counts.items())


def plot_paths(
    f: Any,
    results: Any,
    bounds: Sequence[tuple[float, float]] | None = None,
    *,
    ax: Axes | None = None,
    **options: Any,
) -> Figure:
    """Descent paths drawn on the contour map of f.

    Parameters
    ----------
    f
        The function the descents ran on (text, Equation or Gradient), two variables.
    results
        A Result, a list of Results (one colour per optimizer), or a mapping
        ``label -> Result or list of Results``.
    bounds
        The box; default: around the paths and the stationary points.
    ax
        Draw into these axes instead of a new figure.
    **options
        Passed to :func:`~steepest.plot.contour_map` (``levels``, ``arrows``, ...).

    Returns
    -------
    matplotlib.figure.Figure
    """
    from steepest.plot.contour import contour_map, finish_axes

    g = _common.fix_variables(_common.as_gradient(f), options.pop("fix", None))
    pairs = as_results(results)
    box = box_for_paths(g, pairs, bounds)
    fig = contour_map(g, box, ax=ax, **options)
    target = ax if ax is not None else fig.axes[0]
    draw_paths(target, pairs)
    finish_axes(target, g, box)
    return fig


def box_for_paths(g: Any, pairs: list[tuple[str, Any]], bounds: Any) -> _common.Bounds:
    n = len(g.variables)
    if bounds is not None:
        return _common.check_bounds(bounds, n)
    for _, r in pairs:
        if np.shape(r.path)[-1] != n:
            raise PlotError(
                f"a path has {np.shape(r.path)[-1]} coordinates but f has {n} variables"
            )
    # centre on where the paths start and end; a diverged path is not allowed to stretch it
    points = [np.asarray(r.path, dtype=float)[[0, -1]] for _, r in pairs if r.status != "diverged"]
    points += [np.asarray(r.path, dtype=float)[:1] for _, r in pairs if r.status == "diverged"]
    return _common.default_bounds(g, np.concatenate(points))


def plot_values(
    results: Any,
    *,
    f_min: float | None = None,
    ax: Axes | None = None,
) -> Figure:
    """The value of f against iteration, one line per result.

    Parameters
    ----------
    results
        As for :func:`plot_paths`.
    f_min
        The known minimum: the plot shows |f − f_min| on a log scale. Without it, f
        itself, on a log scale when every value is positive.
    ax
        Draw into these axes instead of a new figure.

    Returns
    -------
    matplotlib.figure.Figure
    """
    if ax is None:
        fig = _common.new_figure(6.0, 4.0)
        ax = fig.add_subplot()
    else:
        fig = ax.figure
    pairs = as_results(results)
    colors: dict[str, str] = {}
    curves = []
    for _label, r in pairs:
        values = np.asarray(r.values, dtype=float)
        if f_min is not None:
            values = np.abs(values - f_min)
            values[values == 0] = np.nan  # exactly at the minimum: off the log scale
        curves.append(values)
    finite = np.concatenate([c[np.isfinite(c)] for c in curves])
    log = finite.size > 0 and bool(np.all(finite > 0))
    seen: set[str] = set()
    order = list(pairs_to_mapping(pairs))
    for (label, _r), c in zip(pairs, curves, strict=True):
        colour = _common.optimizer_color(label, colors)
        # the colour, line style and marker of the label's path on the map
        ax.plot(np.arange(len(c)), c, color=colour, lw=1.6, ms=4.5, mec="k", mew=0.5,
                markevery=_markevery(len(c)), gid="values",
                label=None if label in seen else label, **path_style(order.index(label)))
        seen.add(label)
    if log:
        ax.set_yscale("log")
    ax.set_xlabel("iteration")
    ax.set_ylabel("f" if f_min is None else f"|f − f_min|  (f_min = {f_min:.4g})")
    ax.grid(True, alpha=0.3, which="both" if log else "major")
    ax.legend(fontsize=8)
    return fig


def plot_result(
    result: Any,
    f: Any = None,
    bounds: Sequence[tuple[float, float]] | None = None,
    *,
    f_min: float | None = None,
    **options: Any,
) -> Figure:
    """A descent at a glance: its path on the contour map (or graph) and its values.

    ``plot_result(steepest.minimize(f, start), f)``. Without ``f`` (or for more than two
    variables) only the value against iteration is shown.

    Parameters
    ----------
    result
        A Result or several (see :func:`plot_paths`).
    f
        The function the descent ran on, to draw the map or graph under the path.
    bounds
        The box for the map.
    f_min
        The known minimum, for the value plot.
    **options
        Passed to the map (:func:`~steepest.plot.contour_map`).

    Returns
    -------
    matplotlib.figure.Figure
    """
    pairs = as_results(result)
    n = np.shape(pairs[0][1].path)[-1]
    if f is None or n > 2:
        return plot_values(pairs_to_mapping(pairs), f_min=f_min)
    fig = _common.new_figure(12.0, 5.6)
    left, right = fig.subplots(1, 2, width_ratios=[1.3, 1])
    mapping = pairs_to_mapping(pairs)
    g = _common.as_gradient(f)
    if n == 2:
        plot_paths(g, mapping, bounds, ax=left, **options)
    else:
        from steepest.plot.curve import graph

        graph(g, bounds, ax=left, derivative=False, tangent_at=())
        draw_paths(left, mapping)
    plot_values(mapping, f_min=f_min, ax=right)
    right.set_title("value against iteration", fontsize=11)
    if f_min is None:
        right.set_ylabel(f"{g.equation.name}({', '.join(g.names)})")
    share_legend(fig, left, right)
    return fig


def share_legend(fig: Figure, *axes: Axes) -> Any:
    """One legend for the figure, in rows below its panels, instead of one per panel.

    The entries of every panel, each thing once: a path's line on the map and in the
    value plot share colour, style and marker, so the map's entry (``gd (converged in 84
    steps)``) names both and the value plot's bare ``gd`` is left out.
    """
    entries: dict[str, Any] = {}
    for ax in axes:
        for handle, label in zip(*ax.get_legend_handles_labels(), strict=True):
            if not any(known == label or known.startswith(f"{label} (") for known in entries):
                entries[label] = handle
        if ax.get_legend() is not None:
            ax.get_legend().remove()
    if not entries:
        return None
    return fig.legend(entries.values(), entries.keys(), loc="outside lower center",
                      ncol=min(4, len(entries)), fontsize=8.5, frameon=False)


def pairs_to_mapping(pairs: list[tuple[str, Any]]) -> dict[str, list[Any]]:
    """``(label, result)`` pairs grouped by label, keeping order."""
    grouped: dict[str, list[Any]] = {}
    for label, r in pairs:
        grouped.setdefault(label, []).append(r)
    return grouped


def compare_optimizers(
    f: Any,
    start: Sequence[float],
    optimizers: Sequence[str] = ("gd", "momentum", "nesterov", "adam"),
    *,
    learning_rate: float | Mapping[str, float] = 0.05,
    max_iter: int = 200,
    bounds: Sequence[tuple[float, float]] | None = None,
    f_min: float | str | None = "auto",
    **options: Any,
) -> Figure:
    """Run several optimizers from the same start and draw their paths and values.

    Parameters
    ----------
    f
        The function (text, Equation or Gradient) of one or two variables.
    start
        The common starting point.
    optimizers
        Optimizer names (see :func:`steepest.descent.optimizers.make_optimizer`).
    learning_rate
        One step size for all, or a mapping name -> step size.
    max_iter
        Steps at most, per optimizer.
    bounds
        The box for the map.
    f_min
        The known minimum for the value plot; ``"auto"`` uses the value of the lowest
        stationary minimum in the box when every run ends next to it, else plain f.
    **options
        Passed to the map.

    Returns
    -------
    matplotlib.figure.Figure
    """
    from steepest.descent.run import minimize

    g = _common.as_gradient(f)
    if isinstance(optimizers, str) or not optimizers:
        raise PlotError(
            f"optimizers must be a non-empty list of names; got {optimizers!r}\n"
            "hint: optimizers=['gd', 'momentum', 'adam']"
        )
    results = {}
    for name in optimizers:
        rate = learning_rate[name] if isinstance(learning_rate, Mapping) else learning_rate
        results[name] = minimize(g, start, optimizer=name, learning_rate=rate, max_iter=max_iter)
    if f_min == "auto":
        f_min = _known_minimum(g, list(results.values()), bounds)
    fig = plot_result(results, g, bounds, f_min=f_min, **options)
    fig.suptitle(f"{len(results)} optimizers from the same start", fontsize=12)
    return fig


def _known_minimum(g: Any, results: list[Any], bounds: Any) -> float | None:
    from steepest.calculus.stationary import stationary_points

    box = box_for_paths(g, [("", r) for r in results], bounds)
    minima = stationary_points(g, box).of_kind("minimum")
    if not minima:
        return None
    lowest = min(minima, key=lambda p: p.value)
    reach = 1e-2 * float(np.linalg.norm([hi - lo for lo, hi in box]))
    if all(np.linalg.norm(np.asarray(r.x) - lowest.point) <= reach for r in results):
        return float(lowest.value)
    return None
