"""`steepest train`, `evaluate` and `predict` end to end on the bundled sample (and the full
MNIST when ../shared/data/mnist is there): outputs against direct computations, exit codes."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw
from tests.cli.in_process import call

from steepest.cli import main
from steepest.data import load_mnist_sample
from steepest.descent.optimizers import make_optimizer
from steepest.nn import Network
from steepest.nn.blas import available_cores
from steepest.nn.evaluation import evaluate

MNIST = Path(__file__).resolve().parents[3] / "shared" / "data" / "mnist"
SMALL = ["--sample", "--hidden", "32", "--epochs", "2", "--lr", "0.003", "--batch", "32", "--seed",
         "0"]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "steepest", *args], capture_output=True,
                          text=True, timeout=120)



@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """A 784-32-10 network trained two epochs on the sample by `steepest train`."""
    folder = tmp_path_factory.mktemp("train")
    model, curves = folder / "model.npz", folder / "curves.png"
    code, out, err = call("train", *SMALL, "--out", str(model), "--plot", str(curves))
    assert code == 0, err
    return model, curves, out, err


@pytest.fixture(scope="module")
def sample():
    return load_mnist_sample()


def draw(shape: str, dark_on_light: bool) -> Image.Image:
    paper, ink = (255, 0) if dark_on_light else (0, 255)
    image = Image.new("L", (200, 260), paper)
    pen = ImageDraw.Draw(image)
    if shape == "1":
        pen.line([(100, 30), (100, 230)], fill=ink, width=26)
    else:
        pen.line([(45, 50), (155, 50), (85, 230)], fill=ink, width=24)
    return image


def parse_prediction(block: str) -> tuple[str, int, np.ndarray, int]:
    """(path, digit, the ten outputs, the marked digit) from one image's output."""
    lines = block.strip().splitlines()
    path, digit = lines[0].rsplit(": ", 1)
    rows = [re.match(r"^([▸ ]) (\d)  (\d\.\d{3})", line) for line in lines[1:]]
    assert all(rows) and [int(r.group(2)) for r in rows] == list(range(10)), block
    values = np.array([float(r.group(3)) for r in rows])
    marked = [int(r.group(2)) for r in rows if r.group(1) == "▸"]
    assert len(marked) == 1
    return path, int(digit), values, marked[0]


# -------------------------------------------------------------------- train
def test_train_reports_each_epoch_and_a_summary(trained, sample):
    model, curves, out, err = trained
    assert "data: 5,000 training and 1,000 test images from the sample bundled" in out
    assert "network: 784-32-10, relu hidden, softmax output, cross-entropy cost" in out
    assert "mini-batch 32, 2 epochs, seed 0" in out
    # one line an epoch (on stderr, beside the progress bar); then the summary
    assert re.search(r"^epoch 1: cost \d\.\d{4}, test cost .*accuracy .*%", err, re.M)
    assert re.search(r"^epoch 2: cost", err, re.M)
    assert re.search(r"^best epoch [12]: test accuracy \d+\.\d\d%$", out, re.M)
    assert f"model written to {model}, curves to {curves}" in out
    # the count that auto measured (timings differ from machine to machine), and how
    assert re.search(r"^time: .* s of CPU; BLAS on (\d+) threads?( in each of (\d+) processes)?, "
                     r"(measured|short run): --seed \d+ --blas-threads \1( --processes \3)? "
                     r"repeats the run\)$", out, re.M)
    net = Network.load(model)
    assert net.sizes == (784, 32, 10) and (net.activation, net.output) == ("relu", "softmax")
    # the last epoch's accuracy is the saved network's accuracy on the test images
    accuracy = evaluate(net, *sample.test).accuracy
    assert f"last epoch 2: test accuracy {accuracy:.2%}" in out
    assert accuracy > 0.8
    with Image.open(curves) as image:
        assert image.format == "PNG"


