"""The calculus of an equation: its gradient, evaluated fast, derived step by step.

:mod:`~steepest.calculus.gradients` holds :class:`Gradient` and :func:`gradient` (and
:func:`numeric_gradient` for Python functions); :mod:`~steepest.calculus.compiled`
compiles expressions for points and grids; :mod:`~steepest.calculus.pointwise` explains
the gradient at one point (:class:`GradientAt`); :mod:`~steepest.calculus.derivations`
and :mod:`~steepest.calculus.rules` derive each partial derivative rule by rule;
:mod:`~steepest.calculus.stationary` (with :mod:`~steepest.calculus.stationary_search`)
finds and classifies the points where the gradient vanishes. Reading text is left to
:mod:`steepest.equation`, descending to :mod:`steepest.descent`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from steepest._lazy import lazy_exports

_LAZY: dict[str, str] = {
    "Gradient": "steepest.calculus.gradients",
    "GradientAt": "steepest.calculus.gradients",
    "gradient": "steepest.calculus.gradients",
    "numeric_gradient": "steepest.calculus.gradients",
    "Derivation": "steepest.calculus.derivations",
    "Step": "steepest.calculus.derivations",
    "derive": "steepest.calculus.derivations",
    "derive_all": "steepest.calculus.derivations",
    "Stationary": "steepest.calculus.stationary",
    "StationaryCurve": "steepest.calculus.stationary",
    "StationaryPoint": "steepest.calculus.stationary",
    "classify": "steepest.calculus.stationary",
    "stationary_points": "steepest.calculus.stationary",
}

__all__ = [
    "Derivation",
    "Gradient",
    "GradientAt",
    "Stationary",
    "StationaryCurve",
    "StationaryPoint",
    "Step",
    "classify",
    "derive",
    "derive_all",
    "gradient",
    "numeric_gradient",
    "stationary_points",
]

__getattr__, __dir__ = lazy_exports(__name__, _LAZY, __all__, globals())

if TYPE_CHECKING:  # pragma: no cover - for type checkers and IDEs only
    from steepest.calculus.derivations import Derivation, Step, derive, derive_all
    from steepest.calculus.gradients import Gradient, GradientAt, gradient, numeric_gradient
    from steepest.calculus.stationary import (
        Stationary,
        StationaryCurve,
        StationaryPoint,
        classify,
        stationary_points,
    )
