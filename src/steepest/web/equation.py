"""The equation area: the reading of an equation, its gradient and derivations (panel 1),
and the surface, gradient field and stationary points over a box (panels 2 and 3).

``POST /api/equation`` and ``POST /api/surface``; both only call the library
(:func:`steepest.gradient`, :meth:`~steepest.Gradient.steps`,
:meth:`~steepest.Gradient.value_and_grad`, :func:`steepest.stationary_points`) and pack
what it returns.
"""

from __future__ import annotations

import functools
import threading
from collections import OrderedDict
from typing import Any

import numpy as np
from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from steepest.errors import ExploreError
from steepest.web._arrays import pack
from steepest.web._maths import mathml
from steepest.web._work import Deadline, task
from steepest.web.models import ERRORS, MAX_GRID, Box, EquationText, Packed

__all__ = ["router"]

router = APIRouter(prefix="/api", tags=["equation"], responses=ERRORS)

ARROWS = 15  #: gradient arrows per side of the map
STATIONARY_TIMEOUT = 0.5  #: seconds SymPy may take to solve ∇f = 0 before Newton's search


#: one gradient per function read (the most recently used last), so that texts that read
#: the same (``x^2 sin(y)``, ``x^2*sin(y) ``, ``f(x, y) = x^2 sin(y)``) share their compiled
#: code and the answers kept below
_FUNCTIONS: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
_FUNCTIONS_KEPT = 64
_LOCK = threading.Lock()


def gradient_of(text: str) -> Any:
    """The library's gradient of ``text``; the same object for every text that reads as the
    same function (not per user: the same function has the same gradient)."""
    g = _parsed(text)
    key = (g.equation.name, g.variables, g.equation.expr)
    with _LOCK:
        kept = _FUNCTIONS.setdefault(key, g)
        _FUNCTIONS.move_to_end(key)
        while len(_FUNCTIONS) > _FUNCTIONS_KEPT:
            _FUNCTIONS.popitem(last=False)
    return kept


@functools.lru_cache(maxsize=256)
def _parsed(text: str) -> Any:
    import steepest

    return steepest.gradient(text)


# ------------------------------------------------------------------------ panel 1


class Component(BaseModel):
    variable: str
    plain: str = Field(description="as the command line prints it")
    mathml: str


class DerivationLine(BaseModel):
    rule: str | None = Field(description="the rule that gives this line (None on the first)")
    mathml: str


class Derivation(BaseModel):
    variable: str
    heading: str
    lines: list[DerivationLine]


class EquationAnswer(BaseModel):
    equation: str = Field(description="the text as read")
    function: str = Field(description="the reading in plain text, as the command line prints it")
    mathml: str
    variables: list[str]
    gradient: list[Component]
    derivations: list[Derivation]


@router.post("/equation", response_model=EquationAnswer)
async def read_equation(body: EquationText, request: Request) -> EquationAnswer:
    """Read an equation: its reading, its gradient and how each partial derivative is found."""
    return await request.app.state.pool.compute("read", body)


@task("read", EquationText)
def read_task(body: EquationText, _: Deadline) -> EquationAnswer:
    """The reading, gradient and derivations of ``body.equation``."""
    return _read(body.equation)


def _read(text: str) -> EquationAnswer:
    """The answer for ``text``: the one kept for its function, with the text as typed."""
    g = gradient_of(text)
    return _reading(g).model_copy(update={"equation": _parsed(text).equation.text})


@functools.lru_cache(maxsize=64)
def _reading(g: Any) -> EquationAnswer:
    """The answer for the gradient ``g`` (kept: the same function, the same answer)."""
    import sympy

    from steepest.equation.printing import plain

    name = g.equation.name
    f = sympy.Function(name)(*g.variables)
    components = [
        Component(variable=v, plain=plain(c),
                  mathml=mathml(sympy.Eq(sympy.Derivative(f, s), c, evaluate=False)))
        for v, s, c in zip(g.names, g.variables, g.components, strict=True)
    ]  # fmt: skip
    derivations = []
    for d in g.steps():
        heading = d.text(name=name).split("\n", 1)[0].rstrip(":")
        lines = [DerivationLine(rule=None if step is None and i == 0 else
                                (step.explanation if step is not None else "simplify"),
                                mathml=_partial(mathml(expr), d.partial))
                 for i, (step, expr) in enumerate(d.lines())]  # fmt: skip
        derivations.append(Derivation(variable=str(d.variable), heading=heading, lines=lines))
    return EquationAnswer(
        equation=g.equation.text, function=str(g.equation),
        mathml=mathml(sympy.Eq(f, g.equation.expr, evaluate=False)),
        variables=list(g.names), gradient=components, derivations=derivations,
    )  # fmt: skip


