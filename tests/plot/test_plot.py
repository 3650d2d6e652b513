"""Figures checked by what they contain (plotted data, files, formats), never by pixels."""

from __future__ import annotations

import subprocess
import sys
from types import SimpleNamespace

import contourpy
import numpy as np
import pytest
from matplotlib.quiver import Quiver

from steepest import SteepestError, gradient, minimize
from steepest.plot import (
    animate_descent,
    compare_optimizers,
    contour_map,
    graph,
    plot_gradient,
    plot_paths,
    plot_result,
    plot_values,
    save_figure,
    surface,
)
from steepest.plot.animate import ffmpeg_available

BOX = [(-2.0, 2.0), (-2.0, 2.0)]
SMALL = {"resolution": 40}


def quiver_of(fig):
    (q,) = [c for c in fig.axes[0].collections if isinstance(c, Quiver)]
    return q


def lines_with_gid(ax, gid):
    return [line for line in ax.get_lines() if line.get_gid() == gid]


def offsets_with_gid(ax, gid):
    found = [c.get_offsets() for c in ax.collections if c.get_gid() == gid]
    return np.concatenate(found) if found else np.empty((0, 2))


# -- the contour map and the gradient field ----------------------------------------------


@pytest.mark.parametrize("text", ["x^2 + 3y^2", "x^2 sin(y)", "sin(x) + cos(x y)"])
def test_arrows_are_parallel_to_the_gradient_and_perpendicular_to_the_contours(text):
    g = gradient(text)
    fig = contour_map(g, BOX, arrows=7, stationary=False, **SMALL)
    q = quiver_of(fig)
    points = np.asarray(q.get_offsets())
    arrows = np.column_stack([np.ma.filled(q.U, np.nan), np.ma.filled(q.V, np.nan)])
    grads = g.at(points)
    strong = np.linalg.norm(grads, axis=1) > 1e-3
    assert strong.sum() >= 20
    checked = 0
    for p, a, d in zip(points[strong], arrows[strong], grads[strong], strict=True):
        unit = a / np.linalg.norm(a)
        # parallel to ∇f, pointing uphill
        assert unit @ d / np.linalg.norm(d) == pytest.approx(1.0, abs=1e-9)
        # perpendicular to the level curve through p, traced independently with contourpy
        xs = np.linspace(p[0] - 0.05, p[0] + 0.05, 41)
        ys = np.linspace(p[1] - 0.05, p[1] + 0.05, 41)
        X, Y = np.meshgrid(xs, ys)
        level = float(g.equation(*p))
        curves = contourpy.contour_generator(X, Y, g.equation(X, Y)).lines(level)
        vertices = np.concatenate(curves)
        k = np.argmin(np.linalg.norm(vertices - p, axis=1))
        k = min(max(k, 1), len(vertices) - 2)
        tangent = vertices[k + 1] - vertices[k - 1]
        assert abs(unit @ tangent / np.linalg.norm(tangent)) < 0.02
        checked += 1
    assert checked == strong.sum()
    assert fig.axes[0].get_aspect() == 1.0  # equal aspect: right angles look right


def test_unnormalized_arrows_are_proportional_to_the_gradient():
    g = gradient("x^2 + 3y^2")
    q = quiver_of(contour_map(g, BOX, arrows=6, normalize=False, stationary=False, **SMALL))
    arrows = np.column_stack([q.U, q.V])
    ratio = arrows / g.at(np.asarray(q.get_offsets()))
    uncapped = ~q.steepest_capped.ravel()
    np.testing.assert_allclose(ratio[uncapped], ratio[uncapped][0, 0])
    assert ratio[uncapped][0, 0] == pytest.approx(q.steepest_scale)
    longest = np.max(np.linalg.norm(arrows, axis=1))
    assert longest <= 4 / 6 + 1e-12  # none longer than a cell


@pytest.mark.parametrize(
    ("text", "kind"), [("x^2 - y^2", "saddle"), ("-x^2 - y^2", "maximum"), ("x^2 + y^2", "minimum")]
)
def test_stationary_points_are_marked_by_kind(text, kind):
    ax = contour_map(text, BOX, arrows=0, **SMALL).axes[0]
    np.testing.assert_allclose(offsets_with_gid(ax, f"stationary-{kind}"), [[0.0, 0.0]])
    assert kind in [t.get_text() for t in ax.get_legend().get_texts()]


def test_himmelblau_map_shows_its_four_minima():
    ax = contour_map("(x^2 + y - 11)^2 + (x + y^2 - 7)^2", [(-5, 5), (-5, 5)], **SMALL).axes[0]
    assert len(offsets_with_gid(ax, "stationary-minimum")) == 4
    assert len(offsets_with_gid(ax, "stationary-saddle")) == 4
    assert len(offsets_with_gid(ax, "stationary-maximum")) == 1


