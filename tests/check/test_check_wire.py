"""steepest.check._wire: what crosses the pipe is plain data, checked field by field."""

from __future__ import annotations

import json

import numpy as np
import pytest

from steepest.check._wire import (
    MAX_ELEMENTS,
    UnreadableError,
    Unusual,
    array_value,
    decode,
    encode,
    message,
    parse,
)


@pytest.mark.parametrize(
    "dtype", ["bool", "int8", "uint8", "int16", "int32", "int64", "uint64", "float16",
              "float32", "float64", "complex64", "complex128", ">f8", ">i4"],
)
def test_arrays_cross_with_their_dtype_shape_and_values(dtype):
    array = (np.arange(12) % 3 - 1).astype(dtype).reshape(3, 4)
    back = decode(json.loads(json.dumps(array_value(array))))
    assert back.shape == (3, 4) and back.flags.writeable
    assert back.dtype == array.dtype.newbyteorder("<")
    np.testing.assert_array_equal(back, array)


def test_numbers_text_and_unusual_values_cross_unchanged():
    values = [None, True, 3, -2**62, 1.5, float("inf"), "text", 2 - 1j, Unusual("Mine", "M()")]
    line = message(kind="result", values=[encode(v) for v in values])
    back = [decode(v) for v in parse(line.rstrip(b"\n"))["values"]]
    assert back[:6] == values[:6] and back[6:] == values[6:]
    assert np.isnan(decode(json.loads(json.dumps(encode(float("nan"))))))


def test_functions_are_recorded_and_sent_as_a_name_and_a_size():
    functions: dict[int, object] = {}
    sent = encode([np.zeros(2), len], functions)
    assert sent["list"][1] == {"function": {"id": 0, "name": "len", "n": None}}
    assert functions == {0: len}
    with pytest.raises(TypeError, match="cannot send a object"):
        encode(object())


@pytest.mark.parametrize(
    ("obj", "reason"),
    [
        ({"array": {"dtype": "|O", "shape": [1], "data": "AAAAAAAAAAA="}}, "not numbers"),
        ({"array": {"dtype": "<f8", "shape": [-1], "data": ""}}, "short list of sizes"),
        ({"array": {"dtype": "<f8", "shape": [True], "data": ""}}, "short list of sizes"),
        ({"array": {"dtype": "<f8", "shape": [1] * 9, "data": ""}}, "short list of sizes"),
        ({"array": {"dtype": "<f8", "shape": [MAX_ELEMENTS + 1], "data": ""}}, "allowed"),
        ({"array": {"dtype": "<f8", "shape": [1], "data": "!!!!"}}, "not base64"),
        ({"array": {"dtype": "<f8", "shape": [2], "data": "AAAAAAAAAAA="}}, "instead of 16"),
        ({"array": {"dtype": "<f8", "shape": [1]}}, "exactly a dtype"),
        ({"complex": [1, "2"]}, "two numbers"),
        ({"unusual": {"type": "x"}}, "its type and text"),
        ({"list": [1, 2]}, "unknown kind 'list'"),
        ({"function": {"id": 0}}, "unknown kind 'function'"),
        ({"a": 1, "b": 2}, "unknown form"),
        ([1, 2], "unknown form"),
        ("x" * 20_001, "more than 20000 characters"),
    ],
)
def test_anything_else_is_unreadable_with_the_reason(obj, reason):
    with pytest.raises(UnreadableError, match=reason):
        decode(obj)


def test_lists_are_read_only_where_allowed_and_not_too_deep():
    assert decode({"list": [1, {"list": [2.5]}]}, lists=True) == [1, [2.5]]
    deep: object = 1
    for _ in range(40):
        deep = {"list": [deep]}
    with pytest.raises(UnreadableError, match="nested too deeply"):
        decode(deep, lists=True)


@pytest.mark.parametrize(
    ("line", "reason"),
    [(b"\xff", "not UTF-8"), (b"{", "not JSON"), (b"[1]", "JSON list where an object"),
     (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"), (b"1" * 41, "40 digits"),
     (b" " * (4 * 2**20 + 1), "more than 4194304 bytes")],
)
def test_a_line_that_is_not_one_json_object_is_unreadable(line, reason):
    with pytest.raises(UnreadableError, match=reason):
        parse(line)
