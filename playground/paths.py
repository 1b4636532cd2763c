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
