"""The last session in ``QSettings``: window layout, kernels, settings, drawing, UI scale.

Everything is read defensively: a missing, old or corrupt entry is skipped (the default stays) and
reported in the returned list, never raised. :func:`clear` forgets it all ("Reset to defaults").
"""

from __future__ import annotations

import json
import logging

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSettings
from PySide6.QtGui import QImage

VERSION = 1
log = logging.getLogger(__name__)


def _to_bool(value, default: bool) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "on")
    return default if value is None else bool(value)


def image_to_png(img: QImage) -> QByteArray:
    """``img`` encoded as PNG bytes."""
    data = QByteArray()
    buf = QBuffer(data)
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    img.save(buf, "PNG")
    buf.close()
    return data


def save(window) -> None:
    """Stores the window's geometry and state, the playground state, drawing and UI options."""
    s = QSettings()
    s.setValue("version", VERSION)
    s.setValue("window/geometry", window.saveGeometry())
    s.setValue("window/state", window.saveState())
    s.setValue("window/tab", window.tabs.currentIndex())
    s.setValue("playground/state", json.dumps(window.state.snapshot()))
    s.setValue("canvas/png", image_to_png(window.canvas.buffer()))
    s.setValue("view/ui_scale", int(window.ui_scale))
    s.setValue("view/theme", str(window.theme_name))
    s.setValue("view/shared_scale", bool(window.shared_scale))
    s.sync()


def load(window) -> list[str]:
    """Restores what :func:`save` stored; returns what had to be skipped (empty if nothing)."""
    s = QSettings()
    problems: list[str] = []
    if s.value("version") is None:
        return problems

    def attempt(what: str, fn) -> None:
        try:
            fn()
        except Exception as exc:  # corrupt settings must never stop the app
            problems.append(f"{what}: {exc}")
            log.info("ignored saved %s: %s", what, exc)

    def geometry() -> None:
        g = s.value("window/geometry")
        if g is not None and not window.restoreGeometry(QByteArray(g)):
            raise ValueError("unreadable geometry")
        st = s.value("window/state")
        if st is not None and not window.restoreState(QByteArray(st)):
            raise ValueError("unreadable window state")

    def scale() -> None:
        v = s.value("view/ui_scale")
        if v is not None:
            window.set_ui_scale(int(v))

    def colours() -> None:
        v = s.value("view/theme")
        if v is not None:
            window.set_theme(str(v))

    def shared() -> None:
        window.set_shared_scale(_to_bool(s.value("view/shared_scale"), True))

    def state() -> None:
        text = s.value("playground/state")
        if text:
            window.state.restore(json.loads(str(text)))

    def canvas() -> None:
        data = s.value("canvas/png")
        if data is not None:
            img = QImage.fromData(QByteArray(data), "PNG")
            if img.isNull() or img.width() != img.height():
                raise ValueError("unreadable drawing")
            window.canvas.set_buffer(img.convertToFormat(QImage.Format.Format_Grayscale8)
                                     .scaled(window.canvas.buffer().size()), push=False)

    def tab() -> None:
        i = int(s.value("window/tab", 0))
        if 0 <= i < window.tabs.count():
            window.tabs.setCurrentIndex(i)

    attempt("UI scale", scale)
    attempt("theme", colours)
    attempt("window layout", geometry)
    attempt("colour scale", shared)
    attempt("playground", state)
    attempt("drawing", canvas)
    attempt("tab", tab)
    return problems


def clear() -> None:
    """Forgets everything saved."""
    s = QSettings()
    s.clear()
    s.sync()
