"""steepest.check.exercises and `steepest exercises`: the lesson's order, prompts, commands."""

from __future__ import annotations

import ast
import shlex
import subprocess
import sys

import pytest

from steepest.check.exercises import EXERCISES, get_exercise
from steepest.cli import build_parser, main
from steepest.errors import SteepestError

SOLUTIONS = {
    "gradient-function": """
def gradient(f, point, h=1e-5):
    grad = []
    for i in range(len(point)):
        up, down = list(point), list(point)
        up[i] += h
        down[i] -= h
        grad.append((f(up) - f(down)) / (2 * h))
    return grad
""",
    "cost": """
import numpy as np


def cost(expected, predicted):
    return np.sum((expected - predicted) ** 2)
""",
    "descent": """
def step(x, grad, learning_rate):
    return x - learning_rate * grad


def descend(grad_f, start, learning_rate, steps):
    x = start
    for _ in range(steps):
        x = step(x, grad_f(x), learning_rate)
    return x
""",
}


def test_the_exercises_follow_the_lesson():
    assert [e.number for e in EXERCISES] == [1, 2, 3, 4]
    assert [e.name for e in EXERCISES] == ["gradient", "gradient-function", "cost", "descent"]
    assert "x²·sin(y)" in EXERCISES[0].prompt
    assert "(expected − predicted)²" in EXERCISES[2].prompt


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda e: e.name)
def test_each_check_command_is_one_the_cli_accepts(exercise):
    argv = shlex.split(exercise.check)
    assert argv[:3] == ["steepest", "check", exercise.name]
    args = build_parser().parse_args(argv[1:])
    assert args.exercise == exercise.name


@pytest.mark.parametrize("exercise", EXERCISES[1:], ids=lambda e: e.name)
def test_templates_define_the_functions_the_check_imports(exercise):
    defined = {node.name for node in ast.parse(exercise.template).body
               if isinstance(node, ast.FunctionDef)}
    argv = shlex.split(exercise.check)
    targets = [a for a in argv if a.startswith("answer.py:")]
    assert targets and {t.split(":")[1] for t in targets} <= defined


@pytest.mark.parametrize("exercise", EXERCISES[1:], ids=lambda e: e.name)
def test_a_solution_passes_the_exact_command(exercise, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "answer.py").write_text(SOLUTIONS[exercise.name])
    assert main(shlex.split(exercise.check)[1:]) == 0, capsys.readouterr().out


def test_the_template_is_not_yet_an_answer(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    exercise = get_exercise("cost")
    (tmp_path / "answer.py").write_text(exercise.template)
    assert main(shlex.split(exercise.check)[1:]) == 1
    assert "returned None" in capsys.readouterr().out


def test_get_exercise_by_number_or_name():
    assert get_exercise(3) is get_exercise("cost") is get_exercise(" 3 ")
    with pytest.raises(SteepestError, match=r"the exercises are 1 \(gradient\)"):
        get_exercise(9)


def test_the_list_through_a_real_subprocess():
    result = subprocess.run([sys.executable, "-m", "steepest", "exercises"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    numbered = [line for line in lines if line[:2] in ("1.", "2.", "3.", "4.")]
    assert numbered == [f"{e.number}. {e.title}" for e in EXERCISES]
    for e in EXERCISES:
        assert f"   check: {e.check}" in lines


def test_one_exercise_in_full(capsys):
    assert main(["exercises", "cost"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("3. The cost of a digit classifier")
    assert "def cost(expected, predicted):" in out
    assert "    steepest check cost answer.py:cost" in out


def test_an_unknown_exercise_is_exit_2(capsys):
    assert main(["exercises", "7"]) == 2
    assert "no exercise '7'" in capsys.readouterr().err
