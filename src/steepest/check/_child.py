"""The child process that runs a learner's function: ``python -m steepest.check._child``.

It reads one request from the checker (the target, the folder it was named from, and
the argument tuples), imports the target once and calls it on each tuple in turn,
answering each call with one message (:mod:`steepest.check._wire`) as soon as it has
it. The request's functions (the ``f`` of ``gradient(f, point)``, the ``grad_f`` of the
loop) are not sent: the learner gets a plain Python function that sends each point to
the checker and returns the value the checker computes, so the equation never enters
this process. Everything the learner's code prints goes to stderr; ``input()`` gets EOF.

Also here, because the checker calls a notebook's Python function in its own process the
same way: :func:`call` (what a call returned, raised, or changed in its arguments) and
:func:`local_arguments` (copies, with plain functions in place of the checker's).
Left out: any limit but the address-space cap (Linux); the checker keeps the time.
"""

from __future__ import annotations

import copy
import difflib
import importlib
import importlib.util
import os
import sys
import threading
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from steepest.check._wire import (
    MAX_ELEMENTS,
    MAX_LINE,
    MAX_TEXT,
    Outcome,
    UnreadableError,
    Unusual,
    decode,
    encode,
    message,
    parse,
)

__all__ = ["call", "local_arguments", "main"]

#: how many of the learner's innermost frames an error shows
_FRAMES = 3
#: bytes of address space the learner's code may add to what the child uses at its start
_MEMORY = 4 * 1024**3
#: frames from files in this folder (steepest/check) are ours, not the learner's
_HERE = os.path.normcase(os.path.dirname(os.path.abspath(__file__)))
#: exceptions a function computed by the checker may raise in the learner's code
_ERRORS: dict[str, type[Exception]] = {
    e.__name__: e for e in (OverflowError, ZeroDivisionError, ValueError, TypeError)
}


class _UnusableError(Exception):
    """The target cannot be imported or is not a function."""


# ------------------------------------------------------------------------- importing
def _load(path: str | None, module: str | None, name: str, label: str, cwd: str) -> Any:
    """Import the learner's function. Raises ``_UnusableError`` with the reason."""
    try:
        if path is not None:
            file = Path(path)
            sys.path.insert(0, str(file.parent))
            stem = file.stem  # never replace a loaded module, e.g. for a numpy.py
            key = stem if stem.isidentifier() and stem not in sys.modules else "learner_answer"
            spec = importlib.util.spec_from_file_location(key, file)
            if spec is None or spec.loader is None:  # pragma: no cover - .py files always load
                raise _UnusableError(f"{file} cannot be imported as Python")
            loaded = importlib.util.module_from_spec(spec)
            sys.modules[key] = loaded
            spec.loader.exec_module(loaded)
        else:
            sys.path.insert(0, cwd)  # module:function names a module of the learner's folder
            loaded = importlib.import_module(str(module))
    except _UnusableError:
        raise
    except ModuleNotFoundError as error:
        if module is not None and error.name == module.split(".")[0]:
            raise _UnusableError(
                f"no module {module!r} importable from {cwd}\n"
                f"hint: give the file instead, e.g. {module.replace('.', '/')}.py:{name}"
            ) from None
        raise _UnusableError(f"importing {label} failed:\n{_learner_traceback(error)}") from None
    except BaseException as error:  # the learner's module may raise anything, even SystemExit
        raise _UnusableError(f"importing {label} failed:\n{_learner_traceback(error)}") from None
    function = getattr(loaded, name, None)
    if function is None:
        found = sorted(
            n for n, v in vars(loaded).items()
            if callable(v) and not n.startswith("_")
            and getattr(v, "__module__", None) == loaded.__name__
        )
        known = f"; it defines {', '.join(found)}" if found else "; it defines no functions"
        where = label.rpartition(":")[0]
        close = difflib.get_close_matches(name, found, n=1)
        hint = (f"did you mean {where}:{close[0]}?" if close else
                "put the function's name after the colon" + (f", e.g. {where}:{found[0]}"
                                                             if found else ""))
        raise _UnusableError(
            f"{label}: there is no function {name!r} in {path or module}{known}\nhint: {hint}"
        )
    if not callable(function):
        raise _UnusableError(f"{label}: {name!r} is a {type(function).__name__}, not a function")
    return function


