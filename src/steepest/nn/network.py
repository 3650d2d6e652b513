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

The activation functions are in :mod:`steepest.nn.activations` and the
backpropagation closure in :mod:`steepest.nn._backprop`. Left out: the training loop
(:mod:`steepest.nn.training`), convolutions, dropout, regularisation, and any layer that
is not dense.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from steepest._validate import as_generator
from steepest.cost import CROSS_ENTROPY, Cost, as_targets, check_finite, get_cost
from steepest.errors import NetworkError, SteepestError
from steepest.nn._backprop import Workspace, backprop_plan, forward
from steepest.nn.activations import ACTIVATIONS, HIDDEN

__all__ = ["FORMAT_VERSION", "MAX_PARAMETERS", "Gradients", "Network", "targets"]

FORMAT = "steepest-network"
FORMAT_VERSION = 1
#: The largest network (a float64 one of this size takes 800 MB, twice during training).
MAX_PARAMETERS = 100_000_000
MAX_LAYERS = 1000


class Gradients(NamedTuple):
    """What :meth:`Network.backprop` returns: ``∂C/∂Wˡ``, ``∂C/∂bˡ`` and ``C``."""

    weights: list[np.ndarray]
    biases: list[np.ndarray]
    cost: float


def targets(y: Any, n_out: int, m: int, where: str) -> np.ndarray:
    """Labels or one-hot rows as one-hot rows (:func:`steepest.cost.as_targets`, the one
    label check); a bad value is a ``NetworkError``."""
    try:
        return as_targets(y, n_out, m, where)
    except SteepestError as error:
        raise NetworkError(str(error)) from None


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
    count = sum(o * i + o for o, i in zip(values[1:], values[:-1], strict=False))
    if len(values) > MAX_LAYERS or count > MAX_PARAMETERS:
        raise NetworkError(
            f"sizes {values if len(values) <= 8 else [*values[:8], '...']} make a network of "
            f"{len(values)} layers and {count:,} parameters; at most {MAX_LAYERS} layers "
            f"and {MAX_PARAMETERS:,} parameters\nhint: 784-100-10 has 79,510"
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
        self.activation = _check_choice(activation, "activation", HIDDEN)
        self.output = _check_choice(
            activation if output is None else output, "output", tuple(ACTIVATIONS)
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
        self._f = [ACTIVATIONS[name](self.dtype) for name in names]
        self._workspaces: dict[int, Workspace] = {}

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
        forward(x, zip(self._weights_t, self.biases, [f.apply for f in self._f], activations,
                        strict=True))  # fmt: skip
        return activations

    def check_inputs(self, x: Any, where: str) -> np.ndarray:
        """``x`` checked (numbers, finite, ``(n_in,)`` or ``(m, n_in)``) in this dtype, C order.

        ``where`` starts the message of an error (``"train: data"``).
        """
        array = np.asarray(x)
        if array.dtype.kind not in "iuf":
            raise TypeError(f"{where}: x must be an array of numbers; got dtype {array.dtype}")
        if array.ndim not in (1, 2) or array.shape[-1] != self.sizes[0]:
            raise NetworkError(
                f"{where}: x must have shape ({self.sizes[0]},) for one example or "
                f"(m, {self.sizes[0]}) for m examples; got shape {array.shape}"
            )
        try:
            check_finite(array, where, "x")
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
        x = self.check_inputs(x, "forward")
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
        from steepest.nn.evaluation import score

        inputs = np.atleast_2d(self.check_inputs(x, "evaluate"))
        expected = targets(y, self.sizes[-1], inputs.shape[0], "evaluate")
        return score(self, inputs, expected, self.check_cost(get_cost(cost)))

    def outputs(self, x: Any, *, chunk: int = 4096) -> np.ndarray:
        """The outputs for many examples, ``chunk`` at a time (memory stays bounded).

        The forward pass that evaluation uses (:meth:`evaluate`, training's test scores,
        :func:`steepest.nn.evaluate`). Outputs that overflow (huge weights) come back as
        infinity or NaN, without a warning: the callers check them.

        Examples
        --------
        >>> Network([2, 3], seed=0).outputs([[0.0, 0.0]] * 5, chunk=2).shape
        (5, 3)
        """
        batch = self.check_inputs(x, "outputs").reshape(-1, self.sizes[0])
        out = np.empty((batch.shape[0], self.sizes[-1]), self.dtype)
        with np.errstate(over="ignore", invalid="ignore"):
            for start in range(0, batch.shape[0], chunk):
                part = batch[start : start + chunk]
                buffers = [np.empty((part.shape[0], n), self.dtype) for n in self.sizes[1:]]
                out[start : start + chunk] = self._feedforward(part, buffers)[-1]
        return out

    # ---------------------------------------------------------- backpropagation
    def check_cost(self, cost: Cost) -> Cost:
        """``cost``, if this network can be trained with it (cross-entropy needs softmax)."""
        if cost is CROSS_ENTROPY and self.output != "softmax":
            raise NetworkError(
                f"cost 'cross-entropy' needs a softmax output layer; this network's output "
                f"is {self.output!r}. hint: Network(..., output='softmax'), or cost='quadratic'"
            )
        return cost

    def _sharing(self, params: np.ndarray, grads: np.ndarray) -> Network:
        """A network whose weights are views of ``params`` and whose gradients are views of
        ``grads`` (flat, the size and dtype of :attr:`params`), with buffers of its own: one
        part of a split mini-batch (:mod:`steepest.nn.parallel`) reads the weights and
        writes a gradient of its own."""
        twin = object.__new__(Network)
        twin.__dict__.update(self.__dict__)
        twin.params, twin.grads = params, grads
        twin.weights, twin.biases = twin._views(params)
        twin._weights_t = [w.T for w in twin.weights]
        twin.grad_weights, twin.grad_biases = twin._views(grads)
        twin._workspaces = {}
        return twin

    def _workspace(self, m: int) -> Workspace:
        work = self._workspaces.get(m)
        if work is None:
            if len(self._workspaces) >= 4:  # training uses one or two sizes; keep few
                self._workspaces.clear()
            work = self._workspaces[m] = Workspace(self, m)
        return work

    def backprop_for(
        self, m: int, cost: Cost, mean_over: int | None = None
    ) -> Callable[[np.ndarray, np.ndarray], Any]:
        """The backpropagation step for mini-batches of ``m`` examples and ``cost``.

        What :func:`~steepest.nn.train` calls for each mini-batch: ``step(x, y)`` fills
        :attr:`grads` (in place, no allocation) and returns the cost; ``x`` and ``y``
        must be checked already (:meth:`check_inputs`, :func:`targets`). ``mean_over``:
        the step of ``m`` examples that are part of a mini-batch of that many (see
        :func:`steepest.nn._backprop.backprop_plan`). Made on first use and kept.
        """
        work = self._workspace(m)
        # by identity: a Cost need not be hashable (its functions may not be); the
        # entry keeps the cost alive, so that its id is not reused while it is there
        key = (id(cost), mean_over)
        entry = work.plans.get(key)
        if entry is None:
            entry = work.plans[key] = (cost, backprop_plan(self, work, cost, mean_over))
        return entry[1]

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
        x = self.check_inputs(x_batch, "backprop")
        if x.ndim != 2:
            raise NetworkError(f"backprop: x_batch must be 2-D (m, n_in); got shape {x.shape}")
        y = targets(y_batch, self.sizes[-1], x.shape[0], "backprop").astype(self.dtype)
        value = self.backprop_for(x.shape[0], self.check_cost(get_cost(cost)))(x, y)
        grads = self.grads.copy()
        weights, biases = self._views(grads)
        return Gradients(weights, biases, float(value))

    # -------------------------------------------------------------- save / load
    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        """Pickle (and ``copy``) as the architecture and the parameters, rebuilt on the
        other side: the views into ``params`` and the step closures are made anew there.

        Examples
        --------
        >>> import copy, pickle
        >>> net = Network([3, 2], seed=0)
        >>> twin = pickle.loads(pickle.dumps(net))
        >>> bool((twin.params == net.params).all()), twin.weights[0].base is twin.params
        (True, True)
        >>> copy.deepcopy(net).params is net.params
        False
        """
        return _rebuilt, (self.sizes, self.activation, self.output, self.dtype.name,
                          self.params.copy())  # fmt: skip

    def save(self, path: str | Path, *, trained_on: str | None = None,
             extra: dict[str, np.ndarray] | None = None) -> Path:
        """Write the architecture and every parameter to ``path`` (an ``.npz`` file).

        The file is written whole or not at all: to a temporary file beside ``path``,
        renamed over it once complete, so an interrupted save leaves an older model intact.
        ``trained_on`` (``"sample"`` or ``"mnist"``) records the data the network learned
        from; :func:`steepest.nn.trained_on` reads it back. ``extra`` adds arrays of plain
        numbers under names of their own (the recorded training path,
        :meth:`steepest.nn.path.TrainingPath.arrays`); loading the network ignores them.
        """
        from steepest.nn._file import save

        return save(self, Path(path), trained_on=trained_on, extra=extra)

    @classmethod
    def load(cls, path: str | Path) -> Network:
        """Read a network written by :meth:`save`; anything else is a ``NetworkError``.

        Every size the file declares is checked (against the others, the real sizes of
        its arrays and :data:`MAX_PARAMETERS`) before anything of that size is allocated.

        Examples
        --------
        >>> import tempfile, pathlib
        >>> net = Network([4, 3, 2], seed=0)
        >>> file = net.save(pathlib.Path(tempfile.mkdtemp()) / "net.npz")
        >>> bool((Network.load(file).params == net.params).all())
        True
        """
        from steepest.nn._file import load

        return load(cls, Path(path))


    # ---------------------------------------------------------------- PyTorch
    def to_torch(self) -> Any:
        """This network as a ``torch.nn.Sequential`` of Linear layers and activations
        (see :func:`steepest.nn.torch_bridge.to_torch`); needs PyTorch."""
        from steepest.nn.torch_bridge import to_torch

        return to_torch(self)

    @classmethod
    def from_torch(cls, module: Any) -> Network:
        """A network from a ``torch.nn.Sequential`` of Linear layers and activations
        (see :func:`steepest.nn.torch_bridge.from_torch`); needs PyTorch."""
        from steepest.nn.torch_bridge import from_torch

        return from_torch(module)


def _rebuilt(sizes: Sequence[int], activation: str, output: str, dtype: str,
             params: np.ndarray) -> Network:  # fmt: skip
    """A network of this architecture holding ``params`` (what unpickling calls)."""
    net = Network(sizes, activation, output, dtype=dtype)
    net.params[...] = params
    return net
