"""steepest: gradients and gradient descent that you can compute, see and trust.

The public API is re-exported here. Names are loaded on first use, so that
``import steepest`` stays cheap and a command only pays for what it needs
(``steepest grad`` never imports matplotlib; ``steepest train`` never imports SymPy).

Examples
--------
>>> import steepest
>>> g = steepest.gradient("x^2 sin(y)")
>>> print(g)
∇f(x, y) = (2·x·sin(y), x²·cos(y))
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from steepest._lazy import lazy_exports
from steepest.errors import (
    DataError,
    DescentError,
    EquationError,
    NetworkError,
    SteepestError,
)

__version__ = "0.1.0"

# public name -> module that defines it (imported lazily on first access)
_LAZY: dict[str, str] = {
    "Equation": "steepest.equation",
    "parse": "steepest.equation",
    "Gradient": "steepest.gradients",
    "gradient": "steepest.gradients",
    "numeric_gradient": "steepest.gradients",
    "minimize": "steepest.descent",
    "maximize": "steepest.descent",
    "Result": "steepest.descent",
    "Optimizer": "steepest.optim",
    "GradientDescent": "steepest.optim",
    "Momentum": "steepest.optim",
    "Nesterov": "steepest.optim",
    "AdaGrad": "steepest.optim",
    "RMSProp": "steepest.optim",
    "Adam": "steepest.optim",
    "make_optimizer": "steepest.optim",
    "load_mnist": "steepest.data",
    "load_mnist_sample": "steepest.data",
    "quadratic_cost": "steepest.cost",
    "cross_entropy": "steepest.cost",
    "Network": "steepest.nn",
    "train": "steepest.nn",
    "History": "steepest.nn",
    "stationary_points": "steepest.stationary",
    "explain_step": "steepest.step_detail",
    "StepDetail": "steepest.step_detail",
    "basins": "steepest.basins",
    "Basins": "steepest.basins",
    "check_gradient": "steepest.check",
    "check_gradient_function": "steepest.check",
    "check_cost": "steepest.check",
    "check_descent": "steepest.check",
}

__all__ = [
    "DataError",
    "DescentError",
    "EquationError",
    "NetworkError",
    "SteepestError",
    "__version__",
    *_LAZY,
]


__getattr__, __dir__ = lazy_exports(__name__, _LAZY, __all__, globals())


if TYPE_CHECKING:  # pragma: no cover - for type checkers and IDEs only
    from steepest.basins import Basins, basins
    from steepest.check import check_cost, check_descent, check_gradient, check_gradient_function
    from steepest.cost import cross_entropy, quadratic_cost
    from steepest.data import load_mnist, load_mnist_sample
    from steepest.descent import Result, maximize, minimize
    from steepest.equation import Equation, parse
    from steepest.gradients import Gradient, gradient, numeric_gradient
    from steepest.nn import History, Network, train
    from steepest.optim import (
        AdaGrad,
        Adam,
        GradientDescent,
        Momentum,
        Nesterov,
        Optimizer,
        RMSProp,
        make_optimizer,
    )
    from steepest.stationary import stationary_points
    from steepest.step_detail import StepDetail, explain_step
