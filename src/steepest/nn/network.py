"""A fully connected neural network: forward pass, backpropagation, save and load.

:class:`Network` holds the weights and biases of a stack of dense layers and
computes, for a mini-batch, the gradient of the cost with respect to every one of
them in a single vectorised pass (no Python loop over examples). One example is
one row, so a layer computes ``z = a·Wᵀ + b`` and ``a' = f(z)``; ``W`` has shape
``(n_out, n_in)`` as in Nielsen's book, so ``W[j, k]`` links input ``k`` to
neuron ``j``.

Speed at small mini-batches comes from doing few NumPy calls a step, and little
Python around them: every weight and bias is a view into one flat parameter
vector (and every gradient a view into one flat gradient vector), so an optimizer
updates the whole network with two ufunc calls; activations and deltas live in
buffers allocated once per batch size and are written with ``out=``; a step is a
closure made once per batch size and cost, with each layer's arrays paired in
tuples that its loops unpack, and no attribute looked up.
The bias stays a separate vector rather than a column folded into ``W`` (with a
column of ones in each layer's input): folding saves two NumPy calls a layer, but
a prototype measured at mini-batch 10 was no faster, since gathering each
mini-batch beside a column of ones, and element-wise work on the strided views
that leaves, cost as much.

Left out: the training loop (:mod:`steepest.nn.train`), convolutions, dropout,
regularisation, and any layer that is not dense.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from steepest._validate import as_generator
from steepest.cost import CROSS_ENTROPY, QUADRATIC, Cost, _as_targets, _check_finite, get_cost
from steepest.errors import NetworkError, SteepestError

__all__ = ["FORMAT_VERSION", "Gradients", "Network"]

FORMAT = "steepest-network"
FORMAT_VERSION = 1


# ------------------------------------------------------------------ activations
# An activation works in place: ``apply(z)`` turns z into a = f(z), and
# ``prime(delta, a, scratch)`` multiplies δ by f'(z), written in terms of a (so z
# need not be kept). Both are closures over the dtype's constants and NumPy's
# functions, made once per network: a step calls them once a layer, and a closure
# reads its names without the attribute lookups of a method. Constants are 0-d
# arrays of the network's dtype: NumPy combines those with an array faster than a
# Python float.
Apply = Callable[[np.ndarray], None]
Prime = Callable[[np.ndarray, np.ndarray, np.ndarray], None]
_multiply, _subtract, _add = np.multiply, np.subtract, np.add


class _Activation:
    name = ""

    def __init__(self, dtype: np.dtype) -> None:
        self.apply, self.prime = self._functions(
            np.array(0.5, dtype), np.array(1.0, dtype), np.array(0.0, dtype)
        )

    @staticmethod
    def _functions(half: np.ndarray, one: np.ndarray, zero: np.ndarray) -> tuple[Apply, Prime]:
        raise NotImplementedError


class _Sigmoid(_Activation):
    name = "sigmoid"

    @staticmethod
    def _functions(half: np.ndarray, one: np.ndarray, zero: np.ndarray) -> tuple[Apply, Prime]:
        tanh = np.tanh

        def apply(z: np.ndarray) -> None:
            # σ(z) = 1/(1 + e⁻ᶻ) = ½·tanh(z/2) + ½, a form that never overflows
            _multiply(z, half, z)
            tanh(z, z)
            _multiply(z, half, z)
            _add(z, half, z)

        def prime(delta: np.ndarray, a: np.ndarray, scratch: np.ndarray) -> None:
            _subtract(one, a, scratch)  # σ' = σ·(1 − σ)
            _multiply(scratch, a, scratch)
            _multiply(delta, scratch, delta)

        return apply, prime


class _Tanh(_Activation):
    name = "tanh"

    @staticmethod
    def _functions(half: np.ndarray, one: np.ndarray, zero: np.ndarray) -> tuple[Apply, Prime]:
        tanh = np.tanh

        def apply(z: np.ndarray) -> None:
            tanh(z, z)

        def prime(delta: np.ndarray, a: np.ndarray, scratch: np.ndarray) -> None:
            _multiply(a, a, scratch)  # tanh' = 1 − tanh²
            _subtract(one, scratch, scratch)
            _multiply(delta, scratch, delta)

        return apply, prime


class _ReLU(_Activation):
    name = "relu"

    @staticmethod
    def _functions(half: np.ndarray, one: np.ndarray, zero: np.ndarray) -> tuple[Apply, Prime]:
        maximum, greater = np.maximum, np.greater

        def apply(z: np.ndarray) -> None:
            maximum(z, zero, out=z)

        def prime(delta: np.ndarray, a: np.ndarray, scratch: np.ndarray) -> None:
            greater(a, zero, scratch)  # relu' = 1 where z > 0, else 0
            _multiply(delta, scratch, delta)

        return apply, prime


class _Softmax(_Activation):
    name = "softmax"

    @staticmethod
    def _functions(half: np.ndarray, one: np.ndarray, zero: np.ndarray) -> tuple[Apply, Prime]:
        def apply(z: np.ndarray) -> None:
            z -= z.max(axis=1, keepdims=True)  # the same result, without overflow
            np.exp(z, out=z)
            z /= z.sum(axis=1, keepdims=True)

        def prime(delta: np.ndarray, a: np.ndarray, scratch: np.ndarray) -> None:
            # the softmax Jacobian times each row g = ∂C/∂a: a ⊙ (g − Σⱼ gⱼ·aⱼ)
            _multiply(delta, a, scratch)
            delta -= scratch.sum(axis=1, keepdims=True)
            delta *= a

        return apply, prime


_ACTIVATIONS = {cls.name: cls for cls in (_Sigmoid, _Tanh, _ReLU, _Softmax)}
_HIDDEN = ("sigmoid", "tanh", "relu")


class Gradients(NamedTuple):
    """What :meth:`Network.backprop` returns: ``∂C/∂Wˡ``, ``∂C/∂bˡ`` and ``C``."""

    weights: list[np.ndarray]
    biases: list[np.ndarray]
    cost: float


def _targets(y: Any, n_out: int, m: int, where: str) -> np.ndarray:
    """Labels or one-hot rows as one-hot rows; a bad value is a ``NetworkError``."""
    try:
        return _as_targets(y, n_out, m, where)
    except SteepestError as error:
        raise NetworkError(str(error)) from None


class _Workspace:
    """Buffers for one mini-batch size, reused by every step of that size, and the
    backpropagation closure of each cost that has used them (:func:`_backprop_plan`)."""

    def __init__(self, net: Network, m: int) -> None:
        dtype, sizes = net.dtype, net.sizes
        self.activations = [np.empty((m, n), dtype) for n in sizes[1:]]
        self.deltas = [np.empty((m, n), dtype) for n in sizes[1:]]
        self.scratch = [np.empty((m, n), dtype) for n in sizes[1:]]
        self.plans: dict[Cost, Callable[[np.ndarray, np.ndarray], Any]] = {}


def _forward(x: np.ndarray, layers: Any) -> np.ndarray:
    """``out = f(a·Wᵀ + b)`` for each layer's ``(Wᵀ, b, f.apply, out)`` in turn, from ``a = x``."""
    a = x
    dot = np.dot
    for w_t, b, apply, out in layers:
        dot(a, w_t, out)  # z = a·Wᵀ
        _add(out, b, out)  # z += b
        apply(out)  # a = f(z), in place
        a = out
    return a


