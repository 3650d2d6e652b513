"""The optimizers: one small protocol, written once against lists of NumPy arrays.

Every optimizer is an object with ``step(params, grads) -> params``, which updates each
``params[i]`` **in place** from ``grads[i]``, and ``reset()``, which forgets what it has
learned along the way; each class owns its default learning rate
(``default_learning_rate``). The same objects drive a descent on a two-variable equation
(:mod:`steepest.descent`, one array of shape ``(n,)`` or ``(m, n)``) and the training of
a neural network (a list of weight matrices and bias vectors).

State lives per parameter array in ``optimizer.state`` (a list with one dict of arrays per
parameter), created on the first ``step`` with the shapes and dtypes of the parameters, so
a float32 network stays float32. Each step works with in-place ufuncs (``out=``) and one
scratch array per parameter, so it allocates nothing after the first call. A run
(:func:`~steepest.minimize`, :func:`~steepest.train`) given an optimizer object steps a
:meth:`~Optimizer.fresh` copy with its own state: the object is never changed, and two
runs given it start alike.

Every optimizer *minimizes*. Gradient ascent is descent on ``-f``; it is the caller's
business (:func:`steepest.descent.maximize`), never a second code path here. Line search
and stopping rules also live in :mod:`steepest.descent`: an optimizer only steps.
Step-size schedules (``schedule=``) are in :mod:`steepest.descent.schedules`.

Each optimizer takes the steps of its ``torch.optim`` counterpart given the same
hyperparameters (``tests/nn/test_torch_parity.py`` checks 200 of them, float64, to 1e-10):
``GradientDescent`` is ``SGD``, ``Momentum`` is ``SGD(momentum=μ)``, ``Nesterov`` is
``SGD(momentum=μ, nesterov=True)``, ``AdaGrad`` is ``Adagrad``, ``RMSProp`` is
``RMSprop(alpha=ρ)`` and ``Adam`` is ``Adam(betas=(β₁, β₂))``; some defaults differ.

Examples
--------
>>> import numpy as np
>>> w = np.array([1.0, -2.0])
>>> opt = Momentum(learning_rate=0.1, momentum=0.9)
>>> opt.step([w], [2 * w])  # gradient of |w|^2
[array([ 0.8, -1.6])]
>>> opt.state[0]["velocity"]
array([ 2., -4.])
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from steepest._validate import check_fraction, check_positive
from steepest.descent.protocol import Optimizer
from steepest.descent.schedules import (
    SCHEDULES,
    Schedule,
    cosine_decay,
    exponential_decay,
    inverse_sqrt,
    inverse_time,
)
from steepest.errors import OptimizerError

_multiply, _subtract = np.multiply, np.subtract  # looked up once, for the hot paths

__all__ = [
    "SCHEDULES",
    "AdaGrad",
    "Adam",
    "GradientDescent",
    "Momentum",
    "Nesterov",
    "Optimizer",
    "RMSProp",
    "cosine_decay",
    "exponential_decay",
    "inverse_sqrt",
    "inverse_time",
    "make_optimizer",
]

# -------------------------------------------------------------------------- optimizers


class GradientDescent(Optimizer):
    """Plain gradient descent with a fixed step: ``p ← p − η·g``.

    Examples
    --------
    >>> import numpy as np
    >>> p = np.array([1.0, 2.0], dtype=np.float32)
    >>> GradientDescent(0.5).step([p], [np.array([1.0, 1.0], dtype=np.float32)])
    [array([0.5, 1.5], dtype=float32)]
    """

    name = "gd"
    default_learning_rate = 0.1

    def step(self, params: list[np.ndarray], grads: Sequence[np.ndarray]) -> list[np.ndarray]:
        # The same as Optimizer.step with _update inlined: plain descent is the hot path
        # of equation descents and network training, and this saves about 1 µs a call;
        # η as a 0-d array (not a Python float) saves about 0.3 µs more, and the case of
        # one array (a network's flat parameters, an equation's point) without a loop
        # about 0.5 µs more.
        scratch, n = self._scratch, len(params)
        if len(scratch) != n or len(grads) != n:
            self._start(params, grads)
            scratch = self._scratch
        lr = self._learning_rate
        if self.schedule is not None:
            lr *= self.schedule(self.t)
        self.t += 1
        if n == 1:
            p, buf, rate = params[0], scratch[0], self._rates[0]
            rate[()] = lr  # η as a 0-d array of p's dtype: NumPy combines it faster
            _multiply(grads[0], rate, buf)
            _subtract(p, buf, p)
            return params
        # the lengths were checked above; zip(strict=True) would cost 0.3 µs more
        for p, g, buf, rate in zip(params, grads, scratch, self._rates):  # noqa: B905
            rate[()] = lr
            _multiply(g, rate, buf)
            _subtract(p, buf, p)
        return params

    def _update(self, p, g, s, buf, lr):
        np.multiply(g, lr, out=buf)
        np.subtract(p, buf, out=p)


class Momentum(Optimizer):
    """Heavy-ball momentum in PyTorch's form: ``v ← μ·v + g``, ``p ← p − η·v``.

    The velocity ``v`` accumulates raw gradients (Sutskever et al. write ``v ← μ·v + η·g``
    instead; with a constant η the two give the same path). ``momentum`` μ is in [0, 1).

    Examples
    --------
    >>> import numpy as np
    >>> p = np.array([1.0])
    >>> opt = Momentum(0.1, momentum=0.5)
    >>> for _ in range(2):
    ...     _ = opt.step([p], [np.array([1.0])])
    >>> p, opt.state[0]["velocity"]  # v: 1, then 1.5; p: 1 - 0.1 - 0.15
    (array([0.75]), array([1.5]))
    """

    name = "momentum"
    slots = ("velocity",)

    def __init__(
        self,
        learning_rate: float | None = None,
        *,
        momentum: float = 0.9,
        schedule: str | Schedule | None = None,
    ) -> None:
        super().__init__(learning_rate, schedule=schedule)
        self.momentum = check_fraction(type(self).__name__, "momentum", momentum)

    def hyperparameters(self) -> dict[str, Any]:
        return {**super().hyperparameters(), "momentum": self.momentum}

    def _update(self, p, g, s, buf, lr):
        v = s["velocity"]
        v *= self.momentum
        v += g
        np.multiply(v, lr, out=buf)
        np.subtract(p, buf, out=p)


class Nesterov(Momentum):
    """Nesterov momentum in the form that needs only the gradient at ``p`` (PyTorch's).

    ``v ← μ·v + g``, then ``p ← p − η·(g + μ·v)``: the step looks ahead along the new
    velocity, so no gradient at a shifted point is required and ``step(params, grads)``
    suffices.
    """

    name = "nesterov"

    def _update(self, p, g, s, buf, lr):
        v = s["velocity"]
        mu = self.momentum
        v *= mu
        v += g
        np.multiply(v, mu, out=buf)
        buf += g
        buf *= lr
        np.subtract(p, buf, out=p)


class AdaGrad(Optimizer):
    """AdaGrad: ``s ← s + g²``, ``p ← p − η·g / (√s + ε)`` (ε outside the root).

    Each coordinate's step shrinks with the sum of its squared gradients so far.
    """

    name = "adagrad"
    slots = ("sum_squares",)

    def __init__(
        self,
        learning_rate: float | None = None,
        *,
        eps: float = 1e-8,
        schedule: str | Schedule | None = None,
    ) -> None:
        super().__init__(learning_rate, schedule=schedule)
        self.eps = check_positive(type(self).__name__, "eps", eps)

    def hyperparameters(self) -> dict[str, Any]:
        return {**super().hyperparameters(), "eps": self.eps}

    def _update(self, p, g, s, buf, lr):
        acc = s["sum_squares"]
        np.multiply(g, g, out=buf)
        acc += buf
        np.sqrt(acc, out=buf)
        buf += self.eps
        np.divide(g, buf, out=buf)
        buf *= lr
        np.subtract(p, buf, out=p)


class RMSProp(Optimizer):
    """RMSProp: ``s ← ρ·s + (1 − ρ)·g²``, ``p ← p − η·g / (√s + ε)`` (ε outside the root).

    Like AdaGrad, but with a running average of squared gradients that forgets the past.
    ``rho`` ρ is in [0, 1) (default 0.9, Hinton's lecture value).
    """

    name = "rmsprop"
    slots = ("mean_square",)
    default_learning_rate = 0.001

    def __init__(
        self,
        learning_rate: float | None = None,
        *,
        rho: float = 0.9,
        eps: float = 1e-8,
        schedule: str | Schedule | None = None,
    ) -> None:
        super().__init__(learning_rate, schedule=schedule)
        owner = type(self).__name__
        self.rho = check_fraction(owner, "rho", rho)
        self.eps = check_positive(owner, "eps", eps)

    def hyperparameters(self) -> dict[str, Any]:
        return {**super().hyperparameters(), "rho": self.rho, "eps": self.eps}

    def _update(self, p, g, s, buf, lr):
        ms = s["mean_square"]
        ms *= self.rho
        np.multiply(g, g, out=buf)
        buf *= 1.0 - self.rho
        ms += buf
        np.sqrt(ms, out=buf)
        buf += self.eps
        np.divide(g, buf, out=buf)
        buf *= lr
        np.subtract(p, buf, out=p)


class Adam(Optimizer):
    """Adam (Kingma & Ba) with bias correction; ε added to √v̂, as in the paper.

    With ``t`` counting steps from 1::

        m ← β₁·m + (1 − β₁)·g          v ← β₂·v + (1 − β₂)·g²
        m̂ = m / (1 − β₁ᵗ)              v̂ = v / (1 − β₂ᵗ)
        p ← p − η·m̂ / (√v̂ + ε)

    Examples
    --------
    >>> import numpy as np
    >>> p = np.array([1.0, -1.0])
    >>> Adam(0.1).step([p], [np.array([4.0, -0.5])])  # first step: η·sign(g)
    [array([ 0.9, -0.9])]
    """

    name = "adam"
    slots = ("m", "v")
    default_learning_rate = 0.001

    def __init__(
        self,
        learning_rate: float | None = None,
        *,
        beta1: float = 0.9,
        beta2: float = 0.999,
        eps: float = 1e-8,
        schedule: str | Schedule | None = None,
    ) -> None:
        super().__init__(learning_rate, schedule=schedule)
        owner = type(self).__name__
        self.beta1 = check_fraction(owner, "beta1", beta1)
        self.beta2 = check_fraction(owner, "beta2", beta2)
        self.eps = check_positive(owner, "eps", eps)

    def hyperparameters(self) -> dict[str, Any]:
        return {
            **super().hyperparameters(),
            "beta1": self.beta1,
            "beta2": self.beta2,
            "eps": self.eps,
        }

    def _update(self, p, g, s, buf, lr):
        b1, b2, t = self.beta1, self.beta2, self.t
        m, v = s["m"], s["v"]
        m *= b1
        np.multiply(g, 1.0 - b1, out=buf)
        m += buf
        v *= b2
        np.multiply(g, g, out=buf)
        buf *= 1.0 - b2
        v += buf
        # √v̂ + ε = √v / √(1 − β₂ᵗ) + ε, and m̂ = m / (1 − β₁ᵗ) folded into the step size
        np.sqrt(v, out=buf)
        buf *= 1.0 / math.sqrt(1.0 - b2**t)
        buf += self.eps
        np.divide(m, buf, out=buf)
        buf *= lr / (1.0 - b1**t)
        np.subtract(p, buf, out=p)


# ------------------------------------------------------------------------------ lookup

#: The optimizers by name.
OPTIMIZERS: dict[str, type[Optimizer]] = {
    cls.name: cls for cls in (GradientDescent, Momentum, Nesterov, AdaGrad, RMSProp, Adam)
}


def make_optimizer(
    optimizer: str | Optimizer | type[Optimizer],
    learning_rate: float | None = None,
    **options: Any,
) -> Optimizer:
    """An optimizer from its name (or class), or the given optimizer object unchanged.

    Parameters
    ----------
    optimizer
        One of ``"gd"``, ``"momentum"``, ``"nesterov"``, ``"adagrad"``, ``"rmsprop"``,
        ``"adam"`` (any case), an :class:`Optimizer` subclass, or an optimizer object.
    learning_rate
        The step size η; ``None`` takes the optimizer's default. Ignored for an object,
        which keeps its own.
    **options
        Hyperparameters of that optimizer (``momentum``, ``rho``, ``beta1``, ``beta2``,
        ``eps``, ``schedule``). Not allowed with an object.

    Examples
    --------
    >>> make_optimizer("adam", 0.01, beta2=0.99)
    Adam(learning_rate=0.01, beta1=0.9, beta2=0.99, eps=1e-08)
    >>> make_optimizer("adm")
    Traceback (most recent call last):
    ...
    steepest.errors.OptimizerError: unknown optimizer 'adm'; the known ones are 'gd', \
'momentum', 'nesterov', 'adagrad', 'rmsprop', 'adam'. Did you mean 'adam'?
    """
    if isinstance(optimizer, Optimizer):
        if options:
            raise OptimizerError(
                f"options {sorted(options)} were given with an optimizer object "
                f"({optimizer!r}); set them when constructing it instead."
            )
        return optimizer
    if isinstance(optimizer, type) and issubclass(optimizer, Optimizer):
        cls = optimizer
    elif isinstance(optimizer, str):
        found = OPTIMIZERS.get(optimizer.strip().lower())
        if found is None:
            known = ", ".join(repr(n) for n in OPTIMIZERS)
            close = difflib.get_close_matches(optimizer.lower(), OPTIMIZERS, n=1)
            hint = f" Did you mean {close[0]!r}?" if close else ""
            raise OptimizerError(
                f"unknown optimizer {optimizer!r}; the known ones are {known}.{hint}"
            )
        cls = found
    else:
        raise TypeError(
            "optimizer must be a name, an Optimizer subclass or an optimizer object, "
            f"got {type(optimizer).__name__}"
        )
    try:
        return cls(learning_rate, **options)
    except TypeError as error:
        if "unexpected keyword" not in str(error):
            raise
        allowed = sorted(set(cls().hyperparameters()) - {"learning_rate"} | {"schedule"})
        raise OptimizerError(
            f"{cls.__name__} does not take the option(s) {sorted(options)}; "
            f"it takes {allowed}."
        ) from None
