"""``steepest predict`` with several pictures, some unreadable, and models that read no digits."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image
from tests.cli.in_process import call

from steepest.data import load_mnist_sample
from steepest.nn import Network


@pytest.fixture
def pictures(tmp_path):
    """A digit from the bundled sample, a blank picture, and a model of the right shape."""
    images, labels = load_mnist_sample().test
    seven = tmp_path / "seven.png"
    Image.fromarray(np.uint8(255 * images[labels == 7][0].reshape(28, 28))).save(seven)
    blank = tmp_path / "blank.png"
    Image.new("L", (40, 40), 255).save(blank)
    model = Network([784, 10], seed=0).save(tmp_path / "model.npz")
    return model, seven, blank


def test_a_blank_picture_among_good_ones_is_one_line_and_the_others_are_read(pictures):
    model, seven, blank = pictures
    code, out, err = call("predict", str(model), str(seven), str(blank), str(seven))
    assert code == 2
    assert err == (f"steepest: error: '{blank}' shows no digit: it is one flat colour (no ink "
                   "darker or lighter than its border)\n")
    blocks = out.strip().split("\n\n")
    assert len(blocks) == 2 and all(b.startswith(f"{seven}: ") for b in blocks)
    assert blocks[0] == blocks[1] and len(blocks[0].splitlines()) == 11


def test_every_picture_read_is_exit_0(pictures):
    model, seven, _ = pictures
    code, out, err = call("predict", str(model), str(seven))
    assert code == 0 and err == "" and out.startswith(f"{seven}: ")


def test_no_picture_read_prints_only_the_errors(pictures, tmp_path):
    model, _, blank = pictures
    code, out, err = call("predict", str(model), str(blank), str(tmp_path / "none.png"))
    assert code == 2 and out == ""
    assert err.splitlines() == [
        err.splitlines()[0], f"steepest: error: no image file at '{tmp_path / 'none.png'}'"]


@pytest.mark.parametrize("command", ["predict", "evaluate", "landscape", "explore"])
@pytest.mark.parametrize(("sizes", "shape"), [([2, 3, 2], "a 2-3-2 network (2 inputs, 2 outputs)"),
                                              ([784, 8, 3], "a 784-8-3 network (784 inputs, "
                                                            "3 outputs)")])
def test_a_model_that_reads_no_digits_is_refused_naming_its_shape(pictures, tmp_path, command,
                                                                 sizes, shape):
    model = Network(sizes, seed=0).save(tmp_path / "other.npz")
    argv = {"predict": ["predict", str(model), str(pictures[1])],
            "evaluate": ["evaluate", str(model), "--sample"],
            "landscape": ["landscape", str(model), "--sample", "--out",
                          str(tmp_path / "l.png")],
            "explore": ["explore", "--no-browser", "--model", str(model)]}[command]
    code, out, err = call(*argv)
    assert code == 2 and out == ""
    assert err == (f"steepest: error: {model} holds {shape}; reading digits needs 784 inputs "
                   "(28 × 28 pixels) and 10 outputs (one per digit), as 'steepest train' "
                   "makes\n")
    assert not (tmp_path / "l.png").exists()
