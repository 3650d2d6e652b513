"""steepest.nn.evaluation: evaluation numbers against direct counts, MNIST-style picture reading."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw

import steepest.nn.evaluation as digits
from steepest.data import load_mnist_sample
from steepest.errors import DataError, NetworkError
from steepest.nn import Network
from steepest.nn.evaluation import Evaluation, evaluate, prepare_image


# ------------------------------------------------------------------ helpers
def centre_of_mass(x: np.ndarray) -> tuple[float, float]:
    image = x.reshape(28, 28).astype(float)
    rows, cols = np.indices(image.shape)
    return float((rows * image).sum() / image.sum()), float((cols * image).sum() / image.sum())


def ink_box(x: np.ndarray, level: float = 0.2) -> tuple[int, int]:
    """Height and width of the box holding the pixels above ``level``."""
    rows, cols = np.nonzero(x.reshape(28, 28) > level)
    return int(rows.max() - rows.min() + 1), int(cols.max() - cols.min() + 1)


def draw(shape: str, *, dark_on_light: bool, page=(240, 300), at=(0, 0)):
    """A thick "1" or "7" drawn with Pillow (a 240 × 300 drawing) on a page of size
    ``page``, its top left corner moved by ``at`` pixels."""
    paper, ink = (255, 0) if dark_on_light else (0, 255)
    image = Image.new("L", page, paper)
    pen = ImageDraw.Draw(image)

    def xy(x, y):
        return (at[0] + x, at[1] + y)

    if shape == "1":
        pen.line([xy(120, 45), xy(120, 255)], fill=ink, width=28)
        pen.line([xy(120, 45), xy(90, 84)], fill=ink, width=20)
    else:
        pen.line([xy(60, 60), xy(180, 60), xy(108, 255)], fill=ink, width=26)
    return image


# -------------------------------------------------------------- evaluation
def test_evaluation_matches_a_direct_count():
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 10, 500)
    predictions = np.where(rng.random(500) < 0.7, labels, rng.integers(0, 10, 500))
    result = Evaluation.from_predictions(labels, predictions)
    expected = np.zeros((10, 10), int)
    for true, guess in zip(labels, predictions, strict=True):
        expected[true, guess] += 1
    np.testing.assert_array_equal(result.confusion, expected)
    assert result.count == 500
    assert result.correct == int((labels == predictions).sum())
    assert result.accuracy == pytest.approx(np.mean(labels == predictions))
    for d in range(10):
        assert result.per_digit[d] == pytest.approx(np.mean(predictions[labels == d] == d))
    np.testing.assert_array_equal(result.wrong, np.flatnonzero(labels != predictions))


def test_a_digit_never_seen_has_nan_accuracy_and_a_dash_in_the_report():
    result = Evaluation.from_predictions([0, 0, 1], [0, 1, 1], classes=3)
    assert np.isnan(result.per_digit[2])
    right_row = next(line for line in result.report().splitlines() if line.startswith("right"))
    assert right_row.split()[1:] == ["50.0%", "100.0%", "–"]


def test_report_rows_give_back_the_confusion_matrix():
    rng = np.random.default_rng(1)
    labels, predictions = rng.integers(0, 10, 3000), rng.integers(0, 10, 3000)
    result = Evaluation.from_predictions(labels, predictions)
    lines = result.report().splitlines()
    start = lines.index("confusion matrix (rows: true digit, columns: predicted digit)") + 2
    table = [[0 if cell == "." else int(cell.replace(",", "")) for cell in line.split()[1:]]
             for line in lines[start : start + 10]]
    np.testing.assert_array_equal(table, result.confusion)
    assert lines[0] == f"accuracy {result.accuracy:.2%} ({result.correct:,} of 3,000 right)"


@pytest.fixture(scope="module")
def sample():
    return load_mnist_sample()


@pytest.fixture(scope="module")
def network(sample):
    from steepest.nn import train

    net = Network([784, 24, 10], "relu", "softmax", seed=0)
    train(net, sample.train, epochs=2, batch_size=32, learning_rate=0.003, optimizer="adam",
          cost="cross-entropy", seed=0)
    return net


def test_evaluate_agrees_with_the_networks_own_outputs(network, sample, monkeypatch):
    monkeypatch.setattr(digits, "_CHUNK", 97)  # several chunks, the last one short
    images, labels = sample.test
    result = evaluate(network, images, labels)
    predicted = network.forward(images).argmax(axis=1)
    np.testing.assert_array_equal(result.predictions, predicted)
    assert result.accuracy == pytest.approx(np.mean(predicted == labels))
    assert result.accuracy == pytest.approx(network.evaluate(images, labels)[1])
    assert result.confusion.sum() == len(labels)
    np.testing.assert_array_equal(result.confusion.sum(axis=1), np.bincount(labels, minlength=10))


def test_evaluate_refuses_inconsistent_inputs(network):
    x = np.zeros((4, 784), np.float32)
    with pytest.raises(NetworkError, match="one label per image"):
        evaluate(network, x, [1, 2, 3])
    with pytest.raises(NetworkError, match=r"must lie in 0\.\.9.*got 10"):
        evaluate(network, x, [1, 2, 3, 10])
    with pytest.raises(NetworkError, match=r"shape \(n, 784\).*got shape \(4, 783\)"):
        evaluate(network, x[:, :783], [1, 2, 3, 4])
    with pytest.raises(TypeError, match="integer class labels"):
        evaluate(network, x, [1.0, 2.0, 3.0, 4.0])


# ------------------------------------------------------------ prepare_image
@pytest.mark.parametrize("shape", ["1", "7"])
@pytest.mark.parametrize("dark_on_light", [True, False])
def test_a_drawn_digit_becomes_a_centred_mnist_digit(shape, dark_on_light):
    x = prepare_image(draw(shape, dark_on_light=dark_on_light))
    assert x.shape == (784,) and x.dtype == np.float32
    assert x.min() == 0.0 and x.max() == pytest.approx(1.0)
    cy, cx = centre_of_mass(x)
    assert abs(cy - 14) <= 0.5 and abs(cx - 14) <= 0.5
    assert max(ink_box(x)) in (19, 20, 21)  # the larger side scaled to 20 pixels
    field = x.reshape(28, 28)
    # the ink is light (MNIST's convention) whichever way the picture was drawn
    assert field[[0, -1]].sum() == 0 and field[:, [0, -1]].sum() == 0
    assert field.mean() < 0.3


@pytest.mark.parametrize("shape", ["1", "7"])
def test_dark_on_light_and_light_on_dark_give_the_same_input(shape):
    a = prepare_image(draw(shape, dark_on_light=True))
    b = prepare_image(draw(shape, dark_on_light=False))
    np.testing.assert_allclose(a, b, atol=1e-6)


def test_position_and_size_on_the_page_do_not_matter():
    middle = prepare_image(draw("7", dark_on_light=True))
    moved = prepare_image(draw("7", dark_on_light=True, page=(900, 700), at=(500, 20)))
    np.testing.assert_array_equal(moved, middle)
    picture = draw("7", dark_on_light=True)
    for size in ((120, 150), (600, 750), (960, 1200)):
        resized = prepare_image(picture.resize(size, Image.Resampling.BICUBIC))
        assert np.abs(resized - middle).mean() < 0.005


def test_aspect_ratio_is_kept():
    block = np.pad(np.full((60, 30), 255, np.uint8), ((20, 20), (10, 10)))
    x = prepare_image(block)
    assert ink_box(x) == (20, 10)
    assert centre_of_mass(x) == pytest.approx((14.0, 14.0), abs=0.5)


def test_files_images_and_arrays_give_the_same_input(tmp_path):
    picture = draw("1", dark_on_light=True)
    path = tmp_path / "one.png"
    picture.save(path)
    from_pil = prepare_image(picture)
    np.testing.assert_array_equal(prepare_image(path), from_pil)
    np.testing.assert_array_equal(prepare_image(str(path)), from_pil)
    np.testing.assert_array_equal(prepare_image(np.asarray(picture)), from_pil)
    floats = np.asarray(picture, dtype=np.float64) / 255
    np.testing.assert_allclose(prepare_image(floats), from_pil, atol=1e-6)
    rgb = np.repeat(np.asarray(picture)[..., None], 3, axis=2)
    np.testing.assert_array_equal(prepare_image(rgb), from_pil)


def test_a_16_bit_picture_keeps_its_faint_ink(tmp_path):
    eight = np.zeros((50, 40), np.uint8)
    eight[10:40, 16:24] = 200
    sixteen = (eight.astype(np.uint16) * 5)  # 1000 of 65535: faint, but not nothing
    Image.fromarray(sixteen).save(tmp_path / "deep.png")
    with Image.open(tmp_path / "deep.png") as check:
        assert check.mode.startswith("I;16")
    np.testing.assert_allclose(prepare_image(tmp_path / "deep.png"), prepare_image(eight),
                               atol=1e-6)


def test_ink_on_a_transparent_sheet_reads_like_ink_on_paper():
    on_paper = draw("7", dark_on_light=True)
    ink = np.asarray(on_paper) < 128
    rgba = np.zeros((*ink.shape, 4), np.uint8)  # black ink, everything else transparent
    rgba[..., 3] = np.where(ink, 255, 0)
    white = rgba.copy()  # white ink, everything else transparent
    white[..., :3] = 255
    expected = prepare_image(np.where(ink, 0, 255).astype(np.uint8))
    np.testing.assert_allclose(prepare_image(rgba), expected, atol=1e-6)
    np.testing.assert_allclose(prepare_image(white), expected, atol=1e-6)


def test_an_mnist_digit_comes_back_nearly_unchanged(sample):
    """MNIST digits were made this way, so preparing one (enlarged ×4, inverted) gives it
    back, up to a shift of one pixel where its centre of mass lies near a half pixel."""
    nearest = Image.Resampling.NEAREST
    for x in sample.test.images[:30]:
        big = Image.fromarray(np.uint8(255 - 255 * x.reshape(28, 28))).resize((112, 112), nearest)
        again = prepare_image(big).reshape(28, 28)
        best = max(
            np.corrcoef(np.roll(again, (dy, dx), axis=(0, 1)).ravel(), x)[0, 1]
            for dy in (-1, 0, 1) for dx in (-1, 0, 1)
        )
        assert best > 0.98


def test_unusable_pictures_are_refused(tmp_path):
    with pytest.raises(DataError, match="no image file at"):
        prepare_image(tmp_path / "missing.png")
    text = tmp_path / "note.png"
    text.write_text("not a picture")
    with pytest.raises(DataError, match=r"cannot read .* as an image"):
        prepare_image(text)
    with pytest.raises(DataError, match="is a folder"):
        prepare_image(tmp_path)
    with pytest.raises(DataError, match="one flat colour"):
        prepare_image(np.full((30, 30), 200, np.uint8))
    with pytest.raises(DataError, match=r"shape \(h, w\) or \(h, w, 3\|4\)"):
        prepare_image(np.zeros((5, 5, 2)))
    with pytest.raises(DataError, match=r"must lie in 0\.\.255"):
        prepare_image(np.array([[0, 300]]))
    with pytest.raises(DataError, match=r"must lie in 0\.0\.\.1\.0"):
        prepare_image(np.array([[0.0, 2.0]]))
    with pytest.raises(TypeError, match="image must be a path"):
        prepare_image({"pixels": 1})


def test_labels_are_checked_by_one_check_everywhere():
    from steepest import Network, quadratic_cost, train
    from steepest.errors import SteepestError
    from steepest.nn import evaluate as evaluate_network

    net = Network([2, 3], output="softmax", seed=0)
    x, bad = np.zeros((2, 2)), np.array([0, 3])  # 3 is not one of the classes 0..2
    calls = [
        lambda: quadratic_cost(bad, np.full((2, 3), 0.5)),
        lambda: net.evaluate(x, bad),
        lambda: net.backprop(x, bad),
        lambda: train(net, (x, bad), epochs=1, batch_size=1),
        lambda: evaluate_network(net, x, bad),
    ]
    for call in calls:
        with pytest.raises(SteepestError, match=r"must lie in 0\.\.2 \(one per class\); got 3"):
            call()
