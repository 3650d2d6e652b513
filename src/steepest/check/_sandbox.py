"""Run a learner's own function on our test cases, each call with a time limit.

A learner's function is named by a *target*: ``path/to/answer.py:cost`` (a file) or
``package.module:cost`` (a module importable from the current directory). It runs in a
child Python process (``python -m steepest.check._sandbox``) that imports it once and
calls it on each case in turn, sending back every result as soon as it has one. The
parent waits at most ``timeout`` seconds for the import and for each call; a function
that loops forever is killed with its process and reported, never waited on. The child
is the same Python as the parent, on the same machine, with the learner's rights: this
is a time limit, not a security boundary. It runs the learner's own code, which they
chose to run.

A Python function given directly (from a notebook, say) is called in this process
instead, without a time limit: nothing can stop a Python function from the outside
without a second process, and a function defined in a notebook cannot be imported by one.

Exceptions raised inside the learner's code come back as the last lines of *their*
traceback: the frames of this module and of Python's import machinery are removed.
Results come back converted to plain values (numbers, NumPy arrays of floats, or
:class:`Unusual` for anything else), so the parent never unpickles a learner's class.
On Linux the child's address space is capped at what it uses when it starts plus
4 GiB, so that a runaway allocation in the learner's code (``np.ones(10**10)``) is a
``MemoryError`` in their traceback, not a machine out of memory.

Left out: capturing what the learner's code prints (it goes to stderr, not shown),
a memory limit outside Linux, and any sandboxing beyond the time and memory limits.
"""

from __future__ import annotations

import copy
import difflib
import importlib
import importlib.util
import os
import pickle
import queue
import subprocess
import sys
import tempfile
import threading
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from steepest.errors import CheckError

__all__ = ["Outcome", "Target", "Unusual", "parse_target", "run_calls"]

#: seconds allowed for the child to start and import NumPy, before the learner's code
_STARTUP = 60.0
#: how many of the learner's innermost frames an error shows
_FRAMES = 3
#: bytes of address space the learner's code may add to what the child uses at its start
_MEMORY = 4 * 1024**3


@dataclass(frozen=True)
class Target:
    """Where a learner's function lives: a file or a module, and the function's name."""

    spec: str
    name: str
    path: Path | None = None
    module: str | None = None

    def __str__(self) -> str:
        """``file.py:name`` or ``module:name``, with the name even where it was left out."""
        _, sep, name = self.spec.rpartition(":")
        return self.spec if sep and name.strip() == self.name else f"{self.spec}:{self.name}"


@dataclass(frozen=True)
class Unusual:
    """A returned value that is neither a number nor an array of numbers."""

    type_name: str
    text: str

    def __str__(self) -> str:
        return f"{self.text} (a {self.type_name})"


@dataclass(frozen=True)
class Outcome:
    """What one call of the learner's function did.

    Exactly one of: it returned ``value``; it raised (``error`` holds the last lines of
    its traceback); it did not finish within the time limit (``timed_out``); or its
    process ended (``ended``, with the reason).
    """

    value: Any = None
    error: str | None = None
    timed_out: bool = False
    ended: str | None = None
    #: positions of array arguments the function changed in place
    mutated: tuple[int, ...] = field(default=())

    @property
    def returned(self) -> bool:
        """Whether the call returned a value."""
        return self.error is None and not self.timed_out and self.ended is None


# ----------------------------------------------------------------------------- targets
def parse_target(spec: str, default_name: str, option: str = "target") -> Target:
    """Read ``file.py:function``, ``module:function``, ``file.py`` or ``module``.

    Parameters
    ----------
    spec
        The target as typed. Without ``:name`` the function is ``default_name``.
    default_name
        The function name the exercise asks for.
    option
        How the command line calls this argument, for messages.

    Raises
    ------
    SteepestError
        If a file is named that does not exist, or the text names no function.

    Examples
    --------
    >>> parse_target("mymodule:my_cost", "cost")
    Target(spec='mymodule:my_cost', name='my_cost', path=None, module='mymodule')
    """
    if not isinstance(spec, str):
        raise TypeError(
            f"{option} must be a str such as 'answer.py:cost'; got {type(spec).__name__}"
        )
    where, sep, name = spec.rpartition(":")
    if not sep or "/" in name or "\\" in name or name.endswith(".py"):
        where, name = spec, default_name
    where, name = where.strip(), name.strip()
    example = f"answer.py:{default_name}"
    if not where or not name.isidentifier():
        raise CheckError(
            f"{option} {spec!r} does not name a function\nhint: write it as {example} "
            f"(a file and the function's name) or module:{default_name}"
        )
    if where.endswith(".py") or os.sep in where or "/" in where:
        path = Path(where).expanduser()
        if not path.is_file():
            raise CheckError(
                f"{option}: no file {str(path)!r} (looked from {os.getcwd()})\n"
                f"hint: give the path to your Python file, e.g. {example}"
            )
        return Target(spec, name, path=path.resolve())
    if not all(part.isidentifier() for part in where.split(".")):
        raise CheckError(
            f"{option} {spec!r}: {where!r} is neither a .py file nor a module name\n"
            f"hint: write it as {example}"
        )
    return Target(spec, name, module=where)


