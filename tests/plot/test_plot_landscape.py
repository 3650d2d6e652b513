"""Tests for steepest.plot.landscape: what the map shows and says."""

from __future__ import annotations

import numpy as np
import pytest

from steepest.errors import PlotError
from steepest.nn import Network, train
from steepest.nn.landscape import landscape
from steepest.nn.path import PathRecorder
from steepest.plot.landscape import plot_landscape


@pytest.fixture(scope="module")
def land():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(200, 6))
    y = (x[:, 0] > 0).astype(int)
    net = Network([6, 5, 2], seed=0)
    recorder = PathRecorder(net, max_snapshots=16)
    train(net, (x, y), epochs=3, batch_size=10, seed=0, on_batch=recorder)
    return landscape(net, x, y, directions="pca", path=recorder.path(), grid=15)


def test_the_map_shows_the_path_the_centre_and_says_what_it_measures(land) -> None:
    fig = plot_landscape(land, subset="200 made-up points", title="a test")
    ax = fig.axes[0]
    labels = ax.get_legend_handles_labels()[1]
    assert any(label.startswith("the trained weights (cost ") for label in labels)
    assert any(f"{len(land.path)} snapshots" in label for label in labels)
    line = next(line for line in ax.lines if line.get_label().startswith("training path"))
    np.testing.assert_allclose(np.column_stack(line.get_data()), land.path)
    words = " ".join(t.get_text() for t in fig.texts)
    assert "measured on 200 made-up points" in words and "15×15 grid" in words
    assert "two main directions (PCA" in words
    assert "main direction" in ax.get_xlabel() and ax.get_title() == "a test"
    assert fig.axes[1].get_ylabel() == "quadratic cost"


def test_bad_levels_and_an_empty_landscape_are_refused(land) -> None:
    with pytest.raises(PlotError, match="levels must be an int from 3 to 60"):
        plot_landscape(land, levels=1000)
    from dataclasses import replace

    with pytest.raises(PlotError, match="no finite cost"):
        plot_landscape(replace(land, values=np.full_like(land.values, np.nan)))
