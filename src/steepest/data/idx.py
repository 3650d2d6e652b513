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


def read_idx(path: str | os.PathLike[str], *, magic: int | None = None) -> np.ndarray:
    """Read the array stored in an IDX file, gzipped or plain.

    Parameters
    ----------
    path : str or path-like
        The file. Gzipped files are recognised by their first bytes, whatever their name.
    magic : int, optional
        The magic number the file must start with, such as ``0x00000803`` for MNIST
        images; by default any valid IDX header is accepted.

    Returns
    -------
    numpy.ndarray
        The array, with the shape the header gives. Byte data come back as a read-only
        view of the decompressed file (no copy; call ``.copy()`` to modify it); wider
        types are converted to native byte order.

    Raises
    ------
    DataError
        If the file is missing, is not valid gzip, has a header that is not IDX or not
        the expected ``magic``, or holds more or fewer bytes than its header promises.

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
        with open(name, "rb") as file:
            data = file.read()
    except OSError as error:
        raise DataError(f"cannot read IDX file {name}: {error.strerror or error}") from None
    if data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError, zlib.error) as error:
            raise DataError(
                f"IDX file {name} is not valid gzip ({error}); it may be truncated or "
                "corrupt\nhint: delete it and download it again"
            ) from None
    dtype, shape, offset = _header(name, data, magic)
    expected = math.prod(shape) * dtype.itemsize
    found = len(data) - offset
    if found != expected:
        what = "truncated" if found < expected else "longer than its header says"
        dims = " × ".join(str(n) for n in shape)
        raise DataError(
            f"IDX file {name} is {what}: its header promises {dims} elements "
            f"({expected:,} bytes of data), the file holds {found:,} bytes after the header"
            "\nhint: delete it and download it again"
        )
    array = np.frombuffer(data, dtype=dtype, offset=offset).reshape(shape)
    if dtype.itemsize > 1:
        array = array.astype(dtype.newbyteorder("="))
    return array


def _header(name: str, data: bytes, magic: int | None) -> tuple[np.dtype, tuple[int, ...], int]:
    """The element type, the shape and the data offset that the header of ``data`` gives."""
    if len(data) < 4:
        raise DataError(
            f"IDX file {name} is truncated: it holds {len(data)} bytes, "
            "fewer than the 4 of the magic number"
        )
    found = int.from_bytes(data[:4], "big")
    if magic is not None and found != magic:
        raise DataError(
            f"IDX file {name} starts with magic number 0x{found:08X}, expected 0x{magic:08X}"
            "\nhint: check that the file is the one its name says (images 0x00000803, "
            "labels 0x00000801 in MNIST)"
        )
    type_code, ndim = data[2], data[3]
    if data[:2] != b"\0\0" or type_code not in _TYPES or ndim == 0:
        raise DataError(
            f"{name} is not an IDX file: its magic number 0x{found:08X} is not of the form "
            "0x0000TTDD (TT an IDX type code, DD the number of dimensions)"
        )
    offset = 4 + 4 * ndim
    if len(data) < offset:
        raise DataError(
            f"IDX file {name} is truncated: its header needs {offset} bytes "
            f"for {ndim} dimensions, the file holds {len(data)}"
        )
    shape = tuple(int.from_bytes(data[i : i + 4], "big") for i in range(4, offset, 4))
    return _TYPES[type_code], shape, offset