def test_nielsen_setup_and_overrides(tmp_path):
    model = tmp_path / "nielsen.npz"
    code, out, _ = call("train", "--nielsen", "--sample", "--epochs", "1", "--limit", "1000",
                        "--quiet", "--seed", "0", "--out", str(model))
    assert code == 0
    net = Network.load(model)
    assert net.sizes == (784, 30, 10) and (net.activation, net.output) == ("sigmoid", "sigmoid")
    assert "quadratic cost" in out and "GradientDescent(learning_rate=3.0)" in out
    assert "mini-batch 10, 1 epoch, seed 0" in out and "data: 1,000 training" in out
    # the book's command spelled out, as the issue writes it, is the same setup
    code, out, _ = call("train", "--hidden", "30", "--epochs", "1", "--batch", "10", "--lr",
                        "3.0", "--cost", "quadratic", "--sample", "--limit", "500", "--quiet",
                        "--out", str(model))
    assert code == 0 and "784-30-10, sigmoid hidden, sigmoid output, quadratic cost" in out
    assert "GradientDescent(learning_rate=3.0), mini-batch 10" in out
    # an optimizer without --lr takes that optimizer's own default rate
    code, out, _ = call("train", "--sample", "--hidden", "8", "--optimizer", "momentum",
                        "--epochs", "1", "--limit", "500", "--quiet", "--out", str(model))
    assert code == 0 and repr(make_optimizer("momentum")) in out


def test_the_presets_and_the_schedule_flags(tmp_path):
    from steepest.cli import train as command
    from steepest.nn.presets import PRESETS, SCHEDULE_SHAPES

    assert tuple(PRESETS) == command.PRESET_NAMES and command.SCHEDULE_SHAPES == SCHEDULE_SHAPES
    model = tmp_path / "quick.npz"
    code, out, _ = call("train", "--quick", "--sample", "--epochs", "1", "--limit", "1000",
                        "--quiet", "--seed", "0", "--out", str(model))
    assert code == 0 and Network.load(model).sizes == (784, 128, 10)
    assert ("Adam(learning_rate=0.004, beta1=0.9, beta2=0.999, eps=1e-08), falling along a "
            "cosine to 0 by the end, label smoothing 0.1, mini-batch 128, 1 epoch") in out
    code, out, _ = call("train", "--preset", "quick", "--sample", "--epochs", "1", "--limit",
                        "600", "--quiet", "--schedule", "exponential", "--lr-decay", "0.1",
                        "--label-smoothing", "0", "--out", str(model))
    assert code == 0 and "falling to 0.1× the first rate by the end, mini-batch 128" in out
    code, out, _ = call("train", "--nielsen", "--sample", "--epochs", "1", "--limit", "600",
                        "--quiet", "--schedule", "cosine", "--out", str(model))
    assert code == 0 and "GradientDescent(learning_rate=3.0), falling along a cosine to 1×" in out


def test_blas_threads_are_chosen_or_given_and_said(tmp_path):
    model = str(tmp_path / "m.npz")
    common = ["train", "--quick", "--sample", "--epochs", "1", "--limit", "600", "--quiet",
              "--seed", "0", "--out", model]
    code, out, _ = call(*common, "--blas-threads", "1")
    assert code == 0 and "BLAS on 1 thread)" in out
    code, out, _ = call(*common)  # auto: 5 steps are too few to time
    assert code == 0
    assert "BLAS on 1 thread, short run: --seed 0 --blas-threads 1 repeats the run)" in out


@pytest.mark.skipif(available_cores() < 2, reason="one core: one process")
def test_processes_are_given_and_said(tmp_path):
    model = str(tmp_path / "m.npz")
    common = ["train", "--quick", "--sample", "--epochs", "1", "--limit", "1200", "--quiet",
              "--seed", "0", "--out", model, "--batch", "64"]
    code, out, _ = call(*common, "--processes", "2")
    assert code == 0 and "BLAS on 1 thread in each of 2 processes)" in out
    one = Network.load(model).params
    code, out, _ = call(*common, "--processes", "2", "--blas-threads", "1")
    assert code == 0
    np.testing.assert_array_equal(Network.load(model).params, one)


