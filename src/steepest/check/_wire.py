"""What crosses the pipe between the checker and the child that runs a learner's code.

Every message is one line of JSON, never a pickle: whatever the child sends, the checker
only ever parses text into numbers, strings, lists and NumPy arrays of numbers, so no
message can run code in the checker. A value is

- a JSON number, string, ``true``/``false`` or ``null`` (NaN and infinities as JSON's
  common extension ``NaN``, ``Infinity``);
- ``{"array": {"dtype": "<f8", "shape": [2, 3], "data": "<base64>"}}``, an array of
  numbers by dtype, shape and raw bytes (little-endian booleans, integers, floats or
  complex numbers only, at most :data:`MAX_ELEMENTS` of them);
- ``{"complex": [re, im]}``, ``{"list": [value, ...]}`` (arguments only),
  ``{"unusual": {"type": name, "text": text}}`` (a return value that is no number), or
  ``{"function": {"id": k, "name": "f", "n": 2}}`` (a function the checker computes on
  request, see :mod:`steepest.check._child`).

:func:`decode` checks every field against this form and raises :class:`UnreadableError` with
the reason for anything else: a message that is not JSON, too long, of the wrong shape
or with arrays whose bytes do not match their dtype and shape. Left out: any form of
authentication; code in the child can write well-formed messages of its own, which are
then only data (an answer like any other).
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = [
    "MAX_ELEMENTS",
    "MAX_LINE",
    "MAX_TEXT",
    "Outcome",
    "UnreadableError",
    "Unusual",
    "array_value",
    "decode",
    "encode",
    "message",
    "parse",
]

#: the longest line (one message) the checker reads, in bytes
MAX_LINE = 4 * 1024**2
#: the most numbers an array may hold to be sent back whole
MAX_ELEMENTS = 100_000
#: the longest text sent back (a traceback, an unusual value's repr), in characters
MAX_TEXT = 20_000
#: the most dimensions of an array, and the deepest nesting of lists
_MAX_NDIM = 8
_MAX_DEPTH = 16
#: dtypes an array may have: booleans, integers, floats and complex numbers, little-endian
_DTYPES = frozenset(
    ["|b1", "|i1", "|u1", "<i2", "<u2", "<i4", "<u4", "<i8", "<u8",
     "<f2", "<f4", "<f8", "<c8", "<c16"]
)


class UnreadableError(Exception):
    """A message is not of the agreed form; the text says how."""


@dataclass(frozen=True)
class Outcome:
    """What one call of the learner's function did.

    Exactly one of: it returned ``value``; it raised (``error`` holds the last lines of
    its traceback); it did not finish within the time limit (``timed_out``); its
    process ended (``ended``, with the reason); or what it sent back could not be read
    (``unreadable``, with the reason).
    """

    value: Any = None
    error: str | None = None
    timed_out: bool = False
    ended: str | None = None
    #: positions of array or list arguments the function changed in place
    mutated: tuple[int, ...] = field(default=())
    unreadable: str | None = None

    @property
    def returned(self) -> bool:
        """Whether the call returned a value."""
        return (self.error is None and not self.timed_out and self.ended is None
                and self.unreadable is None)


@dataclass(frozen=True)
class Unusual:
    """A returned value that is neither a number nor an array of numbers."""

    type_name: str
    text: str

    def __str__(self) -> str:
        return f"{self.text} (a {self.type_name})"


# ----------------------------------------------------------------------------- sending
def array_value(array: np.ndarray) -> dict[str, Any]:
    """The wire form of a numeric array (converted to little-endian if needed)."""
    array = np.ascontiguousarray(array)
    if array.dtype.kind not in "biufc":
        raise TypeError(f"only arrays of numbers cross the pipe, not dtype {array.dtype}")
    if array.dtype.byteorder == ">":
        array = array.astype(array.dtype.newbyteorder("<"))
    dtype = array.dtype.str
    if dtype not in _DTYPES:  # e.g. float128: send it as float64
        array = array.astype(complex if array.dtype.kind == "c" else float)
        dtype = array.dtype.str
    data = base64.b64encode(array.tobytes()).decode("ascii")
    return {"array": {"dtype": dtype, "shape": list(array.shape), "data": data}}


def encode(value: Any, functions: dict[int, Any] | None = None) -> Any:
    """``value`` in its wire form: numbers, text, arrays, lists and (with ``functions``,
    where each callable is recorded under its id) functions computed on request."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, (int, np.integer)) and not isinstance(value, np.bool_):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(value)
    if isinstance(value, (complex, np.complexfloating)):
        return {"complex": [value.real, value.imag]}
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, np.ndarray):
        return array_value(value)
    if isinstance(value, (list, tuple)):
        return {"list": [encode(v, functions) for v in value]}
    if isinstance(value, Unusual):
        return {"unusual": {"type": value.type_name, "text": value.text}}
    if callable(value) and functions is not None:
        ident = len(functions)
        functions[ident] = value
        n = getattr(value, "n", None)
        name = getattr(value, "name", None) or getattr(value, "__name__", "f")
        return {"function": {"id": ident, "name": str(name), "n": n}}
    raise TypeError(f"cannot send a {type(value).__name__} to the child process")


