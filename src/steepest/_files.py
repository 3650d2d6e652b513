"""Files and folders written whole or not at all.

Every file steepest writes goes through :func:`atomic_path` (or :func:`atomic_write`, its
file-object form): the content goes to a temporary file in the target's own folder, is
flushed and synced to disk, and only then renamed over the target (``os.replace``, atomic
on POSIX and Windows within one file system). An exception on the way, a ``Ctrl-C``
included, removes the temporary file and leaves the target as it was; a kill leaves at
worst a hidden ``.name.*.part`` file beside it, never a truncated target.
:func:`replace_folder` does the same for a whole folder of output (the tour's report):
assembled aside, then swapped into place. A file or folder that cannot be written is an
:class:`~steepest.errors.OutputError` naming the path and the reason.

Left out: locking against two writers of the same file (the last rename wins, whole).
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

from steepest.errors import OutputError

__all__ = ["atomic_path", "atomic_write", "check_writable", "make_folder", "replace_folder"]


def _reason(error: OSError) -> str:
    return error.strerror or str(error) or type(error).__name__


def make_folder(folder: str | os.PathLike[str], what: str = "folder") -> Path:
    """Create ``folder`` and its parents if missing; an OutputError if that fails."""
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise OutputError(f"cannot write {what} {str(folder)!r}: a file of that name "
                          "is in the way") from None
    except OSError as error:
        raise OutputError(f"cannot create {what} {str(folder)!r}: {_reason(error)}") from None
    return folder


def check_writable(path: str | os.PathLike[str]) -> Path:
    """Refuse, before any work, a file that could not be written: OutputError if so.

    Tries what writing will do (a temporary file beside ``path``) and removes it.
    """
    target = _file_target(path)
    _reserve(target).unlink()
    return target


def _file_target(path: str | os.PathLike[str]) -> Path:
    """``path`` as a Path, if a file could be made there: not a folder, in a folder that is."""
    target = Path(path)
    if target.is_dir():
        raise OutputError(f"cannot write {str(target)!r}: it is a folder")
    if not target.parent.is_dir():
        raise OutputError(
            f"cannot write {str(target)!r}: the folder {str(target.parent)!r} does not exist"
        )
    return target


def _reserve(target: Path, *, folder: bool = False) -> Path:
    """A new, empty temporary file (or folder) beside ``target``, hidden, ours alone."""
    for _ in range(100):
        # the target's extension last, for writers that choose a format by it
        aside = target.with_name(f".{target.name}.{secrets.token_hex(4)}.part{target.suffix}")
        try:
            if folder:
                aside.mkdir()
            else:
                os.close(os.open(aside, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666))
        except FileExistsError:
            continue
        except OSError as error:
            raise OutputError(f"cannot write {str(target)!r}: {_reason(error)}") from None
        return aside
    raise OutputError(f"cannot write {str(target)!r}: no free temporary name beside it")


def _sync(path: Path) -> None:
    """Flush ``path`` (a file, or a folder's entries) to disk where the system allows."""
    flags = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) * path.is_dir()
    try:
        fd = os.open(path, flags)
    except OSError:
        return  # Windows cannot open folders; the rename is still atomic
    try:
        with contextlib.suppress(OSError):  # some file systems refuse fsync on folders
            os.fsync(fd)
    finally:
        os.close(fd)


def _remove(path: Path) -> None:
    with contextlib.suppress(OSError):
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink()


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike[str]) -> Iterator[Path]:
    """A temporary path beside ``path``: write it in the block, and it becomes ``path``.

    The temporary name keeps ``path``'s extension, for writers that choose a format by
    it. On leaving the block normally the file is synced and renamed over ``path``; on
    any exception (``KeyboardInterrupt`` included) it is removed and ``path`` is left
    untouched. An ``OSError`` in the block or the rename becomes an
    :class:`~steepest.errors.OutputError` naming ``path``.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "note.txt"
    >>> with atomic_path(target) as aside:
    ...     _ = aside.write_text("whole")
    >>> target.read_text()
    'whole'
    """
    target = _file_target(path)
    aside = _reserve(target)
    try:
        yield aside
        _sync(aside)
        os.replace(aside, target)
    except BaseException as error:
        _remove(aside)
        if isinstance(error, OSError):
            raise OutputError(f"cannot write {str(target)!r}: {_reason(error)}") from None
        raise
    _sync(target.parent)


