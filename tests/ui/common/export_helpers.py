"""Helpers for export-menu tests: find a menu's entries and run one into a chosen file."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import QPoint
from PySide6.QtGui import QAction, QImage
from PySide6.QtWidgets import QApplication, QMenu, QWidget

from playground.ui.common import array_export as ae


def actions_of(menu: QMenu) -> dict[str, QAction]:
    """The menu's own four entries (not its submenus'), by kind: png, csv, npy, copy."""
    return {a.objectName().removeprefix("export-"): a for a in menu.actions()
            if a.objectName().startswith("export-")}


def submenus(menu: QMenu) -> dict[str, QMenu]:
    """The menu's submenus by their title (``"all conv + b maps (6×28×28)"``)."""
    return {a.text(): a.menu() for a in menu.actions() if a.menu() is not None}


def run_entry(menu: QMenu, kind: str, path: Path, monkeypatch) -> Path:
    """Triggers ``kind``'s entry with the save dialog answering ``path``; the file written."""
    monkeypatch.setattr(ae, "ask_save_path", lambda *_a: str(path))
    written: list[Path] = []
    original = ae.save

    def spy(target, k, p):
        out = original(target, k, p)
        written.append(out)
        return out

    monkeypatch.setattr(ae, "save", spy)
    actions_of(menu)[kind].trigger()
    monkeypatch.setattr(ae, "save", original)
    assert written, f"{kind} wrote nothing"
    return written[-1]


def open_menu(widget: QWidget, pos: QPoint | None) -> QMenu:
    """The export menu ``widget``'s hook builds for ``pos`` (None: as from the keyboard)."""
    hook = widget._export_hook
    menu = hook.menu_for(pos)
    assert menu is not None
    return menu


def png_pixels(path: Path, width: int, height: int) -> np.ndarray:
    """The PNG at ``path`` shrunk back (nearest pixel) to ``width x height``, as RGB uint8."""
    img = QImage(str(path))
    assert img.width() % width == 0 and img.height() % height == 0
    return rgb(img.scaled(width, height))


def rgb(image) -> np.ndarray:
    """An image's pixels as an ``(H, W, 3)`` uint8 array."""
    img = (image.toImage() if hasattr(image, "toImage") else image).convertToFormat(
        QImage.Format.Format_RGB888)
    w, h, bpl = img.width(), img.height(), img.bytesPerLine()
    buf = np.frombuffer(img.constBits(), np.uint8, count=bpl * h).reshape(h, bpl)
    return buf[:, : 3 * w].reshape(h, w, 3).copy()


def clipboard_values() -> np.ndarray:
    """The clipboard's tab-separated rows (a 2-D block) as float32."""
    rows = [r for r in QApplication.clipboard().text().splitlines() if r and r[0] != "#"]
    return np.array([[float(v) for v in r.split("\t")] for r in rows], np.float32)
