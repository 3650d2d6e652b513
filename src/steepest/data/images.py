"""A picture of one digit as the 784 inputs an MNIST network expects: :func:`prepare_image`.

It reads any picture of a digit (a file Pillow can read, a :class:`PIL.Image.Image`, or an
array) and prepares it the way MNIST itself was made: grey, light ink on a dark
background, the digit scaled into a 20 × 20 box and placed in a 28 × 28 field with its
centre of mass at the middle. ``steepest predict`` calls it. Left out: any segmentation of
several digits in one image.
"""

from __future__ import annotations

import os
import re
import warnings
from typing import Any

import numpy as np

from steepest.errors import DataError

__all__ = ["MAX_CANVAS_SIDE", "MAX_IMAGE_PIXELS", "prepare_drawing", "prepare_image"]

#: The side of an MNIST image, the box its digit is scaled into, and where its mass centre sits.
SIDE, BOX, CENTRE = 28, 20, 14.0
#: The largest picture :func:`prepare_image` reads (a 6000 × 4000 photo; about 1 GB of
#: memory while it is prepared), checked from the file's header before decoding.
MAX_IMAGE_PIXELS = 24_000_000
#: The largest side of a drawing :func:`prepare_drawing` takes, in pixels.
MAX_CANVAS_SIDE = 1024


def prepare_image(image: Any) -> np.ndarray:
    """A picture of one digit as MNIST-style network inputs: ``(784,)`` float32 in [0, 1].

    The steps are those that made MNIST: convert to grey; make the ink light on a dark
    background (a picture whose border is light, dark ink on paper, is inverted); stretch
    so the background is 0 and the strongest ink 1; crop to the ink; scale so the larger
    side is 20 pixels, keeping the aspect ratio; place it in a 28 × 28 field so that its
    centre of mass falls on pixel (14, 14) (row, column), as in MNIST, moving it only as
    far as keeps all the ink inside.

    Parameters
    ----------
    image
        A path to any image Pillow reads (PNG, JPEG, ...), a :class:`PIL.Image.Image`, or
        an array: ``(h, w)`` grey or ``(h, w, 3|4)`` RGB(A), integers in 0..255 or floats
        in [0, 1]. A transparent background takes the colour opposite to the ink.

    Returns
    -------
    numpy.ndarray
        float32 ``(784,)``: the 28 × 28 pixels row by row, 0 background, 1 full ink.

    Raises
    ------
    DataError
        If the file is missing or not an image, the picture has more than
        :data:`MAX_IMAGE_PIXELS` pixels, or it has no ink (one flat colour).

    Examples
    --------
    >>> picture = np.full((60, 40), 255, np.uint8)  # white paper
    >>> picture[10:50, 18:24] = 0                   # a black "1"
    >>> x = prepare_image(picture)
    >>> x.shape, x.dtype, float(x.max())
    ((784,), dtype('float32'), 1.0)
    >>> rows, cols = np.nonzero(x.reshape(28, 28) > 0.5)
    >>> int(rows.min()), int(rows.max()) + 1  # 20 pixels tall, in the middle
    (4, 24)
    """
    grey = _grey(image)
    border = np.concatenate([grey[0], grey[-1], grey[1:-1, 0], grey[1:-1, -1]])
    if np.median(border) > 0.5:  # dark ink on light paper: make the ink light, as MNIST
        grey = 1.0 - grey
        border = 1.0 - border
    background = float(np.median(border))
    span = float(grey.max()) - background
    if not span > 1e-3:
        raise DataError(
            f"{_name(image)} shows no digit: it is one flat colour (no ink darker or "
            "lighter than its border)"
        )
    ink = np.clip((grey - background) / span, 0.0, 1.0)
    rows, cols = np.nonzero(ink > 0.2)
    ink = ink[rows.min() : rows.max() + 1, cols.min() : cols.max() + 1]
    small = _scale(ink, BOX)
    return _centre(small).reshape(SIDE * SIDE)


