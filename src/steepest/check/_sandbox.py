"""Run a learner's own function on our test cases, each call with a time limit.

A learner's function is named by a *target*: ``path/to/answer.py:cost`` (a file) or
``package.module:cost`` (a module importable from the current directory). It runs in a
child Python process (:mod:`steepest.check._child`) that imports it once and calls it on
each case in turn, sending back every result as soon as it has one. What the checker
promises, whatever the learner's code does:

- it reads the child's messages as plain data (lines of JSON, arrays by dtype and
  shape: :mod:`steepest.check._wire`), never by unpickling, so nothing the child sends
  runs in the checker; a message that is malformed, too long or out of turn makes that
  call "your code's output could not be read";
- the child runs in its own session (a new process group) in a fresh, empty temporary
  folder, removed afterwards; at the time limit, or when the checker is done, the
  whole group is killed, with every process the learner's code started (unless it left
  the group on purpose, with ``setsid``), and the checker never waits on a pipe for
  them, so it returns within the time limit and a fraction of a second;
- the functions a learner's function is given (``f`` in ``gradient(f, point)``) are
  computed here, on request: the child holds no equation to read.

The child is the same Python as the parent, on the same machine, with the learner's
rights: this is a time limit and a wall against the checker being fooled or hung, not a
jail. The learner's code may still read and write their files, use the network, or look
up the published battery of cases in steepest itself. On Linux the child's address space
is capped at what it uses when it starts plus 4 GiB, so that a runaway allocation
(``np.ones(10**10)``) is a ``MemoryError`` in their traceback, not a machine out of memory.
The child needs a POSIX system (process groups, ``select`` on pipes).

A Python function given directly (from a notebook, say) is called in this process
instead, without a time limit: nothing can stop a Python function from the outside
without a second process, and a function defined in a notebook cannot be imported by one.

Left out: capturing what the learner's code prints (it goes to stderr, not shown),
a memory limit outside Linux, and any sandboxing beyond the above.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from steepest.check._pipe import EOF, Pipe
from steepest.check._wire import (
    MAX_TEXT,
    Outcome,
    UnreadableError,
    Unusual,
    decode,
    encode,
    message,
)
from steepest.errors import CheckError

__all__ = ["MAX_TIMEOUT", "UNREADABLE", "Outcome", "Target", "Unusual", "parse_target", "run_calls"]

#: seconds allowed for the child to start and import NumPy, before the learner's code
_STARTUP = 60.0
#: what the checker says when a message cannot be read
UNREADABLE = "your code's output could not be read"


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
        The argument tuples, one per call, in order: numbers, text, arrays, lists of
        these, and functions of one point (computed here when the child asks).
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
        from steepest.check._child import call, local_arguments

        # copies, so that a function that changes its arguments cannot change our cases
        return [call(function, local_arguments(args)) for args in calls]
    target = function if isinstance(function, Target) else parse_target(function, default_name)
    if not 0 < timeout <= MAX_TIMEOUT:  # NaN fails too; inf would overflow the wait
        raise CheckError(f"timeout must lie in (0, {MAX_TIMEOUT:g}] seconds; got {timeout!r}"
                            "\nhint: a few seconds are plenty for an exercise")
    return _run_in_child(target, [tuple(args) for args in calls], float(timeout))


# ---------------------------------------------------------------------- the child process
def _run_in_child(target: Target, calls: list[tuple[Any, ...]], timeout: float) -> list[Outcome]:
    functions: dict[int, Any] = {}
    request = message(
        target={"path": None if target.path is None else str(target.path),
                "module": target.module, "name": target.name, "label": str(target)},
        cwd=os.getcwd(),
        calls=[[encode(a, functions) for a in args] for args in calls],
    )
    with tempfile.TemporaryDirectory(prefix="steepest-check-",
                                     ignore_cleanup_errors=True) as folder, \
            tempfile.TemporaryFile() as stderr:
        child = subprocess.Popen(
            [sys.executable, "-m", "steepest.check._child"], bufsize=0,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=stderr, cwd=folder,
            env=_environment(), start_new_session=True,
        )
        pipe = Pipe(child, functions)
        try:
            return _converse(pipe, target, request, [len(a) for a in calls], timeout, stderr)
        finally:
            pipe.close()


def _environment() -> dict[str, str]:
    """Our environment, with every ``PYTHONPATH`` entry absolute (the child runs in another
    folder) and, when steepest is not installed in site-packages (a source checkout),
    the folder that holds it first."""
    import site

    env = dict(os.environ)
    ours = str(Path(__file__).resolve().parents[2])
    paths = [os.path.abspath(p) for p in env.get("PYTHONPATH", "").split(os.pathsep) if p]
    installed = {str(Path(p).resolve()) for p in
                 [*site.getsitepackages(), site.getusersitepackages()]}
    if ours not in installed:
        paths.insert(0, ours)
    env["PYTHONPATH"] = os.pathsep.join(paths)
    return env


def _converse(
    pipe: Pipe, target: Target, request: bytes, arguments: list[int], timeout: float,
    stderr: Any,
) -> list[Outcome]:
    """Send the request, then read the child's messages in turn, each within its time
    (``arguments``: how many arguments each call has)."""
    deadline = time.monotonic() + _STARTUP
    try:
        ready = pipe.receive(deadline - time.monotonic()) if pipe.write(request, deadline) else None
    except UnreadableError as error:  # before the learner's code runs: not theirs
        ready = error
    if not isinstance(ready, dict) or ready != {"kind": "ready"}:
        stderr.seek(0)
        tail = stderr.read().decode(errors="replace").strip().splitlines()[-5:]
        why = (f"it did not start within {_STARTUP:g} s" if ready is None else pipe.ended()
               if ready is EOF else f"it sent {ready}")
        raise CheckError(f"could not start a Python process to run your function ({why}):\n"
                            + "\n".join(tail))
    try:
        loaded = pipe.receive(timeout)
        if isinstance(loaded, dict):
            if loaded.get("kind") == "unusable" and set(loaded) == {"kind", "reason"}:
                raise CheckError(_text(loaded["reason"]))
            if loaded != {"kind": "loaded"}:
                raise UnreadableError("a message of another kind where the end of the "
                                      "import was expected")
    except UnreadableError as error:
        raise CheckError(f"importing {target}: {UNREADABLE}: it sent {error}") from None
    if loaded is None:
        raise CheckError(
            f"importing {target} did not finish within {timeout:g} s\n"
            "hint: does the file run a long computation or a loop when imported? "
            "keep module-level code quick (or under if __name__ == '__main__':)"
        )
    if loaded is EOF:
        raise CheckError(f"importing {target} failed: {pipe.ended()}; does the file call "
                            "os._exit?")
    outcomes: list[Outcome] = []
    for i, count in enumerate(arguments):
        try:
            answer = pipe.receive(timeout)
            if answer is None:
                outcomes.append(Outcome(timed_out=True))
            elif answer is EOF:
                outcomes.append(Outcome(ended=pipe.ended() + "; does the function call os._exit "
                                        "or crash Python?"))
            else:
                outcomes.append(_result(answer, i, count))
                continue
        except UnreadableError as error:
            outcomes.append(Outcome(unreadable=f"{UNREADABLE}: it sent {error}"))
        break
    return outcomes


def _result(answer: dict[str, Any], i: int, arguments: int) -> Outcome:
    """The outcome an answer to call ``i`` stands for; :class:`UnreadableError` if it is not one."""
    if answer.get("kind") != "result":
        raise UnreadableError(f"a message of kind {str(answer.get('kind'))[:40]!r} where an answer "
                         "was expected")
    call = answer.get("call")
    if type(call) is not int or call != i:
        raise UnreadableError("an answer out of turn (does your code start processes or threads "
                         "that run on after it returns?)")
    if set(answer) == {"kind", "call", "error"}:
        return Outcome(error=_text(answer["error"]))
    if set(answer) != {"kind", "call", "value", "mutated"}:
        raise UnreadableError("an answer without a value or an error")
    mutated = answer["mutated"]
    if (not isinstance(mutated, list) or len(set(mutated)) != len(mutated)
            or not all(type(m) is int and 0 <= m < arguments for m in mutated)):
        raise UnreadableError("an answer whose list of changed arguments is not one")
    return Outcome(value=decode(answer["value"]), mutated=tuple(sorted(mutated)))


def _text(value: Any) -> str:
    if not isinstance(value, str) or len(value) > MAX_TEXT:
        raise UnreadableError("a reason that is not text of a sane length")
    return value
