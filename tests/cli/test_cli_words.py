"""The command line's own words (issue 14): one name per meaning, errors in the words the
user typed, and hints only where they help."""

from __future__ import annotations

import pytest

from steepest.cli import main
from steepest.cli._options import cli_words


def error_of(capsys, *argv: str) -> str:
    assert main(list(argv)) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    return captured.err


@pytest.mark.parametrize(
    "argv",
    [["grad"], ["check", "descent"], ["descend", "--from", "1"], ["plot"]],
)
def test_a_missing_argument_gets_no_hint_about_dashes(capsys, argv):
    err = error_of(capsys, *argv)
    assert "arguments are required" in err and "'--'" not in err and "--help" in err


@pytest.mark.parametrize("command", ["grad", "plot"])
def test_an_equation_taken_for_an_option_gets_the_dash_hint(capsys, command):
    err = error_of(capsys, command, "-x^2")
    assert "'-x^2' was taken for an option" in err
    assert f'steepest {command} [options] -- "-x^2"' in err


@pytest.mark.parametrize(
    ("argv", "typed", "meant"),
    [
        (["descend", "x^2", "--start", "1"], "--start", "--from"),
        (["descend", "x^2", "--from", "1", "--max-iters", "3"], "--max-iters", "--max-iter"),
        (["descend", "x^2", "--from", "1", "--stps", "3"], "--stps", "--max-iter"),
        (["plot", "x^2", "--rnage", "-1:1"], "--rnage", "--range"),
        (["grad", "x", "--explian"], "--explian", "--explain"),
    ],
)
def test_an_unknown_option_is_named_with_the_closest_real_one(capsys, argv, typed, meant):
    err = error_of(capsys, *argv)
    assert f"unknown option {typed!r} for 'steepest {argv[0]}'" in err
    assert f"did you mean {meant}?" in err
    assert err.count("\n") == 2  # one line and its hint


def test_an_option_with_nothing_close_is_named_without_a_guess(capsys):
    err = error_of(capsys, "grad", "x", "--from", "1")
    assert "unknown option '--from' for 'steepest grad'" in err and "did you mean" not in err


def test_an_unquoted_equation_is_told_to_be_quoted(capsys):
    err = error_of(capsys, "grad", "x^2", "sin(y)")
    assert "unexpected argument 'sin(y)'" in err and 'in quotes' in err


def test_a_negative_value_after_an_option_is_not_an_unknown_option(capsys):
    assert main(["descend", "x^2", "--from", "-1", "--max-iter", "3"]) == 1
    assert "unknown option" not in capsys.readouterr().err


def test_library_names_become_flags_in_hints():
    assert cli_words("stopped after max_iter=7 steps with the gradient norm still 2 > "
                     "tol=1e-08; hint: raise max_iter, or try another learning_rate or "
                     "optimizer") == ("stopped after 7 steps with the gradient norm still 2 > "
                                      "tol=1e-08; hint: raise --max-iter, or try another "
                                      "--lr or --optimizer")
    assert cli_words("the value grew from 1 to 4e7 in 4 steps; try 0.5").endswith(
        "try --lr 0.5")
    assert cli_words("converged after 3 steps") == "converged after 3 steps"


def test_a_limit_of_one_step_is_said_in_the_singular(capsys):
    assert cli_words("stopped after max_iter=1 steps with |g| 2").startswith(
        "stopped after 1 step with")
    code = main(["descend", "x^2 + y^2", "--from", "1,1", "--lr", "0.01", "--max-iter", "1"])
    assert code == 1  # not converged
    assert "stopped after 1 step with" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "first", "hint"),
    [
        (["gard", "x^2"], "unknown command 'gard' for 'steepest'", "did you mean grad? "),
        (["desend"], "unknown command 'desend' for 'steepest'",
         "did you mean descend or ascend? "),
        (["frobnicate"], "unknown command 'frobnicate' for 'steepest'", "run 'steepest --help'"),
        (["check", "gradiant"], "unknown exercise 'gradiant' for 'steepest check'",
         "did you mean gradient? "),
    ],
)
def test_a_mistyped_command_is_named_with_the_closest_ones(capsys, argv, first, hint):
    err = error_of(capsys, *argv)
    assert err.startswith(f"steepest: error: {first}\nhint: ") and hint in err
    assert err.count("\n") == 2 and "choose from" not in err


def test_a_mistyped_choice_of_an_option_is_named_with_the_closest_one(capsys):
    err = error_of(capsys, "descend", "x^2", "--from", "1", "--optimizer", "adma")
    assert "invalid choice: 'adma'" in err and "hint: did you mean adam? " in err


@pytest.mark.parametrize(
    ("argv", "first"),
    [
        (["grad", "x^2 + y^2", "--at", "abc,1"], "--at: 'abc' is not a finite real number"),
        (["descend", "x^2 + y^2", "--from", "1,abc"],
         "--from: 'abc' is not a finite real number"),
        (["plot", "x^2", "--range", "a:3"], "--range: 'a' is not a finite real number"),
    ],
)
def test_a_coordinate_that_is_not_a_number_is_named_in_the_options_words(capsys, argv, first):
    err = error_of(capsys, *argv)
    assert err == f"steepest: error: {first}\nhint: write 2, -1.5 or pi/2\n"


