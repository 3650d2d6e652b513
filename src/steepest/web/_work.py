"""Running the library off the event loop: a bounded worker pool with a time limit.

Every route hands its computation to :meth:`Pool.run`. At most ``workers`` computations run
at once in threads and at most ``waiting`` more wait for a thread; a request beyond that is
answered at once with "busy" (503). A computation that has not finished within the time
limit is answered with a clear message (503) instead of a hang. Descents also stop
themselves at the limit (their callback raises :class:`OutOfTimeError`), so that a thread is not
left running; a SymPy call cannot be stopped from outside and finishes in its thread, while
the request has long been answered (SymPy's own calls are bounded by the parser's size
guards and the stationary-point search's own time limit).
"""

from __future__ import annotations

import asyncio
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

__all__ = ["BusyError", "Deadline", "OutOfTimeError", "Pool"]

T = TypeVar("T")


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
    """

    def __init__(
        self, workers: int | None = None, waiting: int | None = None, time_limit: float = 10.0
    ) -> None:
        self.workers = workers or max(2, os.cpu_count() or 2)
        self.waiting = 64 if waiting is None else waiting
        self.time_limit = float(time_limit)
        self._executor = ThreadPoolExecutor(self.workers, thread_name_prefix="steepest-explore")
        self._admitted = 0
        self._lock = threading.Lock()

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
        """Stop taking work; running computations finish in their threads."""
        self._executor.shutdown(wait=False, cancel_futures=True)


def _guarded(work: Callable[[Deadline], T], deadline: Deadline) -> T:
    if time.monotonic() > deadline.at:  # waited out its time in the line
        raise OutOfTimeError
    return work(deadline)
