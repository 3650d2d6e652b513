"""Backpropagation for :class:`~steepest.nn.network.Network`, one closure per batch size.

:func:`backprop_plan` binds every array, constant and function that a training step
uses into a closure ``plan(x, y)`` that writes the gradient of a mini-batch's cost into
the network's flat gradient vector and returns the cost; :func:`forward` is the forward
pass that evaluation uses. Both write into buffers made once per batch size
(:class:`Workspace`) with ``out=``.

Left out: the checks of the inputs (the network's), and the optimizer step (the
training loop's, :mod:`steepest.nn.training`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from steepest.cost import CROSS_ENTROPY, QUADRATIC, Cost
from steepest.nn.activations import Prime

if TYPE_CHECKING:
    from steepest.nn.network import Network

__all__ = ["Workspace", "backprop_plan", "forward"]

_multiply, _subtract, _add = np.multiply, np.subtract, np.add

#: Mini-batches up to this size compute the first layer as ``zᵀ = W·xᵀ``, into a buffer of
#: shape (n_out, m), rather than ``z = x·Wᵀ``: OpenBLAS (0.3.31, SkylakeX kernel, one thread)
#: multiplied 10 images by a 300×784 W in 102 µs that way and 186 µs the other, and
#: never slower at m ≤ 32 for layers of 30 to 800 neurons; from m = 64 the plain form won
#: for narrow layers (784-30: 54 µs against 57 at m = 64, 98 against 112 at m = 128).
TRANSPOSED_FIRST_LAYER = 32


class Workspace:
    """Buffers for one mini-batch size, reused by every step of that size, and the
    backpropagation closure of each cost that has used them (:func:`backprop_plan`).

    For mini-batches of at most :data:`TRANSPOSED_FIRST_LAYER` examples the first layer's
    activations are the (m, n) transpose of an (n, m) buffer, which ``zᵀ = W·xᵀ`` fills.
    """

    def __init__(self, net: Network, m: int) -> None:
        dtype, sizes = net.dtype, net.sizes
        self.transposed_first = m <= TRANSPOSED_FIRST_LAYER
        self.activations = [np.empty((m, n), dtype) for n in sizes[1:]]
        if self.transposed_first:
            self.activations[0] = np.empty((sizes[1], m), dtype).T
        self.deltas = [np.empty((m, n), dtype) for n in sizes[1:]]
        self.scratch = [np.empty((m, n), dtype) for n in sizes[1:]]
        #: (id(cost), mean_over) -> (cost, its backpropagation closure)
        self.plans: dict[tuple[int, int | None],
                         tuple[Cost, Callable[[np.ndarray, np.ndarray], Any]]] = {}


def forward(x: np.ndarray, layers: Any) -> np.ndarray:
    """``out = f(a·Wᵀ + b)`` for each layer's ``(Wᵀ, b, f.apply, out)`` in turn, from ``a = x``."""
    a = x
    dot = np.dot
    for w_t, b, apply, out in layers:
        dot(a, w_t, out)  # z = a·Wᵀ
        _add(out, b, out)  # z += b
        apply(out)  # a = f(z), in place
        a = out
    return a


def backprop_plan(
    net: Network, work: Workspace, cost: Cost, mean_over: int | None = None
) -> Callable[[np.ndarray, np.ndarray], Any]:
    """Backpropagation for one batch size and one cost, as a closure ``plan(x, y)``.

    ``plan`` writes the gradient of the mini-batch's cost into ``net.grads`` and
    returns the cost. ``x`` is ``(m, n_in)`` and ``y`` one-hot ``(m, n_out)``, both
    contiguous in the network's dtype. ``mean_over`` (quadratic and cross-entropy costs
    only) divides the sums by that many examples instead of ``m``: the plan of one part of
    a larger mini-batch, whose parts' gradients and costs then add up to the whole's
    (:mod:`steepest.nn.parallel`). With one example a row, the four equations are::

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
    # (empty_like keeps the layout: the first layer's rows are transposed when its a is)
    forward = [(w_t, b, np.empty_like(a), fl.apply, a) for w_t, b, fl, a in layers]
    # layer l > 1: (δˡᵀ, δˡ, aˡ⁻¹, ∂C/∂Wˡ, ∂C/∂bˡ, Wˡ, δˡ⁻¹, fˡ⁻¹.prime, scratch), top down
    backward = [(deltas[i].T, deltas[i], act[i - 1], net.grad_weights[i], net.grad_biases[i],
                 net.weights[i], deltas[i - 1], f[i - 1].prime, scratch[i - 1])
                for i in range(len(net.weights) - 1, 0, -1)]  # fmt: skip
    first_t, first = deltas[0].T, deltas[0]  # the first layer, whose input is x
    grad_w0, grad_b0 = net.grad_weights[0], net.grad_biases[0]
    output_error = _output_error(cost, act[-1], deltas[-1], scratch[-1], f[-1].prime, mean_over)
    w0_t, b0, rows0, apply0, out0 = forward.pop(0)
    transposed, w0, out0_t = work.transposed_first, net.weights[0], out0.T
    rows0_t, b0_column = rows0.T, b0[:, None]  # (n, m) and (n, 1) views, for zᵀ

    def plan(x: np.ndarray, y: np.ndarray) -> Any:
        if transposed:  # zᵀ = W·xᵀ (faster for small mini-batches: TRANSPOSED_FIRST_LAYER)
            dot(w0, x.T, out0_t)
            copyto(rows0_t, b0_column)
            _add(out0_t, rows0_t, out0_t)
        else:
            dot(x, w0_t, out0)  # z = x·Wᵀ
            copyto(rows0, b0)
            _add(out0, rows0, out0)  # z += b
        apply0(out0)  # a = f(z), in place
        a = out0
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
    cost: Cost, a: np.ndarray, delta: np.ndarray, scratch: np.ndarray, prime: Prime,
    mean_over: int | None = None,
) -> Callable[[np.ndarray], Any]:
    """``error(y)``: writes ``δᴸ = ∂C/∂zᴸ`` into ``delta`` from the outputs ``a`` and the
    targets ``y``; returns the cost ``C`` of the batch (its mean over ``mean_over``
    examples, if given, instead of over the rows of ``a``)."""
    if mean_over is not None and cost is not QUADRATIC and cost is not CROSS_ENTROPY:
        raise ValueError(f"mean_over needs the quadratic or cross-entropy cost; got {cost!r}")
    m = a.shape[0] if mean_over is None else mean_over
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
