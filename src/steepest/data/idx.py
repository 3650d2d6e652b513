"""A reader for IDX files, the simple binary format of the MNIST database.

An IDX file is a header followed by the raw numbers of one n-dimensional array::

    bytes 0-1   zero
    byte  2     element type (0x08 unsigned byte, 0x09 signed byte, 0x0B int16,
                0x0C int32, 0x0D float32, 0x0E float64; big-endian)
    byte  3     number of dimensions d
    then        d sizes, each a big-endian uint32
    then        the elements, row-major

so the first four bytes read as one "magic number": 0x00000803 for MNIST's images
(unsigned bytes, 3 dimensions) and 0x00000801 for its labels. :func:`read_idx`
checks the header against the length of the data before looking at a single element:
a truncated, padded or mislabelled file is a :class:`~steepest.errors.DataError`
naming the file and what is wrong, never an array of garbage. Files may be gzipped
(recognised by their content, not their name). Writing IDX files is left out: the
library only needs to read the official ones.
"""

from __future__ import annotations

import gzip
import math
import os
import zlib
from typing import BinaryIO

import numpy as np

from steepest.errors import DataError

__all__ = ["read_idx"]

# IDX element type code -> NumPy dtype (multi-byte types are big-endian)
_TYPES: dict[int, np.dtype] = {
    0x08: np.dtype(np.uint8),
    0x09: np.dtype(np.int8),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}


#: The most data bytes :func:`read_idx` reads (MNIST's largest file holds 47 MB).
MAX_BYTES = 1 << 30


def read_idx(path: str | os.PathLike[str], *, magic: int | None = None,
             max_bytes: int = MAX_BYTES) -> np.ndarray:
    """Read the array stored in an IDX file, gzipped or plain.

    Parameters
    ----------
    path : str or path-like
        The file. Gzipped files are recognised by their first bytes, whatever their name.
    magic : int, optional
        The magic number the file must start with, such as ``0x00000803`` for MNIST
        images; by default any valid IDX header is accepted.
    max_bytes : int
        The most bytes of data a header may promise (default :data:`MAX_BYTES`, 1 GiB).
        The file is read only up to what its header promises, so a small gzipped file
        that would inflate to gigabytes is refused after reading one byte too many.

    Returns
    -------
    numpy.ndarray
        The array, with the shape the header gives. Byte data come back as a read-only
        view of the data read (no copy; call ``.copy()`` to modify it); wider types are
        converted to native byte order.

    Raises
    ------
    DataError
        If the file is missing, is not valid gzip, has a header that is not IDX or not
        the expected ``magic``, promises more than ``max_bytes``, or holds more or fewer
        bytes than its header promises.

    Examples
    --------
    >>> import pathlib, struct, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "labels-idx1-ubyte"
    >>> _ = path.write_bytes(struct.pack(">II", 0x00000801, 3) + bytes([7, 2, 1]))
    >>> read_idx(path, magic=0x00000801)
    array([7, 2, 1], dtype=uint8)
    """
    name = os.fspath(path)
    try:
        file = open(name, "rb")  # noqa: SIM115 (closed below, with the gzip stream on it)
    except OSError as error:
        raise DataError(f"cannot read IDX file {name}: {error.strerror or error}") from None
    with file:
        packed = file.read(2) == b"\x1f\x8b"
        file.seek(0)
        try:
            stream = gzip.GzipFile(fileobj=file, mode="rb") if packed else file
            dtype, shape, data = _read(name, stream, magic, max_bytes, packed)
        except (OSError, EOFError, zlib.error) as error:
            if not packed:
                raise DataError(f"cannot read IDX file {name}: "
                                f"{getattr(error, 'strerror', None) or error}") from None
            raise DataError(
                f"IDX file {name} is not valid gzip ({error}); it may be truncated or "
                "corrupt\nhint: delete it and download it again"
            ) from None
    array = np.frombuffer(data, dtype=dtype).reshape(shape)
    if dtype.itemsize > 1:
        array = array.astype(dtype.newbyteorder("="))
    return array


_CHUNK = 1 << 22  # 4 MiB read at a time: memory follows the data actually there


def _read(name: str, stream: BinaryIO, magic: int | None, max_bytes: int,
          packed: bool) -> tuple[np.dtype, tuple[int, ...], bytes]:
    """The header, then exactly the data it promises, read without trusting the promise.

    The data are read in chunks, stopping at the promised size plus one byte: a header
    promising more than ``max_bytes`` is refused before reading, a short file is found
    when it ends, and a long one (a small ``.gz`` that would inflate to gigabytes) after
    one byte too many.
    """
    head = stream.read(4)
    _magic(name, head, magic)
    offset = 4 + 4 * head[3]
    sizes = stream.read(offset - 4)
    if len(sizes) < offset - 4:
        raise DataError(
            f"IDX file {name} is truncated: its header needs {offset} bytes "
            f"for {head[3]} dimensions, the file holds {4 + len(sizes)}"
        )
    dtype = _TYPES[head[2]]
    shape = tuple(int.from_bytes(sizes[i : i + 4], "big") for i in range(0, len(sizes), 4))
    expected = math.prod(shape) * dtype.itemsize
    dims = " × ".join(str(n) for n in shape)
    if expected > max_bytes:
        raise DataError(
            f"IDX file {name} has a header that promises {dims} elements ({expected:,} "
            f"bytes of data), more than the {max_bytes:,} bytes steepest reads"
            "\nhint: the file is damaged, or not an MNIST-sized data set"
        )
    if not packed:  # a plain file: its size says at once whether the data are all there
        found = os.fstat(stream.fileno()).st_size - offset
        if found != expected:
            _wrong_length(name, dims, expected, f"{found:,}", found < expected)
        data = stream.read(expected)  # one allocation of the size just checked
        if len(data) != expected:  # changed while being read
            _wrong_length(name, dims, expected, f"{len(data):,}", True)
        return dtype, shape, data
    chunks, held = [], 0
    while held <= expected:
        chunk = stream.read(min(_CHUNK, expected + 1 - held))
        if not chunk:
            break
        chunks.append(chunk)
        held += len(chunk)
    if held != expected:
        found = f"{held:,}" if held < expected else f"more than {expected:,}"
        _wrong_length(name, dims, expected, found, held < expected)
    return dtype, shape, b"".join(chunks)


def _wrong_length(name: str, dims: str, expected: int, found: str, short: bool) -> None:
    what = "truncated" if short else "longer than its header says"
    raise DataError(
        f"IDX file {name} is {what}: its header promises {dims} elements "
        f"({expected:,} bytes of data), the file holds {found} bytes after the header"
        "\nhint: delete it and download it again"
    )


def _magic(name: str, head: bytes, magic: int | None) -> None:
    """Refuse a first four bytes that are not an IDX magic number (or not ``magic``)."""
    if len(head) < 4:
        raise DataError(
            f"IDX file {name} is truncated: it holds {len(head)} bytes, "
            "fewer than the 4 of the magic number"
        )
    found = int.from_bytes(head, "big")
    if magic is not None and found != magic:
        raise DataError(
            f"IDX file {name} starts with magic number 0x{found:08X}, expected 0x{magic:08X}"
            "\nhint: check that the file is the one its name says (images 0x00000803, "
            "labels 0x00000801 in MNIST)"
        )
    if head[:2] != b"\0\0" or head[2] not in _TYPES or head[3] == 0:
        raise DataError(
            f"{name} is not an IDX file: its magic number 0x{found:08X} is not of the form "
            "0x0000TTDD (TT an IDX type code, DD the number of dimensions)"
        )
