"""One image through a network, worked out: every layer's activations, and its cost term by term.

:func:`image_cost` is the seed's exercise done with a real network: the ten outputs, the
ten expected values (1 for the true digit, 0 elsewhere), each difference squared and
their sum, ``Σⱼ (yⱼ − aⱼ)²``, and beside it the cross-entropy's terms ``−yⱼ·ln aⱼ``.
:func:`activations` gives what each layer of the network computes for one image, as a
picture of the network would show it.

Left out: gradients (:meth:`~steepest.nn.network.Network.backprop`) and batches.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from steepest.errors import NetworkError
from steepest.nn.activations import ACTIVATIONS

if TYPE_CHECKING:  # pragma: no cover
    from steepest.nn.network import Network

__all__ = ["ImageCost", "activations", "image_cost"]


@dataclass(frozen=True, eq=False)
class ImageCost:
    """The cost of one image, term by term (all arrays float64, one entry per output).

    Attributes
    ----------
    label : int
        The true class.
    outputs : numpy.ndarray
        The network's outputs ``a``.
    expected : numpy.ndarray
        The expected outputs ``y``: 1 for the true class, 0 elsewhere.
    squared : numpy.ndarray
        ``(yⱼ − aⱼ)²`` for each output.
    quadratic : float
        ``Σⱼ (yⱼ − aⱼ)²``, the seed's cost of one example (training's quadratic cost
        takes half of it, Nielsen's ``½‖y − a‖²``).
    log_terms : numpy.ndarray or None
        ``−yⱼ·ln aⱼ`` for each output (``a`` clipped below at the float64 epsilon as
        :func:`steepest.cost.cross_entropy` does); ``None`` when the outputs are not
        all in [0, 1].
    cross_entropy : float or None
        ``Σⱼ −yⱼ·ln aⱼ = −ln a_label``, or ``None`` as above.
    """

    label: int
    outputs: np.ndarray
    expected: np.ndarray
    squared: np.ndarray
    quadratic: float
    log_terms: np.ndarray | None
    cross_entropy: float | None

    @property
    def guess(self) -> int:
        """The network's answer: the index of its largest output."""
        return int(self.outputs.argmax())

    @property
    def differences(self) -> np.ndarray:
        """``yⱼ − aⱼ`` for each output."""
        return self.expected - self.outputs

    def __repr__(self) -> str:
        return f"ImageCost(label={self.label}, guess={self.guess}, quadratic={self.quadratic:.4f})"

    def text(self) -> str:
        """The sum written out with its numbers, one output a line.

        Examples
        --------
        >>> print(ImageCost.of([0.1, 0.8, 0.3], 1).text())
        digit  output  expected  (expected − output)²
            0   0.100         0  (0 − 0.100)² = 0.0100
            1   0.800         1  (1 − 0.800)² = 0.0400
            2   0.300         0  (0 − 0.300)² = 0.0900
        cost of this image: Σ = 0.1400
        """
        lines = ["digit  output  expected  (expected − output)²"]
        for j, (y, a, s) in enumerate(zip(self.expected, self.outputs, self.squared, strict=True)):
            lines.append(f"{j:>5}  {a:6.3f}  {y:8.0f}  ({y:.0f} − {a:.3f})² = {s:.4f}")
        return "\n".join([*lines, f"cost of this image: Σ = {self.quadratic:.4f}"])

    @classmethod
    def of(cls, outputs: Any, label: int) -> ImageCost:
        """The worked cost of given outputs for the true class ``label``."""
        a = np.asarray(outputs, dtype=np.float64)
        if a.ndim != 1 or a.size < 1 or not np.isfinite(a).all():
            raise NetworkError(f"outputs must be finite numbers, one per class; got {a.shape}")
        if isinstance(label, bool) or not isinstance(label, (int, np.integer)) or \
                not 0 <= label < a.size:
            raise NetworkError(f"label must be a class 0..{a.size - 1}; got {label!r}")
        y = np.zeros_like(a)
        y[label] = 1.0
        squared = np.square(y - a)
        log_terms = entropy = None
        if a.min() >= 0.0 and a.max() <= 1.0:
            log_terms = -y * np.log(np.maximum(a, np.finfo(np.float64).eps))
            log_terms[y == 0] = 0.0  # −0·ln a is 0, not −0
            entropy = float(log_terms.sum())
        return cls(int(label), a, y, squared, float(squared.sum()), log_terms, entropy)


def image_cost(network: Network, image: Any, label: int) -> ImageCost:
    """The cost of one image, term by term: outputs, expected values, squares and their sum.

    Parameters
    ----------
    network
        The network.
    image
        One example's inputs, ``(n_in,)`` (784 pixels for MNIST).
    label
        The true class of the image.

    Returns
    -------
    ImageCost
        The outputs, the expected values, each ``(yⱼ − aⱼ)²`` and their sum, and the
        cross-entropy's terms.

    Examples
    --------
    >>> from steepest.nn import Network
    >>> worked = image_cost(Network([4, 3], output="softmax", seed=0), np.zeros(4), 2)
    >>> worked.outputs.round(3).tolist(), round(worked.quadratic, 4)
    ([0.333, 0.333, 0.333], 0.6667)
    >>> round(worked.cross_entropy, 4)  # −ln(1/3)
    1.0986
    """
    x = np.asarray(image)
    if x.ndim != 1:
        raise NetworkError(f"image_cost takes one image, shape ({network.sizes[0]},); "
                           f"got shape {x.shape}")
    return ImageCost.of(network.forward(x), label)


def activations(network: Network, image: Any) -> list[np.ndarray]:
    """What each layer holds for one image: the inputs, then every layer's activations.

    The last is the network's output, as :meth:`~steepest.nn.network.Network.forward`
    gives it.

    Examples
    --------
    >>> from steepest.nn import Network
    >>> [a.shape for a in activations(Network([4, 3, 2], seed=0), np.ones(4))]
    [(4,), (3,), (2,)]
    """
    x = np.asarray(image)
    if x.ndim != 1 or x.shape[0] != network.sizes[0] or x.dtype.kind not in "iuf" \
            or not np.isfinite(x).all():
        raise NetworkError(f"activations takes one image of finite numbers, shape "
                           f"({network.sizes[0]},); got {x.dtype} {x.shape}")
    layers = [x.astype(network.dtype)]
    names = [network.activation] * (len(network.sizes) - 2) + [network.output]
    for w, b, name in zip(network.weights, network.biases, names, strict=True):
        z = np.dot(layers[-1][None, :], w.T) + b  # one row, as the network computes it
        ACTIVATIONS[name](network.dtype).apply(z)
        layers.append(z[0])
    return layers
