"""What a learner must be able to read off the figures (issue 14), checked on the objects:
steepness shown by arrow length with a stated scale, legends that name every marked
thing, paths that stay visible where they coincide, titles as the equation was typed."""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.quiver import Quiver

from steepest import gradient, minimize
from steepest.equation.typed import typed_title
from steepest.plot import contour_map, graph, plot_paths, plot_result, surface

BOX = [(-2.0, 2.0), (-2.0, 2.0)]
SMALL = {"resolution": 40}


def quiver_of(ax):
    (q,) = [c for c in ax.collections if isinstance(c, Quiver)]
    return q


def labelled_artists(ax):
    """Every artist of the axes that carries a label meant for the legend."""
    artists = [*ax.get_lines(), *ax.collections, *ax.patches]
    return [a for a in artists if a.get_label() and not a.get_label().startswith("_")]


def legend_texts(ax):
    return [t.get_text() for t in ax.get_legend().get_texts()]


# -- steepness ----------------------------------------------------------------------------


def test_arrow_lengths_follow_the_steepness_and_the_key_states_the_scale():
    g = gradient("x^2 sin(y)")
    ax = contour_map(g, [(-3, 3), (-3, 3)], arrows=9, stationary=False, **SMALL).axes[0]
    q = quiver_of(ax)
    points = np.asarray(q.get_offsets())
    lengths = np.hypot(np.ma.filled(q.U, np.nan), np.ma.filled(q.V, np.nan))
    steepness = np.linalg.norm(g.at(points), axis=1)
    # flat near the line x = 0: short arrows; steep at the sides: long ones
    assert lengths[np.abs(points[:, 0]) < 0.5].max() < 0.3 * lengths.max()
    uncapped = ~q.steepest_capped.ravel()
    np.testing.assert_allclose(lengths[uncapped], q.steepest_scale * steepness[uncapped])
    assert lengths.max() <= 6 / 9 + 1e-12  # capped at one cell
    (key,) = [a for a in ax.get_children() if a.get_gid() == "gradient-key"]
    reference = float(key.text.get_text().split("=")[1].split()[0])
    # the key arrow's length, read as |∇f| with the map's scale, is the number it states
    assert key.U / q.steepest_scale == pytest.approx(reference, rel=0.05)


def test_normalized_arrows_say_so():
    ax = contour_map("x^2 + y^2", BOX, arrows=5, normalize=True, stationary=False,
                     **SMALL).axes[0]
    lengths = np.hypot(quiver_of(ax).U, quiver_of(ax).V)
    assert np.ptp(lengths[lengths > 0]) < 1e-12
    assert any("direction" in t.get_text() for t in ax.texts)


def test_surface_arrows_are_longer_where_the_surface_is_steeper():
    fig = surface("x^2 + y^2", BOX, arrows_at=[[0.2, 0.0], [1.5, 0.0]], resolution=10)
    (arrows,) = [c for c in fig.axes[0].collections if c.get_gid() == "gradient"]
    segments = arrows._segments3d  # each arrow's shaft first, then its head
    reach = [np.linalg.norm(np.subtract(*segments[k])[:2]) for k in range(2)]
    assert reach[1] == pytest.approx(7.5 * reach[0], rel=1e-6)


# -- legends -------------------------------------------------------------------------------


def _runs():
    f = "(x^2 + y - 11)^2 + (x + y^2 - 7)^2"
    return f, [minimize(f, [0.0, 0.0], optimizer="gd", learning_rate=0.01, max_iter=300),
               minimize(f, [0.0, 0.0], optimizer="adam", learning_rate=0.2, max_iter=300)]


