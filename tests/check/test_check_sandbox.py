"""steepest.check._sandbox and _child: targets, the child process, what comes back from it."""

from __future__ import annotations

import sys
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


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the memory cap is Linux only")
def test_a_runaway_allocation_is_the_learners_memory_error(tmp_path):
    # 5 GiB of address space: more than the 4 GiB the child may add, less than what the
    # kernel grants an uncapped process (np.empty touches no page, so without the cap
    # this returns at once and the test fails)
    path = write(tmp_path, """
    import numpy as np

    def f(n):
        return float(len(np.empty(n)))
    """)
    small, huge = run_calls(path + ":f", [(1000,), (5 * 2**30 // 8,)], timeout=30)
    assert small.value == 1000.0  # ordinary work is unaffected
    assert huge.error is not None and "MemoryError" in huge.error, huge
    assert "np.empty(n)" in huge.error  # in the learner's own traceback


def test_values_too_large_or_odd_to_send_come_back_described(tmp_path):
    path = write(tmp_path, """
    import numpy as np

    class Broken:
        def __repr__(self):
            raise RuntimeError("no repr")

    def f(kind):
        return {"big array": np.zeros((1000, 1000)), "big int": 10**5000,
                "long text": "a" * 5000, "broken": Broken()}[kind]
    """)
    kinds = ["big array", "big int", "long text", "broken"]
    values = [o.value for o in run_calls(path + ":f", [(k,) for k in kinds], timeout=10)]
    assert values[0] == Unusual("ndarray", "an array of shape (1000, 1000), too large to send "
                                "back")
    assert values[1] == Unusual("int", "an integer of 16610 bits")
    assert values[2].type_name == "str" and values[2].text.endswith("...")
    assert values[3] == Unusual("Broken", "<a Broken>")


def test_the_checkers_functions_are_computed_here_with_their_errors(tmp_path):
    from steepest.check._battery import SURFACES, BowlGradient

    path = write(tmp_path, """
    def f(function, point):
        try:
            return function(point)
        except OverflowError as error:
            return "OverflowError: " + str(error)
    """)
    grad_f = BowlGradient((1.0, -2.0), (1.0, 5.0))
    calls = [(SURFACES["three"], [0.5, -1.0, 2.0]), (SURFACES["three"], [800.0, 0.0, 0.0]),
             (grad_f, [3.0, -1.0])]
    outcomes = run_calls(path + ":f", calls, timeout=10)
    assert outcomes[0].value == pytest.approx(SURFACES["three"]([0.5, -1.0, 2.0]))
    assert outcomes[1].value == "OverflowError: math range error"
    np.testing.assert_array_equal(outcomes[2].value, [4.0, 10.0])


def test_a_module_named_from_the_current_folder_is_imported_from_it(tmp_path, monkeypatch):
    write(tmp_path, "import helper\n\ndef f():\n    return helper.VALUE\n", "mine.py")
    write(tmp_path, "VALUE = 7\n", "helper.py")
    monkeypatch.chdir(tmp_path)
    assert [o.value for o in run_calls("mine:f", [()], timeout=10)] == [7]
    assert [o.value for o in run_calls("mine.py:f", [()], timeout=10)] == [7]
