"""The pieces of the feature-map grid: one map cell with its highlights, titles, colour bars
(one per map or one shared, with painted ticks) and the pens and colour maps they use."""

from __future__ import annotations

import contextlib

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QImage,
    QPainter,
    QPainterPath,
    QPen,
    QPixmap,
)
from PySide6.QtWidgets import QGraphicsPathItem, QGraphicsRectItem

from playground.ui.common.fast_image import FastImageItem
from playground.ui.common.theme import MAP_CMAP, fg, pt, ui_scale
from playground.ui.playground.cell_numbers import HIDDEN, CellNumbers

ROWS = ("conv", "activated", "pooled")
SELECT_PEN = pg.mkPen("#f9ab00", width=3)
HOVER_PEN = pg.mkPen("#00c853", width=2)
RF_PEN = pg.mkPen("#d50000", width=2)
TITLE_COLOR = "#202124"


def rect_item(pen: QPen, brush: QBrush | None = None, z: float = 10.0) -> QGraphicsRectItem:
    """A hidden outline (hover, receptive field, selection) drawn above the images at ``z``."""
    item = QGraphicsRectItem()
    item.setPen(pen)
    item.setBrush(brush if brush is not None else QBrush(Qt.BrushStyle.NoBrush))
    item.setZValue(z)
    item.hide()
    return item


class WindowOverlay:
    """A kernel's window drawn on an input: its extent outlined and filled or, with dilation, the
    cells the kernel touches filled and the gaps between them left clear.

    Two graphics items (``rect`` for the extent, ``taps`` for the touched cells); coordinates are
    the view's (x = column, y = row).
    """

    FILL = QColor(213, 0, 0, 50)
    TAPS = QColor(213, 0, 0, 110)

    def __init__(self, pen: QPen, z: float = 20.0) -> None:
        self.rect = rect_item(pen, QBrush(self.FILL), z)
        self.taps = QGraphicsPathItem()
        self.taps.setPen(pg.mkPen("#d50000", width=1))
        self.taps.setBrush(QBrush(self.TAPS))
        self.taps.setZValue(z - 1)
        self.taps.hide()
        self._cells: list[tuple[int, int]] = []

    def items(self) -> tuple[QGraphicsRectItem, QGraphicsPathItem]:
        """The graphics items, to parent or add to a view."""
        return self.rect, self.taps

    def show(self, extent: QRectF, cells: list[tuple[int, int]] | None = None) -> None:
        """Outlines ``extent``; fills the ``(row, col)`` ``cells`` (None or []: all of it)."""
        self.rect.setRect(extent)
        self._cells = list(cells or [])
        if self._cells:
            path = QPainterPath()
            for r, c in self._cells:
                path.addRect(QRectF(c, r, 1, 1))
            self.taps.setPath(path)
            self.taps.show()
            self.rect.setBrush(QBrush(Qt.BrushStyle.NoBrush))
        else:
            self.taps.hide()
            self.rect.setBrush(QBrush(self.FILL))
        self.rect.show()

    def hide(self) -> None:
        """Hides both items."""
        self.rect.hide()
        self.taps.hide()

    def extent(self) -> QRectF | None:
        """The outlined extent, None when hidden."""
        return self.rect.rect() if self.rect.isVisible() else None

    def cells(self) -> list[tuple[int, int]] | None:
        """The filled cells of a dilated window; None when none are shown."""
        return list(self._cells) if self.taps.isVisible() else None


@contextlib.contextmanager
def one_layout_pass(layout: pg.GraphicsLayout):
    """Adds items to ``layout`` with one layout pass at the end instead of one per item.

    pyqtgraph's ``GraphicsLayout.addItem`` activates the whole grid after every item, which made
    building the 22-cell grid quadratic (most of the view's start-up time).
    """
    grid = layout.layout
    grid.activate = lambda: None  # shadows the C++ method on this wrapper only
    try:
        yield layout
    finally:
        del grid.activate
        grid.activate()


