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


_fallback_note: str | None = None


def _fallback_cache_dir() -> Path:
    """A per-user folder under the system's temporary folder (used when the usual one fails)."""
    import tempfile

    uid = getattr(os, "getuid", lambda: "user")()
    return Path(tempfile.gettempdir()) / f"{APP_NAME}-cache-{uid}"


def user_cache_dir() -> Path:
    """The per-user cache folder (downloads, Numba's compiled kernels); created on demand.

    ``$PLAYGROUND_CACHE_DIR`` overrides the platform's cache folder. An existing folder is returned
    as it is (it may be read-only: writers check with :func:`ensure_writable_dir`). One that cannot
    be created (a read-only home, a regular file in its place) is replaced by a folder under the
    system's temporary folder, with one warning saying so; when that fails too,
    :class:`NotWritableError` says which folders were tried and what to do.
    """
    global _fallback_note
    override = os.environ.get("PLAYGROUND_CACHE_DIR")
    if override:
        path = Path(override)
    else:
        from platformdirs import user_cache_path

        path = user_cache_path(APP_NAME, APP_AUTHOR)
    try:
        path.mkdir(parents=True, exist_ok=True)
        return path
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
    fallback = _fallback_cache_dir()
    try:
        fallback.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise NotWritableError(
            f"no usable cache folder: {str(path)!r} ({reason}) and {str(fallback)!r} "
            f"({exc.strerror or exc}); set PLAYGROUND_CACHE_DIR to a writable folder") from None
    note = (f"cannot use the cache folder {str(path)!r} ({reason}); using {str(fallback)!r} "
            "instead (set PLAYGROUND_CACHE_DIR to choose one)")
    if note != _fallback_note:
        _fallback_note = note
        import logging

        logging.getLogger("playground").warning(note)
    return fallback


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
