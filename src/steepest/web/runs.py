"""Training runs owned by the explorer's server: one thread per run, controlled and watched.

A :class:`Run` trains a network with the library's own :func:`steepest.nn.train` in a
thread of its own; its ``on_batch`` callback is where the page's wishes reach the loop:
settings changed (from the next step), pause (the thread waits in the callback), stop
(within one mini-batch, or at once when paused), and a copy of the weights made between
two steps for the panels that look at the network while it learns. The callback also
publishes updates (mini-batch costs, epochs, first-layer weights), at most
:data:`UPDATES_PER_SECOND` a second, into a bounded queue that the page's stream reads.

:class:`Runs` admits at most one running run per core ("busy, try again" beyond), keeps a
few finished ones for their panels, and loads the training data once for all runs. BLAS
runs on one thread in this process from the first run on (its thread count is the
process's: runs that each set their own would undo each other's).
Memory: a run holds its network, gradient and optimizer state (at most 6 copies of the
335,114 float32 parameters of 784-256-256-256-10, the largest network the page allows:
8 MB), the mini-batch buffers (under 5 MB), the
recorded path (:data:`PATH_BYTES`, 8 MB) and its mini-batch costs (under 8 MB): under
32 MB a run, beside the data every run shares (the sample: 19 MB; the full MNIST: 210 MB).
"""

from __future__ import annotations

import base64
import collections
import os
import secrets
import threading
import time
from dataclasses import dataclass
from typing import Any

import numpy as np

from steepest.errors import DataError, NetworkError

__all__ = ["MAX_BATCHES", "PATH_BYTES", "BusyError", "Run", "Runs", "Settings"]

UPDATES_PER_SECOND = 10
WEIGHT_IMAGES = 16  #: first-layer neurons whose weights are streamed as 28 × 28 images
WEIGHTS_EVERY = 0.5  #: seconds between two pictures of the weights
PATH_BYTES = 8 * 2**20
MAX_BATCHES = 1_000_000  #: epochs × mini-batches a run may take (its costs are kept)


_BLAS_SET = threading.Event()


def _one_blas_thread() -> None:
    """Hold BLAS to one thread in this process, from the first run on, and keep it so.

    BLAS's thread count belongs to the process, not to a thread: runs that set and
    restored it each for itself would undo each other's setting. With at most one run per
    core, one thread each is the count that never oversubscribes the cores.
    """
    if not _BLAS_SET.is_set():
        from threadpoolctl import threadpool_limits

        threadpool_limits(1, user_api="blas")
        _BLAS_SET.set()


class BusyError(Exception):
    """Every core already trains a run."""


@dataclass(frozen=True)
class Settings:
    """What a run trains: the network, the optimizer, the data (checked, and given their
    defaults, by the web model :class:`steepest.web.digits.TrainRequest`)."""

    hidden: tuple[int, ...]
    activation: str
    cost: str
    optimizer: str
    learning_rate: float
    batch_size: int
    epochs: int
    schedule: str  #: "constant", or "cosine": falling along half a cosine to 0
    label_smoothing: float
    data: str
    seed: int
    pace: float  #: at most this many steps a second, to watch; 0: full speed

    def setup(self) -> Any:
        """These settings as a :class:`~steepest.nn.presets.Preset` (network, optimizer and
        schedule made as the command line makes them)."""
        from steepest.nn.presets import Preset

        return Preset("page", self.hidden, self.activation, self.cost, self.optimizer,
                      self.learning_rate, self.batch_size, self.epochs, schedule=self.schedule,
                      lr_decay=0.0 if self.schedule == "cosine" else 1.0,
                      label_smoothing=self.label_smoothing)  # fmt: skip

    def sizes(self) -> list[int]:
        return [784, *self.hidden, 10]


def packed(array: np.ndarray) -> str:
    """A float32 little-endian array as base64 text."""
    return base64.b64encode(np.ascontiguousarray(array, "<f4").tobytes()).decode("ascii")


