"""The request and response models shared by the explorer's areas, with their bounds.

The caps of every request live here, in one place: text of an equation, grid points per
side, optimizers per race, steps per run, starts, the box. Each is a bound of a pydantic
field, so it is in the OpenAPI schema, and a request past it is answered with a 422 whose
message names the field, the limit and the value (see :mod:`steepest.web.app`).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

__all__ = [
    "MAX_BASIN_SIDE",
    "MAX_BODY",
    "MAX_GRID",
    "MAX_OPTIMIZERS",
    "MAX_STARTS",
    "MAX_STEPS",
    "Box",
    "Error",
    "Finite",
    "Packed",
    "Point",
    "RunSettings",
]

MAX_BODY = 64 * 1024  #: bytes of a request body
MAX_TEXT = 2000  #: characters of an equation (the parser's own limit)
MAX_GRID = 400  #: grid points per side of the surface and the map
MAX_OPTIMIZERS = 8  #: runs in one race
MAX_STEPS = 10_000  #: steps of one run
MAX_STARTS = 16  #: starts placed on the map
MAX_BASIN_SIDE = 50  #: starts per side of the basins' grid (50 × 50 = 2,500)
MAX_COORDINATE = 1e6  #: the largest |coordinate| of a start or of the box

Finite = Annotated[float, Field(allow_inf_nan=False)]
Coordinate = Annotated[float, Field(allow_inf_nan=False, ge=-MAX_COORDINATE, le=MAX_COORDINATE)]
Fraction = Annotated[float, Field(allow_inf_nan=False, ge=0.0, lt=1.0)]
Point = Annotated[list[Coordinate], Field(min_length=1, max_length=2)]
#: float32 numbers, little-endian, base64 (see steepest.web._arrays)
Packed = Annotated[str, Field(description="float32 little-endian array, base64; NaN = none")]
Optimizer = Literal["gd", "momentum", "nesterov", "adagrad", "rmsprop", "adam"]


class Strict(BaseModel):
    """A request model: unknown fields are refused rather than ignored."""

    model_config = ConfigDict(extra="forbid")


class EquationText(Strict):
    """The equation, as typed (the safe parser reads it)."""

    equation: str = Field(min_length=1, max_length=MAX_TEXT, examples=["x^2 sin(y)"])


class Box(BaseModel):
    """One ``[low, high]`` range per variable."""

    model_config = ConfigDict(extra="forbid")

    bounds: list[Annotated[list[Coordinate], Field(min_length=2, max_length=2)]] = Field(
        default=[[-3.0, 3.0], [-3.0, 3.0]], min_length=1, max_length=2
    )

    @field_validator("bounds")
    @classmethod
    def _increasing(cls, bounds: list[list[float]]) -> list[list[float]]:
        for low, high in bounds:
            if not low < high:
                raise ValueError(f"each range must have low < high; got [{low:g}, {high:g}]")
        return bounds


class RunSettings(Strict):
    """One optimizer and its settings (only those of its kind are used)."""

    optimizer: Optimizer = "gd"
    learning_rate: Annotated[float, Field(allow_inf_nan=False, gt=0.0, le=1000.0)] = 0.1
    momentum: Fraction = 0.9
    rho: Fraction = 0.9
    beta1: Fraction = 0.9
    beta2: Fraction = 0.999
    line_search: bool = False

    def options(self) -> dict[str, float]:
        """The keyword options of :func:`steepest.minimize` for this optimizer."""
        known = {"momentum": ("momentum",), "nesterov": ("momentum",), "rmsprop": ("rho",),
                 "adam": ("beta1", "beta2")}.get(self.optimizer, ())  # fmt: skip
        return {name: getattr(self, name) for name in known}


class Error(BaseModel):
    """Why a request was not answered: the library's message, as the command line gives it."""

    error: str = Field(description="the message, with the caret line and hint when there is one")
    position: int | None = Field(default=None, description="where in the equation (0-based)")
    hint: str | None = None


ERRORS: dict[int | str, dict[str, object]] = {
    400: {"model": Error, "description": "the library refused the input (same words as the CLI)"},
    413: {"model": Error, "description": "the request body is too large"},
    422: {"model": Error, "description": "a field is missing, of the wrong type or past a cap"},
    503: {"model": Error, "description": "busy, or the computation passed its time limit"},
}
