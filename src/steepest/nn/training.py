"""Training a :class:`~steepest.nn.network.Network` by mini-batch gradient descent.

:func:`train` is Nielsen's ``SGD`` loop, with the optimizers of :mod:`steepest.descent.optimizers`
(the same objects that descend on a typed equation): each epoch shuffles the
examples, cuts them into mini-batches, and for each one computes the gradient by
backpropagation and takes one optimizer step on the whole flat parameter vector.
It returns a :class:`~steepest.nn.history.History` instead of printing; a progress bar
(``rich``) or a callable is optional. ``on_batch`` is called after every mini-batch with a
:class:`~steepest.nn.history.TrainingStep`, through which a caller (a live page, a
recorder of the path)
reads the cost, changes the optimizer's settings from the next step on, or stops.

One regularisation is here, label smoothing (``label_smoothing=``); BLAS threads
are measured on the run's first steps (:mod:`steepest.nn.blas`), and so is splitting each
mini-batch between processes, one a core (:mod:`steepest.nn.parallel`). Left out: early stopping,
validation splits, dropout, and learning-rate search; schedules belong to the
optimizer (``Optimizer(schedule=...)``).
"""

from __future__ import annotations

import contextlib
import itertools
import sys
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from steepest._validate import as_generator
from steepest.cost import Cost, get_cost
from steepest.descent.optimizers import Optimizer, make_optimizer
from steepest.errors import NetworkError
from steepest.nn.blas import measure_training_threads
from steepest.nn.evaluation import score
from steepest.nn.history import History, TrainingStep
from steepest.nn.network import Network, targets
from steepest.nn.parallel import SplitBackprop, check_processes

__all__ = ["History", "TrainingStep", "train"]

#: The learning rate of :func:`train` when none is given for ``"gd"``: Nielsen's 3.0 for
#: 784-30-10 with the quadratic cost. Other optimizers named take their own default
#: (``Optimizer.default_learning_rate``); an optimizer object keeps its own rate.
NIELSEN_LEARNING_RATE = 3.0


def _check_int(value: Any, name: str, low: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an int; got {type(value).__name__} {value!r}")
    if value < low:
        raise NetworkError(f"{name} must be at least {low}; got {value}")
    return int(value)


def _dataset(network: Network, data: Any, name: str) -> tuple[np.ndarray, np.ndarray]:
    """``(x, y)`` checked once: x contiguous in the network's dtype, y one-hot rows."""
    if not isinstance(data, (tuple, list)) or len(data) != 2:
        raise TypeError(f"{name} must be a pair (x, y); got {type(data).__name__}")
    x = network.check_inputs(data[0], f"train: {name}")
    if x.ndim != 2:
        raise NetworkError(f"train: {name} x must be 2-D (examples, inputs); got {x.shape}")
    y = targets(data[1], network.sizes[-1], x.shape[0], f"train: {name}")
    return x, np.ascontiguousarray(y, dtype=network.dtype)


class _Reporter:
    """Progress: a rich bar on a terminal, plain lines otherwise, or a callable."""

    def __init__(self, progress: bool | Callable[[History], Any], epochs: int, batches: int):
        self.callback = progress if callable(progress) else None
        self.plain = progress is True and not sys.stderr.isatty()
        self.bar = None
        if progress is True and not self.plain:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeElapsedColumn,
            )

            self.bar = Progress(
                TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                TextColumn("{task.fields[status]}"), TimeElapsedColumn(),
                console=Console(stderr=True), transient=True,
            )
            self.bar.start()
            self.task = self.bar.add_task("epoch 1", total=batches, status="")
        self.epochs = epochs

    def batches(self, done: int, costs: np.ndarray) -> None:
        """Show ``done`` mini-batches of the epoch and their mean cost so far."""
        if self.bar is not None:
            self.bar.update(self.task, completed=done, status=f"cost {costs[:done].mean():.4f}")

    def epoch(self, history: History) -> None:
        if self.bar is not None:
            self.bar.console.print(history.line(), highlight=False, markup=False)
            if history.epochs < self.epochs:
                self.bar.reset(self.task, description=f"epoch {history.epochs + 1}", status="")
        elif self.plain:
            print(history.line(), file=sys.stderr, flush=True)
        if self.callback is not None:
            self.callback(history)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()


