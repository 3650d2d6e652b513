"""steepest.plot.digits: each figure checked by what it shows, not only that it draws."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from matplotlib.colors import to_hex
from PIL import Image

from steepest.errors import SteepestError
from steepest.nn import History, Network
from steepest.nn.evaluation import Evaluation
from steepest.plot import plot_confusion, plot_digits, plot_history, plot_weights, save_figure
from steepest.plot.digits import RIGHT, WRONG


@pytest.fixture
def history():
    rng = np.random.default_rng(0)
    return History(
        cost=[0.9, 0.5, 0.4], test_cost=[0.8, 0.6, 0.55], test_accuracy=[0.7, 0.85, 0.8],
        seconds=[1.0, 1.1, 0.9], batch_costs=[rng.random(7) for _ in range(3)],
        settings={"network": "Network([784, 30, 10])", "optimizer": "GradientDescent(3.0)"},
    )


def test_history_draws_the_costs_and_accuracies_it_was_given(history):
    fig = plot_history(history)
    cost_axes, accuracy_axes = fig.axes
    lines = {line.get_label(): line for line in cost_axes.get_lines()}
    np.testing.assert_allclose(lines["training cost (epoch mean)"].get_ydata(), history.cost)
    np.testing.assert_allclose(lines["test cost"].get_ydata(), history.test_cost)
    (band,) = [c for c in cost_axes.collections if c.get_gid() == "batch-band"]
    edges = band.get_paths()[0].vertices[:, 1]
    assert edges.min() == pytest.approx(history.batch_cost.min())
    assert edges.max() == pytest.approx(history.batch_cost.max())
    assert cost_axes.get_ylim()[0] < history.batch_cost.min()  # the band is on the axis
    curve = accuracy_axes.get_lines()[0]
    np.testing.assert_allclose(curve.get_ydata(), [70, 85, 80])
    np.testing.assert_allclose(curve.get_xdata(), [1, 2, 3])
    (label,) = [t for t in accuracy_axes.texts if t.get_gid() == "best-label"]
    assert label.get_text().startswith("best 85.00% (epoch 2")
    assert fig._suptitle.get_text() == "784-30-10 network, plain gradient descent"


def test_history_title_says_the_run_in_words():
    h = History(cost=[0.5], seconds=[1.0], batch_costs=[np.array([0.6, 0.4])], settings={
        "network": "Network([784, 30, 10], activation='sigmoid', output='sigmoid', "
                   "dtype=float32)",
        "optimizer": "Momentum(learning_rate=0.5, momentum=0.9)", "batch_size": 10})
    assert plot_history(h)._suptitle.get_text() == (
        "784-30-10 sigmoid network, gradient descent with momentum, learning rate 0.5, "
        "momentum 0.9, mini-batches of 10")


def test_the_best_accuracy_label_does_not_sit_on_the_curve(history):
    fig = plot_history(history)
    fig.canvas.draw()
    accuracy_axes = fig.axes[1]
    (label,) = [t for t in accuracy_axes.texts if t.get_gid() == "best-label"]
    box = label.get_window_extent()
    curve = accuracy_axes.get_lines()[0]
    points = accuracy_axes.transData.transform(curve.get_xydata())
    dense = np.concatenate([np.linspace(a, b, 50) for a, b in itertools.pairwise(points)])
    inside = ((dense[:, 0] >= box.x0) & (dense[:, 0] <= box.x1)
              & (dense[:, 1] >= box.y0) & (dense[:, 1] <= box.y1))
    assert not inside.any()


def test_history_without_test_data_has_one_panel_and_an_empty_one_is_refused(history):
    quiet = History(cost=history.cost, seconds=history.seconds, batch_costs=history.batch_costs)
    assert len(plot_history(quiet, title="run").axes) == 1
    with pytest.raises(SteepestError, match="no completed epoch"):
        plot_history(History())


def test_digit_grid_titles_and_colours_follow_the_predictions():
    rng = np.random.default_rng(1)
    images = rng.random((13, 784)).astype(np.float32)
    labels = rng.integers(0, 10, 13)
    predictions = labels.copy()
    predictions[[2, 5, 11]] = (labels[[2, 5, 11]] + 1) % 10
    fig = plot_digits(images, predictions, labels, columns=5)
    assert len(fig.axes) == 13  # the two unused cells of the 3 × 5 grid are removed
    for i, ax in enumerate(fig.axes):
        np.testing.assert_array_equal(ax.images[0].get_array(), images[i].reshape(28, 28))
        right = predictions[i] == labels[i]
        expected = f"{predictions[i]}" if right else f"{predictions[i]} (is {labels[i]})"
        assert ax.get_title() == expected
        assert to_hex(ax.title.get_color()) == to_hex(RIGHT if right else WRONG)
    assert fig._suptitle.get_text() == "10 of 13 right (wrong in bold, with the true digit)"
    # all right: no key for wrong answers that are not there
    assert plot_digits(images, labels, labels).get_suptitle() == "13 of 13 right"


def test_digit_grid_without_labels_shows_only_the_answers():
    fig = plot_digits(np.zeros((2, 28, 28)), [4, 2])
    assert [ax.get_title() for ax in fig.axes] == ["4", "2"]
    assert fig._suptitle is None


def test_digit_grid_refuses_mismatched_inputs():
    with pytest.raises(SteepestError, match="one digit per image"):
        plot_digits(np.zeros((3, 784)), [1, 2])
    with pytest.raises(SteepestError, match=r"shape \(n, 784\)"):
        plot_digits(np.zeros((3, 100)), [1, 2, 3])
    with pytest.raises(SteepestError, match="columns must be at least 1"):
        plot_digits(np.zeros((1, 784)), [1], columns=0)


def test_confusion_image_holds_the_matrix_and_the_cells_its_counts():
    rng = np.random.default_rng(2)
    labels = rng.integers(0, 10, 400)
    predictions = np.where(rng.random(400) < 0.8, labels, rng.integers(0, 10, 400))
    evaluation = Evaluation.from_predictions(labels, predictions)
    fig = plot_confusion(evaluation)
    ax = fig.axes[0]
    np.testing.assert_array_equal(ax.images[0].get_array(), evaluation.confusion)
    written = {(round(t.get_position()[1]), round(t.get_position()[0])): int(t.get_text())
               for t in ax.texts}
    nonzero = {(int(i), int(j)): int(evaluation.confusion[i, j])
               for i, j in zip(*np.nonzero(evaluation.confusion), strict=True)}
    assert written == nonzero
    assert ax.get_title() == f"accuracy {evaluation.accuracy:.2%} on 400"
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("predicted digit", "true digit")
    with pytest.raises(SteepestError, match="square matrix of counts"):
        plot_confusion(np.ones((2, 3), int))


def test_weights_are_drawn_neuron_by_neuron():
    net = Network([784, 12, 10], seed=3)
    fig = plot_weights(net, count=7, columns=4)
    assert len(fig.axes) == 7
    for i, ax in enumerate(fig.axes):
        image = ax.images[0]
        np.testing.assert_array_equal(image.get_array(), net.weights[0][i].reshape(28, 28))
        low, high = image.get_clim()
        assert low == -high == -np.abs(net.weights[0][i]).max()  # white is a weight of 0
    with pytest.raises(SteepestError, match="784 inputs"):
        plot_weights(Network([5, 3, 2]))
    with pytest.raises(SteepestError, match=r"count must lie in 1\.\.12"):
        plot_weights(net, count=13)


def test_figures_save_as_png(tmp_path, history):
    path = save_figure(plot_history(history), tmp_path / "curves.png")
    with Image.open(path) as image:
        assert image.format == "PNG" and image.width > 500
