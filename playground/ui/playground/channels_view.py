"""The depth of a filter equals the number of input channels: one RGB filter, slice by slice.

For an RGB input the selected filter is ``C x f x f``. Each slice ``w_c`` is convolved with its
channel ``x_c`` (``engine.conv2d`` on that channel alone) and the channel maps are summed, plus the
bias, into the one feature map the layer shows. For a grayscale input a short explanation is shown.
Work is skipped while the view is hidden and done when it is shown.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt
from PySide6.QtWidgets import QLabel, QStackedWidget, QVBoxLayout, QWidget

from playground import engine
from playground.scene import Change
from playground.ui.common.binding import observe_state
from playground.ui.common.deferred import RefreshWhenShown
from playground.ui.common.fast_image import FastImageItem
from playground.ui.common.formatting import fmt
from playground.ui.common.layout import scrolling
from playground.ui.common.theme import (
    MAP_CMAP,
    big_font,
    fg,
    follow_theme,
    plot_bg,
    pt,
    scale_changed,
    theme,
)
from playground.ui.playground.cell_numbers import HIDDEN, CellNumbers

CHANNEL_NAMES = ("R", "G", "B")
CHANNEL_COLORS = ((255, 0, 0), (0, 200, 0), (0, 90, 255))

GRAY_TEXT = (
    "<p><b>One channel in, one slice per filter.</b></p>"
    "<p>This input is grayscale: it has <b>1 channel</b>, so each filter is "
    "<b>1 × f<sub>h</sub> × f<sub>w</sub></b>. The depth of a filter always equals the number of "
    "input channels.</p>"
    "<p>Load a colour (RGB) image to see a <b>3 × f × f</b> filter taken apart: each slice is slid "
    "over its own colour channel, and the three channel maps are added, plus the bias, into "
    "<i>one</i> feature map.</p>")


class _Tile:
    def __init__(self, layout: pg.GraphicsLayout, row: int, col: int) -> None:
        self.title = pg.LabelItem("", size=pt(9), color=fg())
        layout.addItem(self.title, row, col)
        self.vb = pg.ViewBox(lockAspect=True, invertY=True, enableMouse=False, enableMenu=False)
        self.vb.disableAutoRange()
        layout.addItem(self.vb, row + 1, col)
        self.image = FastImageItem(axisOrder="row-major")
        self.vb.addItem(self.image)
        self.numbers = CellNumbers()
        self.vb.addItem(self.numbers)
        self.shape: tuple[int, ...] | None = None

    def show(self, data: np.ndarray, levels: tuple[float, float], title: str,
             hidden: bool = False) -> None:
        """``data`` with ``title``; ``hidden`` (an answer): one "?", not even the map's shape."""
        self.image.setImage(data, autoLevels=False, levels=levels)
        self.image.setVisible(not hidden)
        shape = (1, 1) if hidden else data.shape
        if self.shape != shape:
            self.shape = shape
            self.vb.setRange(rect=QRectF(0, 0, shape[1], shape[0]), padding=0.03)
        self.numbers.set_cells([(0.5, 0.5, HIDDEN, fg())] if hidden else [], scale=2.0)
        self.set_title(title)

    def set_title(self, title: str) -> None:
        """The tile's title (rich text), redrawn only when it changes."""
        if self.title.text != title:
            self.title.setText(title, color=fg())


def _sign(text: str) -> pg.LabelItem:
    return pg.LabelItem(text, size=pt(18), color=fg())