def test_the_same_seed_gives_the_same_network(tmp_path):
    args = ["train", "--sample", "--hidden", "10", "--epochs", "1", "--limit", "600",
            "--seed", "7", "--quiet"]
    for name in ("a.npz", "b.npz"):
        assert call(*args, "--out", str(tmp_path / name))[0] == 0
    a, b = Network.load(tmp_path / "a.npz"), Network.load(tmp_path / "b.npz")
    np.testing.assert_array_equal(a.params, b.params)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--hidden", "16,x"], "--hidden must be sizes like 30 or 16,16"),
        (["--batch", "0"], "--batch must be at least 1"),
        (["--lr-decay", "2"], "--lr-decay must lie in [0, 1] for a cosine schedule"),
        (["--lr-decay", "0", "--schedule", "exponential"], "--lr-decay must lie in (0, 1]"),
        (["--label-smoothing", "1"], "--label-smoothing must lie in [0, 1)"),
        (["--plot", "curves.txt"], "cannot tell the format of 'curves.txt'"),
        (["--out", "no/such/folder/m.npz"], "the folder no/such/folder does not exist"),
        (["--out", "."], "--out .: is a folder; give a file name, e.g. --out model.npz"),
        (["--seed", "-1"], "--seed must be a non-negative integer; got -1"),
        (["--blas-threads", "0"], "--blas-threads must be auto or a whole number from 1 to "),
        (["--blas-threads", "two"], "(the cores here); got 'two'"),
        (["--blas-threads", "1000000"], "got '1000000'"),
        (["--blas-threads", "1.5"], "got '1.5'"),
        (["--processes", "0"], "--processes must be auto or a whole number from 1 to "),
        (["--processes", "lots"], "(the cores here); got 'lots'"),
        pytest.param(["--processes", "2", "--batch", "1"], "--processes 2 is more than "
                     "--batch 1: each process needs at least one example",
                     marks=pytest.mark.skipif(available_cores() < 2, reason="one core")),
        pytest.param(["--processes", "2", "--blas-threads", "2"], "--processes 2 runs every "
                     "part of a mini-batch on one BLAS thread: --blas-threads must be 1 or "
                     "auto with it, not 2",
                     marks=pytest.mark.skipif(available_cores() < 2, reason="one core")),
        (["--hidden", "100000000000"], "7.95e+13 parameters"),
        (["--batch", "100000"], "--batch 100000 is larger than the 5,000 training images\n"),
        (["--limit", "50"], "is larger than the 50 training images\nhint: --batch 50, or a "
                            "larger --limit"),
    ],
)
def test_train_refuses_bad_arguments_before_training(tmp_path, monkeypatch, extra, message):
    monkeypatch.chdir(tmp_path)
    code, out, err = call("train", "--sample", "--epochs", "1", *extra)
    assert code == 2 and out == ""
    assert err.startswith("steepest: error: ") and message in err
    assert not (tmp_path / "model.npz").exists()


def test_missing_mnist_files_exit_2_with_a_hint_about_the_sample(tmp_path):
    result = run("train", "--data-dir", str(tmp_path), "--out", str(tmp_path / "m.npz"))
    assert result.returncode == 2 and result.stdout == ""
    first, hint = result.stderr.rstrip("\n").split("\n")
    assert first == f"steepest: error: --data-dir {tmp_path}: none of the four MNIST files is there"
    assert "train-images-idx3-ubyte.gz" in hint and "or add --sample" in hint
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(("make", "words"), [
    (lambda tmp: tmp / "nowhere", "no such folder"),
    (lambda tmp: (tmp / "file").write_text("x") and tmp / "file", "is a file, not a folder"),
    (lambda tmp: tmp, "none of the four MNIST files is there"),
])
def test_a_bad_steepest_data_is_refused_in_its_own_words(trained, tmp_path, monkeypatch, make,
                                                        words):
    folder = make(tmp_path)
    monkeypatch.setenv("STEEPEST_DATA", str(folder))
    for command in (["train", "--out", str(tmp_path / "m.npz")],
                    ["evaluate", str(trained[0])]):
        code, out, err = call(*command)
        assert code == 2 and out == ""
        first, hint = err.rstrip("\n").split("\n")
        assert first == (f"steepest: error: STEEPEST_DATA={folder} (the environment "
                         f"variable): {words}")
        assert hint.startswith("hint: point STEEPEST_DATA at the folder that holds the four "
                               "MNIST files") and "or unset it, or add --sample" in hint
    assert not (tmp_path / "m.npz").exists()


