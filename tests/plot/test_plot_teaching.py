"""What a learner must be able to read off the figures (issue 14), checked on the objects:
steepness shown by arrow length with a stated scale, legends that name every marked
thing, paths that stay visible where they coincide, titles as the equation was typed."""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.quiver import Quiver

from steepest import gradient, minimize
from steepest.equation.typed import typed_title
from steepest.plot import (
    compare_optimizers,
    contour_map,
    graph,
    plot_gradient,
    plot_paths,
    plot_result,
    surface,
)

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


def colour_bar_of(ax):
    (cax,) = [child for child in ax.child_axes if child.get_label() == "<colorbar>"]
    return cax


def test_a_descent_map_has_a_colour_bar():
    f = "x^2 + 4y^2"
    run = minimize(f, [1.5, 1.0], optimizer="gd", learning_rate=0.1, max_iter=20)
    fig = plot_result(run, f, BOX, **SMALL)
    assert colour_bar_of(fig.axes[0]).get_title(loc="left") == "f(x, y)"


def test_the_colour_bar_stands_against_the_map():
    # a square map in a wide figure: the equal aspect narrows the map, the bar follows it
    fig = contour_map("x^2 - y^2", BOX, arrows=0, stationary=False, **SMALL)
    fig.set_size_inches(12, 4)
    fig.draw_without_rendering()
    ax = fig.axes[0]
    gap = colour_bar_of(ax).get_position().x0 - ax.get_position().x1
    assert 0 < gap < 0.05 * ax.get_position().width  # 3% of the map's width


def _rosenbrock_comparison():
    return compare_optimizers("(1-x)^2 + 100(y-x^2)^2", [-1.2, 1.0],
                              ["gd", "momentum", "nesterov", "adam"],
                              learning_rate={"gd": 1e-3, "momentum": 1e-3, "nesterov": 1e-3,
                                             "adam": 0.05},
                              max_iter=300, bounds=[(-1.5, 1.5), (-0.5, 1.5)], **SMALL)


def test_the_value_panel_has_one_y_label_clear_of_the_colour_bar():
    fig = _rosenbrock_comparison()
    renderer = FigureCanvasAgg(fig).get_renderer()
    fig.draw(renderer)
    left, right = fig.axes[:2]
    cax = colour_bar_of(left)
    assert cax.get_ylabel() == "" and right.get_ylabel() == "f(x, y)"
    label = right.yaxis.label.get_window_extent(renderer)
    assert not label.overlaps(cax.get_tightbbox(renderer))
    assert cax.get_tightbbox(renderer).x1 < label.x0


def test_a_comparison_has_one_legend_below_both_panels_naming_each_thing_once():
    fig = _rosenbrock_comparison()
    fig.draw_without_rendering()
    assert all(ax.get_legend() is None for ax in fig.axes)
    (legend,) = fig.legends
    texts = [t.get_text() for t in legend.get_texts()]
    assert len(texts) == len(set(texts))
    for name in ("gd", "momentum", "nesterov", "adam"):
        assert [t for t in texts if t.split(" (")[0] == name] == [
            f"{name} (stopped at the limit, 300 steps)"]
    assert {"minimum", "start", "end"} <= set(texts)
    box = legend.get_window_extent()
    assert box.x0 >= 0 and box.x1 <= fig.bbox.width and box.y0 >= 0  # inside the figure
    top = min(ax.get_position().y0 for ax in fig.axes[:2]) * fig.bbox.height
    assert box.y1 <= top  # below the panels, over neither


def test_each_path_of_a_comparison_is_drawn_as_in_the_value_panel_and_stays_visible():
    fig = _rosenbrock_comparison()
    left, right = fig.axes[:2]
    paths = [line for line in left.get_lines() if line.get_gid() == "path"]
    values = [line for line in right.get_lines() if line.get_gid() == "values"]
    assert len(paths) == len(values) == 4
    for path, value in zip(paths, values, strict=True):
        assert (path.get_color(), path.get_linestyle(), path.get_marker()) == (
            value.get_color(), value.get_linestyle(), value.get_marker())
    # widths a point apart: each path's edges show beside the narrower one on top of it
    widths = sorted(line.get_linewidth() for line in paths)
    assert np.all(np.diff(widths) >= 1.0)
    on_top = sorted(paths, key=lambda line: line.get_zorder())
    assert [line.get_linewidth() for line in on_top] == sorted(widths, reverse=True)
    (casing,) = [line for line in left.get_lines() if line.get_gid() == "path-casing"]
    assert casing.get_linewidth() > max(widths) and casing.get_zorder() < on_top[0].get_zorder()