class ChannelsView(RefreshWhenShown, QWidget):
    """Per-channel slices of the selected filter, each channel's map, and their sum plus bias."""

    def __init__(self, state, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.gray_label = QLabel(GRAY_TEXT)
        self.gray_label.setWordWrap(True)
        self.gray_label.setTextFormat(Qt.TextFormat.RichText)
        self.gray_label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        font = big_font()
        self.gray_label.setFont(font)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.gray_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.stack)
        # the pictures are built the first time an RGB input needs them (not at start-up)
        self.glw: pg.GraphicsLayoutWidget | None = None
        self.summary: QLabel | None = None
        self.inputs: list[_Tile] = []
        self.slices: list[_Tile] = []
        self.maps: list[_Tile] = []
        self.sum_tile: _Tile | None = None
        self._channel_maps: np.ndarray | None = None
        self._sum: np.ndarray | None = None
        self._dirty = True
        self._hidden = state.hide_answers
        self._narrow = False  # the sum under the explanation, short titles (see _arrange)
        self._wide_need: int | None = None  # the least width of the wide arrangement
        self._title_args: tuple | None = None
        observe_state(self, state, self._on_state_changed)
        follow_theme(self._on_theme_changed)
        self.refresh()

    def _build_rgb_page(self) -> None:
        self.glw = pg.GraphicsLayoutWidget()
        self.glw.setBackground(plot_bg())
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.summary.setFont(big_font())
        rgb_page = QWidget()
        rgb_layout = QVBoxLayout(rgb_page)
        rgb_layout.setContentsMargins(0, 0, 0, 0)
        rgb_layout.addWidget(self.glw, 1)
        # in a scroll area: on a short view (1024x768 at 200 %) the wrapped lines would
        # otherwise be laid over the channel maps
        self.summary_area = scrolling(self.summary)
        rgb_layout.addWidget(self.summary_area)
        self._fit_summary()
        self.stack.addWidget(rgb_page)

        ci = self.glw.ci
        # columns: R  +  G  +  B  (+ b =)  sum ; rows: channel, slice, channel map
        for c in range(3):
            col = 2 * c
            self.inputs.append(_Tile(ci, 0, col))
            self.slices.append(_Tile(ci, 2, col))
            self.maps.append(_Tile(ci, 4, col))
            self.inputs[c].image.setColorMap(pg.ColorMap([0.0, 1.0], [(0, 0, 0),
                                                                     CHANNEL_COLORS[c]]))
            self.slices[c].image.setColorMap(pg.colormap.get(MAP_CMAP))
            self.maps[c].image.setColorMap(pg.colormap.get(MAP_CMAP))
            ci.layout.setColumnStretchFactor(col, 3)
            if c < 2:
                ci.addItem(_sign("+"), 5, col + 1)
        self.bias_sign = _sign("+ b =")
        ci.addItem(self.bias_sign, 5, 6)
        self.sum_tile = _Tile(ci, 4, 7)
        self.sum_tile.image.setColorMap(pg.colormap.get(MAP_CMAP))
        ci.layout.setColumnStretchFactor(7, 3)
        self.ops_label = pg.LabelItem("⊛ each slice<br>with its own<br>channel", size=pt(10),
                                      color="#5f6368")
        ci.addItem(self.ops_label, 2, 7, rowspan=2)
        side = theme().px(48)  # the pictures' least size, scaled
        for tile in (*self.inputs, *self.slices, *self.maps, self.sum_tile):
            tile.vb.setMinimumSize(side, side)

    def _fit_summary(self) -> None:
        """The summary shows at least two lines before it scrolls."""
        self.summary_area.setMinimumHeight(2 * self.summary.fontMetrics().lineSpacing() + 4)

    def _fit_grid(self) -> None:
        """The view asks for what its narrow arrangement needs (pictures, titles, signs), so the
        page (``ui/common/reflow``) never has to give more than a 1024-pixel projector at 200 %
        has; it shows the wide one whenever it gets the width that needs (measured here too)."""
        ci = self.glw.ci
        needs = []
        for narrow in (False, True):
            self._arrange(narrow)
            ci.layout.invalidate()
            needs.append(ci.effectiveSizeHint(Qt.SizeHint.MinimumSize))
        self._wide_need = int(needs[0].width()) + 4
        size = (int(needs[1].width()) + 4, int(max(n.height() for n in needs)) + 4)
        if size != (self.glw.minimumWidth(), self.glw.minimumHeight()):
            self.glw.setMinimumSize(*size)
        self._arrange(self._wants_narrow(self.width()))

    def _wants_narrow(self, width: int) -> bool:
        return self._wide_need is None or width - 4 < self._wide_need  # (the layout's margins)

    def _arrange(self, narrow: bool) -> None:
        """Wide: ``R + G + B + b = sum`` in one row, "⊛ each slice with its own channel" above
        the sum. Narrow: the "+ b =" above the sum (the sum's column, where the explanation
        was; the summary below says it), the slices titled without the word "slice"."""
        if narrow == self._narrow:
            return
        self._narrow = narrow
        ci = self.glw.ci
        for item in (self.bias_sign, self.ops_label):
            if item in ci.items:
                ci.removeItem(item)
        if narrow:
            ci.addItem(self.bias_sign, 2, 7, rowspan=2)
        else:
            ci.addItem(self.bias_sign, 5, 6)
            ci.addItem(self.ops_label, 2, 7, rowspan=2)
        self.ops_label.setVisible(not narrow)
        self._set_titles()

    def _set_titles(self) -> None:
        if self._title_args is None:
            return
        fh, fw, k, size = self._title_args
        word = "" if self._narrow else "slice "
        for c, name in enumerate(CHANNEL_NAMES):
            self.slices[c].set_title(f"{word}w<sub>{name}</sub> {fh}×{fw}")
        name = f"map k{k + 1}" if self._narrow else f"feature map k{k + 1}"
        self.sum_tile.set_title(f"{name}<br>{size.replace(' ', '')}")

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self.glw is not None and self._wide_need is not None:
            self._arrange(self._wants_narrow(event.size().width()))

    # ---- public ------------------------------------------------------------------------------
    def channel_maps(self) -> np.ndarray | None:
        """The last computed ``x_c ⊛ w_c`` maps, (C, H', W'), or None (grayscale / no output)."""
        return self._channel_maps

    def sum_map(self) -> np.ndarray | None:
        """The last computed ``Σ_c x_c ⊛ w_c + b``, (H', W')."""
        return self._sum

    def is_rgb_page(self) -> bool:
        """Whether the per-channel pictures (not the grayscale explanation) are on show."""
        return self.stack.currentIndex() == 1

    def refresh(self) -> None:
        """Recomputes the per-channel maps (three small engine convolutions) and redraws."""
        self._dirty = False
        st = self.state
        hidden = self._hidden = st.hide_answers
        if st.channels != 3:
            self.stack.setCurrentIndex(0)
            self._channel_maps = self._sum = None
            return
        if self.glw is None:
            self._build_rgb_page()
        self.stack.setCurrentIndex(1)
        k = st.selected
        w = st.kernels[k]
        b = float(st.bias[k])
        s = st.settings
        backend = None if st.backend == "auto" else st.backend
        try:
            maps = np.stack([engine.conv2d(st.image[c], w[c], None, s.stride, s.padding_spec(),
                                           s.dilation, backend=backend) for c in range(3)])
        except (ValueError, engine.BackendUnavailable) as exc:
            self._channel_maps = self._sum = None
            self.summary.setText(f"<span style='color:#c5221f'>No output: {exc}</span>")
            return
        total = maps.sum(axis=0) + b
        self._channel_maps, self._sum = maps, total
        img = st.image
        hi = max(1.0, float(img.max()))
        lo = min(0.0, float(img.min()))
        mw = float(np.abs(w).max()) or 1.0
        mm = float(max(np.abs(maps).max(), np.abs(total).max())) or 1.0
        fh, fw = w.shape[1:]
        ho, wo = total.shape
        size = f"{HIDDEN} × {HIDDEN}" if hidden else f"{ho} × {wo}"  # the output: an answer
        for c, name in enumerate(CHANNEL_NAMES):
            self.inputs[c].show(img[c], (lo, hi), f"channel x<sub>{name}</sub>")
            self.slices[c].show(w[c], (-mw, mw), self.slices[c].title.text)
            self.maps[c].show(maps[c], (-mm, mm), f"x<sub>{name}</sub> ⊛ w<sub>{name}</sub>",
                              hidden)
        self.sum_tile.show(total, (-mm, mm), self.sum_tile.title.text, hidden)
        self._title_args = (fh, fw, k, size)
        self._set_titles()
        self.bias_sign.setText(f"+ {fmt(b)} =", color=fg())
        self.summary.setText(
            f"Filter k{k + 1} is <b>3 × {fh} × {fw}</b>: its depth equals the 3 input channels. "
            f"Feature map = x<sub>R</sub>⊛w<sub>R</sub> + x<sub>G</sub>⊛w<sub>G</sub> + "
            f"x<sub>B</sub>⊛w<sub>B</sub> + b (b = {fmt(b)}), one {size} map from three "
            "channels.")
        self._fit_grid()  # the titles' widths count

    def _needs_refresh(self, what: Change) -> bool:
        return super()._needs_refresh(what) or self._hidden != self.state.hide_answers

    def _on_theme_changed(self, _percent: int) -> None:
        if not scale_changed(self):
            return
        self.gray_label.setFont(big_font())
        if self.summary is not None:
            self.summary.setFont(big_font())
            self._fit_summary()

