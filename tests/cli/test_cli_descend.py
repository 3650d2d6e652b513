"""Tests of ``steepest descend`` and ``steepest ascend``, in-process and as a subprocess."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from steepest import minimize
from steepest.cli import main
from steepest.cli.descend import _nice, _parse_start, _rows


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_descend_prints_the_path_and_the_answer(capsys):
    code, out, err = run(capsys, "descend", "x^2 + 3y^2", "--from", "2,1", "--lr", "0.1")
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[0] == "gradient descent on f(x, y) = x² + 3·y² from (2, 1)"
    assert lines[1] == "optimizer gd, learning rate 0.1"
    assert lines[3].split() == ["step", "x", "y", "f", "|∇f|"]
    assert lines[4].split() == ["0", "2", "1", "7", "7.2111"]
    assert lines[5].split() == ["1", "1.6", "0.4", "3.04", "4"]
    assert "status         converged: the gradient norm" in out
    assert "steps          89" in out
    assert "every 10th step" in out


def test_table_rows():
    assert _rows(5, None) == [0, 1, 2, 3, 4, 5]
    assert _rows(89, None) == [0, 1, 2, 10, 20, 30, 40, 50, 60, 70, 80, 87, 88, 89]
    assert _rows(89, 40) == [0, 1, 2, 40, 80, 87, 88, 89]
    assert [_nice(x) for x in (0.3, 1, 3, 8.9, 11, 450)] == [1, 1, 5, 10, 20, 500]


def test_ascend_with_adam_finds_the_maximum(capsys):
    code, out, _ = run(capsys, "ascend", "-(x-1)^2 - (y+2)^2 + 5", "--from", "0,0",
                       "--optimizer", "adam", "--lr", "0.1", "--max-iter", "500")  # fmt: skip
    assert code == 0
    assert out.startswith("gradient ascent on ")
    assert "final point    x = 1, y = -2" in out and "value          f = 5" in out


def test_json_gives_the_full_path(capsys):
    code, out, _ = run(capsys, "descend", "x^2 + 3y^2", "--from", "y=1,x=2", "--max-iter", "3",
                       "--json")  # fmt: skip
    data = json.loads(out)
    assert code == 1  # stopped at --max-iter: ran, but did not converge
    assert data["status"] == "max_iterations" and data["iterations"] == 3
    expected = minimize("x^2 + 3y^2", [2, 1], max_iter=3)
    np.testing.assert_allclose(data["path"], expected.path)
    np.testing.assert_allclose(data["values"], expected.values)
    assert data["variables"] == ["x", "y"] and data["maximize"] is False


def test_diverged_run_exits_1_with_the_message(capsys):
    code, out, _ = run(capsys, "descend", "x^2 + 3y^2", "--from", "2,1", "--lr", "1.2")
    assert code == 1
    assert "diverged: the step size 1.2 is too large for this function" in out
    assert out.rstrip().endswith("try --lr 0.1")


def test_a_run_that_cannot_move_exits_1(capsys):
    # the gradient norm stays 2: steps of 2e-13 do not move the point, which is no success
    code, out, _ = run(capsys, "descend", "x^2", "--from", "1", "--lr", "1e-13", "--max-iter", "20")
    assert code == 1 and "max_iterations: " in out and "too small to move the point" in out


def test_diverged_json_has_no_nan(capsys):
    code, out, _ = run(capsys, "descend", "exp(x^2)", "--from", "1", "--lr", "10", "--json")
    data = json.loads(out)  # strict JSON: infinities became null
    assert code == 1 and data["status"] == "diverged" and data["value"] is None


def test_options_reach_the_library(capsys):
    code, out, _ = run(capsys, "descend", "(1 - x)^2 + 100(y - x^2)^2", "--from=-1.2,1",
                       "--lr", "1", "--line-search", "--max-iter", "30000", "--tol", "1e-6",
                       "--every", "5000")  # fmt: skip
    assert code == 0 and "line search" in out and "status         converged" in out
    code, out, _ = run(capsys, "descend", "x^2 + 3y^2", "--from", "2,1", "--optimizer",
                       "momentum", "--schedule", "inverse_time", "--max-iter", "5")  # fmt: skip
    assert "optimizer momentum, learning rate 0.1, schedule inverse_time" in out
    code, out, _ = run(capsys, "descend", "x^2 + 3y", "--vars", "y,x", "--from", "1,2",
                       "--max-iter", "1")  # fmt: skip
    assert out.startswith("gradient descent on f(y, x) = ")


@pytest.mark.parametrize("start", ["-1,2", "-pi/4,2", "-.5,-1e-3", "x=-1,y=2"])
def test_a_start_may_begin_with_a_minus_sign(capsys, start):
    code, out, err = run(capsys, "descend", "x^2 + y^2", "--from", start, "--max-iter", "0")
    expected = minimize("x^2 + y^2", _parse_start(start.replace("x=", "").replace("y=", ""),
                                                  ("x", "y")), max_iter=0)  # fmt: skip
    assert (code, err) == (1, "") and expected.path[0][0] < 0
    assert f"from ({expected.path[0][0]:.6g}, {expected.path[0][1]:.6g})" in out
    code, out, err = run(capsys, "ascend", "-x^2 - y^2", "--from", start, "--max-iter", "0")
    assert code == 1 and err == ""


def test_stationary_start_exits_0(capsys):
    code, out, _ = run(capsys, "descend", "x^2 - y^2", "--from", "0,0")
    assert code == 0 and "stationary: the start is a stationary point" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--from", "2"], "--from '2' is not a point of f(x, y): give 2 numbers"),
        (["--from", "x=1,z=2"], "does not name the variables (x, y)"),
        (["--from", "x=1,x=2"], "--from 'x=1,x=2' gives x more than once"),
        (["--from", "x=1,y=2,x=3"], "gives x more than once"),
        (["--from", "1,"], "is not a point"),
        (["--from", "1,2", "--max-iter", "-1"], "--max-iter must be 0 or more"),
        (["--from", "1,2", "--max-iter", "1000000000"], "--max-iter must be at most 10,000,000"),
        (["--from", "1,2", "--every", "0"], "--every must be 1 or more"),
        (["--from", "1,2", "--lr", "0"], "--lr must be a positive number, got 0"),
        (["--from", "1,2", "--lr", "-0.1"], "--lr must be a positive number, got -0.1"),
        (["--from", "1,2", "--lr", "nan"], "--lr must be a positive number, got nan"),
        (["--from", "1,2", "--optimizer", "sgd"], "invalid choice: 'sgd'"),
        (["--from", "1,2", "--tol", "-1"], "--tol must be 0 or a positive number, got -1"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(capsys, argv, message):
    code, out, err = run(capsys, "descend", "x^2 + 3y^2", *argv)
    assert code == 2 and out == ""
    assert err.startswith("steepest: error: ") and message in err
    code, out, err = run(capsys, "descend", "x^2", "--from", "x=1,x=2")  # one variable
    assert code == 2 and err.count("\n") == 1 and "gives x more than once" in err


def test_through_a_subprocess():
    done = subprocess.run(
        [sys.executable, "-m", "steepest", "ascend", "-(x-1)^2 - (y+2)^2 + 5", "--from", "0,0",
         "--json"],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["status"] == "converged" and data["maximize"] is True
    np.testing.assert_allclose(data["x"], [1, -2], atol=1e-8)
    done = subprocess.run(
        [sys.executable, "-m", "steepest", "descend", "x^2", "--from", "1,2"],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 2 and done.stderr.count("\n") <= 2


def test_a_run_stopped_at_the_limit_names_the_flag(capsys):
    code, out, _ = run(capsys, "descend", "x^2", "--from", "1", "--lr", "0.001", "--max-iter", "5")
    assert code == 1
    assert "stopped after 5 steps" in out and "hint: raise --max-iter" in out
    assert "max_iter=" not in out and "learning_rate" not in out


def test_the_old_step_limit_spelling_still_works_but_is_not_shown(capsys):
    code, out, _ = run(capsys, "descend", "x^2", "--from", "1", "--steps", "3", "--json")
    assert code == 1 and json.loads(out)["iterations"] == 3
    with pytest.raises(SystemExit):
        main(["descend", "--help"])
    shown = capsys.readouterr().out
    assert "--max-iter" in shown and "--steps" not in shown


@pytest.mark.parametrize(
    ("argv", "first", "hint"),
    [
        (["descend", "log(x)", "--from", "-1"],
         "--from -1: the start x = -1 is outside the domain of f(x) = ln(x): ln(x) needs x > 0",
         "start where f is defined"),
        (["ascend", "sqrt(1 - x^2 - y^2)", "--from=y=0,x=2"],
         "--from y=0,x=2: the start (x, y) = (2, 0) is outside the domain of f(x, y) = "
         "sqrt(-x² - y² + 1): sqrt(-x² - y² + 1) needs -x² - y² + 1 ≥ 0",
         "start where f is defined"),
        (["descend", "1/(x - 1)", "--from", "1"],
         "--from 1: the start x = 1 is outside the domain of f(x) = 1/(x - 1): 1/(x - 1) needs "
         "x - 1 ≠ 0", "start where f is defined"),
        (["descend", "sqrt(x)", "--from", "0"],
         "--from 0: the start x = 0 has no gradient: ∂f/∂x is infinite",
         "start at a point next to it"),
        (["descend", "sqrt(x^2 + y^2)", "--from", "0,0"],
         "--from 0,0: the start (x, y) = (0, 0) has no gradient: ∂f/∂x does not exist: f has a "
         "kink there: its slope along x is -1 from the left and 1 from the right",
         "start at a point next to it"),
        (["descend", "e^(e^x)", "--from", "10"],
         "--from 10: the start x = 10: f is too large for floating point numbers there (f = inf)",
         "start where f is defined and smaller"),
        (["plot", "ln(x) + y^2", "--from=-1,2", "--out", "never.png"],
         "--from -1,2: the start (x, y) = (-1, 2) is outside the domain of f(x, y) = y² + ln(x): "
         "ln(x) needs x > 0", "start where f is defined"),
    ],
)
def test_a_start_where_descent_cannot_begin_is_bad_input(capsys, tmp_path, monkeypatch, argv,
                                                         first, hint):
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == "" and not (tmp_path / "never.png").exists()
    assert err == f"steepest: error: {first}\nhint: {hint}\n"


def test_a_run_that_leaves_the_domain_later_is_still_diverged(capsys):
    code, out, _ = run(capsys, "descend", "sqrt(x)", "--from", "1", "--lr", "3")
    assert code == 1
    assert "status         diverged: the step left the function's domain" in out
    assert "try --lr 0.3" in out and "learning_rate" not in out
