"""`steepest grad` through a real subprocess and in-process: output, JSON, exit codes."""

from __future__ import annotations

import json
import math
import subprocess
import sys

import pytest

from steepest.cli import main


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "steepest", *args], capture_output=True, text=True, timeout=60
    )


def test_prints_the_seed_gradient():
    result = run("grad", "x^2 sin(y)")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "∇f(x, y) = (2·x·sin(y), x²·cos(y))"
    assert "  ∂f/∂x = 2·x·sin(y)" in lines
    assert "  ∂f/∂y = x²·cos(y)" in lines


def test_at_a_point_prints_value_norm_and_direction():
    result = run("grad", "x^2 sin(y)", "--at", "1,2")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    gx, gy = 2 * math.sin(2), math.cos(2)
    norm = math.hypot(gx, gy)
    assert f"∂f/∂x = 2·sin(2) ≈ {gx:.6g}" in out
    assert f"∂f/∂y = cos(2) ≈ {gy:.6g}" in out
    assert f"|∇f| ≈ {norm:.6g}" in out
    assert f"steepest ascent along ({gx / norm:.6g}, {gy / norm:.6g})" in out


def test_json_is_complete_and_machine_readable(capsys):
    assert main(["grad", "x^2 sin(y)", "--at", "x=1,y=pi/2", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["variables"] == ["x", "y"]
    assert data["gradient"] == ["2*x*sin(y)", "x**2*cos(y)"]
    assert data["at"] == {"x": 1.0, "y": pytest.approx(math.pi / 2)}
    assert data["gradient_at"] == pytest.approx([2.0, 0.0], abs=1e-12)
    assert data["ascent_direction"] == pytest.approx([1.0, 0.0], abs=1e-12)


def test_latex_and_variable_order(capsys):
    assert main(["grad", "x^2 sin(y)", "--vars", "y,x", "--latex"]) == 0
    out = capsys.readouterr().out.strip()
    assert out.startswith("\\left( x^{2} \\cos{\\left(y \\right)}")


def test_stationary_point_says_so(capsys):
    assert main(["grad", "x^2 + y^2", "--at", "0,0"]) == 0
    assert "stationary point" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["grad", "x^2 +"], "^"),
        (["grad", "__import__('os').system('id')"], "hint"),
        (["grad", "x^2", "--at", "1,2"], "1 variable (x)"),
        (["grad", "x^2 sin(y)", "--at", "1,,2"], "empty coordinate"),
        (["grad", "x^2 sin(y)", "--at", "x=1,z=2"], "does not match"),
        (["grad", "ln(x)", "--at", "-1"], "not a real number"),
        (["grad", "x", "--bogus"], "hint"),
    ],
)
def test_bad_input_exits_2_with_a_reason_and_no_traceback(args, fragment):
    result = run(*args)
    assert result.returncode == 2
    assert result.stderr.startswith("steepest: error: ")
    assert fragment in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def test_grad_never_imports_matplotlib():
    code = (
        "import sys; from steepest.cli import main; "
        "main(['grad', 'x^2 sin(y)', '--at', '1,2']); "
        "sys.exit(3 if 'matplotlib' in sys.modules else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, "steepest grad imported matplotlib"


def test_python_dash_m_and_version():
    result = run("--version")
    assert result.returncode == 0
    assert result.stdout.startswith("steepest ")


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["grad", "-x^2"], "steepest grad [options] -- \"-x^2\""),
        (["grad", "x^2+y", "--at", "-1,2"], "--at=-1,2"),
        (["grad", "x^2", "--at", "x=1,x=2"], "more than once"),
        (["grad", "e^x", "--at", "1000"], "too large for floating point"),
        (["grad", "|x|", "--at", "0"], "kink there: its slope along x is -1 from the left"),
        (["grad", "sqrt(x^2 + y^2)", "--at", "0,0"],
         "kink there: its slope along x is -1 from the left"),
    ],
)
def test_more_bad_input_gets_one_line_and_a_hint(args, fragment, capsys):
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.startswith("steepest: error: ") and fragment in err


def test_json_stays_strict_json_for_large_gradients(capsys):
    assert main(["grad", "e^x", "--at", "400", "--json"]) == 0
    data = json.loads(capsys.readouterr().out, parse_constant=lambda c: pytest.fail(c))
    assert data["norm"] == pytest.approx(math.exp(400))
    assert data["ascent_direction"] == [1.0]


@pytest.mark.parametrize(
    ("text", "read_as"),
    [("e^xy", "eˣ·y"), ("import os", "i·m·p·o·r·t·o·s"), ("2xsin(y)", "2·x·sin(y)"),
     ("x^2y", "x²·y")],
)
def test_grad_says_how_it_read_a_split_or_implied_product(text, read_as, capsys):
    assert main(["grad", text]) == 0
    assert capsys.readouterr().out.splitlines()[0] == f"read as: {read_as}"


@pytest.mark.parametrize("text", ["x^2 sin(y)", "2x + y", "x^2*sin(y)", "(x+1)(y-1)"])
def test_grad_is_quiet_about_an_obvious_reading(text, capsys):
    assert main(["grad", text]) == 0
    assert "read as" not in capsys.readouterr().out


def test_explain_shows_the_derivation_and_the_old_spelling_still_works(capsys):
    assert main(["grad", "x^2 sin(y)", "--explain"]) == 0
    explained = capsys.readouterr().out
    assert "power rule" in explained
    assert main(["grad", "x^2 sin(y)", "--steps"]) == 0
    assert capsys.readouterr().out == explained