def test_default_range_surrounds_the_stationary_points():
    ax = contour_map("(x - 4)^2 + (y + 1)^2", arrows=0, **SMALL).axes[0]
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    assert x0 < 4 < x1 and y0 < -1 < y1
    assert ax.get_xlim() == pytest.approx((x0, x0 + (y1 - y0)))  # square box
    assert contour_map("x + 2y", arrows=0, **SMALL).axes[0].get_xlim() == (-3, 3)


def test_levels_are_spread_geometrically_for_a_narrow_valley():
    ax = contour_map("(1 - x)^2 + 100 (y - x^2)^2", [(-2, 2), (-1, 3)], arrows=0,
                     stationary=False, **SMALL).axes[0]
    levels = ax.collections[0].levels
    gaps = np.diff(levels)
    assert gaps[-1] > 50 * gaps[1]


def test_three_variables_need_fix():
    with pytest.raises(SteepestError, match="fix="):
        contour_map("x y z", BOX)
    fig = contour_map("x y z", BOX, fix={"z": 2}, arrows=0, **SMALL)
    assert fig.axes[0].get_title() == "f(x, y) = 2·x·y"


# -- descent paths -----------------------------------------------------------------------


def test_the_drawn_path_is_the_result_path():
    f = "x^2 + 4y^2"
    a = minimize(f, [1.5, 1.0], optimizer="gd", learning_rate=0.1, max_iter=50)
    b = minimize(f, [-1.5, 1.0], optimizer="momentum", learning_rate=0.05, max_iter=50)
    ax = plot_paths(f, [a, b], BOX, arrows=0, **SMALL).axes[0]
    drawn = lines_with_gid(ax, "path")
    assert len(drawn) == 2
    np.testing.assert_array_equal(drawn[0].get_xydata(), a.path)
    np.testing.assert_array_equal(drawn[1].get_xydata(), b.path)
    assert drawn[0].get_color() != drawn[1].get_color()
    np.testing.assert_array_equal(lines_with_gid(ax, "path-start")[0].get_xydata(), a.path[:1])
    np.testing.assert_array_equal(lines_with_gid(ax, "path-end")[1].get_xydata(), b.path[-1:])
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert any(label.startswith("gd (") for label in labels)


def test_one_colour_and_one_legend_entry_per_optimizer():
    runs = [SimpleNamespace(path=np.array([[s, 1.0], [s / 2, 0.5], [0.0, 0.0]]),
                            values=np.array([2.0, 1.0, 0.0]), status="converged",
                            iterations=2, optimizer="adam", x=np.zeros(2))
            for s in (-1.0, 1.0)]
    ax = plot_paths("x^2 + y^2", runs, BOX, arrows=0, **SMALL).axes[0]
    drawn = lines_with_gid(ax, "path")
    assert drawn[0].get_color() == drawn[1].get_color()
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert sum(label.startswith("adam") for label in labels) == 1
    assert "adam (2 starts: 2 converged)" in labels


def test_values_against_iteration_use_a_log_scale_and_the_known_minimum():
    r = minimize("x^2 + y^2 + 1", [1.0, 1.0], learning_rate=0.2, max_iter=30)
    ax = plot_values(r).axes[0]
    assert ax.get_yscale() == "log"
    np.testing.assert_array_equal(ax.get_lines()[0].get_ydata(), r.values)
    ax = plot_values(r, f_min=1.0).axes[0]
    expected = np.abs(r.values - 1.0)
    expected[expected == 0] = np.nan
    np.testing.assert_array_equal(ax.get_lines()[0].get_ydata(), expected)
    assert "f_min" in ax.get_ylabel()
    negative = minimize("x^2 - 5", [1.0], learning_rate=0.2, max_iter=10)
    assert plot_values(negative).axes[0].get_yscale() == "linear"


def test_plot_result_with_and_without_the_function():
    r = minimize("x^2 + y^2", [1.0, -1.0], learning_rate=0.2, max_iter=20)
    assert len(plot_result(r).axes) == 1
    fig = plot_result(r, "x^2 + y^2", BOX, arrows=0, **SMALL)
    np.testing.assert_array_equal(lines_with_gid(fig.axes[0], "path")[0].get_xydata(), r.path)
    one = minimize("x^4 - x", [1.5], learning_rate=0.05, max_iter=40)
    fig = plot_result(one, "x^4 - x", [(-1.5, 2)])
    line = lines_with_gid(fig.axes[0], "path")[0]
    np.testing.assert_array_equal(line.get_xdata(), one.path[:, 0])
    np.testing.assert_array_equal(line.get_ydata(), one.values)


