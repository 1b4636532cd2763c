"""Numbers written on the cells of small maps, and the "?" that stands in for a hidden answer.

:class:`CellNumbers` is one graphics item per map: a few ``drawText`` calls per paint (one
pyqtgraph TextItem per cell would cost a re-layout each). Each number is black or white by the
luminance of its cell's colour, written compactly (3 significant digits) and sized to the cell on
screen: it grows with the map and the UI scale and is left out when the cells are too small to
read. Only maps of at most :data:`SMALL_SIDE` cells a side are numbered.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontInfo, QPainter
from PySide6.QtWidgets import QApplication

from playground.lessons.symbolic import compact

SMALL_SIDE = 16
"""Maps (and inputs) with at most this many cells a side show every cell's number."""
HIDDEN = "?"
"""What a hidden answer shows."""
HIDDEN_HOVER = "<i>The answers are hidden (View ▸ Hide the answers): no sums to show.</i>"
"""What the maps' hover line says instead of a cell's sum while the answers are hidden."""


def hidden_size(shape: tuple[int, ...]) -> str:
    """``6×?×?`` for a (K, H, W) output: the kernel count stays, the map size is an answer."""
    return "×".join([str(shape[0]), HIDDEN, HIDDEN])


_INPUT_CMAP: pg.ColorMap | None = None


def input_colormap() -> pg.ColorMap:
    """The inputs' grey colour map (:data:`~playground.ui.common.theme.INPUT_CMAP`), read once."""
    global _INPUT_CMAP
    if _INPUT_CMAP is None:
        from playground.ui.common.theme import INPUT_CMAP

        _INPUT_CMAP = pg.colormap.get(INPUT_CMAP)
    return _INPUT_CMAP


def is_small(shape: tuple[int, ...]) -> bool:
    """Whether a map of ``shape`` (…, H, W) is small enough to number every cell."""
    return len(shape) >= 2 and 0 < max(shape[-2:]) <= SMALL_SIDE


def text_colours(values: np.ndarray, levels: tuple[float, float], cmap: pg.ColorMap
                 ) -> list[str]:
    """Black or white for each value: whichever reads better on its colour in ``cmap``."""
    lo, hi = float(levels[0]), float(levels[1])
    t = np.zeros(values.shape) if hi <= lo else np.clip((values - lo) / (hi - lo), 0.0, 1.0)
    rgb = cmap.map(np.nan_to_num(t, nan=0.5).ravel(), mode=pg.ColorMap.BYTE)[:, :3]
    luma = rgb.astype(np.float64) @ np.array([0.299, 0.587, 0.114])
    return ["#000000" if y > 140 else "#ffffff" for y in luma]


class CellNumbers(pg.GraphicsObject):
    """Text centred on unit cells of a view (x = column + 0.5, y = row + 0.5)."""

    MIN_PX = 7
    """Below this size the numbers are not drawn (a blur of digits helps nobody)."""
    MAX_FONT = 1.6
    """At most this many times the UI font (big cells on a projector get big numbers)."""

    def __init__(self, z: float = 15.0) -> None:
        super().__init__()
        self._cells: list[tuple[float, float, str, str]] = []
        self._bounds = QRectF()
        self._scale = 1.0
        self.setZValue(z)

    # ---- content -----------------------------------------------------------------------------
    def set_cells(self, cells: list[tuple[float, float, str, str]], scale: float = 1.0) -> None:
        """``(x, y, text, colour)`` centred on (x, y); ``scale`` enlarges the text (the single
        "?" of a hidden map fills more of its cell)."""
        if cells == self._cells and scale == self._scale:
            return
        self.prepareGeometryChange()
        self._cells, self._scale = cells, scale
        if cells:
            xs, ys = [c[0] for c in cells], [c[1] for c in cells]
            self._bounds = QRectF(min(xs) - 0.5, min(ys) - 0.5, max(xs) - min(xs) + 1,
                                  max(ys) - min(ys) + 1)
        else:
            self._bounds = QRectF()
        self.update()

    def show_values(self, values: np.ndarray, levels: tuple[float, float], cmap: pg.ColorMap,
                    offset: tuple[int, int] = (0, 0)) -> None:
        """Every cell of the (H, W) ``values`` with its number (nothing unless it is small);
        ``offset`` (row, col) moves the cells (e.g. into a padded frame)."""
        v = np.asarray(values, np.float64)
        if not is_small(v.shape):
            self.set_cells([])
            return
        colours = text_colours(v, levels, cmap)
        r0, c0 = offset
        self.set_cells([(c + c0 + 0.5, r + r0 + 0.5, compact(v[r, c]), colours[r * v.shape[1] + c])
                        for r in range(v.shape[0]) for c in range(v.shape[1])])

    def show_input(self, image: np.ndarray, levels: tuple[float, float], cmap: pg.ColorMap,
                   pads: tuple[int, int, int, int], pad_colour: str) -> None:
        """A small grey input's numbers in input coordinates, and a ``0`` on every padding cell
        (in ``pad_colour``); nothing for a big or colour input."""
        img = np.asarray(image)
        if img.ndim == 3:
            img = img[0] if img.shape[0] == 1 else np.zeros((0, 0))
        if not is_small(img.shape):
            self.set_cells([])
            return
        h, w = img.shape
        pt, pb, pl, pr = pads
        colours = text_colours(img.astype(np.float64), levels, cmap)
        cells = []
        for r in range(-pt, h + pb):
            for c in range(-pl, w + pr):
                if 0 <= r < h and 0 <= c < w:
                    cells.append((c + 0.5, r + 0.5, compact(img[r, c]), colours[r * w + c]))
                else:
                    cells.append((c + 0.5, r + 0.5, "0", pad_colour))
        self.set_cells(cells)

    def texts(self) -> list[str]:
        """The numbers on show, row by row."""
        return [c[2] for c in self._cells]

    def colours(self) -> list[str]:
        """Their colours, in the same order."""
        return [c[3] for c in self._cells]

    # ---- painting ----------------------------------------------------------------------------
    def font_px(self, cell_px: float) -> int:
        """The text's pixel size in a cell ``cell_px`` wide: the longest number fits inside."""
        longest = max((len(c[2]) for c in self._cells), default=1)
        base = QFontInfo(QApplication.font()).pixelSize()
        fit = min(cell_px * 0.45 * self._scale, cell_px * 0.9 / (0.62 * max(1, longest)))
        return int(min(base * self.MAX_FONT * self._scale, fit))

    def boundingRect(self) -> QRectF:
        return self._bounds

    def paint(self, p: QPainter, *_args) -> None:
        if not self._cells:
            return
        tr = p.transform()
        cell = QRectF(tr.map(QPointF(0, 0)), tr.map(QPointF(1, 1))).normalized()
        size = self.font_px(min(cell.width(), cell.height()))
        if size < self.MIN_PX:
            return
        font = QFont(QApplication.font())
        font.setPixelSize(size)
        p.save()
        p.resetTransform()
        p.setFont(font)
        box = QRectF(-cell.width() / 2, -cell.height() / 2, cell.width(), cell.height())
        for x, y, text, colour in self._cells:
            p.setPen(QColor(colour))
            p.drawText(box.translated(tr.map(QPointF(x, y))), Qt.AlignmentFlag.AlignCenter, text)
        p.restore()