def _load(target: Target) -> Callable[..., Any]:
    """Import the learner's function (in the child). Raises ``_UnusableError`` with the reason."""
    try:
        if target.path is not None:
            sys.path.insert(0, str(target.path.parent))
            stem = target.path.stem  # never replace a loaded module, e.g. for a numpy.py
            name = stem if stem.isidentifier() and stem not in sys.modules else "learner_answer"
            spec = importlib.util.spec_from_file_location(name, target.path)
            if spec is None or spec.loader is None:  # pragma: no cover - .py files always load
                raise _UnusableError(f"{target.path} cannot be imported as Python")
            module = importlib.util.module_from_spec(spec)
            sys.modules[name] = module
            spec.loader.exec_module(module)
        else:
            sys.path.insert(0, os.getcwd())
            module = importlib.import_module(str(target.module))
    except _UnusableError:
        raise
    except ModuleNotFoundError as error:
        if target.module is not None and error.name == target.module.split(".")[0]:
            raise _UnusableError(
                f"no module {target.module!r} importable from {os.getcwd()}\n"
                f"hint: give the file instead, e.g. {target.module.replace('.', '/')}.py:"
                f"{target.name}"
            ) from None
        raise _UnusableError(f"importing {target} failed:\n{_learner_traceback(error)}") from None
    except BaseException as error:  # the learner's module may raise anything, even SystemExit
        raise _UnusableError(f"importing {target} failed:\n{_learner_traceback(error)}") from None
    function = getattr(module, target.name, None)
    if function is None:
        found = sorted(
            n for n, v in vars(module).items()
            if callable(v) and not n.startswith("_")
            and getattr(v, "__module__", None) == module.__name__
        )
        known = f"; it defines {', '.join(found)}" if found else "; it defines no functions"
        where = str(target).rpartition(":")[0]
        close = difflib.get_close_matches(target.name, found, n=1)
        hint = (f"did you mean {where}:{close[0]}?" if close else
                "put the function's name after the colon" + (f", e.g. {where}:{found[0]}"
                                                             if found else ""))
        raise _UnusableError(
            f"{target}: there is no function {target.name!r} in {target.path or target.module}"
            f"{known}\nhint: {hint}"
        )
    if not callable(function):
        kind = type(function).__name__
        raise _UnusableError(f"{target}: {target.name!r} is a {kind}, not a function")
    return function


class _UnusableError(Exception):
    """The target cannot be imported or is not a function (in the child)."""


# ------------------------------------------------------------------------------ calling
def _learner_traceback(error: BaseException) -> str:
    """The last lines of the traceback of ``error``, without our frames or import machinery."""
    here = os.path.normcase(os.path.abspath(__file__))
    frames = [
        frame for frame in traceback.extract_tb(error.__traceback__)
        if os.path.normcase(os.path.abspath(frame.filename)) != here
        and not frame.filename.startswith("<frozen")
    ]
    lines = traceback.format_list(frames[-_FRAMES:])
    lines += traceback.format_exception_only(type(error), error)
    return "".join(lines).rstrip()


def _portable(value: Any) -> Any:
    """``value`` as a plain number, a float array, or :class:`Unusual` (never a learner's class)."""
    if value is None or isinstance(value, (bool, int, float, complex, str)):
        return value
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray) and value.dtype.kind in "biufc":
        return np.array(value)
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError, OverflowError):
        text = repr(value)
        if len(text) > 200:
            text = text[:197] + "..."
        return Unusual(type(value).__name__, text)
    return array


def _call(function: Callable[..., Any], args: Sequence[Any]) -> Outcome:
    """Call ``function(*args)``; what it returned, raised, or changed in its arguments."""
    before = [np.array(a, copy=True) if isinstance(a, np.ndarray) else None for a in args]
    try:
        value = function(*args)
    except BaseException as error:  # a learner's SystemExit is an answer too
        if isinstance(error, KeyboardInterrupt):
            raise
        return Outcome(error=_learner_traceback(error))
    mutated = tuple(
        i for i, (a, b) in enumerate(zip(args, before, strict=True))
        if b is not None and (a.shape != b.shape or not np.array_equal(a, b, equal_nan=True))
    )
    return Outcome(value=_portable(value), mutated=mutated)


#: The longest time limit accepted, in seconds (one hour).
MAX_TIMEOUT = 3600.0


