"""Tests for steepest._files: writes interrupted at a chosen byte leave the old file whole."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from steepest import _files
from steepest._files import atomic_path, atomic_write, check_writable, replace_folder
from steepest.errors import OutputError

OLD = b"the old content, which must survive\n" * 100


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if ".part" in p.name)


@pytest.mark.parametrize("fault", [KeyboardInterrupt, OSError, RuntimeError])
@pytest.mark.parametrize("at_byte", [0, 1, 4096, 250_000])
def test_a_write_interrupted_at_any_byte_leaves_the_old_file(tmp_path, fault, at_byte):
    target = tmp_path / "model.npz"
    target.write_bytes(OLD)
    new = os.urandom(300_000)
    with pytest.raises((fault, OutputError)), atomic_write(target) as file:
        file.write(new[:at_byte])
        file.flush()
        raise fault(28, "No space left on device") if fault is OSError else fault()
    assert target.read_bytes() == OLD
    assert leftovers(tmp_path) == []


def test_a_write_that_runs_out_of_space_names_the_path_and_the_reason(tmp_path, monkeypatch):
    target = tmp_path / "figure.svg"
    target.write_bytes(OLD)

    def full(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(_files.os, "replace", full)
    with pytest.raises(OutputError) as caught, atomic_write(target) as file:
        file.write(b"<svg/>")
    assert str(caught.value) == f"cannot write {str(target)!r}: No space left on device"
    assert target.read_bytes() == OLD and leftovers(tmp_path) == []


def test_a_complete_write_replaces_the_file_with_ordinary_permissions(tmp_path):
    target = tmp_path / "note.txt"
    target.write_bytes(OLD)
    with atomic_path(target) as aside:
        assert aside.parent == tmp_path and aside.suffix == ".txt" and aside != target
        aside.write_text("new")
    assert target.read_text() == "new" and leftovers(tmp_path) == []
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~umask


@pytest.mark.parametrize("where", ["/proc/steepest-nope/model.npz", "/proc/model.npz"])
def test_unwritable_places_are_one_output_error(where):
    if not Path("/proc").is_dir():
        pytest.skip("needs Linux's /proc, where nothing can be created (even by root)")
    with pytest.raises(OutputError, match=f"cannot write '{where}': "):
        check_writable(where)
    with pytest.raises(OutputError, match=f"cannot write '{where}': "), atomic_write(where):
        pass


def _tour_like(folder: Path) -> dict[str, bytes]:
    folder.mkdir()
    files = {"index.html": b"<html>old</html>", "surface.png": b"old png"}
    for name, content in files.items():
        (folder / name).write_bytes(content)
    return files


def _contents(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir()}


def test_a_folder_build_interrupted_leaves_the_old_folder_byte_identical(tmp_path):
    out = tmp_path / "report"
    old = _tour_like(out)

    def build(aside: Path) -> None:
        (aside / "surface.png").write_bytes(b"new png")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        replace_folder(out, build, lambda p: p.name in old)
    assert _contents(out) == old
    assert leftovers(tmp_path) == []


def test_a_folder_is_replaced_whole_and_only_over_its_own_kind(tmp_path):
    out = tmp_path / "report"
    old = _tour_like(out)

    def build(aside: Path) -> str:
        (aside / "index.html").write_bytes(b"<html>new</html>")
        return "built"

    assert replace_folder(out, build, lambda p: p.name in old) == "built"
    assert _contents(out) == {"index.html": b"<html>new</html>"}  # no old figure mixed in
    assert leftovers(tmp_path) == []

    (out / "thesis.tex").write_bytes(b"someone's work")
    with pytest.raises(OutputError, match=r"holds files this command did not write \(thesis"):
        replace_folder(out, build, lambda p: p.name in old)
    assert (out / "thesis.tex").read_bytes() == b"someone's work"


def test_a_failed_swap_puts_the_old_folder_back(tmp_path, monkeypatch):
    out = tmp_path / "report"
    old = _tour_like(out)
    real_rename = os.rename
    failed = []

    def rename(source, destination):  # the new folder's move into place fails, once
        if Path(destination) == out and not failed:
            failed.append(source)
            raise OSError(5, "Input/output error")
        real_rename(source, destination)

    monkeypatch.setattr(_files, "_exchange", lambda a, b: False)  # the two-rename way
    monkeypatch.setattr(_files.os, "rename", rename)
    with pytest.raises(OutputError, match="Input/output error"):
        replace_folder(out, lambda aside: None, lambda p: True)
    assert failed and _contents(out) == old and leftovers(tmp_path) == []


def test_a_failed_exchange_leaves_the_old_folder(tmp_path, monkeypatch):
    out = tmp_path / "report"
    old = _tour_like(out)

    def exchange(a, b):
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(_files, "_exchange", exchange)
    with pytest.raises(OutputError, match="Input/output error"):
        replace_folder(out, lambda aside: (aside / "index.html").write_text("new"),
                       lambda p: True)
    assert _contents(out) == old and leftovers(tmp_path) == []
