"""Running the library off the event loop: a bounded worker pool with a time limit.

Every route hands its computation to the pool: :meth:`Pool.compute` for the tasks that
need only their request (registered with :func:`task`: the equation's reading, surfaces,
descents, steps, basins), :meth:`Pool.run` for work on the server's own state (the Digits
runs). At most ``workers`` computations run at once and at most ``waiting`` more wait; a
request beyond that is answered at once with "busy" (503). A computation that has not
finished within the time limit is answered with a clear message (503) instead of a hang.

With ``processes=True`` (what ``steepest explore`` runs) each task runs in one of
``workers`` child processes (:mod:`steepest.web._children`): the library's Python runs on
every core instead of taking turns on one, and a task past its limit is stopped by ending
its process. In threads (``processes=False``), descents stop themselves at the limit (their
callback raises :class:`OutOfTimeError`), but a SymPy call cannot be stopped and finishes
in its thread after the request has been answered.
"""

from __future__ import annotations

import asyncio
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from pydantic import BaseModel

    from steepest.web._children import Children

__all__ = ["TASKS", "BusyError", "Deadline", "OutOfTimeError", "Pool", "RefusedError", "run_task",
           "task"]

T = TypeVar("T")
F = TypeVar("F", bound=Callable[..., Any])

#: the tasks a child process can run: name -> (request model, function(request, deadline))
TASKS: dict[str, tuple[type[BaseModel], Callable[[Any, Deadline], Any]]] = {}


def task(name: str, model: type[BaseModel]) -> Callable[[F], F]:
    """Register ``function(request, deadline) -> answer model`` as the task ``name``."""

    def register(function: F) -> F:
        TASKS[name] = (model, function)
        return function

    return register


def run_task(name: str, request: Any, deadline: Deadline) -> Any:
    """Task ``name`` on ``request`` (its model, or JSON data checked against it): the answer
    as JSON data."""
    model, function = TASKS[name]
    body = request if isinstance(request, model) else model.model_validate(request)
    return function(body, deadline).model_dump(mode="json")


class RefusedError(Exception):
    """The library refused a task's input (in a child process): ``body`` is the answer."""

    def __init__(self, body: dict[str, Any]) -> None:
        super().__init__(body.get("error"))
        self.body = body


class OutOfTimeError(Exception):
    """A computation passed its time limit (raised inside the worker, at a step)."""


class BusyError(Exception):
    """Every worker is busy and the waiting line is full."""


class Deadline:
    """The moment a computation must stop; :meth:`callback` raises :class:`OutOfTimeError` after it.

    Passed as a descent's ``callback``, it stops a run between two steps.
    """

    __slots__ = ("at", "limit")

    def __init__(self, limit: float) -> None:
        self.limit = limit
        self.at = time.monotonic() + limit

    def callback(self, *_: Any) -> None:
        """Raise :class:`OutOfTimeError` once the deadline has passed (else nothing)."""
        if time.monotonic() > self.at:
            raise OutOfTimeError


class Pool:
    """A bounded pool of worker threads with a per-computation time limit.

    Parameters
    ----------
    workers
        Threads (default: the number of cores, at least 2).
    waiting
        Computations that may wait for a thread beyond those running (default 64: a class of
        learners on one machine; each still answered within the time limit or refused).
    time_limit
        Seconds a computation may take, waiting included.
    processes
        Run the tasks of :meth:`compute` in ``workers`` child processes rather than in
        this one.
    """

    def __init__(
        self, workers: int | None = None, waiting: int | None = None, time_limit: float = 10.0,
        *, processes: bool = False,
    ) -> None:  # fmt: skip
        self.workers = workers or max(2, os.cpu_count() or 2)
        self.waiting = 64 if waiting is None else waiting
        self.time_limit = float(time_limit)
        self._executor = ThreadPoolExecutor(self.workers, thread_name_prefix="steepest-explore")
        self._admitted = 0
        self._lock = threading.Lock()
        self.children: Children | None = None
        if processes:
            from steepest.web._children import Children

            self.children = Children(self.workers)

    async def compute(self, name: str, request: BaseModel) -> Any:
        """The registered task ``name`` on ``request``: its answer as JSON data."""
        children = self.children
        if children is None:
            return await self.run(lambda deadline: run_task(name, request, deadline))
        payload = request.model_dump(mode="json")
        return await self.run(lambda deadline: children.ask(name, payload, deadline))

    async def run(self, work: Callable[[Deadline], T]) -> T:
        """``work(deadline)`` in a worker thread; its result, or BusyError / OutOfTimeError."""
        with self._lock:
            if self._admitted >= self.workers + self.waiting:
                raise BusyError
            self._admitted += 1
        deadline = Deadline(self.time_limit)
        future = self._executor.submit(_guarded, work, deadline)
        future.add_done_callback(self._release)  # also when cancelled before it started
        try:
            return await asyncio.wait_for(asyncio.wrap_future(future), self.time_limit)
        except (asyncio.TimeoutError, TimeoutError):
            future.cancel()  # not started yet: never starts; running: stops at a step
            raise OutOfTimeError from None

    def _release(self, _: Any) -> None:
        with self._lock:
            self._admitted -= 1

    def close(self) -> None:
        """Stop taking work; running computations finish in their threads (and child
        processes are ended)."""
        self._executor.shutdown(wait=False, cancel_futures=True)
        if self.children is not None:
            self.children.close()


def _guarded(work: Callable[[Deadline], T], deadline: Deadline) -> T:
    if time.monotonic() > deadline.at:  # waited out its time in the line
        raise OutOfTimeError
    return work(deadline)