# --------------------------------------------------------------------------- calling
def _learner_traceback(error: BaseException) -> str:
    """The last lines of the traceback of ``error``, without our frames or import machinery."""
    frames = [
        frame for frame in traceback.extract_tb(error.__traceback__)
        if os.path.normcase(os.path.dirname(os.path.abspath(frame.filename))) != _HERE
        and not frame.filename.startswith("<frozen")
    ]
    lines = traceback.format_list(frames[-_FRAMES:])
    try:
        lines += traceback.format_exception_only(type(error), error)
    except BaseException:  # a learner's exception whose str() fails
        lines.append(f"{type(error).__name__}: <its message could not be shown>\n")
    return _clip("".join(lines).rstrip())


def _clip(text: str) -> str:
    """``text``, cut in the middle if longer than the wire allows."""
    if len(text) <= MAX_TEXT:
        return text
    half = MAX_TEXT // 2 - 10
    return f"{text[:half]}\n[... cut ...]\n{text[-half:]}"


def _unusual(value: Any, note: str = "") -> Unusual:
    try:
        text = repr(value)
    except BaseException:  # a learner's __repr__ may raise anything
        text = f"<a {type(value).__name__}>"
    if len(text) > 200:
        text = text[:197] + "..."
    return Unusual(type(value).__name__, text + note)


def _portable(value: Any) -> Any:
    """``value`` as a number, text, array of numbers or :class:`Unusual` (never a
    learner's class), small enough to send back."""
    if value is None or isinstance(value, (bool, float, complex)):
        return value
    if isinstance(value, int):
        if abs(value) < 2**63:
            return value
        return Unusual("int", f"an integer of {value.bit_length()} bits")
    if isinstance(value, str):
        return value if len(value) <= 1000 else _unusual(value)
    if isinstance(value, np.generic) and value.dtype.kind in "biufc":
        value = np.asarray(value)
    if isinstance(value, np.ndarray) and value.dtype.kind in "biufc":
        array = value
    else:
        try:
            array = np.asarray(value, dtype=float)
        except Exception:  # anything at all may fail to convert
            return _unusual(value)
    if array.size > MAX_ELEMENTS:
        return Unusual(type(value).__name__, f"an array of shape {array.shape}, too large "
                       "to send back")
    if array.ndim == 0:
        return array.item()
    return np.array(array)


def _snapshot(argument: Any) -> Any:
    if isinstance(argument, np.ndarray):
        return np.array(argument, copy=True)
    if isinstance(argument, list):
        return copy.deepcopy(argument)
    return None


def _changed(before: Any, after: Any) -> bool:
    if isinstance(before, np.ndarray):
        return after.shape != before.shape or not np.array_equal(after, before, equal_nan=True)
    try:
        return bool(before != after)
    except Exception:  # elements that do not compare to a bool: it was changed
        return True


def call(function: Callable[..., Any], args: Sequence[Any]) -> Outcome:
    """Call ``function(*args)``; what it returned, raised, or changed in its arguments."""
    before = [_snapshot(a) for a in args]
    try:
        value = function(*args)
    except BaseException as error:  # a learner's SystemExit is an answer too
        if isinstance(error, KeyboardInterrupt):
            raise
        return Outcome(error=_learner_traceback(error))
    mutated = tuple(
        i for i, (a, b) in enumerate(zip(args, before, strict=True))
        if b is not None and _changed(b, a)
    )
    return Outcome(value=_portable(value), mutated=mutated)


def local_arguments(args: Sequence[Any]) -> tuple[Any, ...]:
    """Copies of ``args`` for a function called in this process, with each of the
    checker's functions (a :class:`~steepest.check._battery.Surface`, say) replaced by a
    plain function of the same values, which has no attributes to read the equation from
    (code in the same process can still reach it: see the README)."""
    return tuple(_plain(a) if callable(a) else copy.deepcopy(a) for a in args)


def _plain(function: Callable[..., Any]) -> Callable[..., Any]:
    def plain(point: Any) -> Any:
        return function(point)

    plain.__name__ = plain.__qualname__ = str(getattr(function, "name", "f"))
    return plain


