"""The descent area: a race of optimizers from the starts placed on the map (panel 4), the
maths of one step (panel 5) and the basins of a grid of starts (panel 6).

``POST /api/descend``, ``POST /api/step`` and ``POST /api/basins``; they call
:func:`steepest.minimize` / :func:`steepest.maximize`, :func:`steepest.explain_step` and
:func:`steepest.basins` with a callback that stops a run at the time limit.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from steepest.errors import ExploreError
from steepest.web._arrays import pack
from steepest.web._work import Deadline, task
from steepest.web.equation import gradient_of
from steepest.web.models import (
    ERRORS,
    MAX_BASIN_SIDE,
    MAX_OPTIMIZERS,
    MAX_STARTS,
    MAX_STEPS,
    Box,
    EquationText,
    Finite,
    Packed,
    Point,
    RunSettings,
)

__all__ = ["router"]

router = APIRouter(prefix="/api", tags=["descent"], responses=ERRORS)

FEW_STARTS = 4  #: up to this many starts are descended one by one, more in one vectorised run

Tol = Field(default=1e-8, ge=0.0, le=1.0, allow_inf_nan=False,
            description="stop when |∇f| <= tol")  # fmt: skip


# -------------------------------------------------------------------------- panel 4


class DescendRequest(EquationText):
    starts: list[Point] = Field(min_length=1, max_length=MAX_STARTS)
    runs: list[RunSettings] = Field(min_length=1, max_length=MAX_OPTIMIZERS)
    maximize: bool = False
    max_iter: int = Field(default=1000, ge=0, le=MAX_STEPS)
    tol: float = Tol


class Path(BaseModel):
    status: str = Field(description="converged, stationary, max_iterations or diverged")
    message: str
    iterations: int
    path: Packed = Field(description="the points visited, x, y pairs, the start first")
    values: Packed = Field(description="f at each point of the path")


class RunOut(BaseModel):
    settings: RunSettings
    results: list[Path] = Field(description="one per start, in the order of the starts")


class DescendAnswer(BaseModel):
    runs: list[RunOut]


@router.post("/descend", response_model=DescendAnswer)
async def descend(body: DescendRequest, request: Request) -> DescendAnswer:
    """Each optimizer from every start (many starts of one optimizer in one vectorised run)."""
    return await request.app.state.pool.compute("descend", body)


@task("descend", DescendRequest)
def _descend(body: DescendRequest, deadline: Deadline) -> DescendAnswer:
    g = gradient_of(body.equation)
    starts = _starts(g, body.starts)
    runs = []
    for settings in body.runs:
        results = _run(g, starts, settings, body.maximize, body.max_iter, body.tol, deadline)
        runs.append(RunOut(settings=settings, results=[
            Path(status=r.status, message=r.message, iterations=r.iterations,
                 path=pack(r.path), values=pack(r.values))
            for r in (results if isinstance(results, list) else [results])]))  # fmt: skip
    return DescendAnswer(runs=runs)


def _starts(g: Any, starts: list[list[float]]) -> Any:
    import numpy as np


    n = len(g.names)
    for start in starts:
        if len(start) != n:
            raise ExploreError(
                f"the start {start} is not a point of f({', '.join(g.names)}): give {n} "
                f"number{'s' * (n != 1)}, in that order"
            )
    return np.array(starts, dtype=float)


def _run(g: Any, starts: Any, s: RunSettings, maximize: bool, max_iter: int, tol: float,
         deadline: Deadline) -> Any:  # fmt: skip
    import steepest

    way = steepest.maximize if maximize else steepest.minimize
    options = dict(optimizer=s.optimizer, learning_rate=s.learning_rate, max_iter=max_iter,
                   tol=tol, line_search=s.line_search, callback=deadline.callback,
                   **s.options())  # fmt: skip
    if len(starts) <= FEW_STARTS:  # one by one: the loop for one start is 4 times cheaper a step
        return [way(g, start, **options) for start in starts]
    return way(g, starts, **options)


# -------------------------------------------------------------------------- panel 5


class StepRequest(EquationText):
    start: Point
    run: RunSettings = RunSettings()
    maximize: bool = False
    k: int = Field(ge=0, lt=MAX_STEPS, description="the step, from 0")
    tol: float = Tol


class StepAnswer(BaseModel):
    k: int
    optimizer: str
    names: list[str]
    learning_rate: float = Field(description="the step size this step used")
    hyperparameters: dict[str, float]
    point: list[Finite]
    value: float | None
    gradient: list[float | None]
    state_before: dict[str, list[float | None]]
    state_after: dict[str, list[float | None]]
    proposed: list[float | None]
    alpha: float | None
    new_point: list[float | None]
    new_value: float | None
    formula: list[str]
    lines: list[str] = Field(description="the formulas with the step's numbers")


@router.post("/step", response_model=StepAnswer)
async def step(body: StepRequest, request: Request) -> StepAnswer:
    """The maths of step ``k``: the point, the gradient, the optimizer's state, the update."""
    return await request.app.state.pool.compute("step", body)


