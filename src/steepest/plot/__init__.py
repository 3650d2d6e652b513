"""Figures of steepest: graphs, contour maps, gradient fields, descent paths, animations.

Every function returns a :class:`matplotlib.figure.Figure` (built without pyplot, so no
global state and no GUI backend is touched) that a notebook user can adjust, and
:func:`save_figure` writes it as PNG, SVG or PDF by extension. Submodules import
matplotlib; this package's ``__init__`` does not, so ``import steepest.plot`` is cheap and
matplotlib loads only when a figure is made.

- :func:`contour_map`: filled contours, gradient field, classified stationary points.
- :func:`surface`: the graph of f(x, y) in 3-D with gradient arrows.
- :func:`graph`: f of one variable with tangents and its derivative.
- :func:`plot_gradient`: the right picture for a function and its gradient.
- :func:`plot_paths`, :func:`plot_values`, :func:`plot_result`,
  :func:`compare_optimizers`: descent paths and value against iteration
  (``plot_result(result, f)`` draws one :class:`~steepest.Result`).
- :func:`animate_descent`: the descent stepping across the map, as GIF or MP4.
- :func:`plot_history`, :func:`plot_digits`, :func:`plot_confusion`, :func:`plot_weights`:
  the digit classifier's learning curves, answers, mistakes and first-layer weights.
- :func:`plot_landscape`: a network's cost around its weights, with its training path.

The core never imports this package (results have no ``plot`` method): pictures read
results. What it leaves out: finding stationary points (:mod:`steepest.calculus`),
running descents (:mod:`steepest.descent`) and training networks (:mod:`steepest.nn`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from steepest._lazy import lazy_exports

_LAZY: dict[str, str] = {
    "animate_descent": "steepest.plot.animate",
    "compare_optimizers": "steepest.plot.paths",
    "contour_map": "steepest.plot.contour",
    "graph": "steepest.plot.curve",
    "plot_confusion": "steepest.plot.digits",
    "plot_digits": "steepest.plot.digits",
    "plot_gradient": "steepest.plot.views",
    "plot_history": "steepest.plot.digits",
    "plot_landscape": "steepest.plot.landscape",
    "plot_paths": "steepest.plot.paths",
    "plot_weights": "steepest.plot.digits",
    "plot_result": "steepest.plot.paths",
    "plot_values": "steepest.plot.paths",
    "save_figure": "steepest.plot._common",
    "surface": "steepest.plot.surface3d",
    # what the plotting functions share, for the command line: bounds, grids, formats, limits
    "MAX_ARROWS": "steepest.plot._common",
    "MAX_DPI": "steepest.plot._common",
    "MAX_LEVELS": "steepest.plot._common",
    "MAX_PIXELS": "steepest.plot._common",
    "default_bounds": "steepest.plot._common",
    "fix_variables": "steepest.plot._common",
    "grid": "steepest.plot._common",
    "output_format": "steepest.plot._common",
}

__all__ = [
    "MAX_ARROWS",
    "MAX_DPI",
    "MAX_LEVELS",
    "MAX_PIXELS",
    "animate_descent",
    "compare_optimizers",
    "contour_map",
    "default_bounds",
    "fix_variables",
    "graph",
    "grid",
    "output_format",
    "plot_confusion",
    "plot_digits",
    "plot_gradient",
    "plot_history",
    "plot_landscape",
    "plot_paths",
    "plot_result",
    "plot_values",
    "plot_weights",
    "save_figure",
    "surface",
]


__getattr__, __dir__ = lazy_exports(__name__, _LAZY, __all__, globals())


if TYPE_CHECKING:  # pragma: no cover - for type checkers and IDEs only
    from steepest.plot._common import (
        MAX_ARROWS,
        MAX_DPI,
        MAX_LEVELS,
        MAX_PIXELS,
        default_bounds,
        fix_variables,
        grid,
        output_format,
        save_figure,
    )
    from steepest.plot.animate import animate_descent
    from steepest.plot.contour import contour_map
    from steepest.plot.curve import graph
    from steepest.plot.digits import plot_confusion, plot_digits, plot_history, plot_weights
    from steepest.plot.landscape import plot_landscape
    from steepest.plot.paths import compare_optimizers, plot_paths, plot_result, plot_values
    from steepest.plot.surface3d import surface
    from steepest.plot.views import plot_gradient
