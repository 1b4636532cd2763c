"""The feature-map grid: the padded input, each kernel's map before/after activation and pooled.

Rows are conv / activated / pooled, columns are kernels. Images are updated in place with
``setImage(..., autoLevels=False)``; the grid is rebuilt only when its structure changes (number
of kernels, pooling on/off, shared or per-map colour scale). Hovering a conv or activated cell
outlines its receptive field in the input (with dilation: the window's extent outlined and the
cells the kernel touches filled, gaps left clear) and writes ``c_ij = Σ a·w + b`` with the
numbers; hovering a pooled cell outlines its window in the activated map.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, QSignalBlocker, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QPalette
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from playground.scene import COMPUTED, Change
from playground.ui.common import theme as th
from playground.ui.common.binding import observe_state
from playground.ui.common.fast_image import FastImageItem
from playground.ui.common.formatting import cell_formula_html, fmt
from playground.ui.common.geometry import padded_window, receptive_field, tap_cells
from playground.ui.common.steady_label import SteadyBox
from playground.ui.common.theme import (
    INPUT_CMAP,
    big_font,
    fg,
    follow_theme,
    plot_bg,
    pt,
    scale_changed,
    theme,
)
from playground.ui.playground.cell_numbers import (
    HIDDEN_HOVER,
    CellNumbers,
    hidden_size,
    input_colormap,
)
from playground.ui.playground.map_grid_sizing import HINT_MIN_HEIGHT, MapGridSizing
from playground.ui.playground.map_items import (
    RF_PEN,
    ROWS,
    SELECT_PEN,
    MapCell,
    SharedBar,
    Title,
    WindowOverlay,
    one_layout_pass,
    rect_item,
    symmetric,
)


class FeatureMapsView(MapGridSizing, QWidget):
    """Grid of feature maps for every kernel, with the padded input and hover explanations.

    Signals
    -------
    cell_hovered(k, i, j)
        A conv/activated output cell (0-based kernel, row, column) is under the mouse.
    pooled_cell_hovered(k, i, j)
        A pooled cell is under the mouse.
    grid_fitted
        The grid's least size changed (another kernel count, a longer title): the page may
        rearrange.
    """

    cell_hovered = Signal(int, int, int)
    pooled_cell_hovered = Signal(int, int, int)
    grid_fitted = Signal()

    def __init__(self, state, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self._shared = True
        self._hidden = state.hide_answers
        self._structure: tuple | None = None
        self._hovered: tuple[str, int, int, int] | None = None
        self.cells: dict[str, list[MapCell]] = {r: [] for r in ROWS}
        self._room: int | None = None
        self._applied_min = 0
        self._cell_pool: dict[tuple[str, int, bool], MapCell] = {}
        self.shared_bar: SharedBar | None = None
        self.row_labels: dict[str, pg.LabelItem] = {}
        self._band_labels: list[tuple[str, pg.LabelItem]] = []

        self.banner = QLabel()
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet("QLabel { background: #c5221f; color: white; padding: 6px;"
                                  " font-weight: bold; }")
        self.banner.hide()
        self.shared_check = QCheckBox("shared colour scale")
        self.shared_check.setChecked(True)
        self.shared_check.setToolTip("One value→colour scale for every map (compare maps), or "
                                     "each map stretched to its own range (see detail)")
        self.shared_check.toggled.connect(self.set_shared_scale)
        self.glw = pg.GraphicsLayoutWidget()
        self.glw.setBackground(plot_bg())
        self.glw.ci.setSpacing(2)
        self.hover_label = QLabel()
        self.hover_label.setTextFormat(Qt.TextFormat.RichText)
        self.hover_label.setWordWrap(True)
        self.hover_label.setFont(big_font())
        hover_box = SteadyBox(self.hover_label, min_height=48)  # hovering re-lays out nothing
        top = QHBoxLayout()
        self.hint = hint = QLabel("hover a map cell to see its sum; click a map to select "
                                  "its kernel")
        hint.setForegroundRole(QPalette.ColorRole.PlaceholderText)  # muted in every theme
        hint.setWordWrap(True)
        top.addWidget(hint, 1)
        top.addWidget(self.shared_check)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.banner)
        layout.addLayout(top)
        layout.addWidget(self.glw, 1)
        layout.addWidget(hover_box)

        self.glw.scene().sigMouseMoved.connect(self._on_scene_mouse_moved)
        self.glw.scene().sigMouseClicked.connect(self._on_scene_mouse_clicked)
        observe_state(self, state, self._on_state_changed)
        follow_theme(self._on_theme_changed)
        from playground.ui.playground.exports import install_map_exports

        install_map_exports(self)  # right click / Menu key: save a map as PNG, CSV or .npy
        self.refresh()

    # ---- public API ------------------------------------------------------------------------
    def set_shared_scale(self, shared: bool) -> None:
        """One colour scale for all maps (True) or each map scaled to its own range (False)."""
        shared = bool(shared)
        if shared != self._shared:
            self._shared = shared
            self.shared_check.setChecked(shared)
            self.refresh()
        self.state.set_view(shared_scale=shared)  # the scene remembers it (no recompute)

    def shared_scale(self) -> bool:
        """Whether all maps share one colour scale."""
        return self._shared

    def image_item(self, row: str, k: int) -> pg.ImageItem:
        """The ImageItem showing ``row`` ("conv", "activated", "pooled") of kernel ``k``."""
        return self.cells[row][k].image

    def receptive_field_rect(self) -> QRectF | None:
        """The outlined input window (input coordinates: x = column, y = row), None if hidden."""
        return self.rf.extent()

    def receptive_field_taps(self) -> list[tuple[int, int]] | None:
        """``(row, col)`` input cells filled as touched by a dilated kernel; None when not shown."""
        return self.rf.cells()

    def refresh(self) -> None:
        """Brings every picture up to date with the state (cheap unless the structure changed)."""
        st = self.state
        res = st.result
        if res is None:  # nothing ever worked: only the message
            self.banner.setText(f"No output for these settings: {st.error}")
            self.banner.setVisible(bool(st.error))
            return
        structure = (res.conv.shape[0], res.pooled is not None, self._shared)
        if structure != self._structure:
            self._build(*structure)
        self._update_input()
        self._update_maps()
        self._update_selection()
        self._update_error()
        if st.hide_answers:
            self.clear_hover()
        elif self._hovered is not None and not st.error:
            self.hover(*self._hovered)

    def hover(self, row: str, k: int, i: int, j: int) -> None:
        """Explains cell (i, j) of kernel ``k``'s ``row`` map, as if the mouse were on it (with
        the answers hidden: nothing, as for the mouse, but a line saying why)."""
        if self.state.hide_answers:
            self.clear_hover()
            self.hover_label.setText(HIDDEN_HOVER)
            return
        res = self.state.result
        if res is None or self.state.error:
            self.clear_hover()
            self.hover_label.setText("<i>no output for this combination: nothing to inspect</i>")
            return
        arr = {"conv": res.conv, "activated": res.activated, "pooled": res.pooled}[row]
        if arr is None or not (0 <= k < arr.shape[0] and 0 <= i < arr.shape[1]
                               and 0 <= j < arr.shape[2]):
            self.clear_hover()
            return
        self._hide_highlights()
        self._hovered = (row, k, i, j)
        cell = self.cells[row][k]
        cell.hover.setRect(QRectF(j, i, 1, 1))
        cell.hover.show()
        if row == "pooled":
            self._hover_pooled(k, i, j)
            self.pooled_cell_hovered.emit(k, i, j)
        else:
            self._hover_conv(row, k, i, j)
            self.cell_hovered.emit(k, i, j)

    def clear_hover(self) -> None:
        """Removes the hover outlines and text."""
        self._hovered = None
        self._hide_highlights()
        self.hover_label.setText("")

    # ---- building ------------------------------------------------------------------------------
    def _build(self, n_kernels: int, pooled: bool, shared: bool) -> None:
        for _ in range(2):  # again when the grid, measured, wraps into other bands in its room
            with one_layout_pass(self.glw.ci):
                self._build_grid(n_kernels, pooled, shared)
            self._applied_min = 0
            self._apply_min()  # the maps' full least side: measures what the rest takes
            if self._bands_for(n_kernels) == self._bands:
                break
        self._apply_min()  # then no more than the room the page gives

    def _build_grid(self, n_kernels: int, pooled: bool, shared: bool) -> None:
        ci = self.glw.ci
        ci.clear()
        self._structure = (n_kernels, pooled, shared)
        self._hovered = None
        self._input_text = None  # the new input title is empty
        rows = ROWS if pooled else ROWS[:2]
        # the input, in its own column, spanning the rows
        inp = pg.GraphicsLayout()
        self.input_title = Title("", size=pt(10))
        inp.addItem(self.input_title, 0, 0)
        self.input_vb = pg.ViewBox(lockAspect=True, invertY=True, enableMouse=False,
                                   enableMenu=False)
        self.input_vb.disableAutoRange()
        inp.addItem(self.input_vb, 1, 0)
        self.pad_rect = rect_item(pg.mkPen("#5f6368", width=1, style=Qt.PenStyle.DashLine),
                                   QBrush(QColor("#9aa0a6"), Qt.BrushStyle.BDiagPattern), z=-5)
        self.pad_rect.setParentItem(self.input_vb.childGroup)
        self.input_item = FastImageItem(axisOrder="row-major")
        self._input_mode = ""
        self.input_vb.addItem(self.input_item)
        self.input_outline = rect_item(pg.mkPen("#1a73e8", width=1.5), z=5)
        self.input_outline.setParentItem(self.input_vb.childGroup)
        self.rf = WindowOverlay(RF_PEN, z=20)
        for item in self.rf.items():
            item.setParentItem(self.input_vb.childGroup)
        self.footprint_rect = rect_item(
            pg.mkPen("#d50000", width=2, style=Qt.PenStyle.DashLine), z=21)
        self.footprint_rect.setParentItem(self.input_vb.childGroup)
        self._input_extent: tuple | None = None
        self.input_numbers = CellNumbers()  # a small input's values, 0 on the padding
        self.input_numbers.setParentItem(self.input_vb.childGroup)
        self.cells = {r: [] for r in ROWS}
        self.row_labels = {}
        self._band_labels: list[tuple[str, pg.LabelItem]] = []
        bands, per = self._bands_of(n_kernels)
        ci.addItem(inp, 0, 0, rowspan=len(rows) * bands, colspan=1)
        ci.layout.setColumnStretchFactor(0, 1)  # extra width goes to the maps as much
        # a narrow view wraps the kernels into bands of ``per`` maps, one below the other
        for b in range(bands):
            for r, row in enumerate(rows):
                label = pg.LabelItem("", angle=-90, size=pt(9))
                if b == 0:
                    self.row_labels[row] = label
                else:
                    self._band_labels.append((row, label))
                ci.addItem(label, b * len(rows) + r, 1)
                for k in range(b * per, min(n_kernels, (b + 1) * per)):
                    cell = self._pooled_cell(row, k, per_map_bar=not shared)
                    self.cells[row].append(cell)
                    ci.addItem(cell.layout, b * len(rows) + r, 2 + k - b * per)
                    ci.layout.setColumnStretchFactor(2 + k - b * per, 1)
        self.shared_bar = None
        if shared:
            self.shared_bar = SharedBar()
            ci.addItem(self.shared_bar, 0, 2 + per, rowspan=len(rows) * bands, colspan=1)

    # ---- updating ------------------------------------------------------------------------------
    def _update_input(self) -> None:
        st = self.state
        img = st.image
        h, w = st.input_hw
        pt, pb, pl, pr = st.pads()
        if img.ndim == 3 and img.shape[0] == 3:
            data = np.ascontiguousarray(np.moveaxis(img, 0, -1))
            hi = 1.0 if img.max() <= 1.0 else float(img.max())
            if self._input_mode != "rgb":
                self._input_mode = "rgb"
                self.input_item.setLookupTable(None)
            self.input_item.setImage(data, autoLevels=False, levels=(min(0.0, img.min()), hi))
        else:
            gray = img if img.ndim == 2 else img[0]
            lo, hi = min(0.0, float(gray.min())), max(1.0, float(gray.max()))
            self.input_item.setImage(gray, autoLevels=False, levels=(lo, hi))
            if self._input_mode != "gray":
                self._input_mode = "gray"
                self.input_item.setColorMap(pg.colormap.get(INPUT_CMAP))
        self.input_numbers.show_input(img, self.input_item.getLevels(), input_colormap(),
                                      (pt, pb, pl, pr), theme().colours.muted)
        extent = (h, w, pt, pb, pl, pr)
        if extent != self._input_extent:
            self._input_extent = extent
            padded = QRectF(-pl, -pt, w + pl + pr, h + pt + pb)
            self.pad_rect.setRect(padded)
            self.pad_rect.setVisible(pt + pb + pl + pr > 0)
            self.input_outline.setRect(QRectF(0, 0, w, h))
            self.input_outline.show()
            self.input_vb.setRange(rect=padded.adjusted(-0.5, -0.5, 0.5, 0.5), padding=0)
        fh, fw = st.kernels.shape[2:]
        c = st.channels
        dil = "" if st.settings.dilation == 1 else f", dilation {st.settings.dilation}"
        # short lines: the title's width is the input column's, and the maps get the rest
        text = (f"input {c}×{h}×{w}<br>kernel {fh}×{fw}{dil}<br>padding "
                f"{st.settings.padding_mode}:<br>top {pt}, bottom {pb},<br>left {pl}, right {pr}")
        if text != getattr(self, "_input_text", None):
            self._input_text = text
            self.input_title.setText(text, color=fg())
            self._apply_min()  # (the maps' side follows)

    def _update_maps(self) -> None:
        st = self.state
        res = st.result
        s = st.settings
        act_name = "ReLU" if s.activation == "relu" else "no act."  # short: a row is this tall
        relabelled = False
        names = {"conv": "conv + b", "activated": act_name,
                 "pooled": f"{s.pool} {s.pool_size[0]}×{s.pool_size[1]}"}
        arrays = {"conv": res.conv, "activated": res.activated, "pooled": res.pooled}
        first = len(self.row_labels)
        for i, (row, label) in enumerate([*self.row_labels.items(), *self._band_labels]):
            arr = arrays[row]
            # the output volume K x H' x W' along the row, a size smaller (the longest line of
            # the turned label sets the row's least height); the maps are titled k1, k2, ...
            # A wrapped grid's later bands repeat only the name (short rows: 1024x768 at 200 %)
            if arr is None or i >= first:
                text = names[row]
            else:
                size = hidden_size(arr.shape) if st.hide_answers else "×".join(map(str, arr.shape))
                text = f"{names[row]}<br><span style='font-size:{pt(8)}'>{size}</span>"
            if label.text != text:
                label.setText(text, color=fg())
                relabelled = True
        shared = symmetric(np.abs(res.conv).max()) if res.conv.size else (-1.0, 1.0)
        for row, cells in self.cells.items():
            arr = arrays[row]
            if arr is None:
                continue
            for cell in cells:
                data = arr[cell.k]
                cell.image.setImage(data, autoLevels=False)
                if cell.shape != data.shape:
                    cell.shape = data.shape
                    cell.vb.setRange(rect=QRectF(0, 0, data.shape[1], data.shape[0]), padding=0.02)
                    cell.title.setText(f"k{cell.k + 1}", color=fg())
                if cell.bar is not None:
                    levels = symmetric(np.abs(data).max())
                    cell.image.setLevels(levels)
                    cell.bar.setLevels(levels)
        if relabelled:  # a row title's length sets the row's height
            self._apply_min()  # (the maps' side follows)
        if self.shared_bar is not None:
            self.shared_bar.setLevels(shared)
            for cells in self.cells.values():
                for cell in cells:
                    cell.image.setLevels(shared)
        if self.shared_bar is not None:
            self.shared_bar.setVisible(not st.hide_answers)  # its ticks would tell the values
        for row, cells in self.cells.items():
            if arrays[row] is not None:
                for cell in cells:
                    cell.annotate(arrays[row][cell.k], st.hide_answers)

    def _update_selection(self) -> None:
        sel = self.state.selected
        for cells in self.cells.values():
            for cell in cells:
                chosen = cell.k == sel
                if getattr(cell, "_chosen", None) is not chosen:
                    cell._chosen = chosen
                    cell.vb.setBorder(SELECT_PEN if chosen else pg.mkPen("#dadce0"))

    def _update_error(self) -> None:
        err = self.state.error
        if err:
            self.banner.setText(f"No output for these settings: {err}. Showing the last maps "
                                "that worked.")
            self.banner.show()
            self._hide_highlights()
            st = self.state
            pt, _pb, pl, _pr = st.pads()
            _, _, fh, fw = receptive_field(st.pads(), st.kernels.shape[2:], (1, 1), 0, 0,
                                           st.dilation)
            footprint = QRectF(-pl, -pt, fw, fh)
            self.footprint_rect.setRect(footprint)
            self.footprint_rect.show()
            h, w = self.state.input_hw
            padded = self.pad_rect.rect() if self.pad_rect.isVisible() else QRectF(0, 0, w, h)
            self.input_vb.setRange(rect=padded.united(footprint).adjusted(-0.5, -0.5, 0.5, 0.5),
                                   padding=0)
            self._input_extent = None  # restore the normal range once the error is gone
        else:
            self.banner.hide()
            self.footprint_rect.hide()

    # ---- hover -----------------------------------------------------------------------------------
    def _hide_highlights(self) -> None:
        self.rf.hide()
        for cells in self.cells.values():
            for cell in cells:
                cell.hover.hide()
                cell.window.hide()

    def _hover_conv(self, row: str, k: int, i: int, j: int) -> None:
        st = self.state
        res = st.result
        kernel_hw = st.kernels.shape[2:]
        stride, dil, pads = st.settings.stride, st.dilation, st.pads()
        r0, c0, fh, fw = receptive_field(pads, kernel_hw, stride, i, j, dil)
        taps = tap_cells(pads, kernel_hw, stride, i, j, dil) if dil != (1, 1) else None
        self.rf.show(QRectF(c0, r0, fw, fh), taps)
        a = padded_window(st.image, pads, kernel_hw, stride, i, j, dil)
        value = float(res.conv[k, i, j])
        every = f" (taps {dil[0]} apart: dilation {dil[0]})" if dil != (1, 1) else ""
        text = (f"<b>k{k + 1}</b>, cell (row {i + 1}, col {j + 1}) · window rows {r0 + 1}–"
                f"{r0 + fh}, cols {c0 + 1}–{c0 + fw}{every} of the input (≤ 0 = padding)"
                f"{' · over ' + str(a.shape[0]) + ' channels' if a.shape[0] > 1 else ''}<br>"
                + cell_formula_html(a, st.kernels[k], float(st.bias[k]), i, j, value))
        if row == "activated":
            after = float(res.activated[k, i, j])
            text += (f"<br>ReLU: max(0, {fmt(value)}) = <b>{fmt(after)}</b>"
                     if st.settings.activation == "relu" else "<br>no activation: unchanged")
        self.hover_label.setText(text)

    def _hover_pooled(self, k: int, i: int, j: int) -> None:
        st = self.state
        s = st.settings
        (kh, kw), (sh, sw) = s.pool_size, s.pool_stride
        r0, c0 = i * sh, j * sw
        act = self.cells["activated"][k]
        act.window.setRect(QRectF(c0, r0, kw, kh))
        act.window.show()
        # the union of the pooled window's receptive fields in the input
        (ch, cw), dil = s.stride, st.dilation
        _, _, fh, fw = receptive_field(st.pads(), st.kernels.shape[2:], s.stride, 0, 0, dil)
        pt, _pb, pl, _pr = st.pads()
        self.rf.show(QRectF(c0 * cw - pl, r0 * ch - pt, (kw - 1) * cw + fw, (kh - 1) * ch + fh))
        window = st.result.activated[k, r0 : r0 + kh, c0 : c0 + kw]
        value = float(st.result.pooled[k, i, j])
        values = ", ".join(fmt(v) for v in window.ravel()[:16])
        more = ", …" if window.size > 16 else ""
        op = "max" if s.pool == "max" else "mean"
        self.hover_label.setText(
            f"<b>k{k + 1}</b>, pooled cell (row {i + 1}, col {j + 1}) · window rows {r0 + 1}–"
            f"{r0 + kh}, cols {c0 + 1}–{c0 + kw} of the activated map<br>"
            f"<i>p</i><sub>{i + 1},{j + 1}</sub> = {op}({values}{more}) = <b>{fmt(value)}</b>")

    def _cell_at(self, scene_pos: QPointF) -> tuple[str, int, int, int] | None:
        for row, cells in self.cells.items():
            for cell in cells:
                if cell.shape is None or not cell.vb.sceneBoundingRect().contains(scene_pos):
                    continue
                p = cell.vb.mapSceneToView(scene_pos)
                i, j = int(np.floor(p.y())), int(np.floor(p.x()))
                if 0 <= i < cell.shape[0] and 0 <= j < cell.shape[1]:
                    return row, cell.k, i, j
                return None
        return None

    def _on_scene_mouse_moved(self, scene_pos: QPointF) -> None:
        if self.state.result is None or self.state.hide_answers:  # no sums while hidden
            return
        hit = self._cell_at(scene_pos)
        if hit is None:
            if self._hovered is not None:
                self.clear_hover()
        elif hit != self._hovered:
            self.hover(*hit)

    def _on_scene_mouse_clicked(self, event) -> None:
        hit = self._cell_at(event.scenePos())
        if hit is not None and hit[1] != self.state.selected:
            self.state.select_kernel(hit[1])

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        # a short view (a projector at a large scale) gives the hint's row to the maps (the
        # colour-scale switch is also in the View menu and the layer panel)
        tall = self.height() >= th.theme().px(HINT_MIN_HEIGHT)
        self.hint.setVisible(tall)
        self.shared_check.setVisible(tall)

    def _on_theme_changed(self, _percent: int) -> None:
        if not scale_changed(self):
            return
        self.hover_label.setFont(big_font())
        self._structure = None  # rebuild the grid with the new title sizes
        self._cell_pool.clear()
        self._input_text = None
        self.refresh()

    def _on_state_changed(self, what: Change) -> None:
        redraw = bool(what & COMPUTED)
        if what & Change.VIEW and self._hidden != self.state.hide_answers:
            self._hidden = self.state.hide_answers
            redraw = True
        if what & Change.VIEW and self._shared != self.state.shared_scale:
            self._shared = self.state.shared_scale
            with QSignalBlocker(self.shared_check):
                self.shared_check.setChecked(self._shared)
            redraw = True
        if redraw:
            self.refresh()
        elif what & Change.SELECTED:
            self._update_selection()