def prepare_drawing(pixels: bytes | Any, width: int, height: int) -> np.ndarray:
    """A drawing's raw RGBA pixels (a canvas's ``getImageData``) as the network's 784 inputs.

    The sizes are checked before any array is made; then the picture goes through
    :func:`prepare_image`, exactly as ``steepest predict`` prepares a file.

    Parameters
    ----------
    pixels
        ``width × height × 4`` bytes (or a uint8 array of that many values), row by row,
        red, green, blue and alpha of each pixel: ink on a transparent or a plain sheet.
    width, height
        The drawing's size, 1 to :data:`MAX_CANVAS_SIDE` pixels each.

    Returns
    -------
    numpy.ndarray
        float32 ``(784,)`` in [0, 1], as :func:`prepare_image` returns.

    Raises
    ------
    DataError
        If the sizes are out of range or do not match the pixels, or nothing is drawn.

    Examples
    --------
    >>> sheet = np.zeros((100, 80, 4), np.uint8)  # transparent
    >>> sheet[20:80, 36:44] = (0, 0, 0, 255)      # a black stroke
    >>> prepare_drawing(sheet.tobytes(), 80, 100).reshape(28, 28)[14].round(1).max()
    np.float32(1.0)
    """
    for name, value in (("width", width), ("height", height)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
            raise TypeError(f"{name} must be an int; got {type(value).__name__}")
        if not 1 <= value <= MAX_CANVAS_SIDE:
            raise DataError(f"a drawing's {name} must be 1 to {MAX_CANVAS_SIDE} pixels; "
                            f"got {value}")
    if isinstance(pixels, (bytes, bytearray, memoryview)):
        count = len(pixels)
    else:
        pixels = np.asarray(pixels)
        if pixels.dtype != np.uint8:
            raise TypeError(f"pixels must be bytes or a uint8 array; got {pixels.dtype}")
        count = pixels.size
    if count != width * height * 4:
        raise DataError(f"a {width} × {height} drawing has {width * height * 4:,} RGBA values; "
                        f"got {count:,}")
    rgba = np.frombuffer(pixels, np.uint8) if isinstance(pixels, (bytes, bytearray, memoryview)) \
        else pixels.reshape(-1)
    try:
        return prepare_image(rgba.reshape(height, width, 4))
    except DataError:
        raise DataError("nothing is drawn yet: the drawing is one flat colour") from None


def _name(image: Any) -> str:
    return repr(os.fspath(image)) if isinstance(image, (str, os.PathLike)) else "the image"


def _grey(image: Any) -> np.ndarray:
    """The picture as float64 grey levels in [0, 1], transparency resolved."""
    from PIL import Image, UnidentifiedImageError

    if isinstance(image, (str, os.PathLike)):
        path = os.fspath(image)
        try:
            with warnings.catch_warnings():  # the size is checked here, before decoding
                warnings.simplefilter("ignore", Image.DecompressionBombWarning)
                with Image.open(path) as opened:  # reads the header only
                    _check_pixels(opened.size, path)
                    opened.load()
                    image = opened.copy()
        except DataError:
            raise
        except Image.DecompressionBombError as error:  # a header Pillow itself refuses
            # its size, from Pillow's message when it says it: our limit is the one named
            size = re.search(r"\((\d+) pixels\)", str(error))
            megapixels = f" ({int(size[1]) / 1e6:,.1f} megapixels)" if size else ""
            raise DataError(
                f"{path!r} is larger than the {MAX_IMAGE_PIXELS / 1e6:g} megapixels steepest "
                f"reads{megapixels}\nhint: a digit needs few pixels: scale the picture down "
                "(MNIST's are 28 × 28)"
            ) from None
        except FileNotFoundError:
            raise DataError(f"no image file at {path!r}") from None
        except IsADirectoryError:
            raise DataError(f"{path!r} is a folder, not an image file") from None
        except (UnidentifiedImageError, OSError, ValueError) as error:
            reason = str(error).splitlines()[0] if str(error) else type(error).__name__
            raise DataError(
                f"cannot read {path!r} as an image ({reason}); expected PNG, JPEG or "
                "another format Pillow reads"
            ) from None
    if isinstance(image, Image.Image):
        from PIL import ImageOps

        _check_pixels(image.size, None)
        image = ImageOps.exif_transpose(image)  # a photo the way up its camera saw it
        if image.mode.startswith("I;16"):  # 16-bit grey: keep every level
            array = np.asarray(image, dtype=np.float64) / 65535.0
        elif image.mode in ("I", "F"):  # 32-bit grey, no fixed range: its own maximum
            array = np.asarray(image, dtype=np.float64)
            array = np.clip(array / max(float(array.max()), 1e-12), 0.0, 1.0)
        else:
            array = np.asarray(image.convert("RGBA"), dtype=np.float64) / 255.0
    else:
        array = _array(image)
    if array.ndim == 2:
        return array
    colour, alpha = array[..., :3], array[..., 3] if array.shape[2] == 4 else None
    grey = colour @ np.array([0.299, 0.587, 0.114])  # ITU-R 601 luma, as Pillow's "L"
    if alpha is not None and alpha.min() < 1.0:
        # ink drawn on a transparent sheet: put the sheet behind it in the opposite colour
        weight = alpha.sum()
        ink = float((grey * alpha).sum() / weight) if weight > 0 else 0.0
        sheet = 1.0 if ink < 0.5 else 0.0
        grey = alpha * grey + (1.0 - alpha) * sheet
    return grey


def _check_pixels(size: tuple[int, int], path: str | None) -> None:
    """Refuse a picture of more than :data:`MAX_IMAGE_PIXELS`, from its (width, height)."""
    width, height = size
    if width * height > MAX_IMAGE_PIXELS:
        what = repr(path) if path is not None else "the image"
        raise DataError(
            f"{what} is {width:,} × {height:,} pixels ({width * height / 1e6:.1f} "
            f"megapixels); steepest reads pictures of at most {MAX_IMAGE_PIXELS / 1e6:g} "
            "megapixels\nhint: a digit needs few pixels: scale the picture down (MNIST's "
            "are 28 × 28)"
        )


def _array(image: Any) -> np.ndarray:
    """An array picture as float64 in [0, 1], shape (h, w) or (h, w, 3|4), checked."""
    try:
        array = np.asarray(image)
    except (TypeError, ValueError):
        array = np.asarray(None)
    if array.dtype.kind not in "iuf" or array.dtype == np.bool_:
        raise TypeError(
            "image must be a path, a PIL.Image.Image or an array of pixel values; got "
            f"{type(image).__name__}"
        )
    shape_ok = array.ndim == 2 or (array.ndim == 3 and array.shape[2] in (3, 4))
    if not shape_ok or min(array.shape[:2], default=0) < 1:
        raise DataError(
            f"an image array must have shape (h, w) or (h, w, 3|4); got {array.shape}"
        )
    if array.dtype.kind in "iu":
        low, high, scale = 0, 255, 255.0
    else:
        low, high, scale = 0.0, 1.0, 1.0
    if not np.all(np.isfinite(array)) or array.min() < low or array.max() > high:
        raise DataError(
            f"image values must lie in {low}..{high} for a {array.dtype} array; got the "
            f"range {array.min()}..{array.max()}. hint: integers are 0..255, floats 0..1"
        )
    return array.astype(np.float64) / scale


def _scale(ink: np.ndarray, box: int) -> np.ndarray:
    """Resize so the larger side is ``box`` pixels (aspect kept), strongest ink back at 1."""
    from PIL import Image

    h, w = ink.shape
    factor = box / max(h, w)
    size = (max(1, round(w * factor)), max(1, round(h * factor)))  # Pillow: (width, height)
    # area averaging when shrinking (anti-aliasing, as MNIST), smooth interpolation else
    method = Image.Resampling.BOX if factor < 1 else Image.Resampling.BICUBIC
    small = np.asarray(Image.fromarray(ink.astype(np.float32)).resize(size, method))
    small = np.clip(small, 0.0, None)
    return small / small.max()


def _centre(small: np.ndarray) -> np.ndarray:
    """Place ``small`` in a 28 × 28 field with its centre of mass at (14, 14), whole."""
    h, w = small.shape
    mass = small.sum()
    cy = float((small.sum(axis=1) * np.arange(h)).sum() / mass)
    cx = float((small.sum(axis=0) * np.arange(w)).sum() / mass)
    top = min(max(round(CENTRE - cy), 0), SIDE - h)
    left = min(max(round(CENTRE - cx), 0), SIDE - w)
    field = np.zeros((SIDE, SIDE), np.float32)
    field[top : top + h, left : left + w] = small
    return field
