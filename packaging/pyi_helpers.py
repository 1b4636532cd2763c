"""Build-time helpers for packaging/conv-playground.spec (run inside PyInstaller, never shipped).

- ``icon_file``: the executable's icon in the platform's format, made from the PNGs with Pillow.
- ``drop_binaries``: removes Qt plugins and optional extension modules the app never loads, and the
  system libraries that only they needed (measured: the GTK3 platform theme alone pulled in GTK's
  cairo/pango/atk stack).
- ``precompiled``: ``.pyc`` files for the ``playground`` sources, which the spec collects as plain
  ``.py`` files: a frozen app does not write ``__pycache__``, so without these every start would
  compile the package again (~0.2 s measured).
"""

from __future__ import annotations

import os
import py_compile
import sys
from pathlib import Path

LINUX_DROPS = (
    "platformthemes/libqgtk3.so",  # GTK3 look: pulls in GTK, cairo, pango, atk from the build host
    "platforms/libqeglfs.so", "platforms/libqlinuxfb.so", "platforms/libqvnc.so",
    "platforms/libqvkkhrdisplay.so", "platforms/libqminimalegl.so",  # no desktop: kiosks, VNC
    "egldeviceintegrations/", "generic/libqevdev", "generic/libqtuiotouchplugin.so",
    "networkinformation/", "tls/",  # the app does not use QtNetwork
    "numba/np/ufunc/tbbpool",  # needs libtbb; Numba falls back to its OpenMP/workqueue layer
)
"""Destination-path fragments (POSIX separators) of bundled binaries that are left out on Linux."""


def icon_file(icons: Path, name: str, workpath: Path) -> str | None:
    """``<name>.ico`` (Windows, 16..256 px) or ``<name>.icns`` (macOS) from ``<name>-<N>.png``;
    None elsewhere (Linux desktops take the icon from the .desktop file) or without PNGs."""
    pngs = sorted(icons.glob(f"{name}-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
    if not pngs or sys.platform not in ("win32", "darwin"):
        return None
    from PIL import Image

    workpath.mkdir(parents=True, exist_ok=True)
    images = [Image.open(p).convert("RGBA") for p in pngs]
    if sys.platform == "win32":
        out = workpath / f"{name}.ico"
        small = [im for im in images if im.width <= 256]
        small[-1].save(out, sizes=[im.size for im in small], append_images=small[:-1])
    else:
        out = workpath / f"{name}.icns"
        images[-1].save(out, append_images=images[:-1])
    return str(out)


def drop_binaries(binaries: list, drops: tuple[str, ...] = LINUX_DROPS) -> list:
    """``binaries`` (a TOC of (dest, src, typecode)) without the entries matching ``drops`` and
    without the system libraries that only those entries needed. Linux only; else unchanged."""
    if not sys.platform.startswith("linux"):
        return binaries
    from PyInstaller.depend.bindepend import get_imports

    def dropped(dest: str) -> bool:
        return any(part in Path(dest).as_posix() for part in drops)

    by_name = {os.path.basename(dest): src for dest, src, _ in binaries}

    def needs(entries: list) -> set[str]:
        """Basenames of the bundled libraries that ``entries`` need (ldd: transitively)."""
        found: set[str] = set()
        for _, src, _ in entries:
            for name, _path in get_imports(src):
                base = os.path.basename(name)
                if base in by_name:
                    found.add(base)
        return found

    gone = [entry for entry in binaries if dropped(entry[0])]
    kept = [entry for entry in binaries if not dropped(entry[0])]
    only_theirs = needs(gone) - needs(kept)
    return [entry for entry in kept if os.path.basename(entry[0]) not in only_theirs]


def precompiled(package_dir: Path, dest_root: str, workpath: Path) -> list[tuple[str, str]]:
    """``(src, dest)`` data entries: a ``__pycache__/<module>.<tag>.pyc`` beside every ``.py`` of
    ``package_dir``, hash-checked (valid whatever mtimes an installer gives the files)."""
    out = []
    tag = sys.implementation.cache_tag
    for source in sorted(package_dir.rglob("*.py")):
        rel = source.relative_to(package_dir)
        dest_dir = Path(dest_root, *rel.parent.parts, "__pycache__")
        target = workpath / "pyc" / dest_dir / f"{source.stem}.{tag}.pyc"
        py_compile.compile(str(source), cfile=str(target), doraise=True,
                           invalidation_mode=py_compile.PycInvalidationMode.CHECKED_HASH)
        out.append((str(target), dest_dir.as_posix()))
    return out