# ----------------------------------------------------------------- evaluate
def test_evaluate_prints_what_a_direct_computation_gives(trained, sample, capsys):
    model = trained[0]
    assert main(["evaluate", str(model), "--sample"]) == 0
    out = capsys.readouterr().out
    net = Network.load(model)
    images, labels = sample.test
    predicted = net.forward(images).argmax(axis=1)
    right = int((predicted == labels).sum())
    assert f"accuracy {right / len(labels):.2%} ({right:,} of 1,000 right)" in out
    assert evaluate(net, images, labels).report() in out
    per_digit = [np.mean(predicted[labels == d] == d) for d in range(10)]
    row = next(line for line in out.splitlines() if line.startswith("right"))
    assert row.split()[1:] == [f"{p:.1%}" for p in per_digit]


def test_evaluate_plots_and_other_split(trained, tmp_path, capsys):
    folder = tmp_path / "figures"
    assert main(["evaluate", str(trained[0]), "--sample", "--split", "train",
                 "--plot", str(folder)]) == 0
    out = capsys.readouterr().out
    assert "data: 5,000 train images" in out
    names = ["confusion.png", "digits.png", "mistakes.png", "weights.png"]
    assert f"pictures written to {folder}: {', '.join(names)}" in out
    for name in names:
        with Image.open(folder / name) as image:
            assert image.format == "PNG"


def test_evaluate_refuses_a_plot_folder_that_is_a_file(trained, tmp_path):
    afile = tmp_path / "afile"
    afile.write_text("")
    code, out, err = call("evaluate", str(trained[0]), "--sample", "--plot", str(afile))
    assert code == 2 and out == ""
    assert err.startswith("steepest: error: --plot ") and "is a file, not a folder" in err


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux's /proc")
def test_evaluate_refuses_an_unmakable_plot_folder_before_scoring(trained, tmp_path):
    code, out, err = call("evaluate", str(trained[0]), "--sample", "--plot", "/proc/steepest-x")
    assert code == 2 and out == ""  # no report printed before the refusal
    assert err.startswith("steepest: error: --plot /proc/steepest-x: the folder cannot be made")
    afile = tmp_path / "afile"
    afile.write_text("")
    code, out, err = call("evaluate", str(trained[0]), "--sample", "--plot", str(afile / "sub"))
    assert code == 2 and out == "" and "is a file, so the folder cannot be made" in err


def test_evaluate_refuses_a_file_that_is_not_a_model(tmp_path, capsys):
    bogus = tmp_path / "bogus.npz"
    np.savez(bogus, x=np.zeros(3))
    assert main(["evaluate", str(bogus), "--sample"]) == 2
    assert "is not a steepest network file" in capsys.readouterr().err


# ------------------------------------------------------------------ predict
def test_predict_drawn_digits_both_ways_round(trained, tmp_path):
    paths = []
    for shape in ("1", "7"):
        for dark in (True, False):
            path = tmp_path / f"{shape}-{'dark' if dark else 'light'}.png"
            draw(shape, dark).save(path)
            paths.append(str(path))
    result = run("predict", str(trained[0]), *paths)
    assert result.returncode == 0, result.stderr
    blocks = result.stdout.strip().split("\n\n")
    assert len(blocks) == 4
    parsed = [parse_prediction(block) for block in blocks]
    for (path, digit, values, marked), expected_path in zip(parsed, paths, strict=True):
        assert path == expected_path
        assert 0 <= digit <= 9 and marked == digit == int(values.argmax())
        assert np.all((values >= 0) & (values <= 1))
        assert values.sum() == pytest.approx(1.0, abs=0.006)  # softmax, printed to 3 places
    # dark on light and light on dark are the same picture to the network
    assert parsed[0][1:2] == parsed[1][1:2] and parsed[2][1:2] == parsed[3][1:2]
    np.testing.assert_array_equal(parsed[0][2], parsed[1][2])


