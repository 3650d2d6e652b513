"""`steepest check` through a real subprocess: reports and exit codes 0, 1 and 2."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

from steepest.cli import main


def run(*args: str, cwd=None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "steepest", "check", *args],
                          capture_output=True, text=True, timeout=120, cwd=cwd)


def test_a_right_gradient_is_exit_0():
    result = run("gradient", "x^2 sin(y)", "--answer", "2x sin(y), x^2 cos(y)")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "f(x, y) = x²·sin(y)",
        "  ✓ ∂f/∂x = 2·x·sin(y)",
        "  ✓ ∂f/∂y = x²·cos(y)",
        "All right.",
    ]


def test_a_wrong_gradient_is_exit_1_and_names_the_component():
    result = run("gradient", "x^2 sin(y)", "--answer", "2x sin(y), -x^2 cos(y)", "--show-steps")
    assert result.returncode == 1, result.stderr
    out = result.stdout
    assert "✓ ∂f/∂x" in out and "✗ ∂f/∂y: you gave -x²·cos(y)" in out
    assert "the sign is wrong" in out
    assert "hint" not in out  # --show-steps shows every derivation instead
    assert "∂f/∂x, with y held constant:" in out and "∂f/∂y, with x held constant:" in out


def test_json_reports_of_a_gradient_keep_the_exit_status():
    result = run("gradient", "x^2 sin(y)", "--answer", "2x sin(y), -x^2 cos(y)", "--json")
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    assert report["exercise"] == "gradient" and report["correct"] is False
    assert report["variables"] == ["x", "y"]
    x, y = report["components"]
    assert (x["variable"], x["correct"], x["given"]) == ("x", True, "2·x·sin(y)")
    assert (y["correct"], y["given"], y["expected"]) == (False, "-x²·cos(y)", None)
    assert report["revealed"] is False and x["expected"] == "2·x·sin(y)"
    assert "sign" in y["diagnosis"] and y["point"] is not None and y["hint"]
    assert y["difference"] == pytest.approx(y["given_value"] - y["expected_value"])
    revealed = json.loads(run("gradient", "x^2 sin(y)", "--answer", "2x sin(y), -x^2 cos(y)",
                              "--json", "--reveal").stdout)
    assert revealed["revealed"] is True
    assert revealed["components"][1]["expected"] == "x²·cos(y)"


def test_a_wrong_gradient_gives_hints_first_and_the_answer_on_request(capsys):
    args = ["check", "gradient", "x^2 sin(y)", "--answer", "2x sin(y), -x^2 cos(y)"]
    assert main(args) == 1
    out = capsys.readouterr().out
    assert "the sign is wrong" in out and "hint, the first step:" in out
    assert "the right one is" not in out and "x²·cos(y)" not in out.replace("-x²·cos(y)", "")
    assert "--reveal shows the right derivative" in out
    assert main([*args, "--reveal"]) == 1
    out = capsys.readouterr().out
    assert "the right one is x²·cos(y)" in out and "hint, the first step:" in out
    assert "--reveal shows" not in out


def test_json_reports_of_a_function_list_every_case(tmp_path):
    (tmp_path / "answer.py").write_text(textwrap.dedent("""
        import numpy as np

        def cost(expected, predicted):
            if np.ndim(predicted) == 2:
                raise ValueError("no batches")
            return float(np.sum(np.abs(np.asarray(expected) - np.asarray(predicted))))
    """))
    result = run("cost", "answer.py:cost", "--batch", "--json", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    assert (report["exercise"], report["target"], report["correct"]) == (
        "cost", "answer.py:cost", False)
    first, batch = report["cases"][0], report["cases"][-1]
    assert first["ok"] is False and first["received"] == pytest.approx(0.6)
    assert first["expected"] == pytest.approx(0.14) and "square" in first["problem"]
    assert first["inputs"]["expected"] == [0.0, 1.0, 0.0]
    assert batch["received"] is None and "ValueError: no batches" in batch["error"]
    assert report["not_run"] == []


@pytest.mark.parametrize(
    "args",
    [("gradient", "x^2 sin(y)", "--answer", "2x sin(y)"), ("cost", "missing.py:cost"),
     ("cost", "answer.py", "--timeout", "0")],
)
def test_json_reports_of_unusable_input_are_json_too_with_exit_2(args):
    result = run(*args, "--json")
    assert result.returncode == 2
    report = json.loads(result.stdout)
    assert report["exercise"] == args[0] and report["correct"] is None
    assert report["error"] and result.stderr.startswith("steepest: error: ")
    assert report["error"].splitlines()[0] in result.stderr


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("gradient", "x^^2", "--answer", "2x"), "x^^2"),
        (("gradient", "x^2 sin(y)", "--answer", "2x sin(y)"), "1 partial derivative given"),
        (("gradient", "x^2 sin(y)", "--answer", "2x sin(z), 0"), "uses z"),
        (("gradient", "x^2 sin(y)"), "--answer"),
        (("cost", "missing.py:cost"), "error: FILE:FUNCTION: no file 'missing.py'"),
        (("frobnicate",), "unknown exercise 'frobnicate'"),
        (("cost", "good.py:cost", "--timeout", "inf"), "--timeout must lie in (0, 3600]"),
        (("cost", "good.py:cost", "--timeout", "1e12"), "--timeout must lie in (0, 3600]"),
        (("descent", "good.py", "--timeout", "0"), "--timeout must lie in (0, 3600]"),
    ],
)
def test_unusable_input_is_exit_2_with_one_reason(args, words, capsys):
    assert main(["check", *args]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("steepest: error:") and words in err


def test_unusable_input_through_a_real_subprocess():
    result = run("gradient", "x^2 sin(y)", "--answer", "2x sin(y)")
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith("steepest: error: --answer: 1 partial derivative given")
    assert "Traceback" not in result.stderr


def test_code_checks_exit_0_1_and_2(tmp_path, monkeypatch, capsys):
    (tmp_path / "answer.py").write_text(
        "import numpy as np\n\n"
        "def cost(expected, predicted):\n    return np.sum((expected - predicted) ** 2)\n\n"
        "def wrong(expected, predicted):\n    return np.sum(expected - predicted)\n\n"
        "def step(x, grad, learning_rate):\n    return x - learning_rate * grad\n"
    )
    right = run("cost", "answer.py:cost", cwd=tmp_path)
    assert right.returncode == 0, right.stderr
    assert "All right." in right.stdout
    wrong = run("cost", "answer.py:wrong", cwd=tmp_path)
    assert wrong.returncode == 1
    assert "First wrong case: one example" in wrong.stdout
    monkeypatch.chdir(tmp_path)
    assert main(["check", "descent", "answer.py:descend"]) == 2
    assert "no function 'descend'" in capsys.readouterr().err
    assert main(["check", "descent", "answer.py"]) == 0


def test_an_answer_starting_with_a_minus_sign_gets_a_hint(capsys):
    assert main(["check", "gradient", "cos(x)", "--answer", "-sin(x)"]) == 2
    assert '--answer="-sin(x)"' in capsys.readouterr().err
    assert main(["check", "gradient", "cos(x)", "--answer=-sin(x)"]) == 0
    assert "✓ df/dx = -sin(x)" in capsys.readouterr().out


def test_the_help_says_it_runs_the_learners_code(capsys):
    with pytest.raises(SystemExit):
        main(["check", "cost", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert "runs your own code on your own machine" in out
    assert "fresh temporary folder" in out and "It is not a jail" in out
    assert "may still write files elsewhere" in out
