"""`steepest landscape` (and `train --record-path`) end to end on the bundled sample."""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from tests.cli.in_process import call

from steepest.data import load_mnist_sample
from steepest.nn import Network
from steepest.nn.landscape import landscape
from steepest.nn.path import TrainingPath
from steepest.nn.presets import PRESETS

SMALL = ["--sample", "--hidden", "16", "--epochs", "2", "--lr", "0.003", "--seed", "0",
         "--quiet"]



@pytest.fixture(scope="module")
def models(tmp_path_factory):
    """The same small network trained twice, once with its path recorded."""
    folder = tmp_path_factory.mktemp("models")
    plain, recorded = folder / "plain.npz", folder / "recorded.npz"
    assert call("train", *SMALL, "--out", str(plain))[0] == 0
    assert call("train", *SMALL, "--record-path", "--out", str(recorded))[0] == 0
    return plain, recorded


def test_train_records_the_path_only_on_request(models) -> None:
    plain, recorded = models
    net = Network.load(recorded)
    # the same training: equal but for BLAS's rounding, since 'auto' may take one thread
    # for one run and two for the other on a busy machine
    np.testing.assert_allclose(net.params, Network.load(plain).params, rtol=1e-5, atol=1e-6)
    assert TrainingPath.read(plain, net) is None
    path = TrainingPath.read(recorded, net)
    assert path is not None and 3 <= len(path) <= 65
    steps_per_epoch = -(-5000 // PRESETS["default"].batch_size)  # the sample's 5,000 images
    assert path.steps[0] == 0 and path.steps[-1] == 2 * steps_per_epoch
    np.testing.assert_array_equal(path.params[-1], net.params)


def test_landscape_draws_the_recorded_path_and_states_its_numbers(models, tmp_path) -> None:
    _, recorded = models
    out = tmp_path / "land.png"
    code, text, err = call("landscape", str(recorded), "--sample", "--grid", "11",
                           "--images", "300", "--out", str(out))
    assert code == 0, err
    assert "the training path's two main directions" in text
    assert "the first 300 training images of the bundled sample" in text
    assert "11×11 grid" in text and f"written to {out}" in text
    with Image.open(out) as image:
        assert image.format == "PNG" and image.size[0] > 500
    assert stat.S_IMODE(out.stat().st_mode) == 0o666 & ~_umask()
    assert [p.name for p in tmp_path.iterdir()] == ["land.png"]  # no temporary file left
    # the printed centre is the network's cost on those images
    net = Network.load(recorded)
    (x, y), _ = load_mnist_sample()
    centre = float(re.search(r"cost at the trained weights ([\d.]+)", text)[1])
    assert centre == pytest.approx(net.evaluate(x[:300], y[:300], "cross-entropy")[0], rel=1e-3)
    again = landscape(net, x[:300], y[:300], directions="pca", grid=11,
                      path=TrainingPath.read(recorded, net))
    assert f"lowest on the grid {float(again.values.min()):.4g}" in text


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_without_a_path_the_directions_are_random(models, tmp_path) -> None:
    plain, _ = models
    code, text, err = call("landscape", str(plain), "--sample", "--grid", "5", "--images",
                           "100", "--out", str(tmp_path / "l.svg"), "--seed", "3")
    assert code == 0, err
    assert "filter-normalised random directions (seed 3)" in text and "path:" not in text
    assert (tmp_path / "l.svg").read_text().startswith("<?xml")


@pytest.mark.parametrize(("extra", "words"), [
    (["--grid", "2"], "--grid must be 3 to 101; got 2"),
    (["--images", "0"], "--images must be 1 to 10,000"),
    (["--directions", "pca"], "records no training path"),
    (["--out", "nowhere/land.png"], "the folder nowhere does not exist"),
    (["--out", "land.txt"], "cannot tell the format"),
])
def test_unusable_requests_are_one_line_and_exit_2(models, extra, words, tmp_path,
                                                    monkeypatch) -> None:
    plain, _ = models
    monkeypatch.chdir(tmp_path)
    code, text, err = call("landscape", str(plain), "--sample", *extra)
    assert code == 2 and words in err and err.startswith("steepest: error:")
    assert "Traceback" not in err and text == ""
    assert list(Path(tmp_path).iterdir()) == []


def test_a_file_that_is_not_a_model_is_refused(tmp_path) -> None:
    bad = tmp_path / "bad.npz"
    bad.write_bytes(b"not a zip")
    code, _, err = call("landscape", str(bad), "--sample")
    assert code == 2 and "not a steepest network file" in err