class Run:
    """One training run in its own thread; see the module's docstring."""

    def __init__(self, settings: Settings, data: Any) -> None:
        from steepest.nn.path import PathRecorder

        self.id = secrets.token_urlsafe(9)
        self.settings, self.data = settings, data
        setup = settings.setup()
        self.network = setup.network(seed=settings.seed)
        self.optimizer = setup.make_optimizer(len(data.train[0]))
        self.schedule = self.optimizer.schedule
        self.recorder = PathRecorder(self.network, max_bytes=PATH_BYTES)
        self.state, self.message = "starting", ""
        self.history: Any = None
        self._lock = threading.Lock()
        self._updates: collections.deque[dict[str, Any]] = collections.deque(maxlen=4000)
        self._seq = 0
        self._stop, self._running = threading.Event(), threading.Event()
        self._running.set()
        self._changes: dict[str, float] = {}
        self._wanted, self._copied = threading.Event(), threading.Event()
        self._copy: Any = None
        self._pending: list[float] = []
        self._last_publish = self._last_weights = 0.0
        self._smoothed = float("nan")
        self.pace = settings.pace
        self._pace_from = (time.monotonic(), 0)
        self._thread = threading.Thread(target=self._train, name=f"steepest-run-{self.id}",
                                        daemon=True)

    # ------------------------------------------------------------------ control
    def start(self) -> None:
        self._thread.start()

    @property
    def active(self) -> bool:
        return self._thread.is_alive() or self.state == "starting"

    def pause(self) -> None:
        if self.active:
            self._running.clear()
            self._publish({"type": "state", "state": "paused"})

    def resume(self) -> None:
        if self.active:
            self._running.set()
            self._publish({"type": "state", "state": "training"})

    def stop(self) -> None:
        self._stop.set()
        self._running.set()

    def join(self, timeout: float) -> bool:
        self._thread.join(timeout)
        return not self._thread.is_alive()

    def change(self, settings: dict[str, float]) -> dict[str, Any]:
        """Check new optimizer settings now; the training thread applies them at its next step.

        ``pace`` (steps a second, 0 for full speed) is the run's own, not the optimizer's.
        """
        settings = dict(settings)
        if "pace" in settings:
            self.pace = float(settings.pop("pace"))
            self._pace_from = (time.monotonic(), (getattr(self, "_step", None) and self._step.steps)
                               or 0)
        known = self.optimizer.hyperparameters()
        unknown = sorted(set(settings) - set(known))
        if unknown:
            raise NetworkError(f"{type(self.optimizer).__name__} has no setting "
                               f"{', '.join(map(repr, unknown))}; its settings are "
                               f"{', '.join(map(repr, known))}")
        type(self.optimizer)(**{**known, **settings})  # raises on a bad value
        with self._lock:
            self._changes.update(settings)
        return {**known, **settings, "pace": self.pace}

    def snapshot(self, timeout: float = 2.0) -> tuple[Any, Any]:
        """A copy of the network and of its recorded path, taken between two steps."""
        if self._thread.is_alive() and self._running.is_set():
            self._copied.clear()
            self._wanted.set()
            if self._copied.wait(timeout) and self._copy is not None:
                return self._copy
        with self._lock:  # not training now (paused, finished, or not yet started)
            return self._copy_now()

    def _copy_now(self) -> tuple[Any, Any]:
        import copy

        path = self.recorder.path() if self.recorder.steps else None
        return copy.deepcopy(self.network), path

    # ------------------------------------------------------------------ updates
    def updates_since(self, seq: int) -> list[dict[str, Any]]:
        with self._lock:
            return [u for u in self._updates if u["seq"] > seq]

    def _publish(self, update: dict[str, Any]) -> None:
        with self._lock:
            self._seq += 1
            update["seq"] = self._seq
            self._updates.append(update)

    def describe(self) -> dict[str, Any]:
        return {"run": self.id, "state": self.state, "message": self.message,
                "settings": self.settings.__dict__ | {"hidden": list(self.settings.hidden)},
                "sizes": self.settings.sizes(), "pace": self.pace,
                "optimizer": self.optimizer.hyperparameters()}  # fmt: skip

    # ------------------------------------------------------------------ the thread
    def _train(self) -> None:
        from steepest.nn import train

        x, y = self.data.train
        self.state = "training"
        self._publish({"type": "state", "state": "training"})
        try:
            self.history = train(
                self.network, (x, y), epochs=self.settings.epochs,
                batch_size=self.settings.batch_size, optimizer=self.optimizer,
                cost=self.settings.cost, test=tuple(self.data.test), seed=self.settings.seed,
                label_smoothing=self.settings.label_smoothing, progress=self._epoch,
                on_batch=self._on_batch, blas_threads=None,  # one for the process: Runs.start
            )  # fmt: skip
        except Exception as error:  # a bug: say it on the page rather than lose it
            self.state, self.message = "failed", f"{type(error).__name__}: {error}"
        else:
            h = self.history
            self.state = ("stopped" if h.stopped else "diverged" if h.diverged else "finished")
            self.message = ("the cost became NaN or infinite; try a smaller learning rate"
                            if h.diverged else "")
        self._flush(force=True)
        self._publish({"type": "state", "state": self.state, "message": self.message,
                       "end": True})  # fmt: skip

    def _on_batch(self, step: Any) -> None:
        self.optimizer = step.optimizer  # the run's own copy: the one whose settings count
        if self._changes:
            with self._lock:
                changes, self._changes = self._changes, {}
            step.change(**changes)
            self._publish({"type": "settings", "optimizer": self.optimizer.hyperparameters(),
                           "steps": step.steps})  # fmt: skip
        self.recorder(step)
        cost = step.cost
        self._pending.append(cost)
        if np.isfinite(cost):
            self._smoothed = cost if not np.isfinite(self._smoothed) else \
                0.98 * self._smoothed + 0.02 * cost
        self._step = step
        self._flush()
        if self._wanted.is_set():
            self._serve_copy()
        if self.pace > 0:  # hold back to the pace, a short wait at a time
            since, steps = self._pace_from
            due = since + (step.steps - steps) / self.pace
            while time.monotonic() < due and not self._stop.is_set() and self.pace > 0:
                time.sleep(min(0.05, due - time.monotonic()) if due > time.monotonic() else 0)
        while not self._running.is_set() and not self._stop.is_set():
            self._flush(force=True)
            self.state = "paused"
            if self._wanted.is_set():
                self._serve_copy()
            self._running.wait(0.05)
        if self._stop.is_set():
            step.stop()
        elif self.state == "paused":
            self.state = "training"

    def _serve_copy(self) -> None:
        with self._lock:
            self._copy = self._copy_now()
        self._wanted.clear()
        self._copied.set()

    def _flush(self, force: bool = False) -> None:
        now = time.monotonic()
        if not self._pending or (not force and now - self._last_publish < 1 / UPDATES_PER_SECOND):
            return
        step = self._step
        costs, self._pending = self._pending, []
        self._last_publish = now
        update = {"type": "batch", "steps": step.steps, "epoch": step.epoch,
                  "batch": step.batch, "batches": step.batches, "costs": costs,
                  "smoothed": self._smoothed, "learning_rate": self.optimizer.learning_rate,
                  "step_size": self._step_size(step.steps), "time": now}  # fmt: skip
        if now - self._last_weights >= WEIGHTS_EVERY or force:
            self._last_weights = now
            update["weights"] = packed(self.network.weights[0][:WEIGHT_IMAGES])
        self._publish(update)

    def _step_size(self, steps: int) -> float:
        """The learning rate the last step used: the set one, times the schedule's factor."""
        factor = 1.0 if self.schedule is None else self.schedule(max(0, steps - 1))
        return float(self.optimizer.learning_rate) * factor

    def _epoch(self, history: Any) -> None:
        self._flush(force=True)
        i = history.epochs - 1
        update = {"type": "epoch", "epoch": i + 1, "cost": history.cost[i],
                  "seconds": history.seconds[i]}
        if i < len(history.test_accuracy):
            update.update(test_cost=history.test_cost[i], test_accuracy=history.test_accuracy[i])
        self._publish(update)