def _backprop_plan(
    net: Network, work: _Workspace, cost: Cost
) -> Callable[[np.ndarray, np.ndarray], Any]:
    """Backpropagation for one batch size and one cost, as a closure ``plan(x, y)``.

    ``plan`` writes the gradient of the mini-batch's cost into ``net.grads`` and
    returns the cost. ``x`` is ``(m, n_in)`` and ``y`` one-hot ``(m, n_out)``, both
    contiguous in the network's dtype. With one example a row, the four equations are::

        δᴸ      = ∂C/∂aᴸ ⊙ f'(zᴸ)             (the output error)
        δˡ      = (δˡ⁺¹·Wˡ⁺¹) ⊙ f'(zˡ)         (the error one layer down)
        ∂C/∂Wˡ  = δˡᵀ·aˡ⁻¹                     (summed over the batch by the product)
        ∂C/∂bˡ  = Σ over rows of δˡ

    Every array, constant and function that a step uses is bound here once, paired per
    layer in tuples that the loops unpack: at mini-batch 10 a step is about 30 NumPy
    calls, most under a microsecond, and binding them saved about 1.8 µs of the 23 µs
    of a backpropagation (784-30-10) over methods that looked them up at every step.
    """
    dot, matmul, copyto = np.dot, np.matmul, np.copyto
    act, deltas, scratch, f = work.activations, work.deltas, work.scratch, net._f
    m = act[0].shape[0]
    ones = np.ones(m, net.dtype)
    # layer l: (Wˡᵀ, bˡ, bˡ repeated in m rows, fˡ.apply, aˡ), from the first layer up. The
    # bias goes in by a broadcast copy to its rows and an add of equal shapes, which at
    # mini-batch 10 take 0.65 µs where one broadcasting add takes 0.9 µs.
    layers = zip(net._weights_t, net.biases, f, act, strict=True)
    forward = [(w_t, b, np.empty_like(a), fl.apply, a) for w_t, b, fl, a in layers]
    # layer l > 1: (δˡᵀ, δˡ, aˡ⁻¹, ∂C/∂Wˡ, ∂C/∂bˡ, Wˡ, δˡ⁻¹, fˡ⁻¹.prime, scratch), top down
    backward = [(deltas[i].T, deltas[i], act[i - 1], net.grad_weights[i], net.grad_biases[i],
                 net.weights[i], deltas[i - 1], f[i - 1].prime, scratch[i - 1])
                for i in range(len(net.weights) - 1, 0, -1)]  # fmt: skip
    first_t, first = deltas[0].T, deltas[0]  # the first layer, whose input is x
    grad_w0, grad_b0 = net.grad_weights[0], net.grad_biases[0]
    output_error = _output_error(cost, act[-1], deltas[-1], scratch[-1], f[-1].prime)

    def plan(x: np.ndarray, y: np.ndarray) -> Any:
        a = x
        for w_t, b, rows, apply, out in forward:
            dot(a, w_t, out)  # z = a·Wᵀ
            copyto(rows, b)
            _add(out, rows, out)  # z += b
            apply(out)  # a = f(z), in place
            a = out
        value = output_error(y)
        for delta_t, delta, a_in, grad_w, grad_b, w, below, prime, s in backward:
            dot(delta_t, a_in, grad_w)  # ∂C/∂Wˡ = δˡᵀ·aˡ⁻¹
            dot(ones, delta, grad_b)  # ∂C/∂bˡ = 1ᵀ·δˡ, the sum of rows
            dot(delta, w, below)  # δˡ⁻¹ = δˡ·Wˡ ...
            prime(below, a_in, s)  # ... ⊙ f'(zˡ⁻¹)
        # the largest product of a step; np.matmul runs it 0.3 µs faster than np.dot at
        # mini-batch 10 (784-30-10), where np.dot is faster for the small ones
        matmul(first_t, x, out=grad_w0)
        dot(ones, first, grad_b0)
        return value

    return plan


