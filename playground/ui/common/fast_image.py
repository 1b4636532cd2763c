"""An ImageItem that colour-maps small float maps with one NumPy lookup.

pyqtgraph draws a mono float image with a colour map as an 8-bit indexed ``QImage`` and rebuilds its
256-entry colour table with ``qRgb`` in a Python loop on every render (about 0.3 ms per 28x28 map).
With twenty-odd maps redrawn per stroke that alone was a frame's budget. :class:`FastImageItem`
renders the same pixels (pyqtgraph's own rescale: ``(x - lo) * n / (hi - lo)``, clipped, truncated)
through a cached ``uint32`` premultiplied-ARGB table straight into a ``QImage`` the raster engine
draws without conversion. ``image``, ``levels``, ``setColorMap`` and the rest of the ImageItem API
are unchanged (``image`` is still the float data); anything else (RGB images, callable LUTs,
downsampling) takes pyqtgraph's path.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QImage


def argb32_table(lut: np.ndarray) -> np.ndarray:
    """``(n, 3|4)`` uint8 RGB(A) colours as ``(n,)`` uint32 premultiplied ARGB."""
    lut = np.asarray(lut, np.uint32)
    alpha = lut[:, 3] if lut.shape[1] == 4 else np.full(lut.shape[0], 255, np.uint32)
    rgb = lut[:, :3] * alpha[:, None] // 255
    return (alpha << 24) | (rgb[:, 0] << 16) | (rgb[:, 1] << 8) | rgb[:, 2]


class FastImageItem(pg.ImageItem):
    """:class:`pyqtgraph.ImageItem` with a fast path for 2-D float images with levels and a LUT."""

    def __init__(self, *args, **kwargs) -> None:
        self._argb_src: np.ndarray | None = None
        self._argb: np.ndarray | None = None
        self._pixels: np.ndarray | None = None
        super().__init__(*args, **kwargs)

    def _table(self, lut: np.ndarray) -> np.ndarray:
        if self._argb_src is not lut:
            self._argb_src, self._argb = lut, argb32_table(lut)
        return self._argb

    def render(self) -> None:
        img, lut, levels = self.image, self.lut, self.levels
        if (img is None or img.ndim != 2 or img.size == 0 or img.dtype.kind != "f"
                or levels is None or not isinstance(lut, np.ndarray) or lut.ndim != 2
                or lut.dtype != np.uint8 or lut.shape[1] not in (3, 4) or self.autoDownsample
                or np.ndim(levels) != 1):
            super().render()
            return
        table = self._table(lut)
        n = table.shape[0]
        lo, hi = float(levels[0]), float(levels[1])
        rng = hi - lo
        if self.axisOrder == "col-major":
            img = img.T
        with np.errstate(over="ignore", invalid="ignore"):  # huge maps: clipped below
            t = np.subtract(img, np.float32(lo), dtype=np.float32)
            t *= np.float32(n / (rng if rng != 0 and np.isfinite(rng) else 1.0))
        nan = np.isnan(t) if np.isnan(t.min()) else None
        if nan is not None:
            t[nan] = 0.0
        np.clip(t, 0, n - 1, out=t)
        pixels = np.ascontiguousarray(table[t.astype(np.intp)])
        if nan is not None:
            pixels[nan] = 0  # transparent, like pyqtgraph draws NaN
        self._pixels = pixels
        self.qimage = pg.functions.ndarray_to_qimage(
            pixels, QImage.Format.Format_ARGB32_Premultiplied)
        self._renderRequired = False
        self._unrenderable = False
