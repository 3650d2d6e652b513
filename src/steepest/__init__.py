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

import sys
from typing import TYPE_CHECKING

from steepest._lazy import ModuleAliases, lazy_exports
from steepest.errors import (
    CheckError,
    CostError,
    DataError,
    DescentError,
    EquationError,
    ExploreError,
    GradientError,
    NetworkError,
    OptimizerError,
    OutputError,
    PlotError,
    SteepestError,
)

__version__ = "0.1.0"

# public name -> module that defines it (imported lazily on first access)
_LAZY: dict[str, str] = {
    "Equation": "steepest.equation.equation",
    "parse": "steepest.equation.equation",
    "Gradient": "steepest.calculus.gradients",
    "GradientAt": "steepest.calculus.gradients",
    "Derivation": "steepest.calculus.derivations",
    "Stationary": "steepest.calculus.stationary",
    "StationaryPoint": "steepest.calculus.stationary",
    "gradient": "steepest.calculus.gradients",
    "numeric_gradient": "steepest.calculus.gradients",
    "minimize": "steepest.descent.run",
    "maximize": "steepest.descent.run",
    "Result": "steepest.descent.result",
    "Optimizer": "steepest.descent.protocol",
    "GradientDescent": "steepest.descent.optimizers",
    "Momentum": "steepest.descent.optimizers",
    "Nesterov": "steepest.descent.optimizers",
    "AdaGrad": "steepest.descent.optimizers",
    "RMSProp": "steepest.descent.optimizers",
    "Adam": "steepest.descent.optimizers",
    "make_optimizer": "steepest.descent.optimizers",
    "load_mnist": "steepest.data",
    "load_mnist_sample": "steepest.data",
    "quadratic_cost": "steepest.cost",
    "cross_entropy": "steepest.cost",
    "Network": "steepest.nn",
    "train": "steepest.nn",
    "History": "steepest.nn",
    "Evaluation": "steepest.nn",
    "stationary_points": "steepest.calculus.stationary",
    "explain_step": "steepest.descent.step_detail",
    "StepDetail": "steepest.descent.step_detail",
    "basins": "steepest.descent.attraction",
    "Basins": "steepest.descent.attraction",
    "check_gradient": "steepest.check",
    "check_gradient_function": "steepest.check",
    "check_cost": "steepest.check",
    "check_descent": "steepest.check",
}

# modules that moved into folders -> where they are now; the old paths keep working
_MOVED: dict[str, str] = {
    "steepest.optim": "steepest.descent.optimizers",
    "steepest.schedules": "steepest.descent.schedules",
    "steepest.testfunctions": "steepest.descent.testfunctions",
    "steepest.gradients": "steepest.calculus.gradients",
    "steepest.steps": "steepest.calculus.derivations",
    "steepest.stationary": "steepest.calculus.stationary",
    "steepest.digits": "steepest.nn.evaluation",
    "steepest.exercises": "steepest.check.exercises",
    "steepest.tour": "steepest.report.tour",
}

# written out, not computed from _LAZY: mypy and pyright read only a literal list (with a
# computed one, `mypy --strict` finds nothing exported); a test checks the two agree
__all__ = [
    "AdaGrad",
    "Adam",
    "Basins",
    "CheckError",
    "CostError",
    "DataError",
    "Derivation",
    "DescentError",
    "Equation",
    "EquationError",
    "Evaluation",
    "ExploreError",
    "Gradient",
    "GradientAt",
    "GradientDescent",
    "GradientError",
    "History",
    "Momentum",
    "Nesterov",
    "Network",
    "NetworkError",
    "Optimizer",
    "OptimizerError",
    "OutputError",
    "PlotError",
    "RMSProp",
    "Result",
    "Stationary",
    "StationaryPoint",
    "SteepestError",
    "StepDetail",
    "__version__",
    "basins",
    "check_cost",
    "check_descent",
    "check_gradient",
    "check_gradient_function",
    "cross_entropy",
    "explain_step",
    "gradient",
    "load_mnist",
    "load_mnist_sample",
    "make_optimizer",
    "maximize",
    "minimize",
    "numeric_gradient",
    "parse",
    "quadratic_cost",
    "stationary_points",
    "train",
]


__getattr__, __dir__ = lazy_exports(__name__, _LAZY, __all__, globals())

if not any(isinstance(finder, ModuleAliases) for finder in sys.meta_path):
    sys.meta_path.append(ModuleAliases(_MOVED))


if TYPE_CHECKING:  # pragma: no cover - for type checkers and IDEs only
    from steepest.calculus.derivations import Derivation
    from steepest.calculus.gradients import Gradient, GradientAt, gradient, numeric_gradient
    from steepest.calculus.stationary import Stationary, StationaryPoint, stationary_points
    from steepest.check import check_cost, check_descent, check_gradient, check_gradient_function
    from steepest.cost import cross_entropy, quadratic_cost
    from steepest.data import load_mnist, load_mnist_sample
    from steepest.descent.attraction import Basins, basins
    from steepest.descent.optimizers import (
        AdaGrad,
        Adam,
        GradientDescent,
        Momentum,
        Nesterov,
        RMSProp,
        make_optimizer,
    )
    from steepest.descent.protocol import Optimizer
    from steepest.descent.result import Result
    from steepest.descent.run import maximize, minimize
    from steepest.descent.step_detail import StepDetail, explain_step
    from steepest.equation.equation import Equation, parse
    from steepest.nn import Evaluation, History, Network, train
