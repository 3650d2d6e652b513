"""The checker's ends of the pipes to the child that runs a learner's code.

:class:`Pipe` reads the child's messages (one line of JSON each, :mod:`~steepest.check._wire`)
with a deadline, from the raw file descriptor through ``select``: no thread reads it and
no buffered reader holds a lock on it, so once the deadline passes nothing waits on the
pipe, whoever still holds its other end (a process the learner's code started). On the
way it answers the child's requests for the values of the checker's functions. It writes
without blocking, so a child that does not read its replies cannot hang the checker.
:meth:`Pipe.close` kills the child's whole process group before reaping the child, so
that the group's number cannot have been reused. POSIX only.
"""

from __future__ import annotations

import contextlib
import os
import selectors
import signal
import subprocess
import time
from typing import Any

import numpy as np

from steepest.check._wire import MAX_LINE, UnreadableError, decode, encode, message, parse

__all__ = ["EOF", "EndOfFile", "Pipe"]


class EndOfFile:
    """The child closed its end of the pipe: it ended, or closed it on purpose."""


EOF = EndOfFile()


class Pipe:
    """The checker's ends of the pipes to a child: read with deadlines, never waited on
    past them, and the child's requests for function values answered on the way."""

    def __init__(self, child: subprocess.Popen[bytes], functions: dict[int, Any]) -> None:
        self.child = child
        self.functions = functions
        self._in = child.stdout.fileno()  # type: ignore[union-attr]
        self._out = child.stdin.fileno()  # type: ignore[union-attr]
        os.set_blocking(self._out, False)
        self._buffer = bytearray()
        self._readable = selectors.DefaultSelector()
        self._readable.register(self._in, selectors.EVENT_READ)
        self._writable = selectors.DefaultSelector()
        self._writable.register(self._out, selectors.EVENT_WRITE)

    def write(self, data: bytes, deadline: float) -> bool:
        """Send ``data``; False if the child did not take it by ``deadline``."""
        view = memoryview(data)
        while view:
            try:
                view = view[os.write(self._out, view):]
            except BlockingIOError:
                pass
            except OSError:  # the child is gone: the reading side will say so
                return True
            if view:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._writable.select(remaining)
        return True

    def receive(self, timeout: float) -> dict[str, Any] | EndOfFile | None:
        """The child's next message, after answering its requests; None at the time limit."""
        deadline = time.monotonic() + timeout
        while True:
            line = self._line(deadline)
            if not isinstance(line, bytes):
                return line
            received = parse(line)
            if received.get("kind") != "ask":
                return received
            if not self.write(self._answer(received), deadline):
                return None

    def _line(self, deadline: float) -> bytes | EndOfFile | None:
        while True:
            end = self._buffer.find(b"\n")
            if end >= 0:
                line = bytes(self._buffer[:end])
                del self._buffer[: end + 1]
                return line
            if len(self._buffer) > MAX_LINE:
                raise UnreadableError(f"a message of more than {MAX_LINE} bytes")
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not self._readable.select(remaining):
                return None
            chunk = os.read(self._in, 1 << 16)
            if not chunk:
                return EOF
            self._buffer += chunk

    def _answer(self, request: dict[str, Any]) -> bytes:
        """The reply to a request for the value of one of our functions at a point."""
        ident = request.get("function")
        function = self.functions.get(ident) if type(ident) is int else None
        if function is None or set(request) != {"kind", "function", "point"}:
            raise UnreadableError("a request for a function that does not exist")
        point = decode(request["point"])
        n = getattr(function, "n", None)
        if (not isinstance(point, np.ndarray) or point.dtype != np.float64 or point.ndim != 1
                or (n is not None and point.size != n)):
            raise UnreadableError("a request for a value at something that is not a point")
        try:
            with np.errstate(all="ignore"):
                value = function(point.tolist())
            return message(value=encode(value))
        except (ArithmeticError, ValueError, TypeError) as error:
            return message(error=type(error).__name__, message=str(error)[:200])

    def ended(self) -> str:
        """Why the child's pipe closed: its exit code, or that it closed it while running."""
        waitid = getattr(os, "waitid", None)
        deadline = time.monotonic() + 1.0
        while waitid is not None:  # look without reaping: the group keeps its number
            status = waitid(os.P_PID, self.child.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT)
            if status is not None:
                if status.si_code == os.CLD_EXITED:
                    return f"the Python process running it ended (exit code {status.si_status})"
                name = signal.Signals(status.si_status).name
                return f"the Python process running it was ended by {name}"
            if time.monotonic() > deadline:
                return "the Python process running it closed its pipe to the checker"
            time.sleep(0.01)
        try:  # pragma: no cover - systems without waitid
            code = self.child.wait(timeout=1.0)
        except subprocess.TimeoutExpired:  # pragma: no cover
            return "the Python process running it closed its pipe to the checker"
        return f"the Python process running it ended (exit code {code})"  # pragma: no cover

    def close(self) -> None:
        """Kill the child's whole process group, reap the child, close our ends."""
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.child.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.child.wait(timeout=5.0)
        self._readable.close()
        self._writable.close()
        for stream in (self.child.stdin, self.child.stdout):
            with contextlib.suppress(OSError):
                stream.close()  # type: ignore[union-attr]