def _partial(markup: str, partial: bool) -> str:
    """SymPy writes d/dx for an expression of one symbol; a partial derivation writes ∂."""
    return markup.replace("&dd;", "&#x2202;") if partial else markup


# --------------------------------------------------------------------- panels 2, 3


class SurfaceRequest(EquationText, Box):
    grid: int = Field(default=200, ge=2, le=MAX_GRID,
                      description="grid points per side")  # fmt: skip


class StationaryOut(BaseModel):
    point: list[float]
    value: float | None
    kind: str = Field(description="minimum, maximum, saddle or degenerate")


class Field2D(BaseModel):
    x: Packed
    y: Packed
    u: Packed = Field(description="∂f/∂x at (x, y)")
    v: Packed = Field(description="∂f/∂y at (x, y)")


class SurfaceAnswer(BaseModel):
    variables: list[str]
    bounds: list[list[float]]
    x: Packed = Field(description="grid coordinates along x")
    y: Packed = Field(description="grid coordinates along y")
    f: Packed = Field(description="f on the grid, row by row (rows along y)")
    fx: Packed
    fy: Packed
    arrows: Field2D
    stationary: list[StationaryOut]
    curves: list[Packed] = Field(description="stationary curves, as x, y pairs (NaN: a gap)")
    stationary_note: str


@router.post("/surface", response_model=SurfaceAnswer)
async def surface(body: SurfaceRequest, request: Request) -> SurfaceAnswer:
    """f and ∇f on a grid over the box, the gradient field for arrows, and the stationary
    points (classified) and curves inside the box. Two variables."""
    return await request.app.state.pool.compute("surface", body)


@task("surface", SurfaceRequest)
def surface_task(body: SurfaceRequest, _: Deadline) -> SurfaceAnswer:
    """f, ∇f, the arrows and the stationary points over the request's box."""
    bounds = tuple(tuple(pair) for pair in body.bounds)
    return _surface(gradient_of(body.equation), bounds, body.grid)


@functools.lru_cache(maxsize=16)  # about 650 kB each at 200 × 200
def _surface(g: Any, bounds: tuple[tuple[float, ...], ...], num: int) -> SurfaceAnswer:
    """The answer for this gradient, box and grid (kept: the same request, the same answer)."""
    import steepest

    if len(g.names) != 2:
        raise ExploreError(
            f"the surface and the map need an equation of two variables; this one has "
            f"{len(g.names)} ({', '.join(g.names)})"
            "\nhint: the gradient and its derivation are above; descend on the command line"
        )
    if len(bounds) != 2:
        raise ExploreError(f"bounds must give two ranges, one for each of "
                                     f"{', '.join(g.names)}; got {len(bounds)}")  # fmt: skip
    box = [(float(lo), float(hi)) for lo, hi in bounds]
    xs, ys = (np.linspace(lo, hi, num) for lo, hi in box)
    X, Y = np.meshgrid(xs, ys)
    with np.errstate(all="ignore"):
        values, grads = g.value_and_grad(np.stack([X, Y], axis=-1))
    cx, cy = ((lo + (hi - lo) * (np.arange(ARROWS) + 0.5) / ARROWS) for lo, hi in box)
    AX, AY = np.meshgrid(cx, cy)
    with np.errstate(all="ignore"):
        arrows = g.at(np.stack([AX, AY], axis=-1))
    found = steepest.stationary_points(g, box, timeout=STATIONARY_TIMEOUT)
    points = [StationaryOut(point=[float(c) for c in p.point],
                            value=float(p.value) if np.isfinite(p.value) else None, kind=p.kind)
              for p in found]  # fmt: skip
    curves = [pack(c.sample(box, 200)) for c in found.curves]
    return SurfaceAnswer(
        variables=list(g.names), bounds=[list(b) for b in box], x=pack(xs), y=pack(ys),
        f=pack(values), fx=pack(grads[..., 0]), fy=pack(grads[..., 1]),
        arrows=Field2D(x=pack(AX), y=pack(AY), u=pack(arrows[..., 0]), v=pack(arrows[..., 1])),
        stationary=points, curves=curves, stationary_note=found.note,
    )  # fmt: skip