def test_a_complex_coordinate_is_refused_in_the_parsers_words(capsys):
    err = error_of(capsys, "grad", "x^2", "--at", "sqrt(-1)")
    assert err == ("steepest: error: --at: sqrt(-1) is not a real number\n    sqrt(-1)\n"
                   "    ^^^^^^^^\nhint: steepest works with real numbers only\n")


@pytest.mark.parametrize("command", [["train"], ["evaluate", "m.npz"], ["landscape", "m.npz"],
                                     ["tour"], ["explore", "--no-browser"]])
def test_a_data_dir_that_is_not_there_is_refused_at_once_in_the_options_words(
        capsys, tmp_path, command):
    nowhere = tmp_path / "nowhere"
    first, hint = error_of(capsys, *command, "--data-dir", str(nowhere)).rstrip("\n").split("\n")
    assert first == f"steepest: error: --data-dir {nowhere}: no such folder"
    assert "data_dir" not in hint and "t10k-labels-idx1-ubyte.gz" in hint
    assert ("--sample" in hint) == (command[0] in ("train", "evaluate", "landscape"))


def test_a_data_dir_lacking_some_files_names_them(capsys, tmp_path):
    (tmp_path / "train-images-idx3-ubyte").write_bytes(b"")  # uncompressed counts too
    (tmp_path / "train-labels-idx1-ubyte.gz").write_bytes(b"")
    first = error_of(capsys, "train", "--data-dir", str(tmp_path)).splitlines()[0]
    assert first == (f"steepest: error: --data-dir {tmp_path}: 2 of the four MNIST files are "
                     "missing: t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz")
    a_file = tmp_path / "train-images-idx3-ubyte"
    first = error_of(capsys, "tour", "--data-dir", str(a_file)).splitlines()[0]
    assert first == f"steepest: error: --data-dir {a_file}: is a file, not a folder"


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["grad", "x^2", "--vars", "sin"], "--vars sin: 'sin' is a function\nhint: a variable "
         "name is a letter, then letters, digits or _ (x, x2, x_max, θ)\n"),
        (["descend", "x^2", "--from", "1", "--vars", "x,x"],
         "--vars x,x: 'x' is given twice\nhint: give each variable once\n"),
        (["plot", "x^2 + y^2", "--from", "1,1", "--max-iter", "-5"],
         "--max-iter must be 0 or more, got -5\n"),
    ],
)
def test_library_parameters_are_named_as_the_options_that_set_them(capsys, argv, expected):
    assert error_of(capsys, *argv) == f"steepest: error: {expected}"


def test_a_variable_missing_from_vars_is_said_in_the_options_words(capsys):
    err = error_of(capsys, "grad", "x^2 + y", "--vars", "x")
    assert err.startswith("steepest: error: unknown variable 'y'\n")
    assert err.endswith("hint: the variables are x (given by --vars x)\n")
    err = error_of(capsys, "grad", "f(x, y) = x^2 + y", "--vars", "y,x")
    assert "the declaration f(x, y) and --vars y,x disagree" in err and "variables=" not in err


def test_an_unwritable_out_is_named_as_the_option(capsys, tmp_path):
    err = error_of(capsys, "plot", "x^2", "--out", str(tmp_path / "none" / "f.png"))
    assert err.startswith(f"steepest: error: --out: cannot write '{tmp_path / 'none' / 'f.png'}'")


def test_a_mistyped_optimizer_among_several_is_named_in_the_options_words(capsys):
    err = error_of(capsys, "plot", "x^2 + y^2", "--from", "1,1", "--optimizer", "gd,adma")
    assert err == ("steepest: error: --optimizer 'gd,adma': unknown optimizer 'adma'\nhint: "
                   "did you mean adam? the optimizers are gd, momentum, nesterov, adagrad, "
                   "rmsprop, adam\n")


def test_the_hint_about_quoting_an_equation_only_where_one_is_taken(capsys, tmp_path):
    model = tmp_path / "m.npz"
    err = error_of(capsys, "export", str(model), "more.npz")
    assert "unexpected argument 'more.npz'" in err and "equation" not in err
    assert "in quotes" in error_of(capsys, "grad", "x^2", "sin(y)")


@pytest.mark.parametrize("argv", [["x' (choose from \"y"],
                                  ["descend", "x", "--from", "1", "--optimizer", "a' \"b"]])
def test_a_choice_that_holds_quotes_is_refused_in_one_message(argv, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("steepest: error: argument ") and "invalid choice" in err


def test_a_coordinate_the_parser_refuses_keeps_its_reason_and_a_long_one_is_not_echoed(capsys):
    assert main(["descend", "x^2", "--from", "2^2^2^2^2"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("steepest: error: --from: '^' would give a number with about 19,728 "
                          "digits\n")  # fmt: skip
    assert main(["descend", "x^2", "--from", "a" * 500]) == 2
    err = capsys.readouterr().err
    assert err.splitlines()[0] == (f"steepest: error: --from: {'a' * 37!r}… is not a finite "
                                   "real number")  # fmt: skip
