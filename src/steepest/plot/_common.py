"""What every figure of :mod:`steepest.plot` shares: inputs, ranges, grids, colours, saving.

Figures are built with :class:`matplotlib.figure.Figure` directly, never with pyplot, so
the library touches no global state and works headless without choosing a backend.
What it leaves out: the drawing itself (the other modules of this package).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.figure import Figure

from steepest.errors import PlotError

Bounds = tuple[tuple[float, float], ...]

#: Output formats by file extension.
FORMATS: dict[str, str] = {".png": "png", ".svg": "svg", ".pdf": "pdf"}

# One colour per optimizer, the same in every figure (others take the leftovers in turn).
_OPTIMIZER_COLORS = {
    "gd": "#1f77b4",
    "momentum": "#d62728",
    "nesterov": "#ff7f0e",
    "adagrad": "#9467bd",
    "rmsprop": "#8c564b",
    "adam": "#e377c2",
}
_SPARE_COLORS = ("#17becf", "#bcbd22", "#7f7f7f", "#2ca02c", "#000000")


def as_gradient(f: Any) -> Any:
    """A :class:`~steepest.calculus.gradients.Gradient` from text, an Equation or a Gradient."""
    from steepest.calculus.gradients import Gradient, gradient
    from steepest.equation import Equation

    if isinstance(f, Gradient):
        return f
    if isinstance(f, (str, Equation)):
        return gradient(f)
    raise TypeError(
        "f must be an equation as text (\"x^2 sin(y)\"), an Equation or a Gradient; "
        f"got {type(f).__name__}"
    )


def fix_variables(g: Any, fix: Mapping[str, float] | None) -> Any:
    """The gradient of the slice of f with some variables held at fixed values.

    Examples
    --------
    >>> from steepest.plot._common import as_gradient
    >>> print(fix_variables(as_gradient("x y + z^2"), {"z": 1}).equation)
    f(x, y) = x·y + 1
    """
    if not fix:
        return g
    import sympy

    from steepest.calculus.gradients import Gradient
    from steepest.equation import Equation

    unknown = sorted(set(fix) - set(g.names))
    if unknown:
        raise PlotError(
            f"fix names variables that f does not have: {', '.join(unknown)}; "
            f"the variables are {', '.join(g.names)}"
        )
    eq = g.equation
    # exact numbers where the value is a short decimal: z = 2 gives 2·x·y, not 2.0·x·y
    values = {v: sympy.nsimplify(float(fix[v.name]), rational=True)
              for v in eq.variables if v.name in fix}
    kept = tuple(v for v in eq.variables if v.name not in fix)
    if not kept:
        raise PlotError("fix holds every variable; leave one or two free to draw")
    held = ", ".join(f"{v.name} = {x}" for v, x in values.items())
    text = f"{eq.text} with {held}" if eq.text else held
    return Gradient(Equation(eq.expr.subs(values), kept, text, eq.name))


def check_bounds(bounds: Any, n: int) -> Bounds:
    """Bounds as one ``(low, high)`` float pair per variable, validated."""
    from steepest.calculus.stationary import check_bounds

    return check_bounds(bounds, n)


def default_bounds(g: Any, points: Any = None) -> Bounds:
    """A square box around the given points and the stationary points of f.

    With nothing to centre on, the symmetric box ``[-3, 3]`` on every axis.
    """
    from steepest.calculus import stationary

    n = len(g.variables)
    known = [np.asarray(points, dtype=float).reshape(-1, n)] if points is not None else []
    found = stationary.stationary_points(g, [(-10.0, 10.0)] * n, seeds=8, timeout=0.5)
    if 0 < len(found) <= 9:
        known.append(np.array([p.point for p in found]))
    pts = np.concatenate(known) if known else np.empty((0, n))
    pts = pts[np.all(np.isfinite(pts) & (np.abs(pts) < 1e6), axis=-1)]
    if len(pts) == 0:
        return ((-3.0, 3.0),) * n
    lo, hi = pts.min(axis=0), pts.max(axis=0)
    centre = (lo + hi) / 2
    half = float(np.max(hi - lo)) / 2
    half = max(1.3 * half, half + 1.0, 2.0)
    return tuple((float(c - half), float(c + half)) for c in centre)


# Sizes a figure may ask for: beyond them a figure takes minutes or gigabytes.
MAX_DPI = 1200
MAX_PIXELS = 25_000_000  # of one picture (100 MB as RGBA)
MAX_GRID_POINTS = 4_000_000  # grid points over all axes (2000 × 2000)
MAX_LEVELS = 500  # contour levels
MAX_ARROWS = 100  # gradient arrows per axis


def check_count(value: Any, name: str, low: int, high: int, hint: str = "") -> int:
    """``value`` as a whole number in ``[low, high]``, or a one-line PlotError.

    Examples
    --------
    >>> check_count(15, "arrows", 1, 100)
    15
    >>> check_count(10**8, "levels", 2, 500)
    Traceback (most recent call last):
    ...
    steepest.errors.PlotError: levels must be a whole number from 2 to 500; got 100000000
    """
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be a whole number; got {type(value).__name__}")
    if not low <= value <= high:
        raise PlotError(f"{name} must be a whole number from {low} to {high:,}; "
                        f"got {value}" + (f"\nhint: {hint}" if hint else ""))
    return int(value)


def check_dpi(dpi: Any, size: tuple[float, float] | None = None) -> float:
    """A resolution in ``(0, MAX_DPI]`` that gives a picture of ``size`` inches at most
    :data:`MAX_PIXELS` pixels, or a one-line PlotError."""
    try:
        value = float(dpi)
    except (TypeError, ValueError):
        raise TypeError(f"dpi must be a number; got {type(dpi).__name__}") from None
    if not 0 < value <= MAX_DPI:
        raise PlotError(f"dpi must be above 0 and at most {MAX_DPI}; got {dpi}"
                            "\nhint: 100 is the default, 300 suits print")
    if size is not None:
        width, height = round(size[0] * value), round(size[1] * value)
        if width * height > MAX_PIXELS:
            raise PlotError(
                f"dpi {dpi} makes a picture of {width:,} × {height:,} = "
                f"{width * height / 1e6:.1f} million pixels; at most "
                f"{MAX_PIXELS / 1e6:g} million\nhint: 300 suits print"
            )
    return value


def grid(bounds: Bounds, num: int) -> list[np.ndarray]:
    """Coordinate arrays (``numpy.meshgrid``, 'xy' indexing) covering the box."""
    most = int(MAX_GRID_POINTS ** (1 / max(1, len(bounds))))
    check_count(num, "resolution", 2, most, "the default draws 200 points per axis")
    axes = [np.linspace(lo, hi, num) for lo, hi in bounds]
    return list(np.meshgrid(*axes))


def new_figure(width: float = 6.4, height: float = 5.2) -> Figure:
    """A figure that belongs to no pyplot window (no global state), laid out tightly."""
    return Figure(figsize=(width, height), layout="constrained")


def optimizer_color(name: str, taken: dict[str, str]) -> str:
    """The colour for an optimizer, stable across figures; ``taken`` records the choices."""
    if name not in taken:
        colour = _OPTIMIZER_COLORS.get(name.lower())
        if colour is None or colour in taken.values():
            spare = [c for c in _SPARE_COLORS if c not in taken.values()]
            colour = spare[0] if spare else _SPARE_COLORS[len(taken) % len(_SPARE_COLORS)]
        taken[name] = colour
    return taken[name]


def output_format(path: str | Path, formats: Mapping[str, str] = FORMATS) -> str:
    """The format a file name asks for, or a SteepestError naming the ones known."""
    suffix = Path(path).suffix.lower()
    if suffix not in formats:
        first, *others = formats
        also = f" (or {', '.join(others)})" if others else ""
        raise PlotError(
            f"cannot tell the format of {str(path)!r} from its extension "
            f"({suffix or 'none'}); expected one of {', '.join(formats)}\n"
            f"hint: name the file like {Path(path).stem or 'figure'}{first}{also}"
        )
    return formats[suffix]


def save_figure(fig: Figure, path: str | Path, *, dpi: float = 100) -> Path:
    """Write a figure as PNG, SVG or PDF, chosen by the file's extension.

    Parameters
    ----------
    fig
        The figure.
    path
        Where to write it: ``*.png``, ``*.svg`` or ``*.pdf``.
    dpi
        Pixels per inch for PNG, at most :data:`MAX_DPI`; the picture may have at most
        :data:`MAX_PIXELS` pixels.

    Returns
    -------
    pathlib.Path
        The file written.
    """
    from steepest._files import atomic_write

    path = Path(path)
    fmt = output_format(path)
    check_dpi(dpi, tuple(fig.get_size_inches()))
    metadata = {"Software": None} if fmt == "png" else None
    with atomic_write(path) as file:  # whole or not at all: an old file survives a Ctrl-C
        fig.savefig(file, format=fmt, dpi=dpi, metadata=metadata)
    return path


def title_of(g: Any) -> str:
    """The figure title: the equation as typed, set as maths (:mod:`steepest.equation.typed`)."""
    from steepest.equation.typed import typed_title

    return typed_title(g.equation)


def as_points(value: Any, n: int, name: str) -> np.ndarray:
    """Points given as one point ``(n,)`` or rows ``(m, n)``, as an ``(m, n)`` array."""
    if isinstance(value, str):
        raise TypeError(f"{name} must be a point or a list of points, not a str")
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a point or a list of points; got {value!r}") from None
    if array.ndim == 0 or array.shape[-1] != n or array.ndim > 2:
        raise PlotError(
            f"{name} must be points with {n} coordinates, shape ({n},) or (m, {n}); "
            f"got shape {array.shape}"
        )
    return array.reshape(-1, n)
