"""PNG files from Qt images, written atomically, and offscreen rendering of a window to a PNG
(``conv-playground --screenshot``)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QApplication, QWidget

from playground.fileio import atomic_write


def save_png(image: QImage | QPixmap, path: str | Path) -> None:
    """Writes ``image`` to ``path`` as PNG (whatever the file name ends in); OSError if Qt
    cannot (a full disk, a folder that cannot be written)."""
    if image.isNull():
        raise OSError("there is no image to save")
    if not image.save(str(path), "PNG"):
        raise OSError("Qt could not write the PNG image (is the disk full?)")


def write_png(image: QImage | QPixmap, path: str | Path) -> Path:
    """:func:`save_png` through :func:`~playground.fileio.atomic_write`: the old file stays
    unless the new one is complete; returns ``path``."""
    return atomic_write(path, lambda tmp: save_png(image, tmp))


def render_screenshot(window: QWidget, path: str | Path, size: tuple[int, int]) -> Path:
    """Lays out ``window`` at ``size``, renders it to ``path`` (PNG, atomically) and returns it."""
    out = Path(path)
    if out.suffix.lower() != ".png":
        raise ValueError(f"screenshot path must end in .png, got {out.name!r}")
    if not out.parent.exists():
        raise FileNotFoundError(f"folder {out.parent} does not exist")
    window.resize(*size)
    window.show()
    for _ in range(5):
        QApplication.processEvents()
    return write_png(window.grab(), out)