def _output_error(
    cost: Cost, a: np.ndarray, delta: np.ndarray, scratch: np.ndarray, prime: Prime
) -> Callable[[np.ndarray], Any]:
    """``error(y)``: writes ``δᴸ = ∂C/∂zᴸ`` into ``delta`` from the outputs ``a`` and the
    targets ``y``; returns the cost ``C`` of the batch."""
    m = a.shape[0]
    inv_m, vdot = np.array(1.0 / m, a.dtype), np.vdot
    if cost is QUADRATIC:  # C = 1/2m Σ‖a − y‖², ∂C/∂a = (a − y)/m
        half_inv_m = 0.5 / m

        def error(y: np.ndarray) -> Any:
            _subtract(a, y, delta)
            value = vdot(delta, delta) * half_inv_m
            _multiply(delta, inv_m, delta)
            prime(delta, a, scratch)  # δᴸ = ∂C/∂a ⊙ f'(zᴸ)
            return value

    elif cost is CROSS_ENTROPY:  # C = −1/m Σ y·ln a; softmax: δᴸ = (a − y)/m
        eps, minus_inv_m = np.array(np.finfo(a.dtype).eps, a.dtype), -1.0 / m

        def error(y: np.ndarray) -> Any:
            np.maximum(a, eps, out=scratch)
            np.log(scratch, out=scratch)
            value = vdot(y, scratch) * minus_inv_m
            _subtract(a, y, delta)
            _multiply(delta, inv_m, delta)
            return value

    else:  # any other Cost: its own gradient

        def error(y: np.ndarray) -> Any:
            delta[...] = cost.grad(y, a)
            value = cost.value(y, a)
            prime(delta, a, scratch)
            return value

    return error


def _check_sizes(sizes: Any) -> tuple[int, ...]:
    try:
        values = [int(s) for s in sizes]
        ok = len(values) >= 2 and all(v >= 1 and v == s for v, s in zip(values, sizes, strict=True))
    except (TypeError, ValueError):
        ok = False
    if not ok:
        raise NetworkError(
            f"sizes must list at least two positive whole numbers (inputs, ..., outputs), "
            f"e.g. [784, 30, 10]; got {sizes!r}"
        )
    return tuple(values)


