"""Offscreen rendering of a window to a PNG of an exact size (``conv-playground --screenshot``).

The picture is what a screen of that size would show: a window that cannot fit (its layout needs
more than ``WxH`` at the current UI scale) is an error, never a bigger picture.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QApplication, QWidget


class ScreenshotError(ValueError):
    """The screenshot cannot be made as asked (a size the window cannot fit, a bad path)."""


def _settle(rounds: int = 6) -> None:
    for _ in range(rounds):
        QApplication.processEvents()


def render_screenshot(window: QWidget, path: str | Path, size: tuple[int, int],
                      prepare: Callable[[QWidget], None] | None = None) -> Path:
    """Lays out ``window`` at exactly ``size`` and saves it to ``path`` (PNG); returns the path.

    ``prepare(window)`` runs first (a scene, a UI scale, presenter mode ...), then again once the
    window has its size, so that anything fitted to the size is fitted to this one. Raises
    :class:`ScreenshotError` when the window needs more than ``size``.
    """
    out = Path(path)
    if out.suffix.lower() != ".png":
        raise ScreenshotError(f"screenshot path must end in .png, got {out.name!r}")
    if not out.parent.exists():
        raise ScreenshotError(f"folder {out.parent} does not exist")
    w, h = (int(v) for v in size)
    if prepare is not None:
        prepare(window)
    window.resize(w, h)
    window.show()
    _settle()
    if prepare is not None:
        prepare(window)
        _settle()
    need = window.minimumSizeHint().expandedTo(window.minimumSize())
    if window.size() != QSize(w, h) or need.width() > w or need.height() > h:
        raise ScreenshotError(f"the window needs at least {need.width()}x{need.height()} here; "
                              f"{w}x{h} is too small")
    image = window.grab().toImage()
    if image.size() != QSize(w, h):  # a device pixel ratio other than 1: back to logical pixels
        image = image.scaled(w, h, Qt.AspectRatioMode.IgnoreAspectRatio,
                             Qt.TransformationMode.SmoothTransformation)
    if not image.save(str(out), "PNG"):
        raise OSError(f"could not write {out}")
    return out
