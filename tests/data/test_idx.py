"""The IDX reader on files written here byte by byte, good and broken, gzipped and plain."""

from __future__ import annotations

import gzip
import struct

import numpy as np
import pytest

from steepest.data import read_idx
from steepest.errors import DataError


def idx_bytes(magic: int, dims: tuple[int, ...], payload: bytes) -> bytes:
    """An IDX file: the magic number, the big-endian sizes, then the payload."""
    return struct.pack(f">I{len(dims)}I", magic, *dims) + payload


@pytest.fixture
def images() -> np.ndarray:
    return np.random.default_rng(0).integers(0, 256, size=(5, 28, 28), dtype=np.uint8)


@pytest.mark.parametrize("compress", [False, True])
def test_reads_images_gzipped_or_plain(tmp_path, images, compress):
    data = idx_bytes(0x00000803, images.shape, images.tobytes())
    path = tmp_path / "images-idx3-ubyte"
    path.write_bytes(gzip.compress(data) if compress else data)
    array = read_idx(path, magic=0x00000803)
    assert array.dtype == np.uint8
    np.testing.assert_array_equal(array, images)


def test_recognises_gzip_by_content_not_name(tmp_path):
    path = tmp_path / "labels.gz"
    path.write_bytes(idx_bytes(0x00000801, (3,), bytes([1, 2, 3])))  # named .gz, plain inside
    np.testing.assert_array_equal(read_idx(str(path)), [1, 2, 3])


def test_wide_big_endian_types_come_back_native(tmp_path):
    values = np.array([[-3, 70000], [1, 2**30]], dtype=">i4")
    path = tmp_path / "ints-idx2-int"
    path.write_bytes(idx_bytes(0x00000C02, (2, 2), values.tobytes()))
    array = read_idx(path)
    assert array.dtype == np.dtype(np.int32) and array.dtype.isnative
    np.testing.assert_array_equal(array, values)

    doubles = np.array([0.5, -1e300], dtype=">f8")
    path.write_bytes(idx_bytes(0x00000E01, (2,), doubles.tobytes()))
    np.testing.assert_array_equal(read_idx(path), [0.5, -1e300])


def test_truncated_data_names_file_and_sizes(tmp_path, images):
    path = tmp_path / "images-idx3-ubyte"
    path.write_bytes(idx_bytes(0x00000803, images.shape, images.tobytes()[:-100]))
    with pytest.raises(DataError, match="truncated") as info:
        read_idx(path)
    assert str(path) in str(info.value)
    assert "3,920 bytes" in str(info.value) and "3,820 bytes" in str(info.value)


def test_count_in_header_larger_or_smaller_than_data(tmp_path, images):
    path = tmp_path / "images-idx3-ubyte"
    path.write_bytes(idx_bytes(0x00000803, (6, 28, 28), images.tobytes()))  # claims 6, holds 5
    with pytest.raises(DataError, match="truncated"):
        read_idx(path)
    path.write_bytes(idx_bytes(0x00000803, (4, 28, 28), images.tobytes()))  # claims 4, holds 5
    with pytest.raises(DataError, match="longer than its header says"):
        read_idx(path)


def test_wrong_magic_says_both_numbers(tmp_path):
    path = tmp_path / "train-images-idx3-ubyte"
    path.write_bytes(idx_bytes(0x00000801, (3,), bytes(3)))  # a labels file under an images name
    with pytest.raises(DataError, match="0x00000801, expected 0x00000803") as info:
        read_idx(path, magic=0x00000803)
    assert str(path) in str(info.value)


@pytest.mark.parametrize(
    "content",
    [
        b"<html>404 Not Found</html>",  # what a broken mirror may serve
        bytes([0, 0, 0x07, 1, 0, 0, 0, 0]),  # unknown type code
        bytes([0, 0, 0x08, 0]),  # zero dimensions
    ],
)
def test_not_an_idx_file(tmp_path, content):
    path = tmp_path / "file"
    path.write_bytes(content)
    with pytest.raises(DataError, match="is not an IDX file"):
        read_idx(path)


@pytest.mark.parametrize("content", [b"", b"\0\0", bytes([0, 0, 8, 3, 0, 0, 0, 5])])
def test_truncated_header(tmp_path, content):
    path = tmp_path / "file"
    path.write_bytes(content)
    with pytest.raises(DataError, match="truncated"):
        read_idx(path)


def test_truncated_or_corrupt_gzip(tmp_path, images):
    packed = gzip.compress(idx_bytes(0x00000803, images.shape, images.tobytes()))
    path = tmp_path / "images.gz"
    path.write_bytes(packed[: len(packed) // 2])
    with pytest.raises(DataError, match="not valid gzip") as info:
        read_idx(path)
    assert str(path) in str(info.value)

    corrupt = bytearray(packed)
    corrupt[len(corrupt) // 2] ^= 0xFF
    path.write_bytes(bytes(corrupt))
    with pytest.raises(DataError, match="not valid gzip"):
        read_idx(path)


def test_missing_file(tmp_path):
    with pytest.raises(DataError, match=r"cannot read IDX file .*nothing-here"):
        read_idx(tmp_path / "nothing-here")
