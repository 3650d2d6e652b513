"""The right picture of a function for its number of variables: ``plot_gradient``.

One variable: the graph with tangents and the derivative. Two: the contour map with the
gradient field, the surface, or both side by side. More: a clear error unless the others
are held fixed (``fix={"z": 0}``). What it leaves out: descent paths
(:mod:`steepest.plot.paths`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from matplotlib.figure import Figure

from steepest.errors import PlotError
from steepest.plot import _common

__all__ = ["KINDS", "plot_gradient"]

#: The kinds of picture :func:`plot_gradient` draws for two variables.
KINDS = ("auto", "contour", "surface", "both")


def plot_gradient(
    f: Any,
    bounds: Sequence[tuple[float, float]] | None = None,
    *,
    kind: str = "auto",
    fix: dict[str, float] | None = None,
    **options: Any,
) -> Figure:
    """Draw a function and its gradient: graph, contour map, surface, or both.

    Parameters
    ----------
    f
        Equation text, an Equation or a Gradient.
    bounds
        One ``(low, high)`` per (free) variable; default around the stationary points.
    kind
        For two variables: ``"contour"`` (the default for ``"auto"``), ``"surface"`` or
        ``"both"``. One variable always gives the graph.
    fix
        Values for variables held fixed, to draw a slice of a function of more variables.
    **options
        Passed on to :func:`~steepest.plot.contour_map`, :func:`~steepest.plot.surface3d`
        or :func:`~steepest.plot.curve`.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> fig = plot_gradient("x^2 y", [(-1, 1), (-1, 1)], kind="both", resolution=20, arrows=4)
    >>> [a.name for a in fig.axes[:2]]
    ['3d', 'rectilinear']
    """
    from steepest.plot.contour import contour_map
    from steepest.plot.curve import graph
    from steepest.plot.surface3d import surface

    if kind not in KINDS:
        raise PlotError(f"kind must be one of {', '.join(KINDS)}; got {kind!r}")
    g = _common.fix_variables(_common.as_gradient(f), fix)
    n = len(g.variables)
    if n == 0:
        raise PlotError(
            f"{g.equation} has no variables: it is a constant, with nothing to draw"
            "\nhint: write the function of x (and y) to draw, e.g. x^2 + y^2"
        )
    if n == 1:
        return graph(g, bounds, **options)
    if n > 2:
        names = ", ".join(g.names)
        example = ", ".join(f"{v}=0" for v in g.names[2:])
        raise PlotError(
            f"{g.equation} has {n} variables ({names}); a picture shows one or two\n"
            f"hint: hold the others fixed, e.g. fix={{{example!r}}} "
            f"(on the command line: --fix {example})"
        )
    box = _common.check_bounds(bounds, 2) if bounds is not None else _common.default_bounds(g)
    if kind in ("auto", "contour"):
        return contour_map(g, box, **options)
    if kind == "surface":
        return surface(g, box, **options)
    fig = _common.new_figure(12.5, 5.2)
    left = fig.add_subplot(1, 2, 1, projection="3d", computed_zorder=False)
    right = fig.add_subplot(1, 2, 2)
    surface_options = {k: v for k, v in options.items()
                       if k in ("arrows_at", "highlight", "resolution")}
    contour_options = {k: v for k, v in options.items() if k not in ("arrows_at", "highlight")}
    surface(g, box, ax=left, **surface_options)
    contour_map(g, box, ax=right, **contour_options)
    # the equation once, over both; each panel says which view it is
    fig.suptitle(_common.title_of(g), fontsize=12)
    left.set_title("surface", fontsize=10)
    keyed = any(a.get_gid() == "gradient-key" for a in right.get_children())
    right.set_title("contour map (seen from above)", fontsize=10, pad=16 if keyed else 6)
    return fig
