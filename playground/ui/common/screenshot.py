"""Offscreen rendering of a window to a PNG (``conv-playground --screenshot``)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QApplication, QWidget


def render_screenshot(window: QWidget, path: str | Path, size: tuple[int, int]) -> Path:
    """Lays out ``window`` at ``size``, renders it to ``path`` (PNG) and returns the path."""
    out = Path(path)
    if out.suffix.lower() != ".png":
        raise ValueError(f"screenshot path must end in .png, got {out.name!r}")
    if not out.parent.exists():
        raise FileNotFoundError(f"folder {out.parent} does not exist")
    window.resize(*size)
    window.show()
    for _ in range(5):
        QApplication.processEvents()
    if not window.grab().save(str(out), "PNG"):
        raise OSError(f"could not write {out}")
    return out
