"""Qt's system libraries on Linux: say which packages to install instead of crashing (no Qt import
at module level).

Two failures a bare Linux produces, each turned into one line naming the Debian/Ubuntu packages:

- ``import PySide6.QtGui`` fails because a shared library (``libGL.so.1``, ``libEGL.so.1``,
  ``libxkbcommon.so.0``, ``libfontconfig.so.1``, ...) is missing; left alone, pyqtgraph reports it
  as "requires one of PyQt5, PyQt6, PySide2 or PySide6".
- the xcb platform plugin (a real X11 window) cannot load because ``libxcb-cursor.so.0`` or one of
  its siblings is missing; left alone, Qt aborts the process (SIGABRT) when ``QApplication`` is
  created, so these are checked before.
"""

from __future__ import annotations

import ctypes
import importlib
import os
import re
import sys
from collections.abc import Callable, Mapping

#: shared library (soname prefix) -> the Debian/Ubuntu package that provides it
QT_LIBRARY_PACKAGES = {
    "libGL.so": "libgl1",
    "libEGL.so": "libegl1",
    "libOpenGL.so": "libopengl0",
    "libGLX.so": "libglx0",
    "libxkbcommon.so": "libxkbcommon0",
    "libxkbcommon-x11.so": "libxkbcommon-x11-0",
    "libfontconfig.so": "libfontconfig1",
    "libfreetype.so": "libfreetype6",
    "libglib-2.0.so": "libglib2.0-0",
    "libgthread-2.0.so": "libglib2.0-0",
    "libgobject-2.0.so": "libglib2.0-0",
    "libdbus-1.so": "libdbus-1-3",
    "libX11.so": "libx11-6",
    "libX11-xcb.so": "libx11-xcb1",
    "libxcb.so": "libxcb1",
}

#: what the xcb platform plugin loads (Qt 6.5+), and the packages that provide them
XCB_LIBRARIES = {
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
}

_SONAME = re.compile(r"(lib[\w.+-]+?\.so(?:\.\d+)*)")
_MISSING = re.compile(_SONAME.pattern + r": cannot open shared object file")


class MissingSystemLibrary(RuntimeError):
    """Qt cannot start because a system library is missing; the message names the packages."""


def _apt_hint(libraries: list[str], packages: list[str]) -> str:
    libs = ", ".join(libraries)
    return (f"Qt cannot load {libs} (system libraries missing); on Debian/Ubuntu install them "
            f"with: sudo apt-get install {' '.join(dict.fromkeys(packages))}")


def package_for(library: str) -> str | None:
    """The Debian/Ubuntu package that provides ``library`` (a soname such as ``libGL.so.1``)."""
    for prefix, package in QT_LIBRARY_PACKAGES.items():
        if library == prefix or library.startswith(prefix + "."):
            return package
    return None


def qt_import_problem(importer: Callable[[str], object] = importlib.import_module) -> str | None:
    """Imports PySide6's QtGui and QtWidgets; ``None`` if they load, else one line saying what to
    install (or, for a library this table does not know, which library is missing)."""
    try:
        importer("PySide6.QtGui")
        importer("PySide6.QtWidgets")
    except ImportError as exc:
        text = str(exc)
        match = _MISSING.search(text) or _SONAME.search(text)
        if match is None:
            if "PySide6" in text or getattr(exc, "name", "") == "PySide6":
                return "PySide6 is not installed in this Python environment: pip install PySide6"
            return f"Qt cannot start: {text}"
        library = match.group(1)
        package = package_for(library)
        if package is None:
            return (f"Qt cannot load {library} (a system library is missing); install the "
                    f"package that provides it (Debian/Ubuntu: apt-file search {library})")
        return _apt_hint([library], [package])
    return None


def _can_load(name: str) -> bool:
    try:
        ctypes.CDLL(name)
    except OSError:
        return False
    return True


def uses_xcb(environ: Mapping[str, str] = os.environ, platform: str = sys.platform) -> bool:
    """Whether Qt will open its X11 (xcb) platform plugin: Linux with ``QT_QPA_PLATFORM=xcb``, or
    unset with an X display and no Wayland one."""
    if not platform.startswith("linux"):
        return False
    chosen = environ.get("QT_QPA_PLATFORM", "").strip()
    if chosen:
        return chosen.split(":")[0].split(";")[0] == "xcb"
    return bool(environ.get("DISPLAY")) and not environ.get("WAYLAND_DISPLAY")


def xcb_problem(environ: Mapping[str, str] = os.environ, platform: str = sys.platform,
                can_load: Callable[[str], bool] = _can_load) -> str | None:
    """``None`` unless the xcb plugin will be used and one of its libraries does not load; then
    one line naming the packages to install."""
    if not uses_xcb(environ, platform):
        return None
    missing = [lib for lib in XCB_LIBRARIES if not can_load(lib)]
    if not missing:
        return None
    return _apt_hint(missing, [XCB_LIBRARIES[lib] for lib in missing])


def ensure_qt_can_start() -> None:
    """Raises :class:`MissingSystemLibrary` (one line, the packages to install) when Qt's widgets
    cannot be imported or its X11 plugin cannot load; call before creating the QApplication."""
    problem = qt_import_problem() or xcb_problem()
    if problem:
        raise MissingSystemLibrary(problem)
