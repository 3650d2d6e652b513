"""Gradient descent, written once for both worlds: an equation's point and a network's weights.

:mod:`~steepest.descent.optimizers` holds the optimizers (six classes following one
protocol, :mod:`~steepest.descent.protocol`) and
:mod:`~steepest.descent.schedules` their step-size schedules; :mod:`~steepest.descent.run`
holds :func:`minimize` and :func:`maximize` (their :class:`Result` is in
:mod:`~steepest.descent.result`), which drive
:mod:`~steepest.descent.loops` (the loops and their stopping rules) on an
:mod:`~steepest.descent.objective` (``f`` made into values and gradients);
:mod:`~steepest.descent.testfunctions` keeps the classic test surfaces;
:mod:`~steepest.descent.step_detail` writes out one step with the optimizer's state, and
:mod:`~steepest.descent.attraction` descends from a grid of starts to map the basins. Pictures of a
result are :mod:`steepest.plot`'s business; networks are trained in :mod:`steepest.nn`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from steepest._lazy import lazy_exports

_LAZY: dict[str, str] = {
    "EQUATION_LEARNING_RATE": "steepest.descent.run",
    "MAX_ITER_LIMIT": "steepest.descent.run",
    "STATUSES": "steepest.descent.result",
    "Result": "steepest.descent.result",
    "maximize": "steepest.descent.run",
    "minimize": "steepest.descent.run",
    "AdaGrad": "steepest.descent.optimizers",
    "Adam": "steepest.descent.optimizers",
    "GradientDescent": "steepest.descent.optimizers",
    "Momentum": "steepest.descent.optimizers",
    "Nesterov": "steepest.descent.optimizers",
    "OPTIMIZERS": "steepest.descent.optimizers",
    "Optimizer": "steepest.descent.protocol",
    "RMSProp": "steepest.descent.optimizers",
    "make_optimizer": "steepest.descent.optimizers",
    "SCHEDULES": "steepest.descent.schedules",
    "cosine_decay": "steepest.descent.schedules",
    "decay_to": "steepest.descent.schedules",
    "exponential_decay": "steepest.descent.schedules",
    "inverse_sqrt": "steepest.descent.schedules",
    "inverse_time": "steepest.descent.schedules",
    "Basins": "steepest.descent.attraction",
    "basins": "steepest.descent.attraction",
    "StepDetail": "steepest.descent.step_detail",
    "explain_step": "steepest.descent.step_detail",
    "SURFACES": "steepest.descent.testfunctions",
    "Surface": "steepest.descent.testfunctions",
    "surface": "steepest.descent.testfunctions",
}

__all__ = [
    "EQUATION_LEARNING_RATE",
    "MAX_ITER_LIMIT",
    "OPTIMIZERS",
    "SCHEDULES",
    "STATUSES",
    "SURFACES",
    "AdaGrad",
    "Adam",
    "Basins",
    "GradientDescent",
    "Momentum",
    "Nesterov",
    "Optimizer",
    "RMSProp",
    "Result",
    "StepDetail",
    "Surface",
    "basins",
    "cosine_decay",
    "decay_to",
    "explain_step",
    "exponential_decay",
    "inverse_sqrt",
    "inverse_time",
    "make_optimizer",
    "maximize",
    "minimize",
    "surface",
]

__getattr__, __dir__ = lazy_exports(__name__, _LAZY, __all__, globals())

if TYPE_CHECKING:  # pragma: no cover - for type checkers and IDEs only
    from steepest.descent.attraction import Basins, basins
    from steepest.descent.optimizers import (
        OPTIMIZERS,
        AdaGrad,
        Adam,
        GradientDescent,
        Momentum,
        Nesterov,
        RMSProp,
        make_optimizer,
    )
    from steepest.descent.protocol import Optimizer
    from steepest.descent.result import STATUSES, Result
    from steepest.descent.run import EQUATION_LEARNING_RATE, MAX_ITER_LIMIT, maximize, minimize
    from steepest.descent.schedules import (
        SCHEDULES,
        cosine_decay,
        decay_to,
        exponential_decay,
        inverse_sqrt,
        inverse_time,
    )
    from steepest.descent.step_detail import StepDetail, explain_step
    from steepest.descent.testfunctions import SURFACES, Surface, surface