def symmetric(m: float) -> tuple[float, float]:
    """Colour levels ``(-m, m)`` around zero (``(-1, 1)`` for an empty or all-zero map)."""
    m = float(m) if np.isfinite(m) and m > 1e-12 else 1.0
    return -m, m


class Title(pg.LabelItem):
    """A LabelItem that may be squeezed narrower than its text instead of widening the grid."""

    def updateMin(self) -> None:
        super().updateMin()
        self.setMinimumWidth(0)


class MapCell:
    """One map: title, view box, image, hover outline and (per-map scale) its colour bar."""

    def __init__(self, row: str, k: int, per_map_bar: bool) -> None:
        self.row, self.k = row, k
        self.layout = pg.GraphicsLayout()
        self.layout.setContentsMargins(1, 1, 1, 1)
        self.layout.setSpacing(0)
        self.title = Title("", size=pt(9))
        self.layout.addItem(self.title, 0, 0, 1, 2)
        self.vb = pg.ViewBox(lockAspect=True, invertY=True, enableMouse=False, enableMenu=False)
        self.vb.disableAutoRange()
        self.layout.addItem(self.vb, 1, 0)
        self.image = FastImageItem(axisOrder="row-major")
        self.vb.addItem(self.image)
        self.hover = rect_item(HOVER_PEN, z=20)
        self.hover.setParentItem(self.vb.childGroup)
        self.window = rect_item(RF_PEN, QBrush(QColor(213, 0, 0, 40)), z=19)
        self.window.setParentItem(self.vb.childGroup)
        self.image.setColorMap(map_colormap())
        self.bar: MiniBar | None = None
        if per_map_bar:
            self.bar = MiniBar()
            self.layout.addItem(self.bar, 1, 1)
        self.shape: tuple[int, int] | None = None
        self.title_text = ""
        self.numbers = CellNumbers()
        self.numbers.setParentItem(self.vb.childGroup)
        self.masked = False
        """True while a hidden answer's "?" stands in for the map."""

    def annotate(self, data: np.ndarray, hidden: bool) -> None:
        """Writes the numbers on a small map (after its image and levels are set); with the
        answers hidden the map, its numbers and its colour bar give way to one "?"."""
        if hidden:
            self.masked = True
            self.image.hide()
            if self.bar is not None:
                self.bar.hide()
            self.vb.setRange(rect=QRectF(0, 0, 1, 1), padding=0.02)  # not even its shape shows
            self.numbers.set_cells([(0.5, 0.5, HIDDEN, fg())], scale=2.0)
            return
        if self.masked:
            self.masked = False
            self.image.show()
            if self.bar is not None:
                self.bar.show()
            self.vb.setRange(rect=QRectF(0, 0, data.shape[1], data.shape[0]), padding=0.02)
        self.numbers.show_values(data, self.image.getLevels(), _MAP_CMAP)


def map_colormap() -> pg.ColorMap:
    """The maps' diverging colour map (:data:`MAP_CMAP`)."""
    return pg.colormap.get(MAP_CMAP)


_MAP_CMAP = map_colormap()


class ColourBar(pg.GraphicsWidget):
    """A colour bar of the maps' colour map, painted by hand (see :class:`SharedBar`)."""

    def __init__(self, width: float) -> None:
        super().__init__()
        lut = map_colormap().getLookupTable(nPts=256, alpha=False)[::-1]
        strip = np.ascontiguousarray(np.repeat(lut[:, None, :3], 2, axis=1).astype(np.uint8))
        self._pixmap = QPixmap.fromImage(pg.functions.ndarray_to_qimage(
            strip, QImage.Format.Format_RGB888))
        self._levels = (-1.0, 1.0)
        self._font = small_font()
        self._metrics = QFontMetricsF(self._font)
        self.setMinimumWidth(width)  # never squeeze the tick labels away
        self.setMaximumWidth(width)

    def levels(self) -> tuple[float, float]:
        """The (low, high) values at the bottom and top of the bar."""
        return self._levels

    def setLevels(self, levels: tuple[float, float]) -> None:
        levels = (float(levels[0]), float(levels[1]))
        if levels != self._levels:
            self._levels = levels
            self.update()


