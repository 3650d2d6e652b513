"""`steepest tour`: the whole lesson offline, its report and every figure it names."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from PIL import Image

STEPS = (
    "1. The gradient of f(x, y) = x²·sin(y)",
    "2. Its graph and contour map",
    "3. Gradient descent and ascent",
    "4. The cost of one digit classifier output",
    "5. A digit classifier trained by gradient descent",
    "6. Your turn: the exercises",
)


def offline_env(tmp_path: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("STEEPEST_DATA", None)
    # an empty cache: the tour must fall back to the bundled sample without downloading
    env["XDG_CACHE_HOME"] = str(tmp_path / "empty-cache")
    env["MPLBACKEND"] = "Agg"
    return env


def test_quick_tour_writes_a_report_whose_figures_all_exist(tmp_path):
    out = tmp_path / "tour"
    result = subprocess.run(
        [sys.executable, "-m", "steepest", "tour", "--quick", "--out", str(out)],
        capture_output=True, text=True, timeout=300, env=offline_env(tmp_path),
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert [line[:2] for line in lines[:5]] == ["1.", "2.", "3.", "4.", "5."]
    assert "∇f(x, y) = (2·x·sin(y), x²·cos(y))" in lines[0]
    assert "bundled" in lines[4] and "test accuracy" in lines[4]
    assert f"report: {out / 'index.html'}" in result.stdout

    page = (out / "index.html").read_text(encoding="utf-8")
    for title in STEPS:
        assert f"<h2>{title}</h2>" in page
    images = re.findall(r'<img src="([^"]+)"', page)
    assert len(images) >= 8
    for name in images:
        path = out / name
        assert path.is_file(), f"the report names {name}, which was not written"
        with Image.open(path) as image:
            image.verify()
            assert image.format == ("GIF" if name.endswith(".gif") else "PNG")
    # the text of each step is in the report too
    assert "2·sin(2) ≈ 1.81859" in page
    assert "ascent" in page and "converged" in page
    assert "3.3585" in page  # the worked quadratic cost
    # what a learner sees (issue 14): a descent animation; a learning rate too large,
    # diverging, with steepest's message and its suggestion; the exercises with the
    # commands that check them; tiny numbers as ≈ 0 with the exact figure on hover
    assert "descent.gif" in images and "diverged.png" in images
    assert "diverged: the step size 0.4 is too large" in page and "try 0.1" in page
    assert "With the suggested 0.1: converged" in page
    assert page.count('class="exercise"') == 4
    assert "steepest check gradient-function answer.py:gradient" in page
    assert re.search(r'<span class="approx" title="\([-\d.e]+, [-\d.e]+\)">≈ \(0, 0\)</span>',
                     page)
    assert "tol=1e-08" in page
    # long lines wrap instead of scrolling; each paragraph sits beside its figure
    assert "white-space: pre-wrap" in page and "overflow-x: auto" not in page
    pair = re.search(r'<div class="pair wide"><div class="words"><p>Rosenbrock.*?</div>'
                     r'<figure><img src="([^"]+)"', page)
    assert pair is not None and pair.group(1) == "rosenbrock.png"
    # a figure of two panels takes the page's width, its words above it
    wide = re.findall(r'<div class="pair wide">.*?<img src="([^"]+)"', page)
    assert sorted(wide) == ["diverged.png", "rosenbrock.png"]
    # a command in a sentence is set as code, never shown with its markdown backticks
    assert "<code>steepest exercises N</code>" in page and "`" not in page


def test_tour_with_a_missing_data_folder_is_a_clear_error(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "steepest", "tour", "--quick", "--out", str(tmp_path / "t"),
         "--data-dir", str(tmp_path / "nowhere")],
        capture_output=True, text=True, timeout=300, env=offline_env(tmp_path),
    )
    assert result.returncode == 2
    assert result.stderr.startswith("steepest: error: ")
    assert "Traceback" not in result.stderr


def test_tour_refuses_a_file_as_folder_and_a_negative_seed(tmp_path, capsys):
    from steepest.cli import main

    a_file = tmp_path / "report"
    a_file.write_text("not a folder")
    assert main(["tour", "--quick", "--out", str(a_file)]) == 2
    assert "is a file, not a folder" in capsys.readouterr().err
    assert main(["tour", "--quick", "--seed", "-1", "--out", str(tmp_path / "t")]) == 2
    assert "--seed must be 0 or more" in capsys.readouterr().err


def test_tour_replaces_only_a_folder_of_an_earlier_tour(tmp_path, capsys):
    from steepest.cli import main

    out = tmp_path / "report"
    out.mkdir()
    (out / "index.html").write_text("an earlier tour")
    (out / "notes.txt").write_text("someone's notes")
    assert main(["tour", "--quick", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "will not replace the folder" in err and "(notes.txt)" in err
    assert sorted(p.name for p in out.iterdir()) == ["index.html", "notes.txt"]
    if Path("/proc").is_dir():  # Linux: nothing can be created there
        assert main(["tour", "--quick", "--out", "/proc/steepest-nope"]) == 2
        assert capsys.readouterr().err.startswith("steepest: error: --out: cannot write '/proc/")