def _check_choice(value: Any, name: str, choices: Sequence[str]) -> str:
    if value not in choices:
        raise NetworkError(f"{name} must be one of {', '.join(map(repr, choices))}; got {value!r}")
    return str(value)


class Network:
    """A fully connected network of sigmoid, tanh or ReLU layers.

    Parameters
    ----------
    sizes
        Neurons per layer, inputs first: ``[784, 30, 10]`` has 784 inputs, one hidden
        layer of 30 and 10 outputs.
    activation
        ``"sigmoid"``, ``"tanh"`` or ``"relu"`` for the hidden layers.
    output
        The output layer's activation: ``"sigmoid"``, ``"tanh"``, ``"relu"``,
        ``"softmax"``, or ``None`` for the same as the hidden layers.
    seed
        An int or a :class:`numpy.random.Generator` for the initial weights.
    dtype
        ``numpy.float32`` (the default; fast) or ``numpy.float64``.

    Attributes
    ----------
    sizes : tuple of int
        Neurons per layer, inputs first.
    params : numpy.ndarray
        Every weight and bias in one flat vector, layer by layer (``W¹, b¹, W², ...``).
        Change it in place (``net.params[...] = ...``): the views below share it.
    weights, biases : list of numpy.ndarray
        Views into ``params``: ``weights[l]`` of shape ``(sizes[l+1], sizes[l])``,
        ``biases[l]`` of shape ``(sizes[l+1],)``.
    grads, grad_weights, grad_biases
        The same layout for the gradient that training writes; read
        :meth:`backprop`'s result instead, these are overwritten every step.

    Notes
    -----
    Initialisation: the weights of a layer with ``n_in`` inputs are drawn from
    ``N(0, 1/n_in)`` (LeCun), or ``N(0, 2/n_in)`` (He) for a ReLU layer, so that
    each neuron's ``z`` starts with a variance near 1 whatever the width; the
    biases start at 0. Draws are made in float64, so a seed gives the same
    network in either dtype (up to rounding).

    Examples
    --------
    >>> net = Network([2, 3, 1], seed=0)
    >>> net
    Network([2, 3, 1], activation='sigmoid', output='sigmoid', dtype=float32)
    >>> [w.shape for w in net.weights], net.params.size
    ([(3, 2), (1, 3)], 13)
    >>> net.forward([[0.0, 1.0]]).shape
    (1, 1)
    """

    def __init__(
        self,
        sizes: Sequence[int],
        activation: str = "sigmoid",
        output: str | None = None,
        *,
        seed: int | np.random.Generator | None = None,
        dtype: Any = np.float32,
    ) -> None:
        self.sizes = _check_sizes(sizes)
        self.activation = _check_choice(activation, "activation", _HIDDEN)
        self.output = _check_choice(
            activation if output is None else output, "output", tuple(_ACTIVATIONS)
        )
        self.dtype = np.dtype(dtype)
        if self.dtype not in (np.float32, np.float64):
            raise NetworkError(f"dtype must be float32 or float64; got {self.dtype}")
        shapes = list(zip(self.sizes[1:], self.sizes[:-1], strict=True))
        # one flat vector holds every parameter: W¹, b¹, W², b², ...
        self.params = np.zeros(sum(o * i + o for o, i in shapes), self.dtype)
        self.grads = np.zeros_like(self.params)
        self.weights, self.biases = self._views(self.params)
        self._weights_t = [w.T for w in self.weights]  # Wᵀ, made once: views as well
        self.grad_weights, self.grad_biases = self._views(self.grads)
        rng = as_generator(seed, "Network", NetworkError)
        for layer, w in enumerate(self.weights):
            gain = 2.0 if self._activation_name(layer) == "relu" else 1.0
            w[...] = rng.standard_normal(w.shape) * np.sqrt(gain / w.shape[1])
        # each layer's activation f
        names = [self._activation_name(layer) for layer in range(len(self.weights))]
        self._f = [_ACTIVATIONS[name](self.dtype) for name in names]
        self._workspaces: dict[int, _Workspace] = {}

    def _views(self, flat: np.ndarray) -> tuple[list[np.ndarray], list[np.ndarray]]:
        weights, biases, start = [], [], 0
        for n_out, n_in in zip(self.sizes[1:], self.sizes[:-1], strict=True):
            weights.append(flat[start : start + n_out * n_in].reshape(n_out, n_in))
            start += n_out * n_in
            biases.append(flat[start : start + n_out])
            start += n_out
        return weights, biases

    def _activation_name(self, layer: int) -> str:
        return self.output if layer == len(self.weights) - 1 else self.activation

    def __repr__(self) -> str:
        return (
            f"Network({list(self.sizes)}, activation={self.activation!r}, "
            f"output={self.output!r}, dtype={self.dtype.name})"
        )

    # ------------------------------------------------------------ forward pass
    def _feedforward(self, x: np.ndarray, activations: list[np.ndarray]) -> list[np.ndarray]:
        """Fill ``activations`` layer by layer: ``aˡ = f(aˡ⁻¹·Wˡᵀ + bˡ)``, ``a⁰ = x``."""
        _forward(x, zip(self._weights_t, self.biases, [f.apply for f in self._f], activations,
                        strict=True))  # fmt: skip
        return activations

    def _inputs(self, x: Any, where: str) -> np.ndarray:
        array = np.asarray(x)
        if array.dtype.kind not in "iuf":
            raise TypeError(f"{where}: x must be an array of numbers; got dtype {array.dtype}")
        if array.ndim not in (1, 2) or array.shape[-1] != self.sizes[0]:
            raise NetworkError(
                f"{where}: x must have shape ({self.sizes[0]},) for one example or "
                f"(m, {self.sizes[0]}) for m examples; got shape {array.shape}"
            )
        try:
            _check_finite(array, where, "x")
        except SteepestError as error:
            raise NetworkError(str(error)) from None
        return np.ascontiguousarray(array, dtype=self.dtype)

    def forward(self, x: Any) -> np.ndarray:
        """The network's outputs for one example (1-D) or a batch (one example a row).

        Examples
        --------
        >>> Network([2, 3], seed=0).forward([0.0, 0.0])  # zero input: σ(0) = ½
        array([0.5, 0.5, 0.5], dtype=float32)
        """
        x = self._inputs(x, "forward")
        batch = x.reshape(-1, self.sizes[0])
        buffers = [np.empty((batch.shape[0], n), self.dtype) for n in self.sizes[1:]]
        out = self._feedforward(batch, buffers)[-1]
        return out[0] if x.ndim == 1 else out

    def predict(self, x: Any) -> Any:
        """The predicted class (the index of the largest output) of each example.

        Examples
        --------
        >>> net = Network([2, 2], output="softmax", seed=0)
        >>> net.predict([[1.0, 0.0], [0.0, 1.0]]).shape
        (2,)
        """
        out = self.forward(x)
        labels = out.argmax(axis=-1)
        return int(labels) if out.ndim == 1 else labels

    def evaluate(self, x: Any, y: Any, cost: str | Cost = "quadratic") -> tuple[float, float]:
        """The mean cost and the accuracy (fraction of right predictions) on ``(x, y)``.

        ``y`` is integer labels or one-hot rows.
        """
        outputs = self.forward(np.atleast_2d(x))
        targets = _targets(y, outputs.shape[1], outputs.shape[0], "evaluate")
        value = self._cost(get_cost(cost)).value(targets, outputs)
        right = outputs.argmax(axis=1) == targets.argmax(axis=1)
        return float(value), float(right.mean())

    # ---------------------------------------------------------- backpropagation
    def _cost(self, cost: Cost) -> Cost:
        if cost is CROSS_ENTROPY and self.output != "softmax":
            raise NetworkError(
                f"cost 'cross-entropy' needs a softmax output layer; this network's output "
                f"is {self.output!r}. hint: Network(..., output='softmax'), or cost='quadratic'"
            )
        return cost

    def _workspace(self, m: int) -> _Workspace:
        work = self._workspaces.get(m)
        if work is None:
            if len(self._workspaces) >= 4:  # training uses one or two sizes; keep few
                self._workspaces.clear()
            work = self._workspaces[m] = _Workspace(self, m)
        return work

    def _backprop_for(self, m: int, cost: Cost) -> Callable[[np.ndarray, np.ndarray], Any]:
        """The backpropagation closure for mini-batches of ``m`` examples and ``cost``
        (see :func:`_backprop_plan`), made on first use."""
        work = self._workspace(m)
        plan = work.plans.get(cost)
        if plan is None:
            plan = work.plans[cost] = _backprop_plan(self, work, cost)
        return plan

    def backprop(self, x_batch: Any, y_batch: Any, cost: str | Cost = "quadratic") -> Gradients:
        """The gradient of the mini-batch's cost for every weight and bias.

        Parameters
        ----------
        x_batch
            Inputs, one example a row (``(m, n_in)``).
        y_batch
            Integer labels ``(m,)`` or one-hot rows ``(m, n_out)``.
        cost
            ``"quadratic"`` (``C = 1/2m Σ‖y − a‖²``), ``"cross-entropy"``
            (``C = −1/m Σ y·ln a``; needs ``output="softmax"``) or a
            :class:`steepest.cost.Cost`.

        Returns
        -------
        Gradients
            ``(weights, biases, cost)``: new arrays shaped like :attr:`weights` and
            :attr:`biases`, and the cost of the mini-batch.

        Examples
        --------
        >>> net = Network([2, 3, 2], seed=1)
        >>> g = net.backprop([[0.0, 1.0], [1.0, 0.0]], [1, 0])
        >>> [w.shape for w in g.weights], [b.shape for b in g.biases]
        ([(3, 2), (2, 3)], [(3,), (2,)])
        """
        x = self._inputs(x_batch, "backprop")
        if x.ndim != 2:
            raise NetworkError(f"backprop: x_batch must be 2-D (m, n_in); got shape {x.shape}")
        y = _targets(y_batch, self.sizes[-1], x.shape[0], "backprop").astype(self.dtype)
        value = self._backprop_for(x.shape[0], self._cost(get_cost(cost)))(x, y)
        grads = self.grads.copy()
        weights, biases = self._views(grads)
        return Gradients(weights, biases, float(value))

    # -------------------------------------------------------------- save / load
    def save(self, path: str | Path) -> Path:
        """Write the architecture and every parameter to ``path`` (an ``.npz`` file)."""
        path = Path(path)
        with path.open("wb") as file:
            np.savez(
                file, format=np.str_(FORMAT), version=np.int64(FORMAT_VERSION),
                sizes=np.array(self.sizes, np.int64), activation=np.str_(self.activation),
                output=np.str_(self.output), dtype=np.str_(self.dtype.name), params=self.params,
            )
        return path

    @classmethod
    def load(cls, path: str | Path) -> Network:
        """Read a network written by :meth:`save`; anything else is a ``NetworkError``.

        Examples
        --------
        >>> import tempfile, pathlib
        >>> net = Network([4, 3, 2], seed=0)
        >>> file = net.save(pathlib.Path(tempfile.mkdtemp()) / "net.npz")
        >>> bool((Network.load(file).params == net.params).all())
        True
        """
        path = Path(path)
        if not path.is_file():
            raise NetworkError(f"no network file at {path}")
        if not zipfile.is_zipfile(path):
            raise NetworkError(f"{path} is not a steepest network file (not an .npz archive)")
        try:
            with np.load(path, allow_pickle=False) as data:
                fields = {name: data[name] for name in data.files}
        except (OSError, ValueError, EOFError, zipfile.BadZipFile) as error:
            raise NetworkError(
                f"{path} is not a readable steepest network file (.npz): {error}"
            ) from None
        return cls._from_fields(fields, path)

    @classmethod
    def _from_fields(cls, fields: dict[str, np.ndarray], path: Path) -> Network:
        needed = ("format", "version", "sizes", "activation", "output", "dtype", "params")
        if fields.get("format", np.str_("")).item() != FORMAT:
            raise NetworkError(f"{path} is not a steepest network file (no '{FORMAT}' marker)")
        missing = [name for name in needed if name not in fields]
        if missing:
            raise NetworkError(f"{path} is incomplete: it lacks {', '.join(missing)}")
        version = int(fields["version"])
        if version != FORMAT_VERSION:
            raise NetworkError(
                f"{path} has network format version {version}; this steepest reads version "
                f"{FORMAT_VERSION}. hint: save it again with the steepest that trained it"
            )
        try:
            net = cls(fields["sizes"].tolist(), str(fields["activation"]),
                      str(fields["output"]), dtype=str(fields["dtype"]))
        except (NetworkError, TypeError) as error:
            raise NetworkError(f"{path} describes an unusable network: {error}") from None
        params = fields["params"]
        if params.shape != net.params.shape or params.dtype != net.dtype:
            raise NetworkError(
                f"{path} holds {params.shape} {params.dtype} parameters; the architecture "
                f"{list(net.sizes)} needs ({net.params.size},) {net.dtype}"
            )
        if not np.isfinite(params).all():
            raise NetworkError(f"{path} holds parameters that are not finite (NaN or inf)")
        net.params[...] = params
        return net
