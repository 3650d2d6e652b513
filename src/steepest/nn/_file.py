"""The network file: an ``.npz`` archive written whole, read with every size checked.

:func:`save` writes the architecture and the flat parameter vector through an atomic
write (a temporary file renamed into place). :func:`load` trusts nothing the file says:
the small fields are read first and bounded, the architecture they describe is checked
(:data:`~steepest.nn.network.MAX_PARAMETERS`), then the parameters' own header (shape,
dtype and the archive's size of them) against it, and only then are they read; nothing is
ever unpickled. Left out: other formats (PyTorch, Keras).
"""

from __future__ import annotations

import io
import math
import zipfile
import zlib
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from steepest.errors import NetworkError
from steepest.nn.network import FORMAT, FORMAT_VERSION, MAX_LAYERS

if TYPE_CHECKING:
    from steepest.nn.network import Network

_FIELDS = ("format", "version", "sizes", "activation", "output", "dtype", "params")
_SMALL_FIELD = 1 << 16  # bytes: every field but params is a string or a few numbers


#: What ``trained_on`` may say: the bundled sample, or the full MNIST.
TRAINED_ON = ("sample", "mnist")


def save(net: Network, path: Path, *, trained_on: str | None = None,
         extra: dict[str, np.ndarray] | None = None) -> Path:
    """Write ``net`` to ``path`` whole or not at all; returns ``path``.

    ``extra``: more arrays of plain numbers, under names other than the format's own.
    """
    from steepest._files import atomic_write

    given, extra = extra or {}, {}
    for name, value in given.items():
        if name in (*_FIELDS, "trained_on") or np.asarray(value).dtype.kind not in "iuf":
            raise NetworkError(f"save: extra array {name!r} must be numbers under a name "
                               f"other than {', '.join((*_FIELDS, 'trained_on'))}")
        extra[name] = np.asarray(value)
    if trained_on is not None:
        if trained_on not in TRAINED_ON:
            raise NetworkError(f"trained_on must be one of {', '.join(TRAINED_ON)}; "
                               f"got {trained_on!r}")
        extra["trained_on"] = np.str_(trained_on)
    with atomic_write(path) as file:
        np.savez(
            file, format=np.str_(FORMAT), version=np.int64(FORMAT_VERSION),
            sizes=np.array(net.sizes, np.int64), activation=np.str_(net.activation),
            output=np.str_(net.output), dtype=np.str_(net.dtype.name), params=net.params,
            **extra,
        )
    return path


