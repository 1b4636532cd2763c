"""The 2-D layer stepped through: the window sliding over the padded input, the kernel, and the
output revealed cell by cell with its sum written out.

Driven by :class:`~playground.ui.playground.play_controls.PlayControls`; the lecture's 1-D example
is :mod:`playground.ui.playground.conv1d_stepper`. The numbers come from the engine
(``state.result``); the windows are only cut out for display.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFontInfo, QPainterPath
from PySide6.QtWidgets import (
    QApplication,
    QGraphicsPathItem,
    QGraphicsRectItem,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from playground.ui.common.binding import observe_state
from playground.ui.common.deferred import RefreshWhenShown
from playground.ui.common.fast_image import FastImageItem
from playground.ui.common.formatting import cell_formula_html, fmt
from playground.ui.common.geometry import padded_window, receptive_field, tap_cells
from playground.ui.common.steady_label import SteadyBox
from playground.ui.common.theme import (
    INPUT_CMAP,
    MAP_CMAP,
    fg,
    follow_theme,
    plot_bg,
    pt,
    scale_changed,
    text_color_on,
    theme,
    weight_color,
)
from playground.ui.playground.cell_numbers import CellNumbers
from playground.ui.playground.map_items import WindowOverlay
from playground.ui.playground.play_controls import PlayControls, big_label, refont_big_labels

STEP_MIN = 96
"""The step-through's input and output never fall below this side (px at 100 %, times the UI
scale), the kernel below two thirds of it: the pictures grow with the scale, and a page too
small for them rearranges (``ui/common/reflow``) instead of squeezing them."""
MAX_NUMBERED = 7
"""Kernels with up to 7x7 weights in all (e.g. 7x7, or 3x3 on 3 channels) show them as numbers."""


def _short(v: float) -> str:
    """A kernel weight in at most about 4 characters: 16, -2, .25, -.33."""
    if float(v).is_integer():
        return str(int(v))
    return f"{v:.2f}".rstrip("0").replace("0.", ".", 1)


def _rect(color: str, fill: QColor | None = None, width: float = 2.0) -> QGraphicsRectItem:
    item = QGraphicsRectItem()
    item.setPen(pg.mkPen(color, width=width))
    item.setBrush(QBrush(fill) if fill is not None else QBrush(Qt.BrushStyle.NoBrush))
    item.setZValue(10)
    return item


def _view(layout: pg.GraphicsLayout, title: str, row: int, col: int):
    label = pg.LabelItem(title, size=pt(10), color=fg())
    layout.addItem(label, row, col)
    vb = pg.ViewBox(lockAspect=True, invertY=True, enableMouse=False, enableMenu=False)
    vb.disableAutoRange()
    layout.addItem(vb, row + 1, col)
    img = FastImageItem(axisOrder="row-major")
    vb.addItem(img)
    return label, vb, img


def _same(shown: tuple | None, now: tuple) -> bool:
    """Whether ``now`` (arrays and plain values) equals what ``shown`` recorded."""
    if shown is None:
        return False
    return all(np.array_equal(a, b) if isinstance(a, np.ndarray) else a == b
               for a, b in zip(shown, now, strict=True))


def _set_title(label: pg.LabelItem, text: str) -> None:
    """Sets a LabelItem's text only when it changed (every setText re-lays the graphics out)."""
    if label.text != text:
        label.setText(text, color=fg())


class _NumberGrid(CellNumbers):
    """The kernel's weights written on its cells: one item, a few ``drawText`` calls per paint.

    (One pyqtgraph TextItem per weight cost a millisecond each to create and a re-layout each to
    update.) The text is sized to the cells on screen (never above the UI font, so it grows with
    the scale and never spills into a neighbour: below 6 px it is left out), in black or white
    by the luminance of the cell's colour.
    """

    MIN_PX = 6

    def __init__(self) -> None:
        super().__init__(z=20)

    def font_px(self, cell_px: float) -> int:
        """The text's pixel size in a cell ``cell_px`` wide: the widest number fits inside."""
        longest = max((len(c[2]) for c in self._cells), default=1)
        base = QFontInfo(QApplication.font()).pixelSize()
        return int(min(base, cell_px * 0.5, cell_px * 0.85 / (0.6 * max(1, longest))))


