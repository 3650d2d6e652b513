"""The explorer's computations in child processes: two interpreters instead of one, and a
computation past its time limit stopped by ending its process.

A :class:`Children` keeps up to ``count`` child processes, each running :func:`main`
(``python -m steepest.web._children``) and made when first needed. A computation is a
task registered with :func:`steepest.web._work.task`; :meth:`Children.ask` sends its name
and its request (validated JSON) as one line to an idle child and reads one line back:
the answer as JSON, the library's refusal (its message, position and hint), or that the
time limit passed. Nothing crosses as a pickle; the answer is read only up to
:data:`MAX_ANSWER` bytes and only until the deadline, and the route's response model
checks it again. A child that does not answer in time, or answers what cannot be read, is
killed (its whole process group) and another is made for the next computation.

Why processes: the library's Python (SymPy above all) holds the interpreter's lock, so
threads share one core; and a thread cannot be stopped, where a process can.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import signal
import subprocess
import sys
import threading
import time
from typing import Any

from steepest.web._work import Deadline, OutOfTimeError, RefusedError

__all__ = ["MAX_ANSWER", "ChildError", "Children", "main"]

#: bytes of one answer: a 400 × 400 surface is about 2.6 MB
MAX_ANSWER = 64 * 2**20


class ChildError(RuntimeError):
    """A child process ended or answered what could not be read (a bug, answered 500)."""


#: how a child is started
COMMAND = (sys.executable, "-m", "steepest.web._children")


class _Child:
    """One child process and its pipes."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            COMMAND,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, start_new_session=True,
        )  # fmt: skip
        assert self.process.stdin is not None and self.process.stdout is not None
        self._in, self._out = self.process.stdin, self.process.stdout.fileno()

    def ask(self, line: bytes, deadline: Deadline) -> dict[str, Any]:
        """Send one request line; the answer line as a JSON object."""
        try:
            self._in.write(line)
            self._in.flush()
        except OSError:
            raise ChildError("the explorer's computing process has ended") from None
        chunks: list[bytes] = []
        size = 0
        while True:
            left = deadline.at - time.monotonic()
            if left <= 0:
                raise OutOfTimeError
            ready, _, _ = select.select([self._out], [], [], left)
            if not ready:
                continue
            chunk = os.read(self._out, 1 << 20)
            if not chunk:
                raise ChildError("the explorer's computing process has ended")
            chunks.append(chunk)
            size += len(chunk)
            if size > MAX_ANSWER:
                raise ChildError(f"an answer of the computing process is over {MAX_ANSWER:,} "
                                 "bytes")  # fmt: skip
            if chunk.endswith(b"\n"):
                break
        try:
            answer = json.loads(b"".join(chunks))
        except ValueError:
            raise ChildError("the computing process answered what is not JSON") from None
        if not isinstance(answer, dict):
            raise ChildError("the computing process answered what is not a JSON object")
        return answer

    def kill(self) -> None:
        """End the process and everything it started."""
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()
        self._in.close()
        assert self.process.stdout is not None
        self.process.stdout.close()


class Children:
    """Up to ``count`` child processes, each computing one task at a time.

    :meth:`ask` blocks its thread until the answer, so the pool that calls it (threads,
    :class:`~steepest.web._work.Pool`) must have at most ``count`` threads.
    """

    def __init__(self, count: int) -> None:
        self.count = count
        self._idle: list[_Child] = []
        self._made = 0
        self._free = threading.Condition()
        self._closed = False

    def ask(self, task: str, payload: Any, deadline: Deadline) -> Any:
        """Task ``task`` on the JSON ``payload`` in a child: its answer as JSON data.

        Raises :class:`~steepest.web._work.RefusedError` with the library's words,
        :class:`~steepest.web._work.OutOfTimeError` past the deadline (the child is
        killed), or :class:`ChildError`.
        """
        line = json.dumps({"task": task, "payload": payload,
                           "seconds": max(0.0, deadline.at - time.monotonic())},
                          allow_nan=False).encode() + b"\n"  # fmt: skip
        child = self._take()
        healthy = False
        try:
            answer = child.ask(line, deadline)
            healthy = True
        finally:
            self._give_back(child, healthy)
        if "answer" in answer:
            return answer["answer"]
        if answer.get("out_of_time") is True:
            raise OutOfTimeError
        refused = answer.get("refused")
        if isinstance(refused, dict) and isinstance(refused.get("error"), str):
            raise RefusedError({k: refused.get(k) for k in ("error", "position", "hint")
                           if k in refused})  # fmt: skip
        raise ChildError(f"the computing process failed: {str(answer.get('failed'))[:300]}")

    def start(self) -> None:
        """Make every child now (their imports take a second or two), not on first use."""
        while True:
            with self._free:
                if self._closed or self._made >= self.count:
                    return
                self._made += 1
            try:
                child = _Child()
            except OSError:
                with self._free:
                    self._made -= 1
                return
            self._give_back(child, healthy=True)

    def _take(self) -> _Child:
        with self._free:
            while True:
                if self._closed:
                    raise ChildError("the explorer is stopping")
                if self._idle:
                    return self._idle.pop()
                if self._made < self.count:
                    self._made += 1
                    break
                self._free.wait()
        try:
            return _Child()
        except OSError as error:
            with self._free:
                self._made -= 1
                self._free.notify()
            raise ChildError(f"could not start a computing process: {error}") from None

    def _give_back(self, child: _Child, healthy: bool) -> None:
        if not healthy:
            child.kill()  # out of time, or unreadable: the next computation gets a new one
        with self._free:
            if healthy and not self._closed:
                self._idle.append(child)
            else:
                self._made -= 1
            self._free.notify()
        if healthy and self._closed:
            child.kill()

    def close(self) -> None:
        """Kill the idle children; busy ones are killed when their computation returns."""
        with self._free:
            self._closed = True
            idle, self._idle = self._idle, []
            self._free.notify_all()
        for child in idle:
            child.kill()


def main() -> None:
    """A child: read one request a line, answer one line, until stdin ends."""
    import importlib

    from steepest.errors import EquationError, SteepestError
    from steepest.web._work import run_task
    from steepest.web.app import AREAS

    for area in AREAS:  # their tasks register themselves
        importlib.import_module(area)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the server stops us, not the terminal
    out = sys.stdout.buffer
    for line in sys.stdin.buffer:
        try:
            request = json.loads(line)
            deadline = Deadline(float(request["seconds"]))
            reply: dict[str, Any] = {"answer": run_task(request["task"], request["payload"],
                                                        deadline)}  # fmt: skip
        except OutOfTimeError:
            reply = {"out_of_time": True}
        except SteepestError as error:
            reply = {"refused": {"error": str(error)}}
            if isinstance(error, EquationError):
                reply["refused"].update(position=error.position, hint=error.hint)
        except Exception as error:  # a bug: said to the server, which answers 500
            reply = {"failed": f"{type(error).__name__}: {error}"}
        out.write(json.dumps(reply).encode() + b"\n")
        out.flush()


if __name__ == "__main__":
    main()