def test_predict_reads_real_digits_saved_as_pictures(trained, sample, tmp_path, capsys):
    net = Network.load(trained[0])
    images, labels = sample.test
    chosen = np.flatnonzero(net.predict(images) == labels)[:10]
    paths = []
    for i in chosen:  # as someone might save them: enlarged, dark ink on white
        picture = Image.fromarray(np.uint8(255 - 255 * images[i].reshape(28, 28)))
        path = tmp_path / f"test-{i}.png"
        picture.resize((84, 84), Image.Resampling.BICUBIC).save(path)
        paths.append(str(path))
    assert main(["predict", str(trained[0]), *paths, "--show"]) == 0
    blocks = capsys.readouterr().out.strip().split("\n\n")
    digits = [parse_prediction(re.sub(r"(?m)^[┌│└].*\n", "", b))[1] for b in blocks]
    assert sum(d == labels[i] for d, i in zip(digits, chosen, strict=True)) >= 8


def test_predict_shows_the_input_it_prepared(trained, tmp_path, capsys):
    path = tmp_path / "one.png"
    draw("1", True).save(path)
    assert main(["predict", str(trained[0]), str(path), "--show"]) == 0
    drawing = [line for line in capsys.readouterr().out.splitlines() if line.startswith("│")]
    assert len(drawing) == 28 and all(len(line) == 58 for line in drawing)
    assert drawing[0].strip("│ ") == "" and drawing[14].strip("│ ") != ""


def test_predict_unusable_files_exit_2_with_one_line(trained, tmp_path):
    missing = run("predict", str(trained[0]), str(tmp_path / "nothing.png"))
    assert missing.returncode == 2 and missing.stdout == ""
    assert missing.stderr.strip().splitlines() == [
        f"steepest: error: no image file at '{tmp_path / 'nothing.png'}'"
    ]
    notes = tmp_path / "notes.txt"
    notes.write_text("seven")
    code, out, err = call("predict", str(trained[0]), str(notes))
    assert code == 2 and out == "" and len(err.strip().splitlines()) == 1
    assert "cannot read" in err and "as an image" in err


# ------------------------------------------------------------ the full MNIST
@pytest.mark.mnist
@pytest.mark.skipif(not (MNIST / "t10k-labels-idx1-ubyte.gz").is_file(),
                    reason=f"the full MNIST files are not in {MNIST}")
def test_one_epoch_of_nielsens_setup_on_the_full_mnist(tmp_path):
    code, out, err = call("train", "--nielsen", "--epochs", "1", "--data-dir", str(MNIST),
                          "--seed", "0", "--quiet", "--out", str(tmp_path / "n.npz"))
    assert code == 0, err
    assert "data: 60,000 training and 10,000 test images" in out
    accuracy = float(re.search(r"last epoch 1: test accuracy (\d+\.\d+)%", out).group(1))
    assert accuracy > 90.0


def test_a_diverging_run_with_test_data_is_reported_and_saves_nothing(tmp_path):
    model = tmp_path / "m.npz"
    code, _out, err = call("train", "--sample", "--epochs", "1", "--hidden", "10",
                          "--optimizer", "gd", "--lr", "1e308", "--quiet", "--out", str(model))
    assert code == 1 and "training diverged at epoch 1" in err
    assert "hint: try a smaller --lr" in err and not model.exists()


def test_a_model_trained_on_the_sample_is_evaluated_on_it_without_a_download(
        trained, monkeypatch):
    from steepest.nn._file import trained_on

    model = trained[0]
    assert trained_on(model) == "sample"
    monkeypatch.delenv("STEEPEST_DATA", raising=False)
    monkeypatch.setattr("pooch.retrieve", lambda *a, **k: pytest.fail("tried to download"))
    code, out, err = call("evaluate", str(model))
    assert code == 0, err
    assert "1,000 test images from the sample bundled with steepest" in out
    assert "trained on that sample" in out


def test_offline_a_download_fails_at_once_in_one_line_with_the_remedy(tmp_path, monkeypatch):
    import requests

    from steepest.nn import Network

    model = Network([784, 10], seed=0).save(tmp_path / "untagged.npz")
    monkeypatch.delenv("STEEPEST_DATA", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    calls = []

    def offline(url, **_):
        calls.append(url)
        raise requests.ConnectionError("no network")

    monkeypatch.setattr("pooch.retrieve", offline)
    code, out, err = call("evaluate", str(model))
    assert code == 2 and out == ""
    first, hint = err.rstrip("\n").split("\n")
    assert "could be reached (offline?)" in first
    assert "--sample" in hint and "--data-dir" in hint
    assert len(calls) == 3  # one try per server for the first file, then it stops
