"""`plot_gradient(g)` and `plot_result(result, f)` draw what they are given."""

from __future__ import annotations

import numpy as np

import steepest
from steepest.plot import plot_gradient, plot_result


def test_plot_gradient_draws_a_contour_map_with_its_gradient_field():
    fig = plot_gradient(steepest.gradient("x^2 - y^2"), [(-2, 2), (-2, 2)])
    quivers = [c for ax in fig.axes for c in ax.collections if type(c).__name__ == "Quiver"]
    assert quivers, "no gradient field drawn"
    q = quivers[0]
    # each arrow points along the gradient (2x, -2y) at its foot
    expected = np.column_stack([2 * q.X, -2 * q.Y])
    drawn = np.column_stack([q.U, q.V])
    cross = expected[:, 0] * drawn[:, 1] - expected[:, 1] * drawn[:, 0]
    assert np.allclose(cross, 0, atol=1e-9)
    assert np.all(np.sum(expected * drawn, axis=1) >= 0)


def test_plot_result_draws_the_path_it_took():
    result = steepest.minimize("x^2 + 3y^2", [2, 1], learning_rate=0.1)
    fig = plot_result(result, "x^2 + 3y^2")
    lines = [line for ax in fig.axes for line in ax.get_lines()]
    assert any(
        len(line.get_xdata()) == len(result.path)
        and np.allclose(line.get_xdata(), result.path[:, 0])
        and np.allclose(line.get_ydata(), result.path[:, 1])
        for line in lines
    )


def test_results_have_no_plot_method_so_the_core_never_imports_pictures():
    assert not hasattr(steepest.Result, "plot")
    assert not hasattr(steepest.Gradient, "plot")
