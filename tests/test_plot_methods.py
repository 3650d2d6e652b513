"""`Gradient.plot()` and `Result.plot()` draw what they belong to."""

from __future__ import annotations

import numpy as np

import steepest


def test_gradient_plot_draws_a_contour_map_with_its_gradient_field():
    fig = steepest.gradient("x^2 - y^2").plot([(-2, 2), (-2, 2)])
    quivers = [c for ax in fig.axes for c in ax.collections if type(c).__name__ == "Quiver"]
    assert quivers, "no gradient field drawn"
    q = quivers[0]
    # each arrow points along the gradient (2x, -2y) at its foot
    expected = np.column_stack([2 * q.X, -2 * q.Y])
    drawn = np.column_stack([q.U, q.V])
    cross = expected[:, 0] * drawn[:, 1] - expected[:, 1] * drawn[:, 0]
    assert np.allclose(cross, 0, atol=1e-9)
    assert np.all(np.sum(expected * drawn, axis=1) >= 0)


def test_result_plot_draws_the_path_it_took():
    result = steepest.minimize("x^2 + 3y^2", [2, 1], learning_rate=0.1)
    fig = result.plot("x^2 + 3y^2")
    lines = [line for ax in fig.axes for line in ax.get_lines()]
    assert any(
        len(line.get_xdata()) == len(result.path)
        and np.allclose(line.get_xdata(), result.path[:, 0])
        and np.allclose(line.get_ydata(), result.path[:, 1])
        for line in lines
    )


def test_no_public_name_is_shadowed_by_a_module_of_the_same_name():
    import importlib
    import types

    import steepest.check
    import steepest.plot

    for package in (steepest, steepest.plot, steepest.check):
        for name, module in package._LAZY.items():
            importlib.import_module(module)  # importing a module sets it on its package
            value = getattr(package, name)
            assert not isinstance(value, types.ModuleType), f"{package.__name__}.{name}"
