"""Atomic writes: the old file survives every failure, and no temporary file is left behind."""

from __future__ import annotations

import errno
import os

import pytest

from playground import fileio
from playground.fileio import SaveError, atomic_write, atomic_write_bytes


def leftovers(folder) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.endswith(".tmp")]


def test_writes_and_replaces(tmp_path):
    target = tmp_path / "a.bin"
    assert atomic_write_bytes(target, b"old") == target
    atomic_write_bytes(target, b"new")
    assert target.read_bytes() == b"new" and leftovers(tmp_path) == []


def test_full_disk_halfway_keeps_the_old_file(tmp_path):
    target = tmp_path / "a.csv"
    target.write_text("old contents")

    def half_then_full(tmp):
        with open(tmp, "w") as fh:
            fh.write("new, partial")
            fh.flush()
            raise OSError(errno.ENOSPC, "No space left on device")

    with pytest.raises(SaveError, match="No space left"):
        atomic_write(target, half_then_full)
    assert target.read_text() == "old contents" and leftovers(tmp_path) == []


@pytest.mark.parametrize("where", ["open", "replace"])
def test_unwritable_folder_keeps_the_old_file(tmp_path, monkeypatch, where):
    """A read-only folder (simulated: tests run as root, where chmod does not stop writes)."""
    target = tmp_path / "a.png"
    target.write_bytes(b"old")

    def refuse(*_args, **_kwargs):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(fileio.os, where, refuse)
    with pytest.raises(SaveError, match=r"Permission denied|not writable"):
        atomic_write_bytes(target, b"new")
    monkeypatch.undo()
    assert target.read_bytes() == b"old" and leftovers(tmp_path) == []


def test_a_folder_that_is_a_file_or_missing(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(SaveError, match="does not exist"):
        atomic_write_bytes(blocker / "a.png", b"new")
    with pytest.raises(SaveError, match="does not exist"):
        atomic_write_bytes(tmp_path / "missing" / "a.png", b"new")
    with pytest.raises(SaveError, match="is a folder"):
        atomic_write_bytes(tmp_path, b"new")


def test_a_writer_that_writes_nothing_fails(tmp_path):
    with pytest.raises(SaveError, match="nothing was written"):
        atomic_write(tmp_path / "a.png", lambda tmp: None)
    assert not (tmp_path / "a.png").exists() and leftovers(tmp_path) == []


def test_new_files_honour_the_umask(tmp_path):
    old = os.umask(0o022)
    try:
        path = atomic_write_bytes(tmp_path / "a.bin", b"x")
    finally:
        os.umask(old)
    assert path.stat().st_mode & 0o777 == 0o644
