"""Atomic file writes: a temporary file in the target's folder, then ``os.replace`` (no Qt).

Every save and export goes through :func:`atomic_write`, so a full disk, a read-only folder or a
writer that fails halfway leaves the old file as it was (or no file), never a truncated one; and
the caller learns of success only once the new file is in place.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable
from pathlib import Path


class SaveError(OSError):
    """A file could not be written; the message says which and why (the old file is intact)."""


def _temp_path(path: Path) -> Path:
    return path.parent / f".{path.name}.{os.getpid()}-{uuid.uuid4().hex[:8]}.tmp"


def atomic_write(path: str | Path, write: Callable[[Path], None]) -> Path:
    """Calls ``write(tmp)`` to fill a new temporary file next to ``path``, flushes it to disk and
    renames it over ``path``; returns ``path``.

    ``write`` may open ``tmp`` itself (it exists, empty) or hand it to a library's writer; it
    raises (or the library reports failure) to abort. On any failure the temporary file is
    removed, ``path`` is left untouched and :class:`SaveError` says what went wrong.
    """
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise SaveError(f"cannot write {str(path)!r}: folder {str(folder)!r} does not exist")
    if path.is_dir():
        raise SaveError(f"cannot write {str(path)!r}: it is a folder")
    tmp = _temp_path(path)
    try:  # 0o666 honours the umask (mkstemp would make the file private, 0600)
        os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0),
                         0o666))
    except OSError as exc:
        raise SaveError(f"cannot write {str(path)!r}: folder {str(folder)!r} is not writable "
                        f"({exc.strerror or exc})") from None
    try:
        write(tmp)
        if tmp.stat().st_size == 0:
            raise SaveError("nothing was written")
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except SaveError as exc:
        tmp.unlink(missing_ok=True)
        raise SaveError(f"cannot write {str(path)!r}: {exc}") from None
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise SaveError(f"cannot write {str(path)!r}: {exc.strerror or exc}") from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def atomic_write_bytes(path: str | Path, data: bytes) -> Path:
    """:func:`atomic_write` of ``data``."""
    return atomic_write(path, lambda tmp: tmp.write_bytes(data))
