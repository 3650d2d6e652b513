"""Tests for steepest.data.images.prepare_drawing: a canvas's pixels, prepared as a picture."""

from __future__ import annotations

import numpy as np
import pytest

from steepest.data.images import MAX_CANVAS_SIDE, prepare_drawing, prepare_image
from steepest.errors import DataError


def test_a_canvas_drawing_is_prepared_exactly_as_a_picture():
    rgba = np.zeros((120, 90, 4), np.uint8)  # a canvas: black ink on a transparent sheet
    rgba[20:30, 20:70, 3] = 255  # the bar of a 7
    for row in range(30, 100):
        column = int(65 - 0.4 * (row - 30))
        rgba[row, column - 5 : column + 5, 3] = 255
    x = prepare_drawing(rgba.tobytes(), 90, 120)
    np.testing.assert_array_equal(x, prepare_image(rgba))
    np.testing.assert_array_equal(prepare_drawing(rgba, 90, 120), x)
    assert x.shape == (784,) and x.dtype == np.float32 and x.max() == 1.0


def test_a_canvas_drawing_is_checked_before_it_is_read():
    with pytest.raises(DataError, match=f"width must be 1 to {MAX_CANVAS_SIDE}"):
        prepare_drawing(b"", MAX_CANVAS_SIDE + 1, 10)
    with pytest.raises(DataError, match="height must be 1 to"):
        prepare_drawing(b"", 10, 0)
    with pytest.raises(DataError, match="has 400 RGBA values; got 399"):
        prepare_drawing(bytes(399), 10, 10)
    with pytest.raises(DataError, match="nothing is drawn yet"):
        prepare_drawing(bytes(400), 10, 10)
    with pytest.raises(TypeError, match="uint8"):
        prepare_drawing(np.zeros(400), 10, 10)
    with pytest.raises(TypeError, match="width must be an int"):
        prepare_drawing(bytes(400), 10.0, 10)
