"""Where the app finds its bundled files and keeps its per-user cache (no Qt)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

APP_NAME = "ConvPlayground"
APP_AUTHOR = "ConvPlayground"


def resource_dir() -> Path:
    """The bundled resources folder: in a frozen bundle, the source tree or an installed wheel."""
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen) / "resources"
    source = Path(__file__).resolve().parent.parent / "resources"
    if source.is_dir():
        return source
    from importlib.resources import files

    return Path(str(files("playground.resources")))


def resource_path(name: str) -> Path:
    """The path of one bundled resource file; raises FileNotFoundError naming it if absent."""
    path = resource_dir() / name
    if not path.exists():
        raise FileNotFoundError(f"bundled resource {name!r} is missing (looked in {path.parent})")
    return path


def user_cache_dir() -> Path:
    """The per-user cache folder (downloads, Numba's compiled kernels); created on demand."""
    override = os.environ.get("PLAYGROUND_CACHE_DIR")
    if override:
        path = Path(override)
    else:
        from platformdirs import user_cache_path

        path = user_cache_path(APP_NAME, APP_AUTHOR)
    path.mkdir(parents=True, exist_ok=True)
    return path


class NotWritableError(OSError):
    """A folder the app must write to cannot be written; the message says which and what to do."""


def ensure_writable_dir(folder: str | os.PathLike, what: str) -> Path:
    """Creates ``folder`` if needed and proves it writable with a temporary file; returns it.

    Raises :class:`NotWritableError` naming the folder, the reason and ``what`` needed it, before
    any long work starts (a training run, a download) rather than after.
    """
    import tempfile

    path = Path(folder)
    try:
        path.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path, prefix=".write-test-"):
            pass
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise NotWritableError(f"{what}: cannot write to folder {str(path)!r} ({reason}); "
                               "choose a writable folder") from None
    return path