class MiniBar(ColourBar):
    """A slim colour bar with min / 0 / max labels: cheap enough to give every map its own."""

    def __init__(self) -> None:
        super().__init__(QFontMetricsF(small_font()).horizontalAdvance("-0.000") + 14)

    def paint(self, p: QPainter, *_args) -> None:
        r = self.boundingRect()
        bar = QRectF(r.left() + 1, r.top() + 6, 7, max(r.height() - 12, 1))
        p.drawPixmap(bar, self._pixmap, QRectF(self._pixmap.rect()))
        p.setPen(pg.mkPen("#5f6368"))
        p.drawRect(bar)
        p.setFont(self._font)
        lo, hi = self._levels
        x = bar.right() + 3
        p.drawText(QPointF(x, bar.top() + 4), tick_text(hi))
        p.drawText(QPointF(x, bar.bottom() + 4), tick_text(lo))
        if lo < 0 < hi:
            p.drawText(QPointF(x, bar.top() + bar.height() * hi / (hi - lo) + 4), "0")


def tick_text(v: float) -> str:
    """A colour-bar tick label: whole numbers from 100 up, else 3 significant digits."""
    return f"{v:.0f}" if abs(v) >= 100 else f"{v:.3g}"


class SharedBar(ColourBar):
    """The shared colour bar with round-number ticks, painted directly.

    pyqtgraph's ColorBarItem regenerates its AxisItem (tick values, strings, text metrics) on every
    level change, about 1 ms; the levels change with nearly every stroke, so this draws the same
    picture (gradient, axis line, ticks, labels) with a handful of QPainter calls instead.
    """

    BAR = 12
    AXIS = 40

    def __init__(self) -> None:
        super().__init__(self.BAR + self.AXIS + 14)

    def paint(self, p: QPainter, *_args) -> None:
        r = self.boundingRect()
        half = self._metrics.height() / 2
        bar = QRectF(r.left() + 6, r.top() + half + 2, self.BAR, max(r.height() - 2 * half - 4, 1))
        p.drawPixmap(bar, self._pixmap, QRectF(self._pixmap.rect()))
        lo, hi = self._levels
        x = bar.right()
        p.setPen(pg.mkPen("#5f6368"))
        p.drawRect(bar)
        if hi <= lo:
            return
        p.setFont(self._font)
        ticks, step, decimals = nice_ticks(lo, hi, max(2, int(bar.height() // 45)))
        per_px = bar.height() / (hi - lo)
        minor = step / (4 if round(step / 10 ** np.floor(np.log10(step))) == 2 else 5)
        v = np.ceil(lo / minor - 1e-9) * minor
        while v <= hi + minor * 1e-6:
            y = bar.bottom() - (v - lo) * per_px
            p.drawLine(QPointF(x, y), QPointF(x + 2, y))
            v += minor
        for v in ticks:
            y = bar.bottom() - (v - lo) * per_px
            p.drawLine(QPointF(x, y), QPointF(x + 5, y))
            p.drawText(QPointF(x + 7, y + half * 0.7), f"{v:.{decimals}f}")


def nice_ticks(lo: float, hi: float, count: int) -> tuple[list[float], float, int]:
    """About ``count`` round ticks (1, 2 or 5 times a power of ten) in [lo, hi]: values, step and
    the decimals their labels need."""
    raw = (hi - lo) / max(count, 1)
    p10 = 10.0 ** np.floor(np.log10(raw))
    step = float(next(m * p10 for m in (1.0, 2.0, 5.0, 10.0) if m * p10 >= raw * 0.75))
    first = np.ceil(lo / step - 1e-9) * step
    ticks = [float(v) for v in np.arange(first, hi + step * 1e-6, step)]
    decimals = max(0, -int(np.floor(np.log10(step) + 1e-9)))
    return [0.0 if abs(v) < step * 1e-9 else v for v in ticks], step, decimals


def small_font() -> QFont:
    """The colour bars' tick font (7 pt at 100 %), scaled with the UI."""
    f = QFont()
    f.setPointSizeF(7 * ui_scale())
    return f
