"""``steepest plot``: files written, exit codes, messages; a few runs through a real process."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from steepest.cli import main


def steepest(*args, cwd=None):
    """Run the real command in a child process."""
    return subprocess.run(
        [sys.executable, "-m", "steepest", *args],
        capture_output=True, text=True, cwd=cwd, env={**os.environ, "MPLBACKEND": "Agg"},
        check=False, timeout=120,
    )


def test_contour_map_to_png_through_the_command(tmp_path):
    out = tmp_path / "f.png"
    done = steepest("plot", "x^2 - y^2", "--range", "-3:3,-3:3", "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert out.read_bytes().startswith(b"\x89PNG")
    assert f"wrote {out}" in done.stdout
    assert "saddle at (0, 0), value 0" in done.stdout


def test_unknown_extension_exits_2_with_a_hint(tmp_path):
    done = steepest("plot", "x y", "--out", str(tmp_path / "f.jpg"))
    assert done.returncode == 2
    assert "expected one of .png, .svg, .pdf" in done.stderr
    assert "hint: name the file like f.png" in done.stderr
    assert not (tmp_path / "f.jpg").exists()


def test_descent_with_two_optimizers_and_an_animation(tmp_path):
    out, gif = tmp_path / "d.png", tmp_path / "d.gif"
    done = steepest("plot", "x^2 + 3y^2", "--from", "-1.5,1", "--optimizer", "gd,momentum",
                    "--lr", "0.1,0.05", "--max-iter", "20", "--out", str(out),
                    "--animate", str(gif))
    assert done.returncode == 0, done.stderr
    assert out.read_bytes().startswith(b"\x89PNG")
    assert gif.read_bytes().startswith(b"GIF89a")
    lines = done.stdout.splitlines()
    assert lines[0].startswith("gd (lr 0.1) from (-1.5, 1): ")
    assert lines[1].startswith("momentum (lr 0.05) from (-1.5, 1): ")


@pytest.mark.parametrize(("suffix", "magic"), [(".svg", b"<?xml"), (".pdf", b"%PDF")])
def test_vector_formats(tmp_path, capsys, suffix, magic):
    out = tmp_path / f"f{suffix}"
    assert main(["plot", "x^2 sin(y)", "--range", "-2:2", "--out", str(out), "--arrows", "5"]) == 0
    assert out.read_bytes().startswith(magic)
    assert "stationary everywhere on x = 0" in capsys.readouterr().out


def test_surface_and_both(tmp_path):
    for kind in ("surface", "both"):
        out = tmp_path / f"{kind}.png"
        assert main(["plot", "x^2 - y^2", "--kind", kind, "--out", str(out)]) == 0
        assert out.stat().st_size > 10_000


def test_one_variable_graph_and_its_descent(tmp_path, capsys):
    assert main(["plot", "x^3 - 3x", "--out", str(tmp_path / "g.png")]) == 0
    assert "minimum at x = 1, value -2" in capsys.readouterr().out
    assert main(["plot", "x^4 - x", "--descend", "--from", "1.5", "--lr", "0.05",
                 "--out", str(tmp_path / "d.png")]) == 0
    assert "gd (lr 0.05) from (1.5): converged" in capsys.readouterr().out


def test_more_variables_need_fix(tmp_path, capsys):
    assert main(["plot", "x y z", "--out", str(tmp_path / "s.png")]) == 2
    assert "hint: hold the others fixed: --fix z=0" in capsys.readouterr().err
    assert main(["plot", "x y z", "--fix", "z=2", "--out", str(tmp_path / "s.png")]) == 0
    assert (tmp_path / "s.png").exists()


def test_default_start_and_named_start(tmp_path, capsys):
    assert main(["plot", "x^2 + y^2", "--descend", "--out", str(tmp_path / "a.png")]) == 0
    assert "no --from given: starting at" in capsys.readouterr().out
    assert main(["plot", "x^2 + y^2", "--from", "y=-1,x=pi/4", "--max-iter", "5",
                 "--out", str(tmp_path / "b.png")]) == 0
    assert "from (0.785398, -1)" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "message"),
    [(["--range", "3:-3"], "low end must be below"),
     (["--range", "-3:3,-3:3,-3:3"], "3 ranges for 2 variables"),
     (["--range", "-3"], "LOW:HIGH"),
     (["--range", "a:b"], "not a finite real number"),
     (["--from", "1,2,3"], "has 3 coordinates"),
     (["--from", "1,1", "--optimizer", "gd,adam", "--lr", "0.1,0.2,0.3"], "3 values for 2"),
     (["--from", "1,1", "--kind", "surface"], "drawn on the contour map"),
     (["--from", "1,1", "--optimizer", "sgdd"], "sgdd"),
     (["--fix", "q=1"], "error: --fix 'q=1' names q, which f does not have; its variables "
                        "are x, y\nhint: --fix y=0"),
     (["--fix", "x=1,y=2"], "error: --fix 'x=1,y=2' holds every variable of f"),
     (["--range", "-3:3:3"], "error: --range '-3:3:3': each range is LOW:HIGH, one colon "
                             "between two numbers\nhint: --range -3:3"),
     (["--range", "-3:3,1:2:3"], "one colon between two numbers; got '1:2:3'"),
     (["--dpi", "1200"], "error: --dpi 1200 makes this 6.4 × 5.2 inch picture 7,680 × 6,240 "
                         "= 47.9 million pixels; at most 25 million\nhint: --dpi 866 or less"),
     (["--from", "1,1", "--dpi", "1000"], "error: --dpi 1000 makes this 12 × 5.6 inch"),
     (["--animate", "a.avi"], ".gif"),
     (["--dpi", "0"], "--dpi must be a positive number of pixels per inch; got 0"),
     (["--animate", "an.avi"], "hint: name the file like an.gif (or .mp4)"),
     (["--from", "1,1", "--optimizer", ","], "--optimizer ',' names no optimizer"),
     (["--from", "1,1", "--animate", "a.gif", "--fps", "0"], "--fps must be at least 1"),
     (["--fix", "y=1,y=2"], "--fix 'y=1,y=2' gives y twice"),
     (["--from", "x=1,x=2"], "--from 'x=1,x=2' gives x twice")],
)
def test_bad_arguments_exit_2_with_a_reason(tmp_path, capsys, args, message):
    assert main(["plot", "x^2 + y^2", "--out", str(tmp_path / "f.png"), *args]) == 2
    err = capsys.readouterr().err
    assert err.startswith("steepest: error: ") and message in err
    assert not (tmp_path / "f.png").exists()


def test_animating_a_one_variable_function_is_refused_before_drawing(tmp_path, capsys):
    out = tmp_path / "f.png"
    code = main(["plot", "x^2", "--from", "1", "--animate", str(tmp_path / "a.gif"),
                 "--out", str(out)])
    assert code == 2 and not out.exists()
    assert "--animate draws on the contour map: it needs two variables" in capsys.readouterr().err


@pytest.mark.parametrize(("equation", "box"), [("sqrt(x)", "-3:-1"), ("log(x) + y", "-3:-1")])
def test_a_box_outside_the_domain_is_refused_with_a_hint(tmp_path, capsys, equation, box):
    out = tmp_path / "q.png"
    assert main(["plot", equation, "--range", box, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"steepest: error: f is not finite anywhere in the box {box}")
    assert "hint:" in err and "domain" in err and not out.exists()


def test_a_negative_learning_rate_is_named_in_the_users_words(tmp_path, capsys):
    out = tmp_path / "p.png"
    code = main(["plot", "x^2 + y^2", "--descend", "--from", "1,1", "--lr", "-0.1",
                 "--out", str(out)])
    assert code == 2 and not out.exists()
    assert "--lr must be a positive number, got -0.1" in capsys.readouterr().err


def test_the_old_spelling_steps_still_sets_max_iter_on_plot(tmp_path, capsys):
    out = tmp_path / "s.png"
    assert main(["plot", "x^2 y", "--from", "1,1", "--lr", "0.01", "--steps", "3",
                 "--out", str(out)]) == 0
    assert "max iterations after 3 steps" in capsys.readouterr().out and out.exists()
    with pytest.raises(SystemExit):
        main(["plot", "--help"])
    assert "--steps" not in capsys.readouterr().out  # hidden, as on descend


@pytest.mark.parametrize(
    ("equation", "args", "message"),
    [("x^2", ["--range", "-1:1,-2:2"], "has 2 ranges for 1 variable (x)"),
     ("x^2", ["--from", "1,1"], "has 2 coordinates but the equation has 1 variable (x)"),
     ("x^2 + y^2", ["--from", "1"], "has 1 coordinate but the equation has 2 variables"),
     ("x^2 + y^2", ["--from", "1,1", "--lr", "0.1,0.2"], "--lr has 2 values for 1 optimizer\n")],
)
def test_counts_agree_with_their_nouns(tmp_path, capsys, equation, args, message):
    assert main(["plot", equation, "--out", str(tmp_path / "f.png"), *args]) == 2
    assert message in capsys.readouterr().err


def test_one_step_is_one_step_in_the_printed_line(tmp_path, capsys):
    assert main(["plot", "x^2 + y^2", "--from", "1,1", "--max-iter", "1",
                 "--out", str(tmp_path / "f.png")]) == 0
    assert "max iterations after 1 step at (" in capsys.readouterr().out


@pytest.mark.parametrize("box", ["-1e308:1e308", "0:1e101", "-1e300:-1e299,-1:1"])
def test_a_range_past_a_sane_magnitude_is_refused_naming_range(tmp_path, box):
    out = tmp_path / "big.png"
    done = steepest("plot", "x^2 y", "--range", box, "--out", str(out))
    assert done.returncode == 2 and not out.exists()
    lines = done.stderr.splitlines()
    assert lines[0].startswith("steepest: error: --range '") and "within ±1e+100" in lines[0]
    assert lines[1:] == ["hint: --range -3:3"]  # no RuntimeWarning, no blame on f's domain


@pytest.mark.parametrize(("equation", "box"), [("x^20 + y^20", "0:1e15"),
                                                ("x^2 y", "1e99:1e100")])
def test_values_too_large_to_contour_are_one_line_not_a_traceback(tmp_path, capsys,
                                                                   equation, box):
    # matplotlib's contouring overflowed on values near 1e300 ("upper_level must be larger
    # than lower_level"), inside a range that --range itself accepts
    out = tmp_path / "f.png"
    assert main(["plot", equation, "--range", box, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "contours are drawn only where |f| stays within 1e+150" in err
    assert "Traceback" not in err and not out.exists()


def test_every_optimizer_is_checked_before_the_first_descent(tmp_path, capsys):
    out = tmp_path / "f.png"
    assert main(["plot", "x^2 y", "--descend", "--optimizer", "gd,foo", "--from", "1,1",
                 "--out", str(out)]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "unknown optimizer 'foo'" in captured.err  # gd never ran
    assert main(["plot", "x^2 y", "--from", "1,1", "--optimizer", "gd,adam", "--lr", "0.1,-1",
                 "--out", str(out)]) == 2
    assert capsys.readouterr().out == "" and not out.exists()


@pytest.mark.parametrize("which", ["animate", "out"])
def test_every_output_is_checked_writable_before_any_is_drawn(tmp_path, capsys, which):
    paths = {"out": tmp_path / "ok.png", "animate": tmp_path / "ok.gif"}
    paths[which] = tmp_path / "missing" / paths[which].name
    code = main(["plot", "x^2 y", "--descend", "--from", "1,1", "--max-iter", "5",
                 "--out", str(paths["out"]), "--animate", str(paths["animate"])])
    captured = capsys.readouterr()
    assert code == 2 and captured.out == ""
    assert f"cannot write '{paths[which]}'" in captured.err
    assert sorted(p.name for p in tmp_path.iterdir()) == []  # nothing drawn, nothing left