def run_calls(
    function: str | Target | Callable[..., Any],
    calls: Sequence[Sequence[Any]],
    *,
    timeout: float = 5.0,
    default_name: str = "f",
) -> list[Outcome]:
    """Call the learner's function on each argument tuple of ``calls``.

    Parameters
    ----------
    function
        A target (``"answer.py:cost"``, see :func:`parse_target`), run in a child process
        with the time limit; or a Python callable, called here without one.
    calls
        The argument tuples, one per call, in order. With a target they are pickled to
        the child, so they must be picklable (arrays, numbers, top-level functions).
    timeout
        Seconds allowed for importing the target and for each call, in
        ``(0, MAX_TIMEOUT]`` (one hour at most).
    default_name
        The function name used when the target names none.

    Returns
    -------
    list of Outcome
        One per call, in order. After a call that times out or ends the process, the
        list stops: the remaining calls were not run.

    Raises
    ------
    SteepestError
        If the target cannot be found, imported, or is not a function.

    Examples
    --------
    >>> def halve(x):
    ...     return x / 2
    >>> [o.value for o in run_calls(halve, [(1,), (3,)])]
    [0.5, 1.5]
    >>> print(run_calls(halve, [("a",)])[0].error.splitlines()[-1])
    TypeError: unsupported operand type(s) for /: 'str' and 'int'
    """
    if callable(function) and not isinstance(function, (str, Target)):
        # copies, so that a function that changes its arguments cannot change our cases
        return [_call(function, copy.deepcopy(tuple(args))) for args in calls]
    target = function if isinstance(function, Target) else parse_target(function, default_name)
    if not 0 < timeout <= MAX_TIMEOUT:  # NaN fails too; inf would overflow the wait
        raise CheckError(f"timeout must lie in (0, {MAX_TIMEOUT:g}] seconds; got {timeout!r}"
                            "\nhint: a few seconds are plenty for an exercise")
    return _run_in_child(target, [tuple(args) for args in calls], float(timeout))


def _run_in_child(target: Target, calls: list[tuple[Any, ...]], timeout: float) -> list[Outcome]:
    with tempfile.TemporaryFile() as stderr:
        child = subprocess.Popen(
            [sys.executable, "-m", "steepest.check._sandbox"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=stderr,
        )
        messages: queue.Queue[Any] = queue.Queue()
        reader = threading.Thread(target=_read, args=(child.stdout, messages), daemon=True)
        reader.start()
        try:
            try:
                pickle.dump((target, calls), child.stdin)  # type: ignore[arg-type]
                child.stdin.close()  # type: ignore[union-attr]
            except BrokenPipeError:
                pass  # the child died at once; _next reports it
            _next(messages, _STARTUP, child, stderr, "starting Python")
            loaded = _next(messages, timeout, child, stderr, "import")
            if loaded is None:
                raise CheckError(
                    f"importing {target} did not finish within {timeout:g} s\n"
                    "hint: does the file run a long computation or a loop when imported? "
                    "keep module-level code quick (or under if __name__ == '__main__':)"
                )
            if loaded[0] == "unusable":
                raise CheckError(loaded[1])
            outcomes: list[Outcome] = []
            for _ in calls:
                message = _next(messages, timeout, child, stderr, "call")
                if message is None:
                    outcomes.append(Outcome(timed_out=True))
                    break
                if message[0] == "ended":
                    outcomes.append(Outcome(ended=message[1]))
                    break
                outcomes.append(message[1])
            return outcomes
        finally:
            if child.poll() is None:
                child.kill()
            child.wait()
            if child.stdout is not None:
                child.stdout.close()


def _read(stream: Any, messages: queue.Queue[Any]) -> None:
    """Forward each pickled message of the child to ``messages``; ``("eof",)`` at the end."""
    try:
        while True:
            messages.put(pickle.load(stream))
    except Exception:  # EOF, or a pipe closed under us when the child is killed
        messages.put(("eof",))


def _next(
    messages: queue.Queue[Any],
    timeout: float,
    child: subprocess.Popen[bytes],
    stderr: Any,
    what: str,
) -> Any:
    """The child's next message; ``None`` on timeout; ``("ended", why)`` if it died."""
    try:
        message = messages.get(timeout=timeout)
    except queue.Empty:
        return None
    if message[0] != "eof":
        return message
    code = child.wait()
    if what == "starting Python":
        stderr.seek(0)
        tail = stderr.read().decode(errors="replace").strip().splitlines()[-5:]
        raise CheckError(
            "could not start a Python process to run your function (exit code "
            f"{code}):\n" + "\n".join(tail)
        )
    why = f"the Python process running it ended (exit code {code})"
    if what == "import":
        return ("unusable", f"importing the target failed: {why}; does the file call os._exit?")
    return ("ended", why + "; does the function call os._exit or crash Python?")


# -------------------------------------------------------------------------- child side
def _child() -> None:
    """The child process: read the request, import the target, answer each call."""
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # whatever the learner prints goes to stderr, not into our messages
    sys.stdout = sys.stderr

    def send(message: Any) -> None:
        pickle.dump(message, out)
        out.flush()

    target, calls = pickle.load(sys.stdin.buffer)
    sys.stdin = open(os.devnull)  # noqa: SIM115 - input() in a learner's code gets EOF
    _limit_memory(_MEMORY)
    send(("ready",))
    try:
        function = _load(target)
    except _UnusableError as reason:
        send(("unusable", str(reason)))
        return
    send(("loaded",))
    for args in calls:
        outcome = _call(function, args)
        try:
            send(("result", outcome))
        except Exception:  # pragma: no cover - _portable makes results picklable
            send(("result", Outcome(value=Unusual(type(outcome.value).__name__, "?"))))


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
    # run through the module's real name, so that what is pickled back names
    # steepest.check._sandbox, not __main__
    from steepest.check._sandbox import _child as child

    child()
