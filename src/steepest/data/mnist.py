"""MNIST, the handwritten digits: the official files, and a small sample that ships inside.

:func:`load_mnist` gives the official split, 60,000 training and 10,000 test images,
read by our own IDX reader (:mod:`steepest.data.idx`) from the four standard ``.gz``
files. It looks for them in this order:

1. the folder passed as ``data_dir`` (``--data-dir`` on the command line), else
2. the folder named by the environment variable ``STEEPEST_DATA``, else
3. the user cache (``cache_dir``, by default ``platformdirs.user_cache_dir("steepest")``
   + ``/mnist``), downloading the missing files into it through ``pooch`` from the usual
   public mirrors, tried in turn, each file checked against its SHA-256.

A folder you name (1 or 2) is used as it is: nothing is downloaded into it, and if a file
is missing the error says which. Files already on disk are not hashed (a folder may hold
plain or re-compressed copies); they are checked as they are read: gzip's own checksum,
the IDX magic numbers and dimensions against the file lengths, 28 × 28 images, labels
0..9, as many labels as images. :func:`load_mnist_sample` needs no file at all: a sample
of the official files (5,000 training and 1,000 test images, see ``README.md`` in this
folder for its provenance and licence) is part of the package.

Both return an :class:`MNIST`: ``data.train`` and ``data.test`` are ``(images, labels)``
pairs, images float32 in [0, 1] of shape ``(n, 784)`` (rows of 28 × 28 pixels, 0
background, 1 full ink), labels int64 0..9. Augmentation, validation splits and other
datasets (Fashion-MNIST has the same format: ``data_dir`` reads it) are left out.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import NamedTuple

import numpy as np

from steepest.data.idx import read_idx
from steepest.errors import DataError

__all__ = ["FILES", "MNIST", "Split", "load_mnist", "load_mnist_sample", "missing_files"]

# The four official files, (images, labels) of each split, and the SHA-256 of each .gz.
_TRAIN = ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz")
_TEST = ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz")
_SHA256: dict[str, str] = dict(
    zip(
        _TRAIN + _TEST,
        (
            "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
            "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
            "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
            "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
        ),
        strict=True,
    )
)
# Mirrors of the official files, tried in this order.
_MIRRORS: tuple[str, ...] = (
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
    "http://yann.lecun.com/exdb/mnist/",
)
#: The four official files, as :func:`load_mnist` looks for them (each also uncompressed).
FILES: tuple[str, ...] = tuple(_SHA256)
_IMAGES_MAGIC, _LABELS_MAGIC = 0x00000803, 0x00000801
_SAMPLE = "mnist-sample.npz"
ENV_VAR = "STEEPEST_DATA"


class Split(NamedTuple):
    """One part of MNIST, training or test: ``images, labels = split``.

    ``images`` is float32 of shape ``(n, 784)`` with values in [0, 1] (reshape a row to
    ``(28, 28)`` to see the digit); ``labels`` is int64 of shape ``(n,)`` with values 0..9.
    """

    images: np.ndarray
    labels: np.ndarray

    def __repr__(self) -> str:
        images, labels = self.images, self.labels
        return f"Split(images={images.dtype} {images.shape}, labels={labels.dtype} {labels.shape})"


@dataclass(frozen=True, repr=False)
class MNIST:
    """The MNIST digits: ``train`` and ``test`` splits and where they came from.

    Unpacks as ``(train, test)``, each an ``(images, labels)`` pair, so both
    ``x, y = data.train`` and ``(x, y), (x_test, y_test) = data`` work.

    Attributes
    ----------
    train, test : Split
        Images float32 ``(n, 784)`` in [0, 1], labels int64 ``(n,)`` in 0..9.
    source : str
        ``"sample"`` for the sample bundled with steepest, else the folder the files were
        read from.
    """

    train: Split
    test: Split
    source: str

    def __iter__(self) -> Iterator[Split]:  # (train, test), as keras.datasets.mnist.load_data
        yield self.train
        yield self.test

    def __repr__(self) -> str:
        return (
            f"MNIST(train={len(self.train.labels):,} images, "
            f"test={len(self.test.labels):,} images, source={self.source!r})"
        )


def load_mnist(
    data_dir: str | os.PathLike[str] | None = None,
    *,
    download: bool = True,
    cache_dir: str | os.PathLike[str] | None = None,
) -> MNIST:
    """Load the official MNIST split: 60,000 training and 10,000 test images.

    Parameters
    ----------
    data_dir : str or path-like, optional
        A folder holding the four files ``train-images-idx3-ubyte.gz``,
        ``train-labels-idx1-ubyte.gz``, ``t10k-images-idx3-ubyte.gz`` and
        ``t10k-labels-idx1-ubyte.gz`` (each may also be uncompressed, without ``.gz``).
        Defaults to the environment variable ``STEEPEST_DATA``, then the user cache.
        Nothing is downloaded into a folder given this way.
    download : bool, default True
        Whether to download files missing from the cache (about 11 MB, SHA-256 checked).
    cache_dir : str or path-like, optional
        The cache folder, used when neither ``data_dir`` nor ``STEEPEST_DATA`` is given;
        by default ``mnist`` in ``platformdirs.user_cache_dir("steepest")``.

    Returns
    -------
    MNIST
        ``data.train`` and ``data.test`` as ``(images, labels)`` pairs, images float32
        ``(n, 784)`` in [0, 1], labels int64 in 0..9; ``data.source`` is the folder.

    Raises
    ------
    DataError
        If files are missing (the message lists them and says where to put them), cannot
        be downloaded or fail their checksum, or are corrupt or inconsistent.

    See Also
    --------
    load_mnist_sample : a small sample that ships with steepest and needs no download.

    Examples
    --------
    >>> data = load_mnist()  # doctest: +SKIP
    >>> data  # doctest: +SKIP
    MNIST(train=60,000 images, test=10,000 images, source='/home/me/.cache/steepest/mnist')
    >>> x, y = data.train  # doctest: +SKIP
    >>> x.shape, y[:5]  # doctest: +SKIP
    ((60000, 784), array([5, 0, 4, 1, 9]))
    """
    folder, given_as = _folder(data_dir, cache_dir)
    paths = {name: _find(folder, name) for name in _SHA256}
    missing = [name for name, path in paths.items() if path is None]
    if missing and (given_as or not download):
        how = f"given as {given_as}" if given_as else "the cache; downloading is off"
        raise DataError(_missing_message(folder, missing, how))
    if missing:
        paths.update(_download(folder, missing))
    train = _split(paths[_TRAIN[0]], paths[_TRAIN[1]])
    test = _split(paths[_TEST[0]], paths[_TEST[1]])
    return MNIST(train, test, source=str(folder))


def load_mnist_sample() -> MNIST:
    """Load the MNIST sample bundled with steepest: 5,000 training and 1,000 test images.

    Real digits, cut from the official files by ``scripts/make_mnist_sample.py``
    (every 12th training image and every 10th test image, in the official order), so
    examples and tests work offline. The data are MNIST by Yann LeCun, Corinna Cortes and
    Christopher J.C. Burges, under the licence CC BY-SA 3.0.

    Returns
    -------
    MNIST
        As :func:`load_mnist` returns, with ``source="sample"``.

    Examples
    --------
    >>> data = load_mnist_sample()
    >>> data
    MNIST(train=5,000 images, test=1,000 images, source='sample')
    >>> x, y = data.train
    >>> x.shape, x.dtype, y.dtype
    ((5000, 784), dtype('float32'), dtype('int64'))
    >>> y[:5].tolist()  # the official training labels 0, 12, 24, 36, 48
    [5, 3, 1, 6, 9]
    """
    resource = resources.files(__package__).joinpath(_SAMPLE)
    with resource.open("rb") as file, np.load(file, allow_pickle=False) as arrays:
        parts = {key: arrays[key] for key in arrays.files}
    name = f"{_SAMPLE} (bundled with steepest)"
    train = _check(parts["train_images"], parts["train_labels"], name, name)
    test = _check(parts["test_images"], parts["test_labels"], name, name)
    return MNIST(train, test, source="sample")


def _folder(
    data_dir: str | os.PathLike[str] | None, cache_dir: str | os.PathLike[str] | None
) -> tuple[Path, str | None]:
    """The folder to read from, and how the user named it (``None`` for the cache)."""
    for value, name in ((data_dir, "data_dir"), (cache_dir, "cache_dir")):
        if value is not None and not isinstance(value, (str, os.PathLike)):
            raise TypeError(
                f"{name} must be a folder path (str or pathlib.Path), "
                f"got {type(value).__name__}: {value!r}"
            )
    if data_dir is not None:
        return Path(data_dir).expanduser(), "data_dir"
    if os.environ.get(ENV_VAR):
        return Path(os.environ[ENV_VAR]).expanduser(), f"the environment variable {ENV_VAR}"
    if cache_dir is not None:
        return Path(cache_dir).expanduser(), None
    import platformdirs

    return Path(platformdirs.user_cache_dir("steepest")) / "mnist", None


def missing_files(folder: str | os.PathLike[str]) -> list[str]:
    """Which of the four MNIST files (:data:`FILES`) ``folder`` lacks, in their order.

    A file counts as there in its ``.gz`` form or uncompressed, as :func:`load_mnist`
    reads it; nothing is opened. A folder that does not exist lacks all four.

    Examples
    --------
    >>> missing_files("/no/such/folder") == list(FILES)
    True
    """
    return [name for name in FILES if _find(Path(folder).expanduser(), name) is None]


def _find(folder: Path, name: str) -> Path | None:
    """``folder/name``, or its uncompressed twin without ``.gz``, whichever exists."""
    for candidate in (folder / name, folder / name.removesuffix(".gz")):
        if candidate.is_file():
            return candidate
    return None


def _missing_message(folder: Path, missing: list[str], how: str) -> str:
    """Which files are missing from ``folder``, and where the user can put them."""
    files = "".join(f"\n  {name}  ({_MIRRORS[0]}{name})" for name in missing)
    return (
        f"MNIST files missing from {folder} ({how}):{files}\n"
        f"hint: put them in {folder}, or keep all four files in a folder of your own and "
        f"pass it as data_dir= (--data-dir DIR on the command line) or set {ENV_VAR}=DIR; "
        "load_mnist_sample() (a small sample bundled with steepest) needs no files"
    )


def _download(folder: Path, names: list[str]) -> dict[str, Path]:
    """Download ``names`` into ``folder``, each from the first mirror that serves it intact."""
    import pooch

    progressbar = importlib.util.find_spec("tqdm") is not None and sys.stderr.isatty()
    paths = {}
    for name in names:
        failures = []
        for mirror in _MIRRORS:
            try:
                path = pooch.retrieve(
                    mirror + name,
                    known_hash=f"sha256:{_SHA256[name]}",
                    fname=name,
                    path=folder,
                    progressbar=progressbar,
                )
            except (OSError, ValueError) as error:  # network, HTTP status, disk, checksum
                failures.append(f"\n  {mirror}{name}: {_reason(error)}")
                continue
            paths[name] = Path(path)
            break
        else:
            if all(f.endswith(_OFFLINE) for f in failures):  # no server answered: offline
                raise DataError(
                    f"cannot download MNIST into {folder}: none of the {len(_MIRRORS)} "
                    "download servers could be reached (offline?)\nhint: "
                    "load_mnist_sample() needs no download; or pass data_dir= a folder "
                    "with the four MNIST files"
                )
            raise DataError(
                f"could not download {name} into {folder}; every mirror failed:"
                + "".join(failures)
                + "\n"
                + _missing_message(folder, [n for n in names if n not in paths], "the cache")
            )
    return paths


_OFFLINE = "could not connect (offline, or the server is unreachable)"


def _reason(error: Exception) -> str:
    """A one-line reason for a failed download."""
    import requests  # already imported by pooch

    if isinstance(error, requests.HTTPError) and error.response is not None:
        return f"{error.response.status_code} {error.response.reason}"
    if isinstance(error, requests.ConnectionError):
        return _OFFLINE
    if isinstance(error, requests.Timeout):
        return "timed out"
    return str(error).splitlines()[0] if str(error) else type(error).__name__


def _split(images_path: Path, labels_path: Path) -> Split:
    """Read and check one split (training or test) from its two IDX files."""
    images = read_idx(images_path, magic=_IMAGES_MAGIC)
    labels = read_idx(labels_path, magic=_LABELS_MAGIC)
    return _check(images, labels, str(images_path), str(labels_path))


def _check(images: np.ndarray, labels: np.ndarray, images_name: str, labels_name: str) -> Split:
    """Check raw uint8 images ``(n, 28, 28)`` and labels ``(n,)``, and convert them."""
    if images.dtype != np.uint8 or images.ndim != 3 or images.shape[1:] != (28, 28):
        raise DataError(
            f"MNIST images in {images_name} are {images.dtype} of shape {images.shape}, "
            "expected uint8 of shape (n, 28, 28)"
        )
    if labels.dtype != np.uint8 or labels.ndim != 1:
        raise DataError(
            f"MNIST labels in {labels_name} are {labels.dtype} of shape {labels.shape}, "
            "expected uint8 of shape (n,)"
        )
    if len(images) != len(labels):
        raise DataError(
            f"MNIST files do not match: {images_name} holds {len(images):,} images, "
            f"{labels_name} holds {len(labels):,} labels\n"
            "hint: the training and test files may be mixed up, or one of them is damaged"
        )
    if labels.size and labels.max() > 9:
        bad = int(np.argmax(labels > 9))
        raise DataError(
            f"MNIST labels in {labels_name} must be digits 0..9, label {bad} is {int(labels[bad])}"
        )
    pixels = np.divide(images.reshape(len(images), 784), np.float32(255), dtype=np.float32)
    return Split(pixels, labels.astype(np.int64))