class Runs:
    """The server's runs: at most ``limit`` training at once, a few finished ones kept."""

    def __init__(self, limit: int | None = None, data_dir: str | None = None,
                 model: Any = None) -> None:  # fmt: skip
        self.limit = limit or os.cpu_count() or 1
        self.keep = 2 * self.limit
        self.data_dir, self.model = data_dir, model
        self._runs: dict[str, Run] = {}
        self._data: dict[str, Any] = {}
        self._lock = threading.Lock()

    def data(self, name: str) -> Any:
        """The sample, or the full MNIST found as the command line finds it (no download)."""
        with self._lock:
            if name not in self._data:
                from steepest.data import load_mnist, load_mnist_sample

                if name == "sample":
                    self._data[name] = load_mnist_sample()
                else:
                    try:
                        self._data[name] = load_mnist(self.data_dir, download=False)
                    except DataError as error:
                        raise DataError(f"the full MNIST is not available here: "
                                        f"{str(error).splitlines()[0]}") from None
            return self._data[name]

    def full_mnist_available(self) -> bool:
        try:
            self.data("mnist")
        except DataError:
            return False
        return True

    def start(self, settings: Settings) -> Run:
        data = self.data(settings.data)
        batches = settings.epochs * -(-len(data.train.labels) // settings.batch_size)
        if batches > MAX_BATCHES:
            raise NetworkError(f"{settings.epochs} epochs at mini-batch {settings.batch_size} "
                               f"are {batches:,} steps; at most {MAX_BATCHES:,} here (hint: "
                               "fewer epochs or a larger mini-batch)")
        with self._lock:
            if sum(run.active for run in self._runs.values()) >= self.limit:
                raise BusyError
            _one_blas_thread()
            run = Run(settings, data)
            self._runs[run.id] = run
            done = [key for key, r in self._runs.items() if not r.active]
            for key in done[: max(0, len(done) - self.keep)]:
                del self._runs[key]
        run.start()
        return run

    def get(self, run_id: str) -> Run:
        with self._lock:
            run = self._runs.get(run_id)
        if run is None:
            raise NetworkError(f"no training run {run_id!r} here (it ended and was forgotten, "
                               "or the server restarted); hint: start a new one")
        return run

    def close(self) -> None:
        with self._lock:
            runs = list(self._runs.values())
        for run in runs:
            run.stop()
        for run in runs:
            run.join(1.0)
