"""The path training took through weight space: recorded thinly, kept in the model file.

A network of 784-30-10 has 23,860 weights, so its path is a few dozen points in a
space of that many dimensions; :mod:`steepest.nn.landscape` projects it onto a plane
and draws it over the cost. :class:`PathRecorder` is an ``on_batch`` callback of
:func:`steepest.nn.train` that keeps a bounded number of snapshots of the weights,
evenly spaced over the run whatever its length: it records every ``interval``-th
step, and when full drops every other snapshot and doubles the interval.
:class:`TrainingPath` holds the snapshots and writes them into, and reads them from,
a network's ``.npz`` file (``Network.save(..., extra=path.arrays())``).

Left out: the optimizer's state along the way, and any path longer than its caps.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from steepest.errors import NetworkError

if TYPE_CHECKING:  # pragma: no cover
    from steepest.nn.history import TrainingStep
    from steepest.nn.network import Network

__all__ = ["MAX_PATH_BYTES", "MAX_SNAPSHOTS", "PathRecorder", "TrainingPath"]

#: Snapshots a recorder keeps at most (the final weights come on top).
MAX_SNAPSHOTS = 64
#: Bytes of snapshots a recorder keeps by default, and the most a model file may hold.
PATH_BYTES, MAX_PATH_BYTES = 32 * 2**20, 256 * 2**20
_FIELDS = ("path_steps", "path_params")


@dataclass(frozen=True, eq=False)
class TrainingPath:
    """Snapshots of a network's weights during training, oldest first.

    Attributes
    ----------
    steps : numpy.ndarray
        int64 ``(k,)``: the optimizer steps taken when each snapshot was made, rising
        (0 is the initial weights).
    params : numpy.ndarray
        ``(k, n)`` in the network's dtype: the flat parameter vector at each snapshot.
    """

    steps: np.ndarray
    params: np.ndarray

    def __len__(self) -> int:
        return int(self.steps.size)

    def arrays(self) -> dict[str, np.ndarray]:
        """The arrays to store beside a network: ``network.save(file, extra=path.arrays())``."""
        return {"path_steps": self.steps, "path_params": self.params}

    @classmethod
    def read(cls, file: str | Path, network: Network) -> TrainingPath | None:
        """The path recorded in a network file written by ``Network.save``, or ``None``.

        The sizes are checked against ``network`` (the one that file holds) and
        :data:`MAX_PATH_BYTES` before anything is read; a bad path is a ``NetworkError``.
        """
        file = Path(file)
        try:
            with zipfile.ZipFile(file) as archive:
                names = set(archive.namelist())
                if not {f"{name}.npy" for name in _FIELDS} <= names:
                    return None
                size = archive.getinfo("path_params.npy").file_size
        except (OSError, zipfile.BadZipFile) as error:
            raise NetworkError(f"cannot read {file}: {error}") from None
        if size > MAX_PATH_BYTES:
            raise NetworkError(
                f"{file} holds a training path of {size / 2**20:.0f} MB, more than the "
                f"{MAX_PATH_BYTES / 2**20:.0f} MB read here"
            )
        try:
            with np.load(file, allow_pickle=False) as data:
                steps, params = data["path_steps"], data["path_params"]
        except (OSError, ValueError, EOFError, zipfile.BadZipFile) as error:
            raise NetworkError(f"{file}: its training path is unreadable: {error}") from None
        return cls.checked(steps, params, network, str(file))

    @classmethod
    def checked(cls, steps: Any, params: Any, network: Network,
                where: str = "the training path") -> TrainingPath:  # fmt: skip
        """A path from raw arrays, checked against ``network``'s parameters."""
        steps, params = np.asarray(steps), np.asarray(params)
        n = network.params.size
        if (steps.ndim != 1 or steps.dtype.kind not in "iu" or params.ndim != 2
                or params.shape != (steps.size, n) or params.dtype.kind != "f"):
            raise NetworkError(
                f"{where}: a training path needs steps (k,) and parameters (k, {n}) for this "
                f"network; got {steps.shape} {steps.dtype} and {params.shape} {params.dtype}"
            )
        if steps.size < 2 or (np.diff(steps) <= 0).any() or steps[0] < 0:
            raise NetworkError(f"{where}: a training path needs at least two snapshots at "
                               "rising, non-negative steps")
        if not np.isfinite(params).all():
            raise NetworkError(f"{where}: the training path holds weights that are not finite")
        return cls(steps.astype(np.int64), params.astype(network.dtype, copy=False))


class PathRecorder:
    """An ``on_batch`` callback that records the weights along training, thinly.

    Parameters
    ----------
    network
        The network about to be trained; its weights now are the path's first point.
    max_snapshots
        The most snapshots kept during training (even, at least 4).
    max_bytes
        The most bytes of snapshots kept; fewer snapshots for a large network.

    Examples
    --------
    >>> from steepest.nn import Network, train
    >>> x = np.random.default_rng(0).normal(size=(100, 2)); y = (x[:, 0] > 0).astype(int)
    >>> net = Network([2, 3, 2], seed=0)
    >>> recorder = PathRecorder(net, max_snapshots=8)
    >>> _ = train(net, (x, y), epochs=10, batch_size=10, seed=0, on_batch=recorder)
    >>> path = recorder.path()
    >>> path.steps.tolist()  # evenly spaced over the 100 steps, and the last
    [0, 16, 32, 48, 64, 80, 96, 100]
    """

    def __init__(self, network: Network, *, max_snapshots: int = MAX_SNAPSHOTS,
                 max_bytes: int = PATH_BYTES) -> None:  # fmt: skip
        if isinstance(max_snapshots, bool) or not isinstance(max_snapshots, int) \
                or max_snapshots < 4 or max_snapshots % 2:
            raise NetworkError(f"max_snapshots must be an even int of at least 4; got "
                               f"{max_snapshots!r}")
        each = network.params.nbytes
        fits = min(max_snapshots, int(max_bytes) // max(each, 1)) // 2 * 2
        if fits < 4:
            raise NetworkError(
                f"a {'-'.join(map(str, network.sizes))} network is too large to record its "
                f"path: each snapshot takes {each / 2**20:.1f} MB and at most "
                f"{max_bytes / 2**20:.0f} MB are kept (at least 4 snapshots are needed)"
            )
        self.network, self.capacity, self.interval = network, fits, 1
        self._steps: list[int] = [0]
        self._params: list[np.ndarray] = [network.params.copy()]
        self._last = 0

    def __call__(self, step: TrainingStep) -> None:
        self._last = step.steps
        if step.steps % self.interval:
            return
        self._steps.append(step.steps)
        self._params.append(step.network.params.copy())
        if len(self._steps) == self.capacity:  # full: keep every other one, record half as often
            self.interval *= 2
            kept = [i for i, s in enumerate(self._steps) if s % self.interval == 0]
            self._steps = [self._steps[i] for i in kept]
            self._params = [self._params[i] for i in kept]

    @property
    def steps(self) -> int:
        """Optimizer steps seen so far (0 before training)."""
        return self._last

    def path(self) -> TrainingPath:
        """The snapshots so far, ending with the network's weights now."""
        steps, params = list(self._steps), list(self._params)
        if steps[-1] != self._last:
            steps.append(self._last)
            params.append(self.network.params.copy())
        if len(steps) < 2:
            raise NetworkError("no training step was recorded; train before asking for the path")
        return TrainingPath(np.array(steps, np.int64), np.stack(params))