class StepThroughWidget(RefreshWhenShown, QWidget):
    """The selected kernel sliding over the padded input, one output cell per step.

    Shows the padded input with the current window, the kernel, the output filling in (cells not
    yet reached are blank) and ``c_ij = Σ a·w + b`` with the numbers. Cells are visited row by row.
    """

    def __init__(self, state, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self._hidden = False  # the answers hidden: the output's size and values show "?"
        self.controls = PlayControls(self)
        self.controls.step_changed.connect(self._on_controls_step_changed)
        self.glw = pg.GraphicsLayoutWidget()
        self.glw.setBackground(plot_bg())
        ci = self.glw.ci
        self.input_title, self.input_vb, self.input_item = _view(ci, "padded input", 0, 0)
        self.kernel_title, self.kernel_vb, self.kernel_item = _view(ci, "kernel", 0, 1)
        self.output_title, self.output_vb, self.output_item = _view(ci, "output", 0, 2)
        self.output_item.setColorMap(pg.colormap.get(MAP_CMAP))
        self.kernel_item.setColorMap(pg.colormap.get(MAP_CMAP))
        ci.layout.setColumnStretchFactor(0, 3)
        ci.layout.setColumnStretchFactor(1, 2)
        ci.layout.setColumnStretchFactor(2, 3)
        self.pad_shade = QGraphicsPathItem()
        self.pad_shade.setBrush(QBrush(QColor("#9aa0a6"), Qt.BrushStyle.BDiagPattern))
        self.pad_shade.setPen(pg.mkPen(None))
        self.pad_shade.setZValue(5)
        self.input_vb.addItem(self.pad_shade, ignoreBounds=True)
        self.output_frame = _rect("#bdc1c6", QColor(theme().colours.button), width=1)
        self.output_frame.setZValue(-1)
        self.output_vb.addItem(self.output_frame, ignoreBounds=True)
        self.pad_outline = _rect("#1a73e8", width=1.5)
        self.input_vb.addItem(self.pad_outline, ignoreBounds=True)
        self.window_overlay = WindowOverlay(pg.mkPen("#d50000", width=2), z=10)
        for item in self.window_overlay.items():
            self.input_vb.addItem(item, ignoreBounds=True)
        self.cell_rect = _rect("#00c853")
        self.output_vb.addItem(self.cell_rect, ignoreBounds=True)
        self.numbers = _NumberGrid()
        self.kernel_vb.addItem(self.numbers, ignoreBounds=True)
        self.formula_label = big_label(QLabel())
        formula_box = SteadyBox(self.formula_label, min_height=60)
        self.message = QLabel()
        self.message.setStyleSheet("color: #c5221f; font-weight: bold")
        self.message.hide()
        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addWidget(self.glw, 1)
        layout.addWidget(formula_box)
        layout.addWidget(self.controls)
        self._padded: np.ndarray | None = None
        self._shapes: dict[str, tuple] = {}
        self._input_src: tuple | None = None  # what the input and kernel pictures show now
        self._kernel_src: tuple | None = None
        self._frame: tuple | None = None
        self._dirty = True
        self._fit_grid()
        theme().colours_changed.connect(self._on_colours_changed)  # cells not reached yet
        observe_state(self, state, self._on_state_changed)
        follow_theme(self._on_theme_changed)
        self.refresh()

    # ---- public ------------------------------------------------------------------------------
    def cell(self) -> tuple[int, int]:
        """The output cell (i, j) of the current step."""
        conv = self.state.result.conv
        return divmod(self.controls.step(), conv.shape[2]) if conv.size else (0, 0)

    def window_rect_padded(self) -> QRectF:
        """The current window in padded-input coordinates (x = column, y = row)."""
        return self.window_overlay.rect.rect()

    def window_taps_padded(self) -> list[tuple[int, int]] | None:
        """``(row, col)`` padded-input cells a dilated kernel touches now; None when undilated."""
        return self.window_overlay.cells()

    def formula_text(self) -> str:
        """The current ``c_ij = …`` rich text."""
        return self.formula_label.text()

    def refresh(self) -> None:
        """Redraws from the state (the whole picture; cheap at 28x28)."""
        st = self.state
        self._dirty = False
        if st.result is None or st.error:
            self.message.setText(f"No output to step through: {st.error}")
            self.message.show()
            self.controls.set_count(0)
            return
        self.message.hide()
        k = st.selected
        conv = st.result.conv
        img = st.image
        pads = st.pads()
        if not _same(self._input_src, (img, pads)):  # a kernel edit leaves the input alone
            self._input_src = (img.copy(), pads)
            self._show_input(img, pads)
        # kernel: C slices stacked top to bottom, one blank row apart (a stroke leaves it alone)
        kern = st.kernels[k]
        if not _same(self._kernel_src, (kern, float(st.bias[k]), k)):
            self._kernel_src = (kern.copy(), float(st.bias[k]), k)
            self._show_kernel(kern, float(st.bias[k]), k)
        m_out = float(np.abs(conv[k]).max()) or 1.0
        self.output_item.setLevels((-m_out, m_out))
        self._fit("output", self.output_vb, conv.shape[1:])
        self.output_frame.setRect(QRectF(0, 0, conv.shape[2], conv.shape[1]))
        self._hidden = st.hide_answers  # the output's size and values then show "?"
        size = "?×?" if self._hidden else f"{conv.shape[1]}×{conv.shape[2]}"
        _set_title(self.output_title, f"output k{k + 1}<br>{size}")
        for item in (self.output_item, self.output_frame, self.cell_rect):
            item.setVisible(not self._hidden)
        self.controls.hide_count(self._hidden)
        self.controls.set_count(conv.shape[1] * conv.shape[2])
        self._show_step(self.controls.step())
        titles = tuple(t.text for t in (self.input_title, self.kernel_title, self.output_title))
        if titles != getattr(self, "_titles", None):  # their widths count in the least size
            self._titles = titles
            self._fit_grid()

    # ---- drawing -------------------------------------------------------------------------------
    def _fit_grid(self) -> None:
        """The pictures' least sizes (:data:`STEP_MIN`, scaled) and, from them and the titles,
        the graphics view's: pyqtgraph's layout would otherwise squeeze the pictures to slivers
        when the titles grow with the scale."""
        side = theme().px(STEP_MIN)
        for vb, f in ((self.input_vb, 1.0), (self.kernel_vb, 2 / 3), (self.output_vb, 1.0)):
            vb.setMinimumSize(side * f, side * f)
        self.glw.ci.layout.invalidate()  # (it caches the size hints of the items' old minimums)
        hint = self.glw.ci.effectiveSizeHint(Qt.SizeHint.MinimumSize)
        self.glw.setMinimumSize(int(np.ceil(hint.width())) + 4, int(np.ceil(hint.height())) + 4)

    def _show_input(self, img: np.ndarray, pads: tuple[int, int, int, int]) -> None:
        pt, pb, pl, pr = pads
        x = img if img.ndim == 3 else img[None]
        padded = np.pad(x, ((0, 0), (pt, pb), (pl, pr)))
        if padded.shape[0] == 3:
            disp = np.ascontiguousarray(np.moveaxis(padded, 0, -1))
            hi = 1.0 if padded.max() <= 1.0 else float(padded.max())
            self.input_item.setImage(disp, autoLevels=False, levels=(min(0.0, padded.min()), hi))
        else:
            lo, hi = min(0.0, float(padded.min())), max(1.0, float(padded.max()))
            self.input_item.setImage(padded[0], autoLevels=False, levels=(lo, hi))
            if self.input_item.getColorMap() is None:
                self.input_item.setColorMap(pg.colormap.get(INPUT_CMAP))
        self._padded = padded
        h, w = img.shape[-2:]
        frame = (pads, h, w)
        if frame != self._frame:
            self._frame = frame
            self.pad_outline.setRect(QRectF(pl, pt, w, h))
            shade = QPainterPath()
            shade.addRect(QRectF(0, 0, padded.shape[2], padded.shape[1]))
            inner = QPainterPath()
            inner.addRect(QRectF(pl, pt, w, h))
            self.pad_shade.setPath(shade.subtracted(inner))
        self._fit("input", self.input_vb, padded.shape[1:])
        # two short lines per title: three titles in a row must not be wider than the pictures
        # (their widths count in the step-through's least width)
        _set_title(self.input_title, f"padded input<br>{padded.shape[1]}×{padded.shape[2]}, "
                                     f"pad {pt},{pb},{pl},{pr}")

    def _show_kernel(self, kern: np.ndarray, bias: float, k: int) -> None:
        c, fh, fw = kern.shape
        tiles = np.full((c * fh + (c - 1), fw), np.nan, np.float32)
        for ch in range(c):
            tiles[ch * (fh + 1) : ch * (fh + 1) + fh] = kern[ch]
        m = float(np.abs(kern).max()) or 1.0
        self.kernel_item.setImage(tiles, autoLevels=False, levels=(-m, m))
        self._fit("kernel", self.kernel_vb, tiles.shape)
        _set_title(self.kernel_title, f"kernel k{k + 1}<br>{c}×{fh}×{fw}, b = {fmt(bias)}")
        self._update_numbers(tiles)

    def _fit(self, key: str, vb: pg.ViewBox, shape: tuple[int, int]) -> None:
        if self._shapes.get(key) != tuple(shape):
            self._shapes[key] = tuple(shape)
            vb.setRange(rect=QRectF(0, 0, shape[1], shape[0]), padding=0.02)

    def _update_numbers(self, tiles: np.ndarray) -> None:
        finite = np.isfinite(tiles)
        if finite.sum() > MAX_NUMBERED**2:
            self.numbers.set_cells([])
            return
        m = float(np.abs(tiles[finite]).max()) if finite.any() else 0.0
        m = m or 1.0
        self.numbers.set_cells([
            (c + 0.5, r + 0.5, _short(tiles[r, c]),
             text_color_on(weight_color(float(tiles[r, c]), m)).name())
            for r, c in zip(*np.nonzero(finite), strict=True)])

    def _show_step(self, step: int) -> None:
        st = self.state
        if st.result is None or st.error or self._padded is None:
            return
        k = st.selected
        conv = st.result.conv[k]
        ho, wo = conv.shape
        if ho * wo == 0:
            return
        step = min(step, ho * wo - 1)
        i, j = divmod(step, wo)
        (sh, sw), dil = st.settings.stride, st.dilation
        fh, fw = st.kernels.shape[2:]
        no_pads = (0, 0, 0, 0)  # the step-through draws in padded-input coordinates
        r0, c0, eh, ew = receptive_field(no_pads, (fh, fw), (sh, sw), i, j, dil)
        taps = tap_cells(no_pads, (fh, fw), (sh, sw), i, j, dil) if dil != (1, 1) else None
        self.window_overlay.show(QRectF(c0, r0, ew, eh), taps)  # dilated: the gaps are left clear
        self.cell_rect.setRect(QRectF(j, i, 1, 1))
        partial = np.full(conv.shape, np.nan, np.float32)
        partial.ravel()[: step + 1] = conv.ravel()[: step + 1]
        self.output_item.setImage(partial, autoLevels=False)
        a = padded_window(st.image, st.pads(), (fh, fw), (sh, sw), i, j, dil)
        gaps = "" if dil == (1, 1) else f", dilation {dil[0]}: taps {dil[0]} apart"
        self.formula_label.setText(
            f"window rows {r0 + 1}–{r0 + eh}, cols {c0 + 1}–{c0 + ew} of the "
            f"padded input (stride {sh}, {sw}{gaps})<br>"
            + cell_formula_html(a, st.kernels[k], float(st.bias[k]), i, j, float(conv[i, j]),
                                hidden=st.hide_answers))

    # ---- events --------------------------------------------------------------------------------
    def _needs_refresh(self, what) -> bool:
        return super()._needs_refresh(what) or self._hidden != self.state.hide_answers

    def _on_controls_step_changed(self, step: int) -> None:
        self._show_step(step)

    def _on_theme_changed(self, _percent: int) -> None:
        if not scale_changed(self):
            return
        refont_big_labels(self)
        for label in (self.input_title, self.kernel_title, self.output_title):
            label.setText(label.text, size=pt(10), color=fg())
        self._fit_grid()

    def _on_colours_changed(self, _name: str) -> None:
        self.output_frame.setBrush(QBrush(QColor(theme().colours.button)))

    def hideEvent(self, event) -> None:
        self.controls.pause()
        super().hideEvent(event)

    def closeEvent(self, event) -> None:
        self.controls.pause()
        super().closeEvent(event)