@contextlib.contextmanager
def atomic_write(path: str | os.PathLike[str], mode: str = "wb",
                 encoding: str | None = None) -> Iterator[IO[Any]]:
    """An open file whose content replaces ``path`` whole when the block ends normally.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "data.bin"
    >>> with atomic_write(target) as file:
    ...     _ = file.write(b"1234")
    >>> target.read_bytes()
    b'1234'
    """
    with atomic_path(path) as aside, open(aside, mode, encoding=encoding) as file:
        yield file


# Tour reports are replaced only over folders that hold nothing else than what a
# report holds, so that a mistyped --out never throws away someone's files.
def replace_folder(path: str | os.PathLike[str], build: Callable[[Path], Any],
                   replaceable: Callable[[Path], bool]) -> Any:
    """Build a folder aside with ``build(aside)``, then put it in place of ``path`` whole.

    ``path`` may be missing, empty, or an existing folder that ``replaceable(name)``
    accepts every entry of (else an OutputError before anything is built). If ``build``
    raises (``KeyboardInterrupt`` included), the folder built aside is removed and ``path``
    is left byte for byte as it was. The swap itself is one exchange on Linux (two
    renames elsewhere), during which ``Ctrl-C`` is held back; what ``build`` returned is
    returned.
    """
    target = Path(path)
    if target.exists() and not target.is_dir():
        raise OutputError(f"cannot write the folder {str(target)!r}: a file of that name is "
                          "in the way")
    if target.is_dir():
        foreign = sorted(p.name for p in target.iterdir() if not replaceable(p))
        if foreign:
            shown = ", ".join(foreign[:3]) + (", ..." if len(foreign) > 3 else "")
            raise OutputError(
                f"will not replace the folder {str(target)!r}: it holds files this command "
                f"did not write ({shown})\nhint: name a new folder, or an earlier one of its "
                "own output"
            )
    make_folder(target.parent)
    aside = _reserve(target, folder=True)
    try:
        result = build(aside)
        for entry in aside.iterdir():
            _sync(entry)
        _sync(aside)
        with _held_interrupts():
            _swap(aside, target)
    except BaseException as error:
        _remove(aside)
        if isinstance(error, OSError):
            raise OutputError(f"cannot write the folder {str(target)!r}: "
                              f"{_reason(error)}") from None
        raise
    return result


def _swap(aside: Path, target: Path) -> None:
    """Put the folder ``aside`` at ``target``; the old ``target`` (if any) is removed.

    On Linux the two folders trade places in one step (``renameat2`` with
    ``RENAME_EXCHANGE``), so even a kill leaves one whole folder at ``target``; elsewhere
    (or on file systems without it) the old folder is renamed away first and put back
    if the second rename fails.
    """
    if not target.exists():
        os.rename(aside, target)
        return
    if _exchange(aside, target):
        _sync(target.parent)
        _remove(aside)  # now the old folder
        return
    old = _reserve(target, folder=True)
    old.rmdir()
    os.rename(target, old)
    try:
        os.rename(aside, target)
    except BaseException:
        os.rename(old, target)
        raise
    _sync(target.parent)
    _remove(old)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically with Linux's ``renameat2``; False where it cannot."""
    import ctypes
    import sys

    if not sys.platform.startswith("linux"):
        return False
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):  # a C library older than glibc 2.28
        return False
    at_cwd, exchange = -100, 2  # AT_FDCWD, RENAME_EXCHANGE
    done = renameat2(at_cwd, os.fsencode(a), at_cwd, os.fsencode(b), exchange)
    if done == 0:
        return True
    error = ctypes.get_errno()
    if error in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        return False  # not supported here: the two-rename way
    raise OSError(error, os.strerror(error), str(b))


@contextlib.contextmanager
def _held_interrupts() -> Iterator[None]:
    """Hold ``Ctrl-C`` (SIGINT) back in the block, then deliver it (main thread only)."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[Any] = []
    previous = signal.signal(signal.SIGINT, lambda *args: caught.append(args))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if caught and callable(previous):
        previous(*caught[0])