# ------------------------------------------------------------------- the pipe, child side
class _Channel:
    """This end of the pipes to the checker: messages out, replies in."""

    def __init__(self, out_fd: int, in_fd: int) -> None:
        self._out = os.fdopen(out_fd, "wb")
        self._in = os.fdopen(in_fd, "rb")
        self._lock = threading.Lock()  # one message at a time, even from threads

    def send(self, **fields: Any) -> None:
        data = message(**fields)
        with self._lock:
            self._out.write(data)
            self._out.flush()

    def receive(self) -> dict[str, Any]:
        line = self._in.readline(MAX_LINE + 1)
        if not line:
            raise EOFError("the checker closed the pipe")
        return parse(line)

    def ask(self, ident: int, point: np.ndarray) -> Any:
        """The value of the checker's function ``ident`` at ``point``."""
        with self._lock:
            self._out.write(message(kind="ask", function=ident, point=encode(point)))
            self._out.flush()
            reply = self.receive()
        if "error" in reply:
            kind = _ERRORS.get(str(reply["error"]), ValueError)
            raise kind(str(reply.get("message", "")))
        return decode(reply.get("value"))


def _served(channel: _Channel, ident: int, name: str, n: int | None) -> Callable[..., Any]:
    """A plain function whose values the checker computes: it holds no equation."""

    def function(point: Any) -> Any:
        x = np.asarray(point, dtype=float)
        if x.ndim != 1 or (n is not None and x.shape[0] != n) or x.size > MAX_ELEMENTS:
            size = f"{n} number{'s' * (n != 1)}" if n is not None else "numbers"
            raise TypeError(f"{name} takes a point: a list of {size}; got an array of "
                            f"shape {x.shape}")
        return channel.ask(ident, x)

    function.__name__ = function.__qualname__ = name
    return function


def _argument(obj: Any, channel: _Channel) -> Any:
    if isinstance(obj, dict) and set(obj) == {"function"}:
        spec = obj["function"]
        return _served(channel, int(spec["id"]), str(spec["name"]), spec["n"])
    return decode(obj, lists=True)


def main() -> None:
    """Run as the child: read the request, import the target, answer each call."""
    out_fd, in_fd = os.dup(1), os.dup(0)  # not inherited by processes the learner starts
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)  # input() in a learner's code gets EOF
    os.close(null)
    os.dup2(2, 1)  # whatever the learner prints goes to stderr, not into our messages
    sys.stdin = open(os.devnull)  # noqa: SIM115 - for the life of the process
    sys.stdout = sys.stderr
    channel = _Channel(out_fd, in_fd)
    request = channel.receive()
    target, cwd = request["target"], request["cwd"]
    calls = [[_argument(a, channel) for a in args] for args in request["calls"]]
    _limit_memory(_MEMORY)
    channel.send(kind="ready")
    try:
        function = _load(target["path"], target["module"], target["name"], target["label"],
                         cwd)
    except _UnusableError as reason:
        channel.send(kind="unusable", reason=_clip(str(reason)))
        return
    channel.send(kind="loaded")
    for i, args in enumerate(calls):
        outcome = call(function, args)
        if outcome.error is not None:
            channel.send(kind="result", call=i, error=outcome.error)
        else:
            channel.send(kind="result", call=i, value=encode(outcome.value),
                         mutated=list(outcome.mutated))


def _limit_memory(extra: int) -> None:
    """Cap this process's address space at its present size plus ``extra`` bytes.

    Linux only (the present size comes from ``/proc/self/statm``); elsewhere nothing
    changes. A lower limit already set (``ulimit -v``) is kept.
    """
    try:
        import resource

        pages = int(Path("/proc/self/statm").read_text().split()[0])
    except (ImportError, OSError, ValueError, IndexError):
        return
    limit = pages * os.sysconf("SC_PAGE_SIZE") + extra
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    for given in (soft, hard):  # a lower limit set by the user or the system stays
        if given != resource.RLIM_INFINITY:
            limit = min(limit, given)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


if __name__ == "__main__":
    try:
        main()
    except UnreadableError as error:  # pragma: no cover - the checker sent something broken
        sys.exit(f"steepest check: unreadable request: {error}")
