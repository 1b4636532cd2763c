"""Tiles: small 2-D arrays painted as captioned squares in a grid (filters, maps, templates).

Signed arrays on a blue-white-red scale, activations in grey, each tile normalised on its own so
faint maps stay visible (or all on one scale); clicking a tile selects it. Arrays are (H, W)
row-major, drawn as QImages, so nothing is transposed.
"""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from playground.ui.common.theme import diverging_lut

_LUT = None


def to_qimage(a: np.ndarray, signed: bool, vmax: float | None = None) -> QImage:
    """An (H, W) array as a QImage: blue-white-red around 0 if ``signed``, else black-to-white."""
    global _LUT
    a = np.nan_to_num(np.asarray(a, np.float32))
    if signed:
        if _LUT is None:
            _LUT = diverging_lut()
        m = float(np.abs(a).max()) if vmax is None else vmax
        t = 0.5 + 0.5 * (a / m if m > 0 else np.zeros_like(a))
        idx = np.clip((t * (len(_LUT) - 1) + 0.5).astype(np.int32), 0, len(_LUT) - 1)
        rgb = np.ascontiguousarray(_LUT[idx])
        img = QImage(rgb.data, a.shape[1], a.shape[0], 3 * a.shape[1], QImage.Format.Format_RGB888)
    else:
        lo = float(a.min())
        m = float(a.max()) - lo if vmax is None else vmax
        g = np.ascontiguousarray(np.clip((a - lo) / m * 255 + 0.5 if m > 0 else a * 0, 0, 255)
                                 .astype(np.uint8))
        img = QImage(g.data, a.shape[1], a.shape[0], a.shape[1], QImage.Format.Format_Grayscale8)
    return img.copy()


class TileGrid(QWidget):
    """Captioned tiles in a grid; ``tile_clicked(index)`` when one is clicked.

    With ``group`` > 1 the tiles come in groups of that many (a filter's slices): a row holds
    whole groups only, with :attr:`GROUP_GAP` pixels between them, and a group's caption (its
    first tile's) may run under the whole group.
    """

    GROUP_GAP = 10

    tile_clicked = Signal(int)

    def __init__(self, parent: QWidget | None = None, tile_px: int = 56, max_columns: int = 16,
                 selectable: bool = False) -> None:
        super().__init__(parent)
        self.tile_px = tile_px
        self.max_columns = max_columns
        self.selectable = selectable
        self.signed = False
        """How :class:`NetworkView` draws this grid's maps (blue-white-red or grey)."""
        self.selected = -1
        self.group = 1
        self.images: list[QImage] = []
        self.captions: list[str] = []
        self.arrays: list[np.ndarray] = []
        policy = QSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)

    def set_tiles(self, arrays, captions=None, signed: bool = False, shared: bool = False) -> None:
        """Shows ``arrays`` (each (H, W)); ``shared`` puts every tile on one scale."""
        self.arrays = [np.asarray(a, np.float32).copy() for a in arrays]
        self.captions = list(captions) if captions is not None else [""] * len(self.arrays)
        vmax = None
        if shared and self.arrays:
            vmax = max(float(np.abs(a).max()) for a in self.arrays) if signed else \
                max(float(a.max() - a.min()) for a in self.arrays)
        self.images = [to_qimage(a, signed, vmax) for a in self.arrays]
        self.updateGeometry()
        self.update()

    def select(self, index: int) -> None:
        self.selected = index
        self.update()

    # ---- geometry -----------------------------------------------------------------------------
    def _columns(self, width: int) -> int:
        n = max(1, len(self.images))
        g = max(1, self.group)
        if g > 1:  # whole groups that fit, gaps included
            groups = (width - 4 + self.GROUP_GAP) // ((self.tile_px + 6) * g + self.GROUP_GAP)
            fit = max(1, groups * g)
        else:
            fit = max(1, (width - 4) // (self.tile_px + 6))
        cols = max(1, min(n, self.max_columns, fit))
        return cols - cols % g if cols > g else cols

    def _gaps(self, cols: int) -> int:
        """The pixels between groups in one row of ``cols`` tiles."""
        g = max(1, self.group)
        return (cols - 1) // g * self.GROUP_GAP if g > 1 else 0

    def _cell(self, width: int) -> tuple[float, float, int]:
        cols = self._columns(width)
        side = min((width - 4 - self._gaps(cols)) / cols - 6, self.tile_px * 2.0)
        caption = self.fontMetrics().height() if any(self.captions) else 0
        return side, caption, cols

    def _x(self, c: int, side: float) -> float:
        """The left edge of column ``c``'s slot (the tile is 3 pixels in)."""
        g = max(1, self.group)
        return 2 + c * (side + 6) + (c // g * self.GROUP_GAP if g > 1 else 0)

    def heightForWidth(self, width: int) -> int:
        side, caption, cols = self._cell(width)
        rows = math.ceil(len(self.images) / cols) if self.images else 1
        return int(rows * (side + caption + 6) + 4)

    def hasHeightForWidth(self) -> bool:
        return True

    def sizeHint(self) -> QSize:
        cols = min(len(self.images) or 1, self.max_columns)
        w = cols * (self.tile_px + 6) + 4 + self._gaps(cols)
        return QSize(w, self.heightForWidth(w))

    def minimumSizeHint(self) -> QSize:
        return QSize(self.tile_px + 10, self.tile_px // 2)

    def tile_at(self, x: float, y: float) -> int:
        side, caption, cols = self._cell(self.width())
        r = int((y - 2) // (side + caption + 6))
        c = next((c for c in range(cols) if self._x(c, side) <= x < self._x(c, side) + side + 6),
                 -1)
        i = r * cols + c
        return i if 0 <= c < cols and r >= 0 and 0 <= i < len(self.images) else -1

    # ---- painting and clicks ------------------------------------------------------------------
    def paintEvent(self, _event) -> None:
        p = QPainter(self)
        side, caption, cols = self._cell(self.width())
        text = self.palette().text().color()
        for i, img in enumerate(self.images):
            r, c = divmod(i, cols)
            x, y = self._x(c, side) + 3, 2 + r * (side + caption + 6) + 3
            rect = QRectF(x, y, side, side)
            p.drawImage(rect, img)
            sel = self.selectable and i == self.selected
            p.setPen(QPen(QColor(214, 39, 40) if sel else QColor(150, 150, 150), 3 if sel else 1))
            p.drawRect(rect)
            if caption and self.group > 1:  # a group's caption, left under its first tile
                p.setPen(text)
                p.drawText(QRectF(x, y + side, self.group * (side + 6), caption),
                           Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                           self.captions[i])
            elif caption:
                p.setPen(text)
                p.drawText(QRectF(x - 3, y + side, side + 6, caption),
                           Qt.AlignmentFlag.AlignCenter, self.captions[i])
        if self.hasFocus():  # reached with Tab: the Menu key / Shift+F10 opens its menu
            p.setPen(QPen(self.palette().highlight().color(), 1, Qt.PenStyle.DashLine))
            p.drawRect(QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5))
        p.end()

    def mousePressEvent(self, event) -> None:
        i = self.tile_at(event.position().x(), event.position().y())
        if i >= 0:
            if self.selectable:
                self.select(i)
            self.tile_clicked.emit(i)
        super().mousePressEvent(event)