@task("step", StepRequest)
def _step(body: StepRequest, deadline: Deadline) -> StepAnswer:
    import steepest

    g = gradient_of(body.equation)
    start = _starts(g, [body.start])[0]
    s = body.run
    deadline.callback()
    d = steepest.explain_step(g, start, body.k, optimizer=s.optimizer,
                              learning_rate=s.learning_rate, maximize=body.maximize,
                              line_search=s.line_search, tol=body.tol,
                              **s.options())  # fmt: skip
    return StepAnswer(
        k=d.k, optimizer=d.optimizer, names=list(d.names), learning_rate=d.learning_rate,
        hyperparameters={k: float(v) for k, v in d.hyperparameters.items()},
        point=_list(d.point), value=_number(d.value), gradient=_list(d.gradient),
        state_before={k: _list(v) for k, v in d.state_before.items()},
        state_after={k: _list(v) for k, v in d.state_after.items()},
        proposed=_list(d.proposed), alpha=d.alpha, new_point=_list(d.new_point),
        new_value=_number(d.new_value), formula=list(d.formula), lines=d.lines(),
    )  # fmt: skip


def _number(value: float) -> float | None:
    import math

    return float(value) if math.isfinite(value) else None


def _list(values: Any) -> list[float | None]:
    return [_number(float(v)) for v in values]


# -------------------------------------------------------------------------- panel 6


class BasinsRequest(EquationText, Box):
    num: int = Field(default=40, ge=2, le=MAX_BASIN_SIDE,
                     description="starts per side (at most 50 × 50 = 2,500)")  # fmt: skip
    run: RunSettings = RunSettings()
    maximize: bool = False
    max_iter: int = Field(default=1000, ge=0, le=MAX_STEPS)
    tol: float = Field(default=1e-6, ge=0.0, le=1.0, allow_inf_nan=False)


class End(BaseModel):
    point: list[float]
    value: float | None


class BasinsAnswer(BaseModel):
    x: Packed
    y: Packed
    labels: Packed = Field(description="per start, rows along y: the index of its end, "
                                       "-1 diverged, -2 not finished")  # fmt: skip
    ends: list[End] = Field(description="the points the runs converged to, best first")
    counts: dict[str, int] = Field(description="runs by status")


@router.post("/basins", response_model=BasinsAnswer)
async def basins(body: BasinsRequest, request: Request) -> BasinsAnswer:
    """Descend from every start of a grid over the box in one run; label each by its end."""
    return await request.app.state.pool.compute("basins", body)


@task("basins", BasinsRequest)
def _basins(body: BasinsRequest, deadline: Deadline) -> BasinsAnswer:
    import steepest

    g = gradient_of(body.equation)
    if len(g.names) != len(body.bounds):
        raise ExploreError(
            f"bounds must give one range for each variable ({', '.join(g.names)}); got "
            f"{len(body.bounds)}"
        )
    s = body.run
    b = steepest.basins(g, [tuple(r) for r in body.bounds], body.num, optimizer=s.optimizer,
                        learning_rate=s.learning_rate, maximize=body.maximize,
                        max_iter=body.max_iter, tol=body.tol, line_search=s.line_search,
                        callback=deadline.callback, **s.options())  # fmt: skip
    return BasinsAnswer(
        x=pack(b.x), y=pack(b.y), labels=pack(b.labels),
        ends=[End(point=[float(c) for c in p], value=_number(v))
              for p, v in zip(b.ends, b.values, strict=True)],
        counts=b.counts,
    )  # fmt: skip
