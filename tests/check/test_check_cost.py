"""steepest.check_cost: learners' cost functions, right and deliberately wrong, run for real.

Each answer is written to a file in tmp_path and checked the way the command line does
(imported in a child process, with a time limit), except where a test says it calls a
Python function in-process.
"""

from __future__ import annotations

import textwrap

import numpy as np
import pytest

from steepest.check import check_cost
from steepest.check.cost import cost_cases
from steepest.errors import SteepestError

RIGHT = """
import numpy as np

def cost(expected, predicted):
    expected = np.asarray(expected)
    if np.ndim(expected) < np.ndim(predicted):  # labels
        expected = np.eye(predicted.shape[-1])[expected]
    return np.sum((expected - predicted) ** 2)
"""


def answer(tmp_path, body: str, name: str = "answer.py") -> str:
    path = tmp_path / name
    path.write_text(textwrap.dedent(body))
    return str(path)


def test_the_battery_against_sums_written_out():
    by_name = {c.name: c for c in cost_cases(batch=True, labels=True)}
    assert by_name["one example"].expected == pytest.approx(0.2**2 + 0.3**2 + 0.1**2)
    assert by_name["a perfect prediction"].expected == 0
    assert by_name["targets that are not one-hot"].expected == pytest.approx(0.25 + 4 + 1)
    digit = by_name["a digit classifier (10 outputs)"]
    assert digit.inputs["predicted"].shape == (10,)
    target = np.zeros(10)
    target[7] = 1
    assert digit.expected == pytest.approx(np.sum((target - digit.inputs["predicted"]) ** 2))
    batch = by_name["a batch of 4 examples"]
    rows = batch.inputs["predicted"]
    per_row = [np.sum((batch.inputs["expected"][i] - rows[i]) ** 2) for i in range(4)]
    assert batch.expected == pytest.approx(sum(per_row))
    assert by_name["a digit label"].expected == pytest.approx(digit.expected)
    assert by_name["a batch of labels"].expected == pytest.approx(batch.expected)
    assert [c.name for c in cost_cases()] == list(by_name)[:4]


def test_a_right_answer_passes_every_case(tmp_path):
    path = answer(tmp_path, RIGHT)
    report = check_cost(path, batch=True, labels=True)  # the name defaults to cost
    assert report.correct, str(report)
    assert len(report.results) == 7 and not report.not_run
    assert report.target == f"{path}:cost"
    assert "7 of 7 cases right" in str(report) and "All right." in str(report)


def test_a_python_function_is_checked_in_process():
    def cost(expected, predicted):
        return float(((expected - predicted) ** 2).sum())

    assert check_cost(cost, batch=True).correct


@pytest.mark.parametrize(
    ("body", "options", "case", "words"),
    [
        ("return np.sum(expected - predicted)", {}, "one example", "without squaring"),
        ("return np.sum(np.abs(expected - predicted))", {}, "one example",
         "|expected − predicted|"),
        ("return np.mean((expected - predicted) ** 2)", {}, "one example",
         "mean over the outputs"),
        ("return np.sqrt(np.sum((expected - predicted) ** 2))", {}, "one example", "square root"),
        ("return 0.5 * np.sum((expected - predicted) ** 2)", {}, "one example", "no ½"),
        ("return np.mean(np.sum((expected - predicted) ** 2, axis=-1))", {"batch": True},
         "a batch of 4 examples", "mean over the examples"),
        ("e = np.zeros(predicted.shape[-1]) if np.ndim(expected) == 0 else expected\n"
         "    if np.ndim(expected) == 0:\n        e[expected - 1] = 1\n"
         "    return np.sum((e - predicted) ** 2)",
         {"labels": True}, "a digit label", "label minus one"),
        ("e = np.zeros(predicted.shape[-1]) if np.ndim(expected) == 0 else expected\n"
         "    if np.ndim(expected) == 0:\n        e[expected + 1] = 1\n"
         "    return np.sum((e - predicted) ** 2)",
         {"labels": True}, "a digit label", "label plus one"),
        ("return np.sum((expected - predicted) ** 2)", {"labels": True}, "a digit label",
         "not a one-hot vector"),
        ("return (expected - predicted) ** 2", {}, "one example", "shape (3,)"),
        ("pass", {}, "one example", "returned None"),
        ("return np.sum((expected - predicted)[:2] ** 2)", {}, "one example", "off by"),
    ],
    ids=["no square", "abs", "mean", "sqrt", "half", "batch mean", "label-1", "label+1",
         "label as number", "no sum", "None", "drops an output"],
)
def test_wrong_cost_functions_are_caught_at_the_right_case(
    tmp_path, request, body, options, case, words
):
    source = f"import numpy as np\n\ndef cost(expected, predicted):\n    {body}\n"
    if request.node.callspec.id in ("no square", "batch mean", "label-1"):
        report = check_cost(answer(tmp_path, source) + ":cost", **options)  # as the CLI does
    else:  # the same comparisons, in-process (a child process costs half a second)
        namespace: dict = {}
        exec(source, namespace)
        report = check_cost(namespace["cost"], **options)
    assert not report.correct
    wrong = report.first_wrong
    assert wrong is not None and wrong.case.name == case, str(report)
    assert words in wrong.problem, wrong.problem
    text = str(report)
    assert f"First wrong case: {case}" in text
    assert "right answer:" in text and "inputs:" in text