def test_compare_optimizers_draws_one_path_each():
    fig = compare_optimizers("x^2 + 10y^2", [1.5, 1.0], ["gd", "momentum", "adam"],
                             learning_rate=0.04, max_iter=300, bounds=BOX, arrows=0, **SMALL)
    assert len(lines_with_gid(fig.axes[0], "path")) == 3
    values_axes = [ax for ax in fig.axes if ax.get_xlabel() == "iteration"]
    (values,) = values_axes
    assert len(values.get_lines()) == 3
    assert "f_min = 0" in values.get_ylabel()  # all three reached the known minimum


# -- surface, graph, plot_gradient ------------------------------------------------------


def test_surface_marks_the_steepest_ascent_at_the_highlight():
    fig = surface("x^2 + 3y^2", BOX, highlight=[1.0, 1.0], resolution=15)
    ax = fig.axes[0]
    assert ax.name == "3d"
    gids = {c.get_gid() for c in ax.collections}
    assert {"gradient", "steepest-ascent", "steepest-ascent-floor"} <= gids
    (label,) = [t.get_text() for t in ax.texts if "red: steepest" in t.get_text()]
    assert f"{np.hypot(2, 6):.3g}" in label


def test_graph_draws_the_tangent_with_the_derivative_as_slope():
    fig = graph("x^3 - 3x", (-2, 2), tangent_at=[0.5], resolution=50)
    top, bottom = fig.axes
    (tangent,) = lines_with_gid(top, "tangent")
    (x0, x1), (y0, y1) = tangent.get_xdata(), tangent.get_ydata()
    assert (y1 - y0) / (x1 - x0) == pytest.approx(3 * 0.5**2 - 3)
    (derivative,) = lines_with_gid(bottom, "derivative")
    np.testing.assert_allclose(derivative.get_ydata(), 3 * derivative.get_xdata() ** 2 - 3)
    np.testing.assert_allclose(offsets_with_gid(top, "stationary-minimum"), [[1.0, -2.0]])


def test_plot_gradient_chooses_the_picture_by_the_number_of_variables():
    assert len(plot_gradient("sin(x)", (-3, 3), resolution=30).axes) == 2
    assert plot_gradient("x y", BOX, kind="surface", resolution=10).axes[0].name == "3d"
    with pytest.raises(SteepestError, match="--fix z=0"):
        plot_gradient("x y z")
    with pytest.raises(SteepestError, match="kind must be one of"):
        plot_gradient("x y", kind="pie")


# -- files -------------------------------------------------------------------------------


@pytest.mark.parametrize(("suffix", "magic"), [(".png", b"\x89PNG"), (".pdf", b"%PDF"),
                                               (".svg", b"<?xml")])
def test_save_figure_writes_the_format_its_name_asks_for(tmp_path, suffix, magic):
    fig = contour_map("x^2 - y^2", BOX, arrows=4, resolution=20)
    path = save_figure(fig, tmp_path / f"map{suffix}", dpi=50)
    data = path.read_bytes()
    assert data.startswith(magic) and len(data) > 1000
    if suffix == ".png":
        from PIL import Image

        with Image.open(path) as image:
            assert image.size == (round(6.4 * 50), round(5.2 * 50))
    if suffix == ".svg":
        assert b"<svg" in data


def test_save_figure_refuses_unknown_formats_and_missing_folders(tmp_path):
    fig = contour_map("x^2 - y^2", BOX, arrows=0, resolution=10, stationary=False)
    with pytest.raises(SteepestError, match=r"expected one of \.png, \.svg, \.pdf"):
        save_figure(fig, tmp_path / "map.jpg")
    with pytest.raises(SteepestError, match="does not exist"):
        save_figure(fig, tmp_path / "nowhere" / "map.png")


def test_animation_is_a_gif_with_one_frame_per_step(tmp_path):
    from PIL import Image

    r = minimize("x^2 + 3y^2", [1.5, 1.0], learning_rate=0.1, max_iter=12, tol=0)
    out = animate_descent("x^2 + 3y^2", r, tmp_path / "d.gif", BOX, hold=2, resolution=30,
                          arrows=4, dpi=40)
    with Image.open(out) as image:
        assert image.format == "GIF"
        # every step, then the end (with its markers) held for 1 + hold frame durations
        assert image.n_frames == len(r.path) + 1
        step = image.info["duration"]
        assert step == pytest.approx(1000 / 12, abs=10)  # GIF counts in hundredths
        image.seek(image.n_frames - 1)
        assert image.info["duration"] == 3 * step
    long = minimize("x^2 + 3y^2", [1.5, 1.0], learning_rate=0.01, max_iter=300, tol=0)
    out = animate_descent("x^2 + 3y^2", long, tmp_path / "l.gif", BOX, max_frames=10, hold=0,
                          resolution=30, arrows=0, dpi=30)
    with Image.open(out) as image:
        assert image.n_frames == 11


