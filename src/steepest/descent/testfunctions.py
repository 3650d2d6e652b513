"""The classic test surfaces of optimization, as equation text with their known minima.

Each :class:`Surface` gives the equation as text (what a learner would type), its global
minima (points and value), a standard start, and a square of the plane that shows it
well, so that tests, plots and the tour all draw on the same table. The minima are from
the literature (Rosenbrock 1960; Himmelblau 1972; the Surjanovic & Bingham library of test
functions) and checked in ``tests/descent/test_run.py`` against the gradient, which must
vanish there.

This module holds data only: it descends nothing and plots nothing.

Examples
--------
>>> s = SURFACES["rosenbrock"]
>>> s.text, s.minima, s.start
('(1 - x)^2 + 100(y - x^2)^2', ((1.0, 1.0),), (-1.2, 1.0))
>>> surface("Booth").minima
((1.0, 3.0),)
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from steepest.equation import Equation

__all__ = ["SURFACES", "Surface", "surface"]


@dataclass(frozen=True)
class Surface:
    """A test surface: equation text, known minima, a standard start and a plotting box.

    Attributes
    ----------
    name : str
        Its usual name.
    text : str
        The equation, as text :func:`steepest.parse` reads (variables ``x``, ``y``).
    minima : tuple of tuple of float
        The global minima (all of them, where there are several).
    min_value : float
        f at the global minima.
    start : tuple of float
        A standard starting point.
    box : tuple of float
        ``(xmin, xmax, ymin, ymax)``, a region that shows the surface's shape.
    about : str
        One sentence on what makes it interesting.
    """

    name: str
    text: str
    minima: tuple[tuple[float, ...], ...]
    min_value: float
    start: tuple[float, ...]
    box: tuple[float, float, float, float]
    about: str

    @property
    def equation(self) -> Equation:
        """The parsed equation."""
        from steepest.equation import parse

        return parse(self.text)


SURFACES: dict[str, Surface] = {
    s.name.lower(): s
    for s in (
        Surface(
            "bowl", "x^2 + y^2", ((0.0, 0.0),), 0.0, (2.0, 1.0), (-2.5, 2.5, -2.5, 2.5),
            "A round bowl: the gradient points straight at the minimum.",
        ),
        Surface(
            "ellipse", "x^2 + 3y^2", ((0.0, 0.0),), 0.0, (2.0, 1.0), (-2.5, 2.5, -1.5, 1.5),
            "A stretched bowl: plain descent zig-zags across the narrow direction.",
        ),
        Surface(
            "narrow", "x^2 + 25y^2", ((0.0, 0.0),), 0.0, (2.0, 0.5), (-2.5, 2.5, -1.0, 1.0),
            "A badly conditioned bowl (curvatures 2 and 50), where momentum helps.",
        ),
        Surface(
            "tilted", "x^2 + x*y + y^2 - 3x", ((2.0, -1.0),), -3.0, (-1.0, 2.0),
            (-1.5, 4.0, -3.0, 2.5),
            "A rotated, shifted bowl: its axes are not the coordinate axes.",
        ),
        Surface(
            "rosenbrock", "(1 - x)^2 + 100(y - x^2)^2", ((1.0, 1.0),), 0.0, (-1.2, 1.0),
            (-2.0, 2.0, -1.0, 3.0),
            "A curved, flat-bottomed valley: easy to find, slow to follow to (1, 1).",
        ),
        Surface(
            "himmelblau", "(x^2 + y - 11)^2 + (x + y^2 - 7)^2",
            ((3.0, 2.0), (-2.805118, 3.131312), (-3.779310, -3.283186), (3.584428, -1.848126)),
            0.0, (0.0, 0.0), (-5.0, 5.0, -5.0, 5.0),
            "Four minima of equal depth: which one a descent finds depends on the start.",
        ),
        Surface(
            "booth", "(x + 2y - 7)^2 + (2x + y - 5)^2", ((1.0, 3.0),), 0.0, (0.0, 0.0),
            (-10.0, 10.0, -10.0, 10.0),
            "A quadratic bowl with tilted axes and its minimum at (1, 3).",
        ),
        Surface(
            "beale", "(1.5 - x + x*y)^2 + (2.25 - x + x*y^2)^2 + (2.625 - x + x*y^3)^2",
            ((3.0, 0.5),), 0.0, (1.0, 1.0), (-4.5, 4.5, -4.5, 4.5),
            "Sharp ridges and flat plateaus; steps must be small near the corners.",
        ),
        Surface(
            "matyas", "0.26(x^2 + y^2) - 0.48x*y", ((0.0, 0.0),), 0.0, (1.0, 0.5),
            (-10.0, 10.0, -10.0, 10.0),
            "A very flat valley along y = x (curvatures 0.04 and 1): progress is slow.",
        ),
    )
}  # fmt: skip


def surface(name: str) -> Surface:
    """The surface called ``name`` (any case), with a hint for a near miss."""
    if not isinstance(name, str):
        raise TypeError(f"a surface name must be a str, got {type(name).__name__}")
    found = SURFACES.get(name.strip().lower())
    if found is None:
        from steepest.errors import DescentError

        close = difflib.get_close_matches(name.lower(), SURFACES, n=1)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        raise DescentError(
            f"no test surface called {name!r}; the known ones are "
            f"{', '.join(SURFACES)}.{hint}"
        )
    return found
