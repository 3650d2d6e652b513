"""The digit classifier's helpers: how well a network reads MNIST, and how to feed it a picture.

:func:`evaluate` runs a trained :class:`~steepest.nn.Network` over labelled images and
returns an :class:`Evaluation` (accuracy, accuracy per digit, confusion matrix, and a text
report). :func:`prepare_image` turns any picture of a digit (a file Pillow can read, a
:class:`PIL.Image.Image`, or an array) into the 784 inputs the network expects, the way
MNIST itself was made: grey, light ink on a dark background, the digit scaled into a
20 × 20 box and placed in a 28 × 28 field with its centre of mass at the middle.

The command line (``steepest evaluate``, ``steepest predict``) and the tour call these.
Left out: training (:func:`steepest.nn.train`), loading data (:mod:`steepest.data`),
pictures (:mod:`steepest.plot.digits`), and any segmentation of several digits in one image.
"""

from __future__ import annotations

import os
import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from steepest.errors import DataError, NetworkError

if TYPE_CHECKING:  # pragma: no cover
    from steepest.cost import Cost
    from steepest.nn import Network

__all__ = ["MAX_CANVAS_SIDE", "Evaluation", "evaluate", "prepare_drawing", "prepare_image",
           "score"]

#: The side of an MNIST image, the box its digit is scaled into, and where its mass centre sits.
SIDE, BOX, CENTRE = 28, 20, 14.0
#: The largest picture :func:`prepare_image` reads (a 6000 × 4000 photo; about 1 GB of
#: memory while it is prepared), checked from the file's header before decoding.
MAX_IMAGE_PIXELS = 24_000_000
_CHUNK = 4096  # examples per forward pass in evaluate (bounds the memory)
#: The largest side of a drawing :func:`prepare_drawing` takes, in pixels.
MAX_CANVAS_SIDE = 1024


@dataclass(frozen=True, repr=False, eq=False)  # arrays: no element-wise ==
class Evaluation:
    """How a network did on labelled examples.

    Attributes
    ----------
    labels : numpy.ndarray
        The true class of each example, int64 ``(n,)``.
    predictions : numpy.ndarray
        The network's class for each example (its largest output), int64 ``(n,)``.
    confusion : numpy.ndarray
        int64 ``(k, k)``: ``confusion[i, j]`` counts examples of class ``i`` predicted
        as ``j``; rows are the truth, columns the prediction, the diagonal is right.
    """

    labels: np.ndarray
    predictions: np.ndarray
    confusion: np.ndarray

    @property
    def count(self) -> int:
        """The number of examples."""
        return int(self.labels.size)

    @property
    def correct(self) -> int:
        """The number of examples predicted right."""
        return int(np.trace(self.confusion))

    @property
    def accuracy(self) -> float:
        """The fraction of examples predicted right (``nan`` with no examples)."""
        return self.correct / self.count if self.count else float("nan")

    @property
    def per_digit(self) -> np.ndarray:
        """The accuracy on each true class (recall); ``nan`` for a class with no examples."""
        totals = self.confusion.sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.diagonal(self.confusion) / totals

    @property
    def wrong(self) -> np.ndarray:
        """The indices of the examples predicted wrong, in order."""
        return np.flatnonzero(self.predictions != self.labels)

    def __repr__(self) -> str:
        return f"Evaluation(accuracy={self.accuracy:.4f}, count={self.count})"

    def report(self) -> str:
        """Accuracy, accuracy per digit and the confusion matrix, as plain text.

        Examples
        --------
        >>> e = Evaluation.from_predictions([0, 1, 1, 2], [0, 1, 2, 2], classes=3)
        >>> print(e.report())
        accuracy 75.00% (3 of 4 right)
        <BLANKLINE>
        digit         0       1       2
        right    100.0%   50.0%  100.0%
        count         1       2       1
        <BLANKLINE>
        confusion matrix (rows: true digit, columns: predicted digit)
                0   1   2
            0   1   .   .
            1   .   1   1
            2   .   .   1
        """
        k = self.confusion.shape[0]
        lines = [f"accuracy {self.accuracy:.2%} ({self.correct:,} of {self.count:,} right)", ""]
        lines.append("digit  " + "".join(f"{d:>8}" for d in range(k)))
        shown = ["     –" if np.isnan(a) else f"{a:.1%}" for a in self.per_digit]
        lines.append("right  " + "".join(f"{s:>8}" for s in shown))
        lines.append("count  " + "".join(f"{n:>8,}" for n in self.confusion.sum(axis=1)))
        lines += ["", "confusion matrix (rows: true digit, columns: predicted digit)"]
        width = max(4, len(f"{self.confusion.max(initial=0):,}") + 1)
        lines.append("     " + "".join(f"{d:>{width}}" for d in range(k)))
        for digit, row in enumerate(self.confusion):
            cells = "".join(f"{n:>{width},}" if n else f"{'.':>{width}}" for n in row)
            lines.append(f"{digit:>5}{cells}")
        return "\n".join(lines)

    @classmethod
    def from_predictions(cls, labels: Any, predictions: Any, classes: int = 10) -> Evaluation:
        """An evaluation from true labels and predicted labels (``classes`` of them).

        Examples
        --------
        >>> Evaluation.from_predictions([3, 3, 5], [3, 5, 5]).accuracy
        0.6666666666666666
        """
        labels = _labels(labels, classes, "labels")
        predictions = _labels(predictions, classes, "predictions")
        if labels.shape != predictions.shape:
            raise NetworkError(
                f"labels and predictions must have the same length; got {labels.size} "
                f"labels and {predictions.size} predictions"
            )
        confusion = np.zeros((classes, classes), np.int64)
        np.add.at(confusion, (labels, predictions), 1)
        return cls(labels, predictions, confusion)