def test_animation_formats(tmp_path):
    r = minimize("x^2 + y^2", [1.0, 1.0], learning_rate=0.3, max_iter=5)
    with pytest.raises(SteepestError, match=r"\.gif"):
        animate_descent("x^2 + y^2", r, tmp_path / "d.avi", BOX)
    if ffmpeg_available():
        out = animate_descent("x^2 + y^2", r, tmp_path / "d.mp4", BOX, resolution=20, dpi=40)
        assert out.read_bytes()[4:8] == b"ftyp"
    else:
        with pytest.raises(SteepestError, match="ffmpeg"):
            animate_descent("x^2 + y^2", r, tmp_path / "d.mp4", BOX)


def test_importing_steepest_plot_or_stationary_does_not_import_matplotlib():
    code = ("import sys, steepest.plot, steepest.calculus.stationary; "
            "print('matplotlib' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False"


@pytest.mark.parametrize("text", ["log(x) + y^2", "1/(x^2 + y^2)", "abs(x) + y^2", "tan(x) + y"])
def test_functions_with_gaps_poles_or_kinks_still_draw(text):
    fig = plot_gradient(text, BOX, arrows=6, resolution=30)
    q = quiver_of(fig)
    assert np.ma.count_masked(q.U) < q.U.size  # some arrows drawn where f is defined


def test_graph_skips_tangents_outside_the_domain_and_constants_are_refused():
    fig = graph("log(x)", (-2, 2), tangent_at=[-1, 1], resolution=40)
    (tangent,) = lines_with_gid(fig.axes[0], "tangent")
    assert (tangent.get_ydata()[1] - tangent.get_ydata()[0]) / np.ptp(tangent.get_xdata()) == (
        pytest.approx(1.0))
    with pytest.raises(SteepestError, match="constant"):
        plot_gradient("5")


def test_an_interrupted_save_leaves_the_old_file_whole(tmp_path, monkeypatch):
    from matplotlib.figure import Figure

    target = tmp_path / "map.svg"
    target.write_bytes(b"<svg>old</svg>\n")
    fig = contour_map("x^2 - y^2", BOX, arrows=0, resolution=10, stationary=False)

    def interrupted(self, file, **options):  # Ctrl-C after the first 100 bytes
        file.write(b"<?xml version='1.0'?>\n<svg" + b" " * 80)
        raise KeyboardInterrupt

    monkeypatch.setattr(Figure, "savefig", interrupted)
    with pytest.raises(KeyboardInterrupt):
        save_figure(fig, target)
    assert target.read_bytes() == b"<svg>old</svg>\n"
    assert [p.name for p in tmp_path.iterdir()] == ["map.svg"]


def test_an_interrupted_animation_leaves_the_old_file_whole(tmp_path, monkeypatch):
    from steepest.plot import animate

    target = tmp_path / "d.gif"
    target.write_bytes(b"GIF89a old")
    r = minimize("x^2 + y^2", [1.0, 1.0], learning_rate=0.3, max_iter=5)

    def interrupted(images, out, fps):
        out.write_bytes(b"GIF89a" + bytes(50))
        raise KeyboardInterrupt

    monkeypatch.setattr(animate, "_write_gif", interrupted)
    with pytest.raises(KeyboardInterrupt):
        animate_descent("x^2 + y^2", r, target, BOX, resolution=20, arrows=0, dpi=30)
    assert target.read_bytes() == b"GIF89a old"
    assert [p.name for p in tmp_path.iterdir()] == ["d.gif"]


def test_figure_sizes_are_bounded(tmp_path):
    fig = contour_map("x^2 - y^2", BOX, arrows=0, resolution=10, stationary=False)
    with pytest.raises(SteepestError, match="dpi must be above 0 and at most 1200"):
        save_figure(fig, tmp_path / "f.png", dpi=100_000)
    with pytest.raises(SteepestError, match=r"million pixels; at most 25 million"):
        save_figure(fig, tmp_path / "f.png", dpi=1000)
    r = minimize("x^2 + y^2", [1.0, 1.0], learning_rate=0.3, max_iter=5)
    with pytest.raises(SteepestError, match="max_frames must be a whole number from 2"):
        animate_descent("x^2 + y^2", r, tmp_path / "d.gif", BOX, max_frames=10**6)
    assert list(tmp_path.iterdir()) == []
