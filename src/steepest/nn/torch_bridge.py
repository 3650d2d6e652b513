"""A bridge to PyTorch: a :class:`~steepest.nn.network.Network` as a ``torch.nn.Sequential``,
a ``Sequential`` back as a network, and a file that ``torch.load`` reads.

A steepest network of sizes ``[n₀, n₁, ..., n_L]`` is, in PyTorch, the ``Sequential`` of
``Linear(n₀, n₁), f, Linear(n₁, n₂), f, ..., Linear(n_{L-1}, n_L), f_out``, where ``f`` is
``Sigmoid``, ``Tanh`` or ``ReLU`` and ``f_out`` one of those or ``Softmax(dim=-1)``. Both
store a layer's weights as ``(n_out, n_in)`` and compute ``a·Wᵀ + b``, so the weights cross
unchanged, in the network's dtype (float32 or float64), and a round trip gives back the
same bits.

PyTorch is optional: it is imported here only, when one of these functions is called,
and its absence is a :class:`TorchMissingError` that says how to install it
(``pip install torch==2.13.0``). Left out: any layer that a steepest network cannot
represent (convolutions, dropout, normalisation, other activations), and reading ``.pt``
files back (that is ``torch.load``'s job, on the PyTorch side).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from steepest._files import atomic_write
from steepest.errors import NetworkError

if TYPE_CHECKING:
    from steepest.nn.network import Network

__all__ = [
    "TORCH_REQUIREMENT",
    "TorchMissingError",
    "checkpoint",
    "from_torch",
    "import_torch",
    "save_torch",
    "to_torch",
]

#: the PyTorch release steepest's parity tests run against
TORCH_REQUIREMENT = "torch==2.13.0"
#: steepest's activation names and the torch.nn classes that compute them
_CLASSES = {"sigmoid": "Sigmoid", "tanh": "Tanh", "relu": "ReLU", "softmax": "Softmax"}
_NAMES = {cls: name for name, cls in _CLASSES.items()}
_DTYPES = ("float32", "float64")
_SHAPE = (
    "a steepest network is Linear layers, each followed by its activation: Linear, "
    "Sigmoid|Tanh|ReLU, Linear, ..., Linear, Sigmoid|Tanh|ReLU|Softmax(dim=-1)"
)


class TorchMissingError(NetworkError, ImportError):
    """PyTorch is needed for this and is not installed (both a ``NetworkError`` and an
    ``ImportError``)."""


def import_torch() -> Any:
    """The ``torch`` module, or a :class:`TorchMissingError` naming the install command."""
    try:
        import torch
    except ImportError:
        raise TorchMissingError(
            f"this needs PyTorch, which is not installed; hint: pip install {TORCH_REQUIREMENT}"
        ) from None
    return torch


# ------------------------------------------------------------------ steepest -> torch
def to_torch(network: Network) -> Any:
    """``network`` as a ``torch.nn.Sequential`` of Linear layers and their activations.

    The weights and biases are copied (in the network's dtype): training one does not
    change the other. A softmax output becomes ``torch.nn.Softmax(dim=-1)``; to train
    with ``torch.nn.CrossEntropyLoss``, which wants the scores before the softmax, use
    ``module[:-1]``.

    Examples
    --------
    >>> from steepest import Network
    >>> Network([4, 3, 2], activation="relu", output="softmax", seed=0).to_torch()
    Sequential(
      (0): Linear(in_features=4, out_features=3, bias=True)
      (1): ReLU()
      (2): Linear(in_features=3, out_features=2, bias=True)
      (3): Softmax(dim=-1)
    )
    """
    torch = import_torch()
    nn = torch.nn
    modules = []
    for layer, (w, b) in enumerate(zip(network.weights, network.biases, strict=True)):
        # made on the meta device: no random initialisation, and torch's global random
        # state is left alone; the parameters are then the network's own values
        linear = nn.Linear(w.shape[1], w.shape[0], device="meta")
        linear.weight = nn.Parameter(torch.from_numpy(w.copy()))
        linear.bias = nn.Parameter(torch.from_numpy(b.copy()))
        name = network._activation_name(layer)
        activation = nn.Softmax(dim=-1) if name == "softmax" else getattr(nn, _CLASSES[name])()
        modules += [linear, activation]
    return nn.Sequential(*modules)


# ------------------------------------------------------------------ torch -> steepest
def _describe(index: int, layer: Any) -> str:
    """``layer 3 (Linear(in_features=4, ...))``, or the class name for a long repr."""
    text = repr(layer)
    if len(text) > 80 or "\n" in text:
        text = type(layer).__name__
    return f"layer {index} ({text})"


def _activation(index: int, layer: Any, torch: Any, last: bool) -> str:
    """The steepest name of the activation module at ``index``, or why there is none."""
    torch_class = getattr(torch.nn, type(layer).__name__, None)
    name = _NAMES.get(type(layer).__name__) if type(layer) is torch_class else None
    if name is None:  # also a subclass of torch's own, whose forward may be anything
        raise NetworkError(
            f"{_describe(index, layer)} cannot be represented: the activations steepest "
            f"knows are Sigmoid, Tanh, ReLU and (for the output) Softmax; {_SHAPE}"
        )
    if name == "softmax":
        if not last:
            raise NetworkError(
                f"{_describe(index, layer)}: Softmax can only be the output layer's "
                f"activation in a steepest network; {_SHAPE}"
            )
        if layer.dim not in (-1, 1):
            raise NetworkError(
                f"{_describe(index, layer)}: the softmax must run over each example's "
                f"outputs (dim=-1 or dim=1); got dim={layer.dim}. hint: torch.nn.Softmax(dim=-1)"
            )
    return name


def _linear(index: int, layer: Any, torch: Any, n_in: int | None) -> tuple[np.ndarray, ...]:
    """The weight and bias of the Linear module at ``index`` as NumPy arrays, checked."""
    if not isinstance(layer, torch.nn.Linear):
        raise NetworkError(f"{_describe(index, layer)} must be a torch.nn.Linear: {_SHAPE}")
    if type(layer).forward is not torch.nn.Linear.forward:
        raise NetworkError(
            f"{_describe(index, layer)} is a {type(layer).__name__}, a Linear with its own "
            f"forward, which steepest cannot read; {_SHAPE}"
        )
    if isinstance(layer.weight, torch.nn.parameter.UninitializedParameter):
        raise NetworkError(
            f"{_describe(index, layer)} has no weights yet (a lazy layer); hint: run one "
            "batch through the module first"
        )
    n_out, n_in_here = layer.out_features, layer.in_features
    if n_in is not None and n_in_here != n_in:
        raise NetworkError(
            f"{_describe(index, layer)} takes {n_in_here} inputs, but the Linear layer before "
            f"it gives {n_in} outputs; the sizes must chain"
        )
    weight = layer.weight.detach()
    bias = layer.bias.detach() if layer.bias is not None else torch.zeros(n_out, dtype=weight.dtype)
    if tuple(weight.shape) != (n_out, n_in_here) or tuple(bias.shape) != (n_out,):
        raise NetworkError(
            f"{_describe(index, layer)} holds a weight of shape {tuple(weight.shape)} and a "
            f"bias of shape {tuple(bias.shape)}; Linear({n_in_here}, {n_out}) needs "
            f"({n_out}, {n_in_here}) and ({n_out},)"
        )
    if weight.is_meta or bias.is_meta:
        raise NetworkError(f"{_describe(index, layer)} has no values (its tensors are on 'meta')")
    dtypes = {str(weight.dtype).removeprefix("torch."), str(bias.dtype).removeprefix("torch.")}
    if not dtypes <= set(_DTYPES) or len(dtypes) != 1:
        raise NetworkError(
            f"{_describe(index, layer)} holds {' and '.join(sorted(dtypes))} tensors; steepest "
            f"networks are float32 or float64. hint: module.float() or module.double()"
        )
    arrays = weight.cpu().numpy(), bias.cpu().numpy()
    if not all(np.isfinite(a).all() for a in arrays):
        raise NetworkError(f"{_describe(index, layer)} holds values that are not finite")
    return arrays


def from_torch(module: Any) -> Network:
    """A :class:`~steepest.nn.network.Network` with the architecture and parameters of a
    ``torch.nn.Sequential`` of Linear layers and activations (what :func:`to_torch` makes).

    Each Linear layer must be followed by ``Sigmoid``, ``Tanh`` or ``ReLU`` (the same one
    for every hidden layer), the last by one of those or ``Softmax(dim=-1)``. A Linear
    layer without a bias gets a bias of zeros. All weights must share one dtype, float32
    or float64 (the network's); they are copied, from any device. Anything else is a
    :class:`~steepest.errors.NetworkError` that names the layer. With no hidden layer, the
    network's (unused) hidden activation is its output's, or sigmoid after a softmax.

    Examples
    --------
    >>> import torch
    >>> from steepest import Network
    >>> Network.from_torch(torch.nn.Sequential(torch.nn.Linear(3, 2), torch.nn.Tanh()))
    Network([3, 2], activation='tanh', output='tanh', dtype=float32)
    >>> Network.from_torch(torch.nn.Sequential(torch.nn.Linear(3, 2), torch.nn.GELU()))
    Traceback (most recent call last):
    ...
    steepest.errors.NetworkError: layer 1 (GELU(approximate='none')) cannot be represented: ...
    """
    torch = import_torch()
    from steepest.nn.network import Network

    if not isinstance(module, torch.nn.Module):
        raise TypeError(f"from_torch takes a torch.nn.Sequential; got {type(module).__name__}")
    if type(module).forward is not torch.nn.Sequential.forward:
        raise NetworkError(
            f"from_torch takes a torch.nn.Sequential; got a {type(module).__name__}, whose "
            f"forward steepest cannot read; {_SHAPE}"
        )
    layers = list(module)
    if not layers:
        raise NetworkError(f"the Sequential is empty; {_SHAPE}")
    if len(layers) % 2:
        raise NetworkError(
            f"{_describe(len(layers) - 1, layers[-1])} ends the Sequential without an "
            f"activation after it; {_SHAPE}. hint: for a module that outputs scores for "
            "CrossEntropyLoss, append torch.nn.Softmax(dim=-1)"
        )
    params, names, sizes = [], [], []
    for i in range(0, len(layers), 2):
        w, b = _linear(i, layers[i], torch, sizes[-1] if sizes else None)
        names.append(_activation(i + 1, layers[i + 1], torch, last=i + 2 == len(layers)))
        sizes += [w.shape[1], w.shape[0]] if not sizes else [w.shape[0]]
        params += [w.ravel(), b]
    hidden, output = names[:-1], names[-1]
    if len(set(hidden)) > 1:
        first = next(i for i, name in enumerate(hidden) if name != hidden[0])
        raise NetworkError(
            f"{_describe(2 * first + 1, layers[2 * first + 1])} differs from layer 1's "
            f"{_CLASSES[hidden[0]]}; a steepest network has one activation for all hidden layers"
        )
    dtypes = {p.dtype.name for p in params}
    if len(dtypes) > 1:
        raise NetworkError(
            f"the layers mix {' and '.join(sorted(dtypes))}; a steepest network has one dtype. "
            "hint: module.float() or module.double()"
        )
    activation = hidden[0] if hidden else (output if output != "softmax" else "sigmoid")
    network = Network(sizes, activation, output, dtype=params[0].dtype)
    network.params[...] = np.concatenate(params)
    return network


# ---------------------------------------------------------------------------- the file
def checkpoint(network: Network) -> dict[str, Any]:
    """What :func:`save_torch` writes: the state dict and the architecture, as plain data.

    ``layers`` lists each module as its ``torch.nn`` class name and constructor
    arguments, so that PyTorch alone rebuilds it (see :func:`save_torch`).
    """
    module = to_torch(network)
    layers: list[list[Any]] = []
    for layer in module:
        if type(layer).__name__ == "Linear":
            layers.append(["Linear", layer.in_features, layer.out_features])
        elif type(layer).__name__ == "Softmax":
            layers.append(["Softmax", -1])
        else:
            layers.append([type(layer).__name__])
    return {
        "format": "steepest-network", "version": 1, "sizes": list(network.sizes),
        "activation": network.activation, "output": network.output,
        "dtype": network.dtype.name, "layers": layers, "state_dict": module.state_dict(),
    }  # fmt: skip


def save_torch(network: Network, path: str | Path) -> Path:
    """Write ``network`` to ``path`` as a PyTorch file that ``torch.load`` reads with
    ``weights_only=True``: a dict of its architecture and its ``state_dict``.

    The file is written beside ``path`` under a temporary name and renamed into place
    (:func:`steepest._files.atomic_write`), so a failed write leaves no partial file and
    the old one as it was; one that cannot be written is an
    :class:`~steepest.errors.OutputError`. Rebuilding it needs PyTorch only::

        checkpoint = torch.load(path, weights_only=True)
        model = torch.nn.Sequential(*(getattr(torch.nn, name)(*args)
                                      for name, *args in checkpoint["layers"]))
        model.to(getattr(torch, checkpoint["dtype"])).load_state_dict(checkpoint["state_dict"])

    Returns
    -------
    pathlib.Path
        ``path``.
    """
    torch = import_torch()
    data = checkpoint(network)
    with atomic_write(path) as file:
        torch.save(data, file)
    return Path(path)
