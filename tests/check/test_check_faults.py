"""The answer checker against hostile or clumsy learner code, with the faults made for real.

Each case runs a real child process whose code attacks the checker the way the audit of
issue 12 did: forged or broken messages written on the real pipe, a pile of processes
that outlive the call, introspection of the function it is given, a point changed in
place. Each asserts what the user sees: the report, the exit code, the time bound, and
that nothing the child sent ran in the checker.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from steepest.check import check_gradient_function
from steepest.check._sandbox import UNREADABLE, run_calls
from steepest.errors import SteepestError

#: writes ``payload`` to every pipe end of the child it can write to: the checker's too
FORGER = """
import os

def forge(payload):
    for fd in range(3, 256):
        try:
            os.write(fd, payload)
        except OSError:
            pass
"""


def write(tmp_path: Path, body: str, name: str = "answer.py") -> str:
    path = tmp_path / name
    path.write_text(textwrap.dedent(body))
    return str(path)


def forged_run(tmp_path: Path, payload: bytes) -> list:
    path = write(tmp_path, FORGER + textwrap.dedent(f"""
    def f(x):
        forge({payload!r})
        return 0.0
    """))
    return run_calls(path + ":f", [(1.0,), (2.0,)], timeout=10)


def test_a_forged_pickle_is_never_unpickled(tmp_path):
    marker = tmp_path / "the checker ran my code"
    path = write(tmp_path, FORGER + textwrap.dedent(f"""
    import pickle

    class Evil:
        def __reduce__(self):
            return (open, ({str(marker)!r}, "w"))

    def f(x):
        forge(pickle.dumps(("result", Evil())))
        return 0.0
    """))
    outcomes = run_calls(path + ":f", [(1.0,), (2.0,)], timeout=10)
    assert not marker.exists()
    assert len(outcomes) == 1 and not outcomes[0].returned
    assert outcomes[0].unreadable.startswith(UNREADABLE)


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        (b"hello, checker\n", "text that is not JSON"),
        (b"\xff\xfe\n", "bytes that are not UTF-8 text"),
        (b"[" * 200_000 + b"]" * 200_000 + b"\n", "JSON nested too deeply"),
        (b"x" * (5 * 2**20), "a message of more than 4194304 bytes"),
        (b'"just a string"\n', "a JSON str where an object was expected"),
        (b'{"kind": "result", "call": 0, "value": ' + b"7" * 5000 + b', "mutated": []}\n',
         "more than 40 digits"),
        (b'{"kind": "result", "call": 0, "value": {"array": {"dtype": "|O", "shape": [1], '
         b'"data": "AAAAAAAAAAA="}}, "mutated": []}\n', "which is not numbers"),
        (b'{"kind": "result", "call": 0, "value": {"array": {"dtype": "<f8", "shape": [4], '
         b'"data": "AAAAAAAAAAA="}}, "mutated": []}\n', "8 bytes of data instead of 32"),
        (b'{"kind": "result", "call": 0, "value": {"array": {"dtype": "<f8", "shape": '
         b'[100000, 100000], "data": ""}}, "mutated": []}\n', "more than the 100000 allowed"),
        (b'{"kind": "result", "call": 1, "value": 0.0, "mutated": []}\n', "out of turn"),
        (b'{"kind": "result", "call": 0, "value": 0.0, "mutated": [7]}\n', "changed arguments"),
        (b'{"kind": "result", "call": 0, "value": {"pickle": "gASV"}, "mutated": []}\n',
         "unknown kind 'pickle'"),
        (b'{"kind": "ask", "function": 3, "point": 1}\n', "a function that does not exist"),
        (b'{"kind": "loaded"}\n', "of kind 'loaded' where an answer was expected"),
    ],
    ids=["garbage", "not utf-8", "nested", "oversized", "not an object", "huge int", "object array",
         "short data", "huge shape", "out of turn", "bad mutated", "unknown kind", "bad ask",
         "wrong kind"],
)
def test_a_malformed_message_is_unreadable_output_not_our_error(tmp_path, payload, reason):
    outcomes = forged_run(tmp_path, payload)
    assert len(outcomes) == 1, outcomes  # the rest is not run
    assert outcomes[0].unreadable == f"{UNREADABLE}: it sent {reasonless(outcomes)}"
    assert reason in outcomes[0].unreadable


def reasonless(outcomes) -> str:
    return outcomes[0].unreadable.partition(": it sent ")[2]


def test_a_forged_message_while_importing_is_a_clear_error(tmp_path):
    path = write(tmp_path, FORGER + "forge(b'{\"kind\": \"result\"}\\n')\n\ndef f(x):\n"
                 "    return x\n")
    with pytest.raises(SteepestError) as caught:  # the CLI's one line and exit 2
        run_calls(path + ":f", [(1.0,)], timeout=10)
    assert type(caught.value).__name__ == "CheckError"
    assert f"{UNREADABLE}: it sent a message of another kind" in str(caught.value)


def test_the_cli_reports_a_forgery_as_a_wrong_answer_not_a_crash(tmp_path):
    write(tmp_path, FORGER + textwrap.dedent("""
    import pickle

    def gradient(f, point):
        forge(pickle.dumps(("result", [0.0] * len(point))))
        return [0.0] * len(point)
    """))
    result = subprocess.run(
        [sys.executable, "-m", "steepest", "check", "gradient-function", "answer.py", "--json"],
        capture_output=True, text=True, timeout=120, cwd=tmp_path,
    )
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    report = json.loads(result.stdout)
    first = report["cases"][0]
    assert report["correct"] is False and first["ok"] is False
    assert first["unreadable"].startswith(UNREADABLE) and first["received"] is None
    assert "the remaining cases were not run" in first["problem"]
    assert len(report["not_run"]) == len(report["cases"]) + len(report["not_run"]) - 1


# --------------------------------------------------------------------- processes and time
def alive(pid: int) -> bool:
    """Whether ``pid`` is a running process (not gone, not a zombie)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rpartition(")")[2].split()[0] != "Z"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_a_pile_of_processes_is_killed_whole_at_the_time_limit(tmp_path):
    # twenty sleepers and eight forks that sleep on with the pipe open: before the fix the
    # checker waited for the forks (over a minute) and left every sleeper running
    log = tmp_path / "pids"
    path = write(tmp_path, f"""
    import os
    import subprocess
    import time

    def gradient(f, point):
        with open({str(log)!r}, "a") as out:
            out.write(f"start {{time.time()}}\\n")
        for _ in range(20):
            sleeper = subprocess.Popen(["sleep", "25"])
            with open({str(log)!r}, "a") as out:
                out.write(f"pid {{sleeper.pid}}\\n")
        for _ in range(3):
            os.fork()
        with open({str(log)!r}, "a") as out:
            out.write(f"pid {{os.getpid()}}\\n")
        time.sleep(60)
    """)
    limit = 3.0
    report = check_gradient_function(path, timeout=limit)
    returned = time.time()
    lines = log.read_text().split("\n")
    started = float(next(line for line in lines if line.startswith("start")).split()[1])
    pids = [int(line.split()[1]) for line in lines if line.startswith("pid")]
    assert len(pids) == 20 + 8
    assert returned - started < limit + 5.0  # the limit and a margin, not the forks' 60 s
    assert report.results[0].outcome.timed_out and not report.correct
    deadline = time.monotonic() + 5.0  # SIGKILL is delivered at once; give the kernel a moment
    while any(alive(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert [p for p in pids if alive(p)] == []


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_processes_left_behind_by_a_function_that_returns_are_killed_too(tmp_path):
    log = tmp_path / "pids"
    path = write(tmp_path, f"""
    import subprocess

    def cost(expected, predicted):
        sleeper = subprocess.Popen(["sleep", "25"])
        with open({str(log)!r}, "a") as out:
            out.write(f"{{sleeper.pid}}\\n")
        return float(((expected - predicted) ** 2).sum())
    """)
    from steepest.check import check_cost

    assert check_cost(path).correct
    pids = [int(p) for p in log.read_text().split()]
    deadline = time.monotonic() + 5.0
    while any(alive(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(pids) == 4 and [p for p in pids if alive(p)] == []


def test_the_child_works_in_a_fresh_folder_removed_afterwards(tmp_path, monkeypatch):
    write(tmp_path, """
    import os

    BEFORE = sorted(os.listdir("."))

    def f():
        with open("scratch.txt", "w") as out:
            out.write("mine")
        return os.getcwd() + "|" + ",".join(BEFORE)
    """)
    monkeypatch.chdir(tmp_path)
    [outcome] = run_calls("answer.py:f", [()], timeout=10)
    folder, _, listing = outcome.value.partition("|")
    assert listing == ""  # empty when the learner's code starts
    assert Path(folder).name.startswith("steepest-check-")
    assert Path(folder) != tmp_path and not Path(folder).exists()
    assert not (tmp_path / "scratch.txt").exists()


# --------------------------------------------------------------- what the learner is given
REVEALING = """
import inspect

def gradient(f, point):
    found = [repr(f), str(dir(f)), repr(vars(f)), repr(getattr(f, "text", None))]
    for cell in f.__closure__ or ():
        found += [repr(cell.cell_contents), repr(getattr(cell.cell_contents, "__dict__", ""))]
        try:
            found.append(inspect.getsource(cell.cell_contents))
        except (TypeError, OSError):
            pass
    found.append(inspect.getsource(f))
    found.append(repr(f.__code__.co_consts) + repr(f.__code__.co_names))
    with open({log!r}, "w") as out:
        out.write("\\n".join(found))
    return [0.0] * len(point)
"""


def test_the_function_given_to_gradient_reveals_only_its_values(tmp_path):
    log = tmp_path / "found.txt"
    path = write(tmp_path, REVEALING.format(log=str(log)))
    check_gradient_function(path)
    found = log.read_text()
    assert "<function f at" in found  # what it is: a plain function named f
    for secret in ("x^2", "3y^2", "3 * p[1]", "_bowl", "Surface", "sin"):
        assert secret not in found, secret


def test_the_equation_text_is_not_there_to_copy(tmp_path):
    path = write(tmp_path, """
    import steepest

    def gradient(f, point):
        return list(steepest.gradient(f.text, at=point))
    """)
    report = check_gradient_function(path)
    assert not report.correct
    assert "AttributeError" in report.first_wrong.outcome.error


def test_in_this_process_the_function_has_no_equation_attribute_either():
    seen = []

    def gradient(f, point):
        seen.append(f)
        return [0.0] * len(point)

    check_gradient_function(gradient)
    assert not hasattr(seen[0], "text") and vars(seen[0]) == {}
    assert repr(seen[0]).startswith("<function f")


def test_the_checkers_function_raises_in_the_learners_code_like_the_real_one(tmp_path):
    path = write(tmp_path, """
    def gradient(f, point):
        return f([point[0]])
    """)
    error = check_gradient_function(path).first_wrong.outcome.error
    assert error.splitlines()[-1] == ("TypeError: f takes a point: a list of 2 numbers; got "
                                      "an array of shape (1,)")
    assert "steepest" not in error  # only the learner's frames


IN_PLACE = """
def gradient(f, point, h=1e-5):
    grad = []
    for i in range(len(point)):
        moved = point  # not a copy
        moved[i] += h
        up = f(moved)
        moved[i] -= 2 * h
        grad.append((up - f(moved)) / (2 * h))
    return grad
"""


def test_a_gradient_that_changes_point_in_place_is_reported(tmp_path):
    namespace: dict = {}
    exec(IN_PLACE, namespace)
    for function in (write(tmp_path, IN_PLACE), namespace["gradient"]):
        report = check_gradient_function(function)
        assert not report.correct
        problem = report.first_wrong.problem
        assert problem.startswith("the answer is right, but your function changed point in "
                                  "place"), problem
        assert "work on a copy" in problem


def test_neither_side_of_the_pipe_imports_pickle():
    source = Path(__file__).parents[2] / "src" / "steepest" / "check"
    for module in ("_sandbox.py", "_child.py", "_wire.py"):
        text = (source / module).read_text()
        assert not re.search(r"^\s*(import|from) (pickle|marshal|shelve)\b", text, re.M), module


def test_a_flood_of_requests_never_read_ends_at_the_time_limit(tmp_path):
    # the checker answers each request; a child that never reads the answers fills the
    # pipe, and the checker must give up at the limit rather than block on writing
    log = tmp_path / "start"
    path = write(tmp_path, FORGER + f"""
import json
import time

def f(x):
    with open({str(log)!r}, "w") as out:
        out.write(str(time.time()))
    point = {{"array": {{"dtype": "<f8", "shape": [1], "data": "AAAAAAAA8D8="}}}}
    ask = json.dumps({{"kind": "ask", "function": 0, "point": point}}).encode() + b"\\n"
    while True:
        forge(ask * 1000)
""")
    limit = 2.0
    from steepest.check._battery import BowlGradient

    outcomes = run_calls(path + ":f", [(BowlGradient((0.0,), (1.0,)),)], timeout=limit)
    returned = time.time()
    assert outcomes[0].timed_out, outcomes
    assert returned - float(log.read_text()) < limit + 5.0


def test_a_child_that_closes_the_pipe_and_runs_on_is_ended_not_waited_for(tmp_path):
    path = write(tmp_path, """
    import os
    import signal
    import time

    def f(how):
        if how == "signal":
            os.kill(os.getpid(), signal.SIGTERM)
        for fd in range(3, 256):
            try:
                os.close(fd)
            except OSError:
                pass
        time.sleep(60)
    """)
    started = time.monotonic()
    [closed] = run_calls(path + ":f", [("close",)], timeout=30)
    assert time.monotonic() - started < 20  # not the 30 s limit, nor the 60 s sleep
    assert closed.ended.startswith("the Python process running it closed its pipe")
    [killed] = run_calls(path + ":f", [("signal",)], timeout=30)
    assert killed.ended.startswith("the Python process running it was ended by SIGTERM")