def message(**fields: Any) -> bytes:
    """One message: ``fields`` as a line of JSON."""
    return json.dumps(fields, separators=(",", ":")).encode("utf-8") + b"\n"


# ---------------------------------------------------------------------------- reading
def _int(text: str) -> int:
    if len(text) > 40:  # Python would spend seconds on a million digits
        raise UnreadableError("a number with more than 40 digits")
    return int(text)


def parse(line: bytes) -> dict[str, Any]:
    """One message: a JSON object. Raises :class:`UnreadableError`."""
    if len(line) > MAX_LINE:
        raise UnreadableError(f"a message of more than {MAX_LINE} bytes")
    try:
        obj = json.loads(line.decode("utf-8"), parse_int=_int)
    except UnreadableError:
        raise
    except UnicodeDecodeError:
        raise UnreadableError("bytes that are not UTF-8 text") from None
    except RecursionError:
        raise UnreadableError("JSON nested too deeply") from None
    except ValueError:
        raise UnreadableError("text that is not JSON, one message a line") from None
    if not isinstance(obj, dict):
        raise UnreadableError(f"a JSON {type(obj).__name__} where an object was expected")
    return obj


def decode(obj: Any, *, lists: bool = False, depth: int = 0) -> Any:
    """The value that the wire form ``obj`` stands for; functions are not accepted here.

    ``lists`` allows ``{"list": ...}`` (arguments sent to the child). Raises
    :class:`UnreadableError` for anything not of this module's form.
    """
    if obj is None or isinstance(obj, (bool, int, float)):
        return obj
    if isinstance(obj, str):
        return _text(obj, "a text")
    if depth > _MAX_DEPTH:
        raise UnreadableError("values nested too deeply")
    if not isinstance(obj, dict) or len(obj) != 1:
        raise UnreadableError("a value of an unknown form")
    [(kind, body)] = obj.items()
    if kind == "array":
        return _array(body)
    if kind == "complex":
        if (not isinstance(body, list) or len(body) != 2
                or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in body)):
            raise UnreadableError("a complex number that is not two numbers")
        return complex(body[0], body[1])
    if kind == "unusual":
        if not isinstance(body, dict) or set(body) != {"type", "text"}:
            raise UnreadableError("an unusual value without its type and text")
        return Unusual(_text(body["type"], "a type name"), _text(body["text"], "a text"))
    if kind == "list" and lists:
        if not isinstance(body, list):
            raise UnreadableError("a list that is not a list")
        return [decode(v, lists=True, depth=depth + 1) for v in body]
    raise UnreadableError(f"a value of the unknown kind {kind[:40]!r}")


def _text(value: Any, what: str) -> str:
    if not isinstance(value, str):
        raise UnreadableError(f"{what} that is not text")
    if len(value) > MAX_TEXT:
        raise UnreadableError(f"{what} of more than {MAX_TEXT} characters")
    return value


def _array(body: Any) -> np.ndarray:
    if not isinstance(body, dict) or set(body) != {"dtype", "shape", "data"}:
        raise UnreadableError("an array without exactly a dtype, a shape and its data")
    dtype, shape, data = body["dtype"], body["shape"], body["data"]
    if dtype not in _DTYPES:
        raise UnreadableError(f"an array of dtype {str(dtype)[:20]!r}, which is not numbers")
    if (not isinstance(shape, list) or len(shape) > _MAX_NDIM
            or not all(isinstance(n, int) and not isinstance(n, bool) and n >= 0 for n in shape)):
        raise UnreadableError("an array whose shape is not a short list of sizes")
    size = 1
    for n in shape:
        size *= n
    if size > MAX_ELEMENTS:
        raise UnreadableError(f"an array of {size} numbers, more than the {MAX_ELEMENTS} allowed")
    if not isinstance(data, str):
        raise UnreadableError("an array whose data is not text")
    try:
        raw = base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        raise UnreadableError("an array whose data is not base64") from None
    kind = np.dtype(dtype)
    if len(raw) != size * kind.itemsize:
        raise UnreadableError(f"an array of shape {tuple(shape)} and dtype {dtype} with "
                         f"{len(raw)} bytes of data instead of {size * kind.itemsize}")
    return np.frombuffer(raw, dtype=kind).reshape(shape).copy()