def test_every_labelled_artist_is_in_the_legend_with_start_and_end_told_apart():
    f, runs = _runs()
    ax = plot_paths(f, runs, [(-5, 5), (-5, 5)], **SMALL).axes[0]
    texts = legend_texts(ax)
    assert sorted(a.get_label() for a in labelled_artists(ax)) == sorted(texts)
    assert {"start", "end", "minimum", "saddle", "maximum"} <= set(texts)
    start = [line for line in ax.get_lines() if line.get_gid() == "path-start"]
    (minimum,) = [c for c in ax.collections if c.get_gid() == "stationary-minimum"]
    assert start[0].get_marker() == "s" and minimum.get_gid() == "stationary-minimum"
    paths = [line for line in ax.get_lines() if line.get_gid() == "path"]
    assert all(line.get_marker() != "s" for line in paths)  # no path marker looks like a start


def test_stationary_markers_are_hollow_and_above_the_path_ends():
    f, runs = _runs()
    ax = plot_paths(f, runs, [(-5, 5), (-5, 5)], **SMALL).axes[0]
    ends = [line for line in ax.get_lines() if line.get_gid() == "path-end"]
    for kind in ("minimum", "saddle", "maximum"):
        (marks,) = [c for c in ax.collections if c.get_gid() == f"stationary-{kind}"]
        assert marks.get_facecolor().size == 0 or marks.get_facecolor()[0, 3] == 0
        assert all(marks.get_zorder() > end.get_zorder() for end in ends)


def test_graph_legend_names_the_slope_arrow():
    ax = graph("x^3 - 3x", (-2.2, 2.2), tangent_at=[-1.6, 0.5], resolution=50).axes[0]
    texts = legend_texts(ax)
    assert sorted(a.get_label() for a in labelled_artists(ax)) == sorted(texts)
    assert any("uphill" in t for t in texts)


# -- paths that coincide ---------------------------------------------------------------------


def test_coinciding_paths_stay_distinguishable():
    f = "x^2 + 4y^2"
    run = minimize(f, [1.5, 1.0], optimizer="gd", learning_rate=0.1, max_iter=30)
    other = minimize(f, [1.5, 1.0], optimizer="gd", learning_rate=0.1, max_iter=10)
    ax = plot_paths(f, {"first": run, "second": other}, BOX, arrows=0, **SMALL).axes[0]
    a, b = [line for line in ax.get_lines() if line.get_gid() == "path"]
    np.testing.assert_array_equal(a.get_xydata()[:11], b.get_xydata())  # they coincide
    assert (a.get_linestyle(), a.get_marker()) != (b.get_linestyle(), b.get_marker())
    # the shorter is drawn on top, thinner, so the longer shows on both sides of it
    assert b.get_zorder() > a.get_zorder() and b.get_linewidth() < a.get_linewidth()


# -- titles and colour bars -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("(1-x)^2 + 100(y-x^2)^2", "f(x, y) = (1 − x)² + 100(y − x²)²"),
        ("x^2 sin(y)", "f(x, y) = x² sin(y)"),
        ("f(x, y) = x**2 - 3*x*y", "f(x, y) = x² − 3·x·y"),
        ("e^(-x^2-y^2)", "f(x, y) = e^(−x² − y²)"),
        ("theta^2 + x_2^-1", "f(θ, x₂) = θ² + x₂⁻¹"),
    ],
)
def test_the_title_is_the_typed_equation_set_as_maths(text, title):
    assert typed_title(gradient(text).equation) == title
    ax = contour_map(text, BOX, arrows=0, stationary=False, **SMALL).axes[0]
    assert ax.get_title() == title


def test_a_slice_keeps_sympys_reading():
    ax = contour_map("x y z", BOX, fix={"z": 2}, arrows=0, **SMALL).axes[0]
    assert ax.get_title() == "f(x, y) = 2·x·y"


def test_a_descent_map_has_a_colour_bar():
    f = "x^2 + 4y^2"
    run = minimize(f, [1.5, 1.0], optimizer="gd", learning_rate=0.1, max_iter=20)
    fig = plot_result(run, f, BOX, **SMALL)
    assert any(ax.get_label() == "<colorbar>" for ax in fig.axes)
