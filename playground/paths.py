"""Where the app finds its bundled files and keeps its per-user cache (no Qt)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

APP_NAME = "ConvPlayground"
APP_AUTHOR = "ConvPlayground"
RESOURCE_PACKAGE = "playground.resources"
"""The resources ship inside the package (the repository's ``resources/`` folder, mapped in
pyproject.toml), so ``importlib.resources`` finds them in a wheel, an editable install and a
PyInstaller bundle that collects ``playground`` as plain ``.py`` files."""


def _package_resources() -> Path | None:
    """``playground.resources`` through ``importlib.resources``, if it is a real folder."""
    from importlib.resources import files

    try:
        root = files(RESOURCE_PACKAGE)
    except ImportError:
        return None
    path = Path(str(root))
    return path if path.is_dir() else None


def _candidates() -> list[Path]:
    """Where to look, best first: the installed package, the frozen bundle, the source tree."""
    found = []
    package = _package_resources()
    if package is not None:
        found.append(package)
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        found += [Path(frozen) / "playground" / "resources", Path(frozen) / "resources"]
    found.append(Path(__file__).resolve().parent.parent / "resources")
    return found


def resource_dir() -> Path:
    """The bundled resources folder: ``playground.resources`` first, then a frozen bundle's data
    folder, then the source tree's ``resources/``. Only a folder that holds ``__init__.py`` or the
    bundled digits counts, so an unrelated ``resources/`` folder is never picked up."""
    candidates = _candidates()
    for path in candidates:
        if (path / "__init__.py").is_file() or (path / "mnist_5k.npz").is_file():
            return path
    return candidates[0]


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


def user_cache_dir(create: bool = True) -> Path:
    """The per-user cache folder (downloads, Numba's compiled kernels); made unless ``create`` is
    False (then only its path is returned, nothing touches the disk).

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
    if not create:
        return path
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
