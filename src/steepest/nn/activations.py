"""The activation functions of :class:`~steepest.nn.network.Network`, applied in place.

An activation works in place: ``apply(z)`` turns z into a = f(z), and
``prime(delta, a, scratch)`` multiplies δ by f'(z), written in terms of a (so z need
not be kept). Both are closures over the dtype's constants and NumPy's functions, made
once per network: a step calls them once a layer, and a closure reads its names without
the attribute lookups of a method. Constants are 0-d arrays of the network's dtype:
NumPy combines those with an array faster than a Python float.

Left out: activations other than sigmoid, tanh, ReLU and softmax.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

__all__ = ["ACTIVATIONS", "HIDDEN", "Apply", "Prime"]

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


#: activation name -> its class
ACTIVATIONS = {cls.name: cls for cls in (_Sigmoid, _Tanh, _ReLU, _Softmax)}
#: the activations a hidden layer may have
HIDDEN = ("sigmoid", "tanh", "relu")