def train(
    network: Network,
    data: tuple[Any, Any],
    *,
    epochs: int = 30,
    batch_size: int = 10,
    learning_rate: float | None = None,
    optimizer: str | Optimizer = "gd",
    cost: str | Cost = "quadratic",
    test: tuple[Any, Any] | None = None,
    seed: int | np.random.Generator | None = None,
    progress: bool | Callable[[History], Any] = False,
    label_smoothing: float = 0.0,
    on_batch: Callable[[TrainingStep], Any] | None = None,
    blas_threads: int | str | None = "auto",
    processes: int | str = "auto",
) -> History:
    """Train ``network`` in place by mini-batch gradient descent; return its history.

    Parameters
    ----------
    network
        The network to train; its weights are updated in place.
    data
        ``(x, y)``: inputs one example a row, and integer labels or one-hot rows.
    epochs
        Passes over the training data.
    batch_size
        Examples per gradient step (the last mini-batch of an epoch may be smaller).
    learning_rate
        The step size η. ``None``: 3.0 for ``"gd"`` (Nielsen's value for
        784-30-10), otherwise the optimizer's own default. Ignored when
        ``optimizer`` is an object, which keeps its own.
    optimizer
        A name from :mod:`steepest.descent.optimizers` (``"gd"``, ``"momentum"``, ``"adam"``,
        ...) or an optimizer object; it steps the network's one flat parameter vector. An
        object is not changed: training steps a :meth:`~steepest.Optimizer.fresh` copy.
    cost
        ``"quadratic"`` (``C = 1/2m Σ‖y − a‖²``) or ``"cross-entropy"`` (needs
        ``output="softmax"``), or a :class:`steepest.cost.Cost`.
    test
        ``(x, y)`` evaluated after every epoch (cost and accuracy), or ``None``.
    seed
        A non-negative int or a :class:`numpy.random.Generator` for the shuffling; the same seed
        (and the same initial network and BLAS threads) gives the same weights.
    progress
        ``False`` (quiet), ``True`` (a rich progress bar on a terminal, one plain
        line per epoch on stderr otherwise), or a callable given the
        :class:`History` after each epoch.
    label_smoothing
        ε in [0, 1): train towards ``1 − ε + ε/K`` for the right class and ``ε/K`` for
        each of the others (K classes) instead of 1 and 0, which keeps the network from
        growing ever more confident on the training images (Szegedy et al., 2016); 0
        (the default) trains on the labels as given. The ``test`` data is scored against
        its own labels; the training cost is measured against the smoothed targets, so
        it cannot fall below their entropy (0.50 for ε = 0.1 and 10 classes).
    on_batch
        ``None``, or a callable given a :class:`TrainingStep` after every mini-batch's
        step (in the thread that trains): it may read the cost, change the optimizer's
        settings for the next steps (:meth:`TrainingStep.change`), block to pause, or
        end the run (:meth:`TrainingStep.stop`).
    blas_threads
        How many threads BLAS (OpenBLAS, MKL) may use during training, set through
        ``threadpoolctl`` and restored on return. ``"auto"`` (the default) measures:
        :func:`steepest.nn.blas.measure_training_threads` times a few of the run's steps
        on one thread and on every idle core and keeps the faster (at most 3% of the run's
        time, counted in the first epoch's seconds; short runs take one thread untimed).
        An int sets the count; ``None`` leaves BLAS as configured. The count used is in
        ``history.settings["blas_threads"]`` (and what the measurement saw in
        ``history.settings["blas_probe"]``): BLAS rounds differently on one thread and
        on two, and the timed steps' weights are put back, so passing the count repeats the
        run bit for bit.
    processes
        ``"auto"`` (the default): with ``blas_threads="auto"``, the measurement also times
        each mini-batch split between one process a core, each backpropagating its part of
        the rows on one BLAS thread, where that can be done
        (:func:`steepest.nn.blas.measure_training_threads`), and keeps it if it is faster;
        otherwise one process. An int N ≥ 2 splits every mini-batch in N parts, N − 1 of
        them in worker processes forked from this one (Linux on x86-64, with no other thread
        running; elsewhere the parts are computed here one after another, with the same
        result; ``history.settings["processes_refused"]`` says why), each part on one BLAS
        thread (``blas_threads`` must be 1 or ``"auto"``). N may not exceed the cores this
        process may use nor the mini-batch size, and needs the quadratic or cross-entropy
        cost. The count is in ``history.settings["processes"]``; passing it with
        ``blas_threads`` repeats the run bit for bit.

    Returns
    -------
    History
        Per-epoch cost, test cost and accuracy, seconds, and every mini-batch cost.
        Ctrl-C stops training cleanly (``interrupted=True``), keeping the weights.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=(200, 2)); y = (x[:, 0] > x[:, 1]).astype(int)
    >>> net = Network([2, 8, 2], seed=0)
    >>> history = train(net, (x, y), epochs=5, batch_size=10, test=(x, y), seed=0)
    >>> history.cost[-1] < history.cost[0], history.test_accuracy[-1] > 0.9
    (True, True)
    """
    epochs = _check_int(epochs, "epochs", 1)
    batch_size = _check_int(batch_size, "batch_size", 1)
    if isinstance(blas_threads, str):
        if blas_threads != "auto":
            raise NetworkError(f"blas_threads must be 'auto', a whole number of at least 1 "
                               f"or None; got {blas_threads!r}")
    elif blas_threads is not None:
        blas_threads = _check_int(blas_threads, "blas_threads", 1)
    cost = network.check_cost(get_cost(cost))
    if not isinstance(processes, str):
        processes = _check_int(processes, "processes", 1)
    processes = check_processes(processes, batch_size, cost, blas_threads)
    x, y = _dataset(network, data, "data")
    if batch_size > x.shape[0]:
        raise NetworkError(
            f"batch_size ({batch_size}) is larger than the number of examples ({x.shape[0]})"
        )
    y = _smoothed(y, label_smoothing)
    test_set = None if test is None else _dataset(network, test, "test")
    if learning_rate is None and isinstance(optimizer, str) and optimizer.strip().lower() == "gd":
        learning_rate = NIELSEN_LEARNING_RATE
    opt = make_optimizer(optimizer, learning_rate)
    if opt is optimizer:  # a run never changes the object it was given
        opt = opt.fresh()
    rng = as_generator(seed, "train", NetworkError)
    n_batches = -(-x.shape[0] // batch_size)
    history = History(settings={
        "epochs": epochs, "batch_size": batch_size, "optimizer": repr(opt),
        "cost": cost.name, "network": repr(network), "blas_threads": blas_threads,
        "processes": processes,
        "label_smoothing": float(label_smoothing),
        "schedule": None if opt.schedule is None else getattr(opt.schedule, "words", "scheduled"),
    })
    watcher = None if on_batch is None else (on_batch, TrainingStep(network, opt, history,
                                                                    n_batches))
    split, reporter = None, None
    held = contextlib.ExitStack()
    try:
        start, cpu_start = time.perf_counter(), time.process_time()  # the probe's time counts
        if blas_threads == "auto" and processes != "auto" and processes > 1:
            blas_threads = history.settings["blas_threads"] = 1  # one in each process
        if blas_threads == "auto":
            if processes == "auto":  # workers may be forked: one thread from here to the end
                held.enter_context(_blas_limit(1))
            probe = measure_training_threads(network, x, y, batch_size, cost, opt,
                                             epochs * n_batches, split=processes == "auto")
            blas_threads = history.settings["blas_threads"] = probe.threads
            processes = history.settings["processes"] = probe.processes
            history.settings["blas_probe"] = probe.summary()
            split = probe.split
        elif processes == "auto":
            processes = history.settings["processes"] = 1
        with _blas_limit(blas_threads):
            if processes > 1 and split is None:
                split = SplitBackprop(network, x, y, cost, processes, batch_size=batch_size)
            if split is not None and split.refusal:
                history.settings["processes_refused"] = split.refusal
            # after any fork: a progress bar draws from a thread, and no thread may run then
            reporter = _Reporter(progress, epochs, n_batches)
            worker_cpu = 0.0
            for epoch in range(epochs):
                costs = np.full(n_batches, np.nan)
                history.batch_costs.append(costs)
                if epoch:
                    start, cpu_start = time.perf_counter(), time.process_time()
                with np.errstate(over="ignore", invalid="ignore"):  # divergence is checked below
                    done = _epoch(network, x, y, rng.permutation(x.shape[0]), batch_size, cost,
                                  opt, costs, reporter, watcher, split)
                if done < n_batches:  # stopped by on_batch: the epoch is not counted
                    history.batch_costs[-1] = costs[:done]
                    history.stopped = True
                    break
                history.seconds.append(time.perf_counter() - start)
                cpu = time.process_time() - cpu_start
                if split is not None:  # and the workers' (as they report it)
                    cpu, worker_cpu = cpu + split.cpu_seconds() - worker_cpu, split.cpu_seconds()
                history.cpu_seconds.append(cpu)
                history.cost.append(float(costs.mean()))
                # checked before the test set is scored: a diverged network has no score
                # (the last step may overflow the weights after a finite cost was taken)
                history.diverged = not (np.isfinite(history.cost[-1])
                                        and np.isfinite(network.params).all())
                if test_set is not None and not history.diverged:
                    value, accuracy = score(network, *test_set, cost)
                    history.diverged = not np.isfinite(value)  # outputs overflowed
                    if not history.diverged:
                        history.test_cost.append(value)
                        history.test_accuracy.append(accuracy)
                reporter.epoch(history)
                if history.diverged:
                    break
                if watcher is not None and watcher[1]._stop:  # asked on the epoch's last batch
                    history.stopped = True
                    break
    except KeyboardInterrupt:
        history.interrupted = True
    finally:
        if reporter is not None:
            reporter.close()
        if split is not None:
            split.close()
            if split.lost:
                history.settings["processes_lost"] = list(split.lost)
        held.close()
    return history


def _smoothed(y: np.ndarray, epsilon: Any) -> np.ndarray:
    """The targets ``(1 − ε)·y + ε/K`` (checked ``y``: rows of K entries), or ``y`` if ε = 0."""
    if isinstance(epsilon, bool) or not isinstance(epsilon, (int, float, np.integer, np.floating)):
        raise TypeError(f"label_smoothing must be a number; got {type(epsilon).__name__} "
                        f"{epsilon!r}")
    if not 0 <= epsilon < 1:
        raise NetworkError(f"label_smoothing must lie in [0, 1) (0: none; 0.1 is usual); "
                           f"got {epsilon!r}")
    if epsilon == 0:
        return y
    return y * y.dtype.type(1 - epsilon) + y.dtype.type(epsilon / y.shape[1])


def _blas_limit(threads: int | None) -> contextlib.AbstractContextManager[Any]:
    """A context in which BLAS uses at most ``threads`` threads (``None``: unchanged)."""
    if threads is None:
        return contextlib.nullcontext()
    from threadpoolctl import threadpool_limits  # here only: it looks at every loaded library

    return threadpool_limits(threads, user_api="blas")


def _epoch(
    network: Network, x: np.ndarray, y: np.ndarray, order: np.ndarray, batch_size: int,
    cost: Cost, optimizer: Optimizer, costs: np.ndarray, reporter: _Reporter,
    watcher: tuple[Callable[[TrainingStep], Any], TrainingStep] | None = None,
    split: SplitBackprop | None = None,
) -> int:
    """One pass over the data in the given order; each mini-batch's cost goes in ``costs``.
    With ``split``, each mini-batch is backpropagated in its parts.

    Returns the number of mini-batches done: all of them, unless ``watcher``'s
    callback asked to stop.
    """
    params, grads = [network.params], [network.grads]  # the optimizer sees one flat array
    step = optimizer.step
    backprop = network.backprop_for(batch_size, cost)  # with the buffers of a full batch
    full = len(order) // batch_size
    batches = itertools.chain(order[: full * batch_size].reshape(full, batch_size),
                              [order[full * batch_size :]] if full < len(costs) else [])
    every = max(1, len(costs) // 100)  # progress updates: about 100 an epoch
    for b, batch in enumerate(batches):
        if split is not None:
            costs[b] = split(batch)
        else:
            if batch.size < batch_size:  # the last mini-batch of the epoch may be smaller
                backprop = network.backprop_for(batch.size, cost)
            # gather the mini-batch by index (no shuffled copy of x), backprop, one step
            costs[b] = backprop(x.take(batch, 0), y.take(batch, 0))
        step(params, grads)
        if b % every == 0:
            reporter.batches(b + 1, costs)
        if watcher is not None:
            callback, state = watcher
            state.batch, state.cost = b + 1, float(costs[b])
            state.epoch, state.steps = len(state.history.batch_costs) - 1, state.steps + 1
            callback(state)
            if state._stop and b + 1 < len(costs):
                reporter.batches(b + 1, costs)
                return b + 1
    reporter.batches(len(costs), costs)
    return len(costs)