def test_a_minimum_of_zero_is_zero_on_the_colour_scale():
    fig = contour_map("(1-x)^2 + 100(y-x^2)^2", [(-1.5, 1.5), (-0.5, 1.5)], arrows=0,
                      stationary=False, **SMALL)
    (filled, *_) = fig.axes[0].collections
    assert filled.levels[0] == 0


# -- the other views ----------------------------------------------------------------------------


def test_both_views_name_the_equation_once_and_each_panel_its_view():
    fig = plot_gradient("x^2 - y^2", BOX, kind="both", arrows=4, **SMALL)
    assert fig.get_suptitle() == "f(x, y) = x² − y²"
    assert [ax.get_title() for ax in fig.axes[:2]] == ["surface", "contour map (seen from above)"]


def test_the_surface_keeps_its_corner_clear_and_names_the_floor_arrow():
    fig = surface("x^2 sin(y)", [(-3, 3), (-3, 3)], highlight=[1.5, 1.0], resolution=10)
    ax = fig.axes[0]
    fig.draw_without_rendering()
    ys = [t for t in ax.get_yticks() if -3 <= t <= 3]
    assert min(ys) > -3  # no y label at the corner where x's last one stands
    assert all(float(t).is_integer() for t in ax.get_xticks())  # round numbers
    assert any("on the floor" in t.get_text() for t in ax.texts)


def test_the_graph_joins_each_stationary_point_to_the_zero_of_the_derivative():
    fig = graph("x^3 - 3x", (-2.2, 2.2), tangent_at=[0.5], resolution=50)
    top, bottom = fig.axes
    for panel in (top, bottom):
        guides = sorted(line.get_xdata()[0] for line in panel.get_lines()
                        if line.get_gid() == "stationary-guide")
        np.testing.assert_allclose(guides, [-1.0, 1.0], atol=1e-6)
    (slope,) = [t.get_text() for t in top.texts if t.get_text().startswith("slope")]
    assert slope == "slope f′ = −2.25"  # a minus sign, not a hyphen


def test_contour_labels_read_upright_along_their_lines():
    # the labels take their angles once the map has its final aspect; before, they were
    # turned 4-6 degrees off their lines, and in an animation's frames some upside down.
    # As the animation draws it: no colour bar, so the map is reshaped most by its aspect
    g = gradient("(1-x)^2 + 100(y-x^2)^2")
    fig = contour_map(g, [(-2.2, 2), (-1.1, 3.1)], arrows=0, stationary=False,
                      colorbar=False, **SMALL)
    fig.set_dpi(60)
    fig.draw_without_rendering()
    ax = fig.axes[0]
    labels = [t for t in ax.texts if t.get_gid() == "contour-label"]
    assert len(labels) >= 6
    for text in labels:
        angle = (text.get_rotation() + 180) % 360 - 180
        assert -90 <= angle <= 90, text.get_text()
        if float(text.get_text()) < 20:
            continue  # low levels are thin loops along the valley floor: no one direction
        # the contour runs across the gradient; its direction on the screen is the label's
        x, y = text.get_position()
        gx, gy = g.at([x, y])
        ends = ax.transData.transform([[x, y], [x - gy * 1e-4, y + gx * 1e-4]])
        dx, dy = ends[1] - ends[0]
        line = np.degrees(np.arctan2(dy, dx))
        off = (angle - line) % 180
        assert min(off, 180 - off) < 3, (text.get_text(), angle, line)


def test_a_lone_path_is_drawn_moderately_wide():
    f, runs = _runs()
    ax = plot_paths(f, runs[:1], [(-5, 5), (-5, 5)], arrows=0, **SMALL).axes[0]
    (line,) = [line for line in ax.get_lines() if line.get_gid() == "path"]
    assert line.get_linewidth() == pytest.approx(2.2)


def test_an_animation_shows_nothing_of_a_path_before_it_is_taken(tmp_path, monkeypatch):
    from types import SimpleNamespace

    from steepest.plot import animate

    written: list[list[np.ndarray]] = []  # the frames of each animation, in turn
    monkeypatch.setattr(animate, "_write_gif", lambda images, out, fps: written.append(images))
    run = minimize("x^2 + 3y^2", [2.0, 1.0], optimizer="momentum", learning_rate=0.05,
                   max_iter=30)
    # the same run as the map shows it at step 0: the start alone, the same legend
    start = SimpleNamespace(path=run.path[:1], values=run.values[:1], status=run.status,
                            iterations=run.iterations, optimizer=run.optimizer, x=run.x)
    for r in (run, start):
        animate.animate_descent("x^2 + 3y^2", r, tmp_path / "d.gif", BOX, resolution=30,
                                arrows=0, dpi=40, hold=0)
    whole, alone = written
    # the white casing of the path grows with it: the first frames are alike
    np.testing.assert_array_equal(whole[0], alone[0])
    assert not np.array_equal(whole[-1], alone[-1])
