"""steepest.check._sandbox: targets, the child process, and what comes back from it."""

from __future__ import annotations

import textwrap

import numpy as np
import pytest

from steepest.check._sandbox import Unusual, parse_target, run_calls
from steepest.errors import SteepestError


def write(tmp_path, body: str, name: str = "answer.py") -> str:
    path = tmp_path / name
    path.write_text(textwrap.dedent(body))
    return str(path)


@pytest.mark.parametrize(
    ("spec", "name", "module"),
    [("pkg.mod:fn", "fn", "pkg.mod"), ("pkg.mod", "cost", "pkg.mod"), ("m: fn ", "fn", "m")],
)
def test_module_targets(spec, name, module):
    target = parse_target(spec, "cost")
    assert (target.name, target.module, target.path) == (name, module, None)


def test_file_targets_are_resolved_and_checked(tmp_path, monkeypatch):
    write(tmp_path, "def cost(e, p):\n    return 0\n")
    monkeypatch.chdir(tmp_path)
    target = parse_target("answer.py:cost", "step")
    assert target.path == tmp_path / "answer.py" and target.name == "cost"
    assert parse_target("answer.py", "step").name == "step"
    with pytest.raises(SteepestError, match=r"no file 'other\.py'"):
        parse_target("other.py:cost", "cost")
    with pytest.raises(TypeError, match="must be a str"):
        parse_target(3, "cost")


def test_results_come_back_as_plain_values(tmp_path):
    path = write(tmp_path, """
    import numpy as np

    class Mine:
        def __repr__(self):
            return "Mine()"

    def f(kind):
        return {"float": 1.5, "numpy": np.float32(2.5), "list": [1, 2], "array": np.eye(2),
                "object": Mine(), "none": None}[kind]
    """)
    kinds = ["float", "numpy", "list", "array", "object", "none"]
    outcomes = run_calls(path + ":f", [(k,) for k in kinds], timeout=5)
    values = [o.value for o in outcomes]
    assert values[0] == 1.5 and values[1] == 2.5
    np.testing.assert_array_equal(values[2], [1.0, 2.0])
    np.testing.assert_array_equal(values[3], np.eye(2))
    assert values[4] == Unusual("Mine", "Mine()") and values[5] is None


def test_a_learner_exiting_is_an_answer_not_our_exit(tmp_path):
    path = write(tmp_path, """
    import os
    import sys

    def leaves(how):
        if how == "exit":
            sys.exit("bye")
        os._exit(3)
    """)
    outcomes = run_calls(path + ":leaves", [("exit",), ("hard",), ("never run",)], timeout=5)
    assert "SystemExit: bye" in outcomes[0].error
    assert "exit code 3" in outcomes[1].ended
    assert len(outcomes) == 2  # the process is gone: the third call is not run


def test_the_time_limit_must_be_positive(tmp_path):
    path = write(tmp_path, "def f():\n    return 1\n")
    with pytest.raises(SteepestError, match="timeout"):
        run_calls(path + ":f", [()], timeout=0)


@pytest.mark.parametrize("timeout", [float("inf"), 1e12, float("nan"), 3601])
def test_a_time_limit_beyond_an_hour_is_refused_not_overflowed(tmp_path, timeout):
    path = write(tmp_path, "def f():\n    return 1\n")
    with pytest.raises(SteepestError, match=r"timeout must lie in \(0, 3600\] seconds"):
        run_calls(path + ":f", [()], timeout=timeout)


def test_python_functions_get_copies_of_the_arguments():
    data = np.zeros(3)

    def changes(a):
        a += 1
        return a.sum()

    [outcome] = run_calls(changes, [(data,)])
    assert outcome.value == 3.0 and outcome.mutated == (0,)
    assert not data.any()
