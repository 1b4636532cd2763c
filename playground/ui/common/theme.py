"""UI scale for projectors (100/125/150/200 %), fonts, the diverging colour map of weights, and
the helpers widgets use to follow the scale (``pt``, ``big_font``, ``follow_theme``)."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QApplication, QWidget

SCALES = (100, 125, 150, 200)
"""UI scales offered in the View menu, in percent."""

CELL_PX = 34
"""Side of one kernel-editor cell at 100 %."""

MAP_CMAP = "CET-D1"
"""Diverging blue-white-red for maps and weights: zero is white, so a ReLU map is the red half of
its conv map."""
INPUT_CMAP = "CET-L1"
"""Grey ramp for the input image."""


class Theme(QObject):
    """The app's UI scale; widgets size themselves with :meth:`px` and follow ``changed``."""

    changed = Signal(int)

    def __init__(self) -> None:
        super().__init__()
        self.scale = 100
        self._base_pt: float | None = None

    def px(self, n: float) -> int:
        """``n`` logical pixels at 100 % in the current scale (Qt handles the device ratio)."""
        return round(n * self.scale / 100)

    def set_scale(self, percent: int) -> None:
        """Scales the application font and emits ``changed``; ValueError if unknown."""
        percent = int(percent)
        if percent not in SCALES:
            raise ValueError(f"UI scale must be one of {SCALES}, got {percent}")
        app = QApplication.instance()
        if percent == self.scale and self._base_pt is not None:
            return
        if app is not None:
            font = QFont(app.font())
            if self._base_pt is None:
                self._base_pt = font.pointSizeF() if font.pointSizeF() > 0 else 10.0
            font.setPointSizeF(self._base_pt * percent / 100)
            app.setFont(font)
        self.scale = percent
        self.changed.emit(percent)


_theme: Theme | None = None


def theme() -> Theme:
    """The one :class:`Theme` of this process."""
    global _theme
    if _theme is None:
        _theme = Theme()
    return _theme


def diverging_lut(n: int = 256) -> np.ndarray:
    """(n, 3) uint8 blue-white-red colours, white in the middle (pyqtgraph's CET-D1)."""
    try:
        import pyqtgraph as pg

        lut = pg.colormap.get(MAP_CMAP).getLookupTable(nPts=n, alpha=False)
        return np.asarray(lut, np.uint8)[:, :3]
    except Exception:  # a stripped pyqtgraph install: fall back to a plain red-white-blue ramp
        t = np.linspace(-1.0, 1.0, n)[:, None]
        blue, white = np.array([33, 102, 172]), np.array([247, 247, 247])
        red = np.array([178, 24, 43])
        out = np.where(t < 0, white + (blue - white) * -t, white + (red - white) * t)
        return out.astype(np.uint8)


_LUT = None


def weight_color(value: float, vmax: float) -> QColor:
    """The colour of a weight on a scale symmetric around 0 (``±vmax`` at the ends)."""
    global _LUT
    if _LUT is None:
        _LUT = diverging_lut()
    t = 0.5 if vmax <= 0 else 0.5 + 0.5 * max(-1.0, min(1.0, value / vmax))
    r, g, b = _LUT[min(int(t * (len(_LUT) - 1) + 0.5), len(_LUT) - 1)]
    return QColor(int(r), int(g), int(b))


def text_color_on(bg: QColor) -> QColor:
    """Black or white, whichever reads better on ``bg``."""
    luma = 0.299 * bg.red() + 0.587 * bg.green() + 0.114 * bg.blue()
    return QColor(0, 0, 0) if luma > 140 else QColor(255, 255, 255)


BIG_FONT_PT = 13
"""Point size of the formulas at 100 % UI scale (the View menu's scale multiplies it)."""


def ui_scale() -> float:
    """The application's UI scale (1.0 = 100 %)."""
    return theme().scale / 100


def pt(size: float) -> str:
    """A pyqtgraph ``LabelItem`` size such as ``"9pt"``, scaled with the UI."""
    return f"{size * ui_scale():g}pt"


def big_font(factor: float = 1.0) -> QFont:
    """The formulas' font (:data:`BIG_FONT_PT` times ``factor``), scaled with the UI."""
    font = QFont(QApplication.font())
    font.setPointSizeF(BIG_FONT_PT * factor * ui_scale())
    return font


def follow_theme(slot) -> None:
    """Calls the bound Qt method ``slot(percent)`` when the UI scale changes (auto-disconnects).

    The slot should start with ``if not scale_changed(self): return``: the theme also re-emits
    the scale it already has.
    """
    owner = slot.__self__
    owner._applied_ui_scale = theme().scale
    theme().changed.connect(slot)


def scale_changed(widget: QWidget) -> bool:
    """True (and remembered) when the UI scale differs from the one ``widget`` last applied."""
    scale = theme().scale
    if getattr(widget, "_applied_ui_scale", None) == scale:
        return False
    widget._applied_ui_scale = scale
    return True
