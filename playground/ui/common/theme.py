"""UI scale for projectors (100/125/150/200 %), fonts, the diverging colour map of weights, and
the helpers widgets use to follow the scale (``pt``, ``big_font``, ``follow_theme``)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QColor, QFont, QPalette
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


THEMES = ("light", "dark", "high-contrast")
"""Colour themes offered in the View menu (persisted with the session)."""


@dataclass(frozen=True)
class Colours:
    """One theme's colours: the Qt palette's few roles and the plots' background / foreground."""

    window: str
    base: str
    text: str
    button: str
    highlight: str
    highlighted_text: str
    plot_bg: str
    plot_fg: str
    muted: str
    legend_bg: tuple[int, int, int, int]


COLOURS = {
    "light": Colours("#f5f5f5", "#ffffff", "#202124", "#eeeeee", "#1a73e8", "#ffffff",
                     "#ffffff", "#202124", "#5f6368", (255, 255, 255, 220)),
    "dark": Colours("#202124", "#2b2c30", "#e8eaed", "#35363a", "#8ab4f8", "#202124",
                    "#17181b", "#e8eaed", "#9aa0a6", (32, 33, 36, 220)),
    "high-contrast": Colours("#000000", "#000000", "#ffffff", "#000000", "#ffff00", "#000000",
                             "#000000", "#ffffff", "#ffffff", (0, 0, 0, 235)),
}

CURVE_COLORS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442",
                "#999999")
"""Okabe and Ito's colour-blind-safe palette (blue, vermillion, bluish green, reddish purple,
orange, sky blue, yellow, grey); curves also differ in line style and marker."""
CURVE_SYMBOLS = ("o", "s", "t", "d", "+", "x", "star", "h")


class Theme(QObject):
    """The app's UI scale and colour theme; widgets size themselves with :meth:`px` and follow
    ``changed`` (the scale) and ``colours_changed`` (the theme's name)."""

    changed = Signal(int)
    colours_changed = Signal(str)

    def __init__(self) -> None:
        super().__init__()
        self.scale = 100
        self.name = "light"
        self._base_pt: float | None = None
        self._light_palette: QPalette | None = None

    @property
    def colours(self) -> Colours:
        """The current theme's colours."""
        return COLOURS[self.name]

    def set_theme(self, name: str) -> None:
        """Applies theme ``name`` to the Qt palette and every plot; ValueError if unknown."""
        if name not in THEMES:
            raise ValueError(f"theme must be one of {', '.join(THEMES)}, got {name!r}")
        app = QApplication.instance()
        if app is not None:
            if self._light_palette is None:
                self._light_palette = QPalette(app.palette())
            if name == "light":
                app.setPalette(self._light_palette)
            else:
                app.setStyle("Fusion")  # the platform styles ignore a dark palette in places
                app.setPalette(_palette(COLOURS[name]))
        self.name = name
        if app is not None:
            restyle_plots()
        self.colours_changed.emit(name)

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


def _palette(c: Colours) -> QPalette:
    pal = QPalette()
    role = QPalette.ColorRole
    for r, colour in ((role.Window, c.window), (role.Base, c.base), (role.AlternateBase, c.button),
                      (role.WindowText, c.text), (role.Text, c.text), (role.ButtonText, c.text),
                      (role.Button, c.button), (role.ToolTipBase, c.base),
                      (role.ToolTipText, c.text), (role.Highlight, c.highlight),
                      (role.HighlightedText, c.highlighted_text), (role.PlaceholderText, c.muted),
                      (role.Link, c.highlight), (role.BrightText, c.highlight)):
        pal.setColor(r, QColor(colour))
    pal.setColor(QPalette.ColorGroup.Disabled, role.Text, QColor(c.muted))
    pal.setColor(QPalette.ColorGroup.Disabled, role.WindowText, QColor(c.muted))
    pal.setColor(QPalette.ColorGroup.Disabled, role.ButtonText, QColor(c.muted))
    return pal


def fg() -> str:
    """The plots' text and axis colour in the current theme."""
    return theme().colours.plot_fg


def plot_bg() -> str:
    """The plots' background colour in the current theme."""
    return theme().colours.plot_bg


def restyle_plots() -> None:
    """Gives every pyqtgraph view the current theme's background, titles, axes and legends."""
    import pyqtgraph as pg

    c = theme().colours
    for w in QApplication.allWidgets():
        if not isinstance(w, pg.GraphicsView):
            continue
        w.setBackground(c.plot_bg)
        for item in w.scene().items():
            if isinstance(item, pg.LabelItem):
                item.setText(item.text, color=c.plot_fg)
            elif isinstance(item, pg.AxisItem):
                item.setPen(c.plot_fg)
                item.setTextPen(c.plot_fg)
            elif isinstance(item, pg.LegendItem):
                item.setBrush(pg.mkBrush(*c.legend_bg))
                item.setPen(pg.mkPen(c.muted))
                item.setLabelTextColor(c.plot_fg)


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


class _FontFollower(QObject):
    """Keeps its parent widget's font at the application font times ``factor`` (a widget's own
    ``setFont`` would otherwise keep the size it had when it was set, whatever the UI scale)."""

    def __init__(self, widget: QWidget, factor: float, bold: bool) -> None:
        super().__init__(widget)
        self.factor, self.bold = factor, bold
        theme().changed.connect(self.apply)
        self.apply()

    def apply(self, _percent: int = 0) -> None:
        font = QFont(QApplication.font())
        font.setPointSizeF(font.pointSizeF() * self.factor)
        font.setBold(self.bold)
        self.parent().setFont(font)


def relative_font(widget: QWidget, factor: float = 1.0, bold: bool = False) -> None:
    """Gives ``widget`` the UI font times ``factor`` (bold if asked), now and at every scale."""
    _FontFollower(widget, factor, bold)


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
