"""The cost landscape: a 2-D slice of a network's cost around its weights.

A network's cost is a function of every weight at once (23,860 of them for 784-30-10),
so it can only be drawn on a slice: the weights θ* of the network, moved along two
directions δ and η, give ``C(α, β) = cost(θ* + α·δ + β·η)`` on a grid of (α, β). This
is the method of Li, Xu, Taylor, Studer and Goldstein, "Visualizing the Loss Landscape
of Neural Nets" (NeurIPS 2018), with their two choices of directions:

- ``"random"``: Gaussian directions, *filter-normalised*: each neuron's incoming
  weights in δ are scaled to the norm of that neuron's weights in θ*, so that a step
  of α = 1 changes every neuron by as much as its own size; the biases are not moved.
- ``"pca"``: the two principal directions of a recorded training path (the snapshots
  minus θ*), along which the path moved most; the path is drawn on the slice.

The training path, when given, is projected onto the plane (least squares) and each
snapshot's own cost is measured on the same images.

The slice is computed fast and exactly: the first layer's ``z = x·(W + αD + βE)ᵀ`` is
``x·Wᵀ + α·x·Dᵀ + β·x·Eᵀ``, three products made once, so only the small later layers
are computed anew for each grid point (a block of points at a time, in the network's
dtype). Left out: 3-D surfaces (the page draws those) and Hessian eigen-directions.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from steepest.cost import CROSS_ENTROPY, QUADRATIC, Cost, get_cost
from steepest.errors import NetworkError
from steepest.nn.activations import ACTIVATIONS

if TYPE_CHECKING:  # pragma: no cover
    from steepest.nn.network import Network
    from steepest.nn.path import TrainingPath

__all__ = ["MAX_GRID", "MAX_IMAGES", "MAX_WORK", "Landscape", "landscape"]

#: The largest grid side, the most images, and the most multiply-adds a slice may take
#: (grid points × images × the work of the layers after the first): about 10 s on one core.
MAX_GRID, MAX_IMAGES, MAX_WORK = 101, 10_000, 2 * 10**10
_BLOCK = 2**20  # elements of one block of activations (4 MB in float32)


@dataclass(frozen=True, eq=False)
class Landscape:
    """A 2-D slice of a network's cost, and the training path projected onto it.

    Attributes
    ----------
    alphas, betas : numpy.ndarray
        The grid's coordinates along the first and the second direction, float64.
    values : numpy.ndarray
        float64 ``(len(betas), len(alphas))``: ``values[i, j]`` is the cost at
        ``θ* + alphas[j]·δ + betas[i]·η`` (rows are β, as a contour plot wants them).
    centre : float
        The cost at the network's own weights (α = β = 0).
    directions : numpy.ndarray
        ``(2, n)``: δ and η as flat parameter vectors.
    kind : str
        ``"random"`` (filter-normalised), ``"pca"`` (of the path) or ``"given"``.
    explained : tuple of float or None
        For ``"pca"``: the fraction of the path's variance along each direction.
    seed : int or None
        For ``"random"``: the seed of the directions.
    cost : str
        The cost's name (``"quadratic"`` or ``"cross-entropy"``).
    images : int
        How many images the cost is measured on.
    path, path_values, path_steps : numpy.ndarray or None
        The recorded path projected onto the plane ``(k, 2)``, each snapshot's own cost
        ``(k,)`` (not the slice's value under it: the path need not lie in the plane),
        and the step of each snapshot ``(k,)``.
    """

    alphas: np.ndarray
    betas: np.ndarray
    values: np.ndarray
    centre: float
    directions: np.ndarray
    kind: str
    explained: tuple[float, float] | None
    seed: int | None
    cost: str
    images: int
    path: np.ndarray | None = None
    path_values: np.ndarray | None = None
    path_steps: np.ndarray | None = None

    def __repr__(self) -> str:
        return (f"Landscape({len(self.alphas)}x{len(self.betas)} grid, {self.kind} directions, "
                f"{self.cost} cost on {self.images} images, centre {self.centre:.4g})")

    def describe(self) -> str:
        """The directions, the grid and the images, in words (for a caption)."""
        if self.kind == "random":
            how = f"filter-normalised random directions (seed {self.seed}), biases fixed"
        elif self.kind == "pca" and self.explained is not None:
            a, b = self.explained
            how = (f"the training path's two main directions (PCA: {a:.0%} and {b:.0%} of "
                   "its movement)")
        else:
            how = "two given directions"
        grid = (f"{len(self.alphas)}×{len(self.betas)} grid, α {self.alphas[0]:.3g}..."
                f"{self.alphas[-1]:.3g}, β {self.betas[0]:.3g}...{self.betas[-1]:.3g}")
        return f"{self.cost} cost on {self.images:,} images; {grid}; {how}"


def landscape(
    network: Network,
    x: Any,
    y: Any,
    *,
    cost: str | Cost | None = None,
    directions: str | Any = "random",
    path: TrainingPath | None = None,
    grid: int = 41,
    bounds: tuple[float, float, float, float] | None = None,
    seed: int = 0,
    blas_threads: int | None = 1,
) -> Landscape:
    """The cost of ``network`` on ``(x, y)`` over a plane through its weights.

    Parameters
    ----------
    network
        The network; its weights θ* are the centre of the slice (not changed).
    x, y
        The images the cost is measured on (one a row) and their labels or one-hot rows;
        at most :data:`MAX_IMAGES`.
    cost
        ``"quadratic"``, ``"cross-entropy"`` or a :class:`~steepest.cost.Cost`; ``None``:
        cross-entropy for a softmax output, quadratic otherwise.
    directions
        ``"random"`` (filter-normalised, biases not moved), ``"pca"`` (of ``path``; needs
        at least three snapshots), or an array ``(2, n)`` of two flat directions.
    path
        The recorded :class:`~steepest.nn.path.TrainingPath`, projected onto the plane.
    grid
        Points per side, 3 to :data:`MAX_GRID`.
    bounds
        ``(α_min, α_max, β_min, β_max)``; by default ±1 for random directions (Li et al.),
        and the path's extent with a margin for the others.
    seed
        The seed of random directions.
    blas_threads
        How many threads BLAS may use meanwhile (``None``: as configured). One, as in
        :func:`steepest.nn.train`: the products here are small, and threads that wait for
        a core busy with another program make them many times slower.

    Returns
    -------
    Landscape
        The grid, its cost values, the cost at the centre, the directions and the path.

    Examples
    --------
    >>> from steepest.nn import Network
    >>> net = Network([4, 3, 2], seed=0)
    >>> x = np.random.default_rng(1).normal(size=(20, 4)); y = np.arange(20) % 2
    >>> land = landscape(net, x, y, grid=5)
    >>> land.values.shape, bool(np.isclose(land.values[2, 2], net.evaluate(x, y)[0]))
    ((5, 5), True)
    """
    cost = _cost(network, cost)
    xs, targets = _data(network, x, y)
    grid = _grid_size(grid)
    _check_work(network, grid, xs.shape[0])
    if blas_threads is None:
        return _landscape(network, xs, targets, cost, directions, path, grid, bounds, seed)
    from threadpoolctl import threadpool_limits

    with threadpool_limits(int(blas_threads), user_api="blas"):
        return _landscape(network, xs, targets, cost, directions, path, grid, bounds, seed)


def _landscape(network: Network, xs: np.ndarray, targets: np.ndarray, cost: Cost,
               directions: Any, path: TrainingPath | None, grid: int, bounds: Any,
               seed: int) -> Landscape:  # fmt: skip
    kind, explained, dirs = _directions(network, directions, path, seed)
    coords = steps = path_values = None
    if path is not None:
        if path.params.shape[1] != network.params.size:
            raise NetworkError(f"the path has {path.params.shape[1]} parameters; the network "
                               f"has {network.params.size}")
        coords = _project(path.params, network.params, dirs)
        steps = path.steps.copy()
        path_values = np.array([_snapshot_cost(network, p, xs, targets, cost)
                                for p in path.params])
    box = _bounds(bounds, kind, coords)
    alphas, betas = np.linspace(box[0], box[1], grid), np.linspace(box[2], box[3], grid)
    points = np.stack(np.meshgrid(alphas, betas), axis=-1).reshape(-1, 2)  # rows: β
    values = _costs(network, xs, targets, cost, dirs, points).reshape(grid, grid)
    centre = float(_costs(network, xs, targets, cost, dirs, np.zeros((1, 2)))[0])
    return Landscape(alphas, betas, values, centre, dirs, kind, explained,
                     seed if kind == "random" else None, cost.name, xs.shape[0],
                     coords, path_values, steps)  # fmt: skip


# ------------------------------------------------------------------------- checks
def _cost(network: Network, cost: str | Cost | None) -> Cost:
    if cost is None:
        return CROSS_ENTROPY if network.output == "softmax" else QUADRATIC
    found = get_cost(cost)
    if found is CROSS_ENTROPY and network.output != "softmax":
        raise NetworkError(f"cost 'cross-entropy' needs a softmax output layer; this network's "
                           f"output is {network.output!r}")
    return found


def _data(network: Network, x: Any, y: Any) -> tuple[np.ndarray, np.ndarray]:
    from steepest.cost import one_hot

    xs = np.asarray(x)
    if xs.ndim != 2 or xs.shape[1] != network.sizes[0] or xs.dtype.kind not in "iuf":
        raise NetworkError(f"landscape: x must be numbers of shape (m, {network.sizes[0]}); "
                           f"got {xs.dtype} {xs.shape}")
    if not 1 <= xs.shape[0] <= MAX_IMAGES:
        raise NetworkError(f"landscape: the cost is measured on 1 to {MAX_IMAGES:,} images; "
                           f"got {xs.shape[0]:,}")
    if not np.isfinite(xs).all():
        raise NetworkError("landscape: x holds values that are not finite")
    ys = np.asarray(y)
    if ys.ndim == 1:
        ys = one_hot(ys, network.sizes[-1])
    if ys.shape != (xs.shape[0], network.sizes[-1]):
        raise NetworkError(f"landscape: y must be {xs.shape[0]} labels or one-hot rows "
                           f"({xs.shape[0]}, {network.sizes[-1]}); got shape {ys.shape}")
    return np.ascontiguousarray(xs, network.dtype), ys.astype(network.dtype)


def _grid_size(grid: Any) -> int:
    if isinstance(grid, bool) or not isinstance(grid, (int, np.integer)):
        raise TypeError(f"grid must be an int; got {type(grid).__name__}")
    if not 3 <= grid <= MAX_GRID:
        raise NetworkError(f"grid must be 3 to {MAX_GRID} points a side; got {grid}")
    return int(grid)


def _later_work(network: Network) -> int:
    """Multiply-adds per image and grid point: the first layer's sums, the later products."""
    sizes = network.sizes
    return sizes[1] + sum(a * b for a, b in itertools.pairwise(sizes[1:]))


def _check_work(network: Network, grid: int, images: int) -> None:
    work = grid * grid * images * _later_work(network)
    if work > MAX_WORK:
        raise NetworkError(
            f"a {grid}×{grid} slice on {images:,} images of a "
            f"{'-'.join(map(str, network.sizes))} network takes {work:.2g} multiply-adds, more "
            f"than the {MAX_WORK:.0e} allowed; hint: fewer images or a smaller grid"
        )


def _bounds(bounds: Any, kind: str, coords: np.ndarray | None) -> tuple[float, ...]:
    if bounds is not None:
        box = tuple(float(b) for b in bounds)
        if len(box) != 4 or not all(np.isfinite(box)) or box[0] >= box[1] or box[2] >= box[3]:
            raise NetworkError(f"bounds must be (α_min, α_max, β_min, β_max), each min below "
                               f"its max; got {bounds!r}")
        return box
    if kind == "random" or coords is None:
        return (-1.0, 1.0, -1.0, 1.0)
    low, high = np.minimum(coords.min(axis=0), 0.0), np.maximum(coords.max(axis=0), 0.0)
    margin = np.maximum(0.2 * (high - low), 1e-3)
    return (low[0] - margin[0], high[0] + margin[0], low[1] - margin[1], high[1] + margin[1])


# ---------------------------------------------------------------------- directions
def _directions(network: Network, directions: Any, path: TrainingPath | None,
                seed: int) -> tuple[str, tuple[float, float] | None, np.ndarray]:  # fmt: skip
    n = network.params.size
    if isinstance(directions, str):
        if directions == "random":
            return "random", None, _random_directions(network, seed)
        if directions == "pca":
            if path is None or len(path) < 3:
                raise NetworkError("directions 'pca' need a recorded training path of at least "
                                   "three snapshots; hint: train with the path recorded, or "
                                   "use directions 'random'")
            explained, dirs = _pca_directions(path.params, network.params)
            return "pca", explained, dirs.astype(network.dtype)
        raise NetworkError(f"directions must be 'random', 'pca' or an array (2, {n}); got "
                           f"{directions!r}")
    dirs = np.asarray(directions, dtype=np.float64)
    if dirs.shape != (2, n) or not np.isfinite(dirs).all() or \
            np.linalg.matrix_rank(dirs) < 2:
        raise NetworkError(f"directions must be two independent finite vectors, shape (2, {n}); "
                           f"got shape {dirs.shape}")
    return "given", None, dirs.astype(network.dtype)


def _random_directions(network: Network, seed: int) -> np.ndarray:
    """Two Gaussian directions, each neuron's row scaled to the norm of its weights."""
    rng = np.random.default_rng(seed)
    dirs = np.zeros((2, network.params.size), network.dtype)
    for d in dirs:
        # the biases stay 0: they are not moved
        for (w_dir, _), w in zip(_layers(network, d), network.weights, strict=True):
            draw = rng.standard_normal(w.shape)
            norms = np.linalg.norm(draw, axis=1, keepdims=True)
            w_dir[...] = draw / np.maximum(norms, 1e-12) * np.linalg.norm(w, axis=1, keepdims=True)
    return dirs


def _pca_directions(params: np.ndarray, centre: np.ndarray) -> tuple[tuple[float, float],
                                                                     np.ndarray]:  # fmt: skip
    """The two main directions of the snapshots minus the centre, and their variance shares.

    Through the small Gram matrix ``M·Mᵀ`` (k × k, k snapshots) rather than an SVD of the
    wide ``M`` (k × n): the same directions, ``vᵢ = Mᵀuᵢ / σᵢ``, at a fraction of the cost.
    """
    moves = params.astype(np.float64) - centre
    gram = moves @ moves.T
    values, vectors = np.linalg.eigh(gram)  # ascending
    values, vectors = values[::-1], vectors[:, ::-1]
    total = float(np.clip(values, 0.0, None).sum())
    if values.size < 2 or not values[1] > 1e-24 * max(values[0], 1e-300) or total <= 0:
        raise NetworkError("the training path moved along fewer than two directions; "
                           "hint: use directions 'random'")
    directions = (vectors[:, :2].T @ moves) / np.sqrt(values[:2])[:, None]
    directions *= np.where(directions @ moves[0] > 0, -1.0, 1.0)[:, None]  # the start at -α, -β
    return (float(values[0] / total), float(values[1] / total)), directions


def _project(params: np.ndarray, centre: np.ndarray, dirs: np.ndarray) -> np.ndarray:
    """Least-squares coordinates (α, β) of each snapshot minus the centre in the plane."""
    d = dirs.astype(np.float64)
    moves = params.astype(np.float64) - centre
    return np.linalg.solve(d @ d.T, d @ moves.T).T


# -------------------------------------------------------------------- evaluation
def _layers(network: Network, flat: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """``(W, b)`` of each layer as views into a flat parameter vector (the network's layout)."""
    layers, start = [], 0
    for n_out, n_in in zip(network.sizes[1:], network.sizes[:-1], strict=True):
        w = flat[start : start + n_out * n_in].reshape(n_out, n_in)
        start += n_out * n_in
        layers.append((w, flat[start : start + n_out]))
        start += n_out
    return layers


def _activations(network: Network) -> list[Any]:
    names = [network.activation] * (len(network.sizes) - 2) + [network.output]
    return [ACTIVATIONS[name](network.dtype).apply for name in names]


def _snapshot_cost(network: Network, flat: np.ndarray, x: np.ndarray, y: np.ndarray,
                   cost: Cost) -> float:  # fmt: skip
    """The cost of the parameters ``flat`` (a snapshot of the path): a plain forward pass."""
    a = x
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for (w, b), apply in zip(_layers(network, flat), _activations(network), strict=True):
            a = np.dot(a, w.T) + b
            apply(a)
    return _value(cost, y, a)


def _costs(network: Network, x: np.ndarray, y: np.ndarray, cost: Cost, dirs: np.ndarray,
           points: np.ndarray) -> np.ndarray:  # fmt: skip
    """The cost at ``θ* + α·dirs[0] + β·dirs[1]`` for each row ``(α, β)`` of ``points``.

    Every layer's ``a·(W + αD + βE)ᵀ`` is ``a·Wᵀ + α·a·Dᵀ + β·a·Eᵀ``: the first layer's
    three products are made once; a later layer's are one product of the whole block
    with ``[Wᵀ Dᵀ Eᵀ]`` side by side (one large matrix product, not one per point).
    """
    dtype = network.dtype
    base = _layers(network, network.params)
    along = [_layers(network, d) for d in dirs]
    apply = _activations(network)
    first = [np.dot(x, w.T) + b for w, b in (base[0], along[0][0], along[1][0])]
    stacked = [(np.concatenate([w.T, wa.T, wb.T], axis=1), np.stack([b, ba, bb]))
               for (w, b), (wa, ba), (wb, bb) in zip(base[1:], along[0][1:], along[1][1:],
                                                     strict=True)]  # fmt: skip
    m, widest = x.shape[0], max(network.sizes[1:])
    block = max(1, _BLOCK // (m * widest))
    out = np.empty(points.shape[0])
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for start in range(0, points.shape[0], block):
            ab = points[start : start + block].astype(dtype)
            act = _combine(first, ab)  # (P, m, h1): every point of the block at once
            apply[0](act.reshape(-1, act.shape[-1]))
            for layer, (w3, b3) in enumerate(stacked, start=1):
                h = w3.shape[1] // 3
                parts = np.dot(act.reshape(-1, act.shape[-1]), w3).reshape(len(ab), m, 3, h)
                parts += b3
                act = _combine([parts[:, :, 0], parts[:, :, 1], parts[:, :, 2]], ab)
                apply[layer](act.reshape(-1, h))
            for i, outputs in enumerate(act):
                out[start + i] = _value(cost, y, outputs)
    return out


def _combine(parts: list[np.ndarray], ab: np.ndarray) -> np.ndarray:
    """``parts[0] + α·parts[1] + β·parts[2]`` for each row (α, β) of ``ab``: (P, m, h)."""
    a, b = ab[:, 0, None, None], ab[:, 1, None, None]
    shape = (len(ab), *parts[0].shape[-2:])
    out = np.multiply(np.broadcast_to(parts[1], shape), a)
    out += parts[0]
    scratch = np.multiply(np.broadcast_to(parts[2], shape), b)
    out += scratch
    return out


def _value(cost: Cost, y: np.ndarray, outputs: np.ndarray) -> float:
    """The cost of one grid point's outputs; ``nan`` when they overflowed."""
    if not np.isfinite(outputs).all():
        return float("nan")
    if cost is CROSS_ENTROPY:
        np.clip(outputs, 0.0, 1.0, out=outputs)  # rounding may leave 1 + 1e-7
    return float(cost.value(y, outputs))