def _labels(values: Any, classes: int, name: str) -> np.ndarray:
    """Integer class labels ``(n,)`` in ``0 .. classes-1``, checked."""
    array = np.asarray(values)
    if array.dtype.kind not in "iu":
        raise TypeError(f"{name} must be integer class labels; got dtype {array.dtype}")
    if array.ndim != 1:
        raise NetworkError(f"{name} must be one label per example, shape (n,); got {array.shape}")
    if array.size and (array.min() < 0 or array.max() >= classes):
        bad = int(array[(array < 0) | (array >= classes)][0])
        raise NetworkError(
            f"{name} must lie in 0..{classes - 1} (one per output of the network); got {bad}"
        )
    return array.astype(np.int64)


def evaluate(network: Network, images: Any, labels: Any) -> Evaluation:
    """Run ``network`` over labelled images: accuracy, per-digit accuracy, confusion matrix.

    Parameters
    ----------
    network
        A trained :class:`~steepest.nn.Network`; its prediction is its largest output.
    images
        Inputs, one example a row: ``(n, 784)`` for MNIST, as :func:`steepest.load_mnist`
        gives them.
    labels
        The true class of each example, integers ``(n,)``.

    Returns
    -------
    Evaluation
        ``accuracy``, ``per_digit``, ``confusion`` (rows true, columns predicted),
        ``predictions``, and ``report()`` for a text table.

    Examples
    --------
    >>> from steepest.nn import Network
    >>> net = Network([784, 10], output="softmax", seed=0)
    >>> result = evaluate(net, np.zeros((3, 784)), [1, 2, 3])
    >>> result.confusion.shape, result.count
    ((10, 10), 3)
    """
    x = np.asarray(images)
    if x.ndim != 2 or x.shape[1] != network.sizes[0]:
        raise NetworkError(
            f"images must have shape (n, {network.sizes[0]}) for this network "
            f"{list(network.sizes)}; got shape {x.shape}"
        )
    y = _labels(labels, network.sizes[-1], "labels")
    if y.size != x.shape[0]:
        raise NetworkError(f"got {x.shape[0]} images but {y.size} labels; give one label per image")
    predictions = network.outputs(x, chunk=_CHUNK).argmax(axis=1)
    return Evaluation.from_predictions(y, predictions, network.sizes[-1])


def score(network: Network, x: np.ndarray, y: np.ndarray, cost: Cost) -> tuple[float, float]:
    """The mean cost and the accuracy of ``network`` on checked data (``y`` one-hot rows).

    The scoring of :meth:`Network.evaluate <steepest.nn.Network.evaluate>` and of
    :func:`~steepest.nn.train`'s test data after each epoch; the forward pass is chunked
    (:meth:`~steepest.nn.Network.outputs`). Outputs that overflow to NaN or infinity
    (huge weights) give ``(nan, nan)``.
    """
    outputs = network.outputs(x, chunk=_CHUNK)
    if not np.isfinite(outputs).all():
        return float("nan"), float("nan")
    right = outputs.argmax(axis=1) == y.argmax(axis=1)
    return float(cost.value(y, outputs)), float(right.mean())


# ------------------------------------------------------------------ one picture
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
            raise DataError(
                f"{path!r} is larger than the {MAX_IMAGE_PIXELS / 1e6:g} megapixels steepest "
                f"reads ({str(error).rstrip('.')})\nhint: a digit needs few pixels: scale "
                "the picture down"
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
