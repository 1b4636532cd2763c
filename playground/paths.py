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


def user_cache_dir(create: bool = True) -> Path:
    """The per-user cache folder (downloads, Numba's kernels), made unless ``create`` is False."""
    override = os.environ.get("PLAYGROUND_CACHE_DIR")
    if override:
        path = Path(override)
    else:
        from platformdirs import user_cache_path

        path = user_cache_path(APP_NAME, APP_AUTHOR)
    if create:
        path.mkdir(parents=True, exist_ok=True)
    return path