def test_the_report_shows_inputs_right_answer_and_value_received():
    def cost(expected, predicted):
        return 1.5

    text = str(check_cost(cost))
    assert "expected = array([0., 1., 0.])" in text
    assert "predicted = array([0.2, 0.7, 0.1])" in text
    assert "right answer: 0.14" in text
    assert "yours:        1.5" in text


def test_an_exception_shows_the_learners_traceback_not_ours(tmp_path):
    source = """
    import numpy as np

    def helper(e):
        return e["missing"]

    def cost(expected, predicted):
        return helper(expected)
    """
    path = answer(tmp_path, source, "mine.py")
    report = check_cost(path)
    assert not report.correct
    error = report.first_wrong.outcome.error
    assert 'mine.py", line 5, in helper' in error
    assert 'mine.py", line 8, in cost' in error
    assert error.splitlines()[-1].startswith("IndexError")
    assert "_sandbox" not in error and "steepest" not in error
    assert "raised an exception" in str(report) and "IndexError" in str(report)


def test_a_function_that_never_returns_is_stopped_and_reported(tmp_path):
    source = """
    def cost(expected, predicted):
        while True:
            pass
    """
    report = check_cost(answer(tmp_path, source), timeout=2)
    assert not report.correct
    assert report.results[0].outcome.timed_out
    assert len(report.results) == 1 and len(report.not_run) == 3
    assert "did not return within 2 s" in str(report)
    assert "(not run)" in str(report)


def test_a_function_that_loops_only_on_a_batch_is_reported_at_that_case(tmp_path):
    source = """
    import numpy as np

    def cost(expected, predicted):
        while np.ndim(predicted) == 2:
            pass
        return np.sum((expected - predicted) ** 2)
    """
    report = check_cost(answer(tmp_path, source), batch=True, timeout=2)
    assert [r.ok for r in report.results] == [True, True, True, True, False]
    assert report.first_wrong.case.name == "a batch of 4 examples"


def test_changing_an_argument_in_place_is_reported():
    def cost(expected, predicted):
        predicted -= expected
        return np.sum(predicted**2)

    report = check_cost(cost)
    assert not report.correct
    assert "changed predicted in place" in report.first_wrong.problem


def test_printing_and_input_in_the_learners_code_do_not_break_the_check(tmp_path):
    source = """
    import numpy as np
    print("loading my answer " * 1000)

    def cost(expected, predicted):
        print("computing", expected, predicted)
        return np.sum((expected - predicted) ** 2)

    def asks(expected, predicted):
        return float(input("cost? "))
    """
    path = answer(tmp_path, source)
    assert check_cost(path).correct
    report = check_cost(path + ":asks")
    assert "EOFError" in report.first_wrong.outcome.error


def test_module_colon_function_imports_from_the_current_directory(tmp_path, monkeypatch):
    answer(tmp_path, RIGHT, "my_answer.py")
    monkeypatch.chdir(tmp_path)
    assert check_cost("my_answer:cost").correct


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda p: str(p / "nowhere.py") + ":cost", "no file"),
        (lambda p: answer(p, RIGHT) + ":costs", "did you mean"),
        (lambda p: answer(p, "def cost(:\n"), "SyntaxError"),
        (lambda p: answer(p, "raise RuntimeError('not yet')\n"), "RuntimeError: not yet"),
        (lambda p: answer(p, "cost = 3\n"), "'cost' is a int, not a function"),
        (lambda p: "no_such_module_here:cost", "no module 'no_such_module_here'"),
        (lambda p: "answer.py:3cost", "does not name a function"),
    ],
    ids=["missing file", "no such function", "syntax error", "raises on import",
         "not callable", "no module", "bad name"],
)
def test_unusable_targets_are_errors_with_the_reason(tmp_path, monkeypatch, make, words):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SteepestError) as caught:
        check_cost(make(tmp_path))
    assert words in str(caught.value)


def test_a_module_that_loops_when_imported_is_an_error_not_a_hang(tmp_path):
    path = answer(tmp_path, "while True:\n    pass\n")
    with pytest.raises(SteepestError, match="did not finish within 2 s"):
        check_cost(path, timeout=2)