def trained_on(path: str | Path) -> str | None:
    """What the network file says it was trained on (``"sample"``, ``"mnist"``), or None.

    Only that small field is read (bounded in size, never unpickled); a file that says
    nothing, or something else, gives None.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            info = archive.getinfo("trained_on.npy")
            if info.file_size > _SMALL_FIELD:
                return None
            value = _small_array(archive, info)
    except (OSError, KeyError, ValueError, EOFError, zipfile.BadZipFile, zlib.error):
        return None
    text = str(value) if value.dtype.kind == "U" and value.ndim == 0 else None
    return text if text in TRAINED_ON else None


def load(cls: type[Network], path: Path) -> Network:
    """The network in the file at ``path``; a NetworkError for anything else."""
    if not path.is_file():
        raise NetworkError(f"no network file at {path}")
    if not zipfile.is_zipfile(path):
        raise NetworkError(f"{path} is not a steepest network file (not an .npz archive)")
    try:
        with zipfile.ZipFile(path) as archive:
            return _from_archive(cls, archive, path)
    except (OSError, ValueError, EOFError, zipfile.BadZipFile, zlib.error) as error:
        if isinstance(error, NetworkError):
            raise
        raise NetworkError(
            f"{path} is not a readable steepest network file (.npz): {error}"
        ) from None


def _small_array(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> np.ndarray:
    """A small member (at most ``_SMALL_FIELD`` bytes) as an array, its header's shape
    checked against the bytes really there before NumPy allocates what it promises."""
    data = archive.read(info)  # at most file_size bytes: the caller bounded it
    file = io.BytesIO(data)
    major, _ = np.lib.format.read_magic(file)
    read_header = (np.lib.format.read_array_header_1_0 if major == 1
                   else np.lib.format.read_array_header_2_0)
    shape, _, dtype = read_header(file)
    promised = math.prod(shape) * dtype.itemsize
    if promised > len(data) - file.tell():
        raise ValueError(f"its field {info.filename!r} promises {promised:,} bytes and holds "
                         f"{len(data) - file.tell():,}")
    return np.lib.format.read_array(io.BytesIO(data), allow_pickle=False)


def _from_archive(cls: type[Network], archive: zipfile.ZipFile, path: Path) -> Network:
    """The network in an open ``.npz``, every size checked before it is allocated.

    The small fields are read first (each at most a few kB), then the parameters'
    header, checked against the architecture before their data are read.
    """
    members = {info.filename.removesuffix(".npy"): info for info in archive.infolist()}
    if "format" not in members:
        raise NetworkError(f"{path} is not a steepest network file (no '{FORMAT}' marker)")
    fields = {}
    for name, info in members.items():
        if name in _FIELDS and name != "params":
            if info.file_size > _SMALL_FIELD:
                raise NetworkError(f"{path}: its field {name!r} holds {info.file_size:,} "
                                   f"bytes; a steepest network file's hold a few")
            fields[name] = _small_array(archive, info)
    net = _from_fields(cls, fields, path, "params" in members)
    info = members["params"]
    with archive.open(info) as file:
        major, _ = np.lib.format.read_magic(file)
        read_header = (np.lib.format.read_array_header_1_0 if major == 1
                       else np.lib.format.read_array_header_2_0)
        shape, fortran, dtype = read_header(file)
        data = info.file_size - file.tell()  # the archive's size of them, less the header
        if (shape != net.params.shape or dtype != net.dtype or fortran
                or data != net.params.nbytes):
            size = "x".join(map(str, shape)) if shape else "a scalar"
            raise NetworkError(
                f"{path} holds {size} {dtype} parameters ({data:,} bytes); the "
                f"architecture {list(net.sizes)} needs ({net.params.size},) {net.dtype}"
            )
        params = np.frombuffer(file.read(data), dtype=net.dtype)
        if params.size != net.params.size:
            raise NetworkError(f"{path} is truncated: its parameters end early")
    if not np.isfinite(params).all():
        raise NetworkError(f"{path} holds parameters that are not finite (NaN or inf)")
    net.params[...] = params
    return net


def _from_fields(cls: type[Network], fields: dict[str, np.ndarray], path: Path,
                 has_params: bool = True) -> Network:
    """The network the small fields describe (its parameters not yet read)."""
    if fields.get("format", np.str_("")).item() != FORMAT:
        raise NetworkError(f"{path} is not a steepest network file (no '{FORMAT}' marker)")
    missing = [name for name in _FIELDS
               if name not in fields and (name != "params" or not has_params)]
    if missing:
        raise NetworkError(f"{path} is incomplete: it lacks {', '.join(missing)}")
    version = int(fields["version"])
    if version != FORMAT_VERSION:
        raise NetworkError(
            f"{path} has network format version {version}; this steepest reads version "
            f"{FORMAT_VERSION}. hint: save it again with the steepest that trained it"
        )
    sizes = fields["sizes"]
    if sizes.dtype.kind not in "iu" or sizes.ndim != 1 or not 2 <= sizes.size <= MAX_LAYERS:
        raise NetworkError(f"{path} describes an unusable network: its sizes are "
                           f"{sizes.dtype} of shape {sizes.shape}, expected 2 to "
                           f"{MAX_LAYERS} whole numbers")
    try:
        return cls(sizes.tolist(), str(fields["activation"]),
                   str(fields["output"]), dtype=str(fields["dtype"]))
    except (NetworkError, TypeError) as error:
        raise NetworkError(f"{path} describes an unusable network: {error}") from None
