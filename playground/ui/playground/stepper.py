"""Step-through animations of the sliding window: the 2-D layer and the lecture's 1-D example.

Both use :class:`PlayControls` (play/pause, step back/forward, speed, scrub). Its QTimer is a child
of the controls and is stopped whenever the widget is hidden, closed or destroyed, so no timer
outlives what it animates. The numbers come from the engine (``state.result`` and
``engine.conv1d``); the windows are only cut out for display.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QPainter, QPainterPath
from PySide6.QtWidgets import (
    QApplication,
    QFormLayout,
    QGraphicsPathItem,
    QGraphicsRectItem,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSlider,
    QVBoxLayout,
    QWidget,
)

from playground import engine
from playground.numbers import parse_number
from playground.ui.common.binding import observe_state
from playground.ui.common.deferred import RefreshWhenShown
from playground.ui.common.fast_image import FastImageItem
from playground.ui.common.formatting import cell_formula_html, fmt
from playground.ui.common.geometry import padded_window
from playground.ui.common.steady_label import SteadyBox, SteadyLabel
from playground.ui.common.theme import (
    BIG_FONT_PT,
    big_font,
    follow_theme,
    pt,
    scale_changed,
    ui_scale,
)

MAP_CMAP = "CET-D1"
INPUT_CMAP = "CET-L1"
MAX_NUMBERED = 7
"""Kernels with up to 7x7 weights in all (e.g. 7x7, or 3x3 on 3 channels) show them as numbers."""


def _short(v: float) -> str:
    """A kernel weight in at most about 4 characters: 16, -2, .25, -.33."""
    if float(v).is_integer():
        return str(int(v))
    return f"{v:.2f}".rstrip("0").replace("0.", ".", 1)


class PlayControls(QWidget):
    """Play/pause, step back/forward, a speed slider and a scrub slider over ``count`` steps.

    Signals
    -------
    step_changed(int)
        The current step (0-based) changed.
    """

    step_changed = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.timer = QTimer(self)
        self.timer.timeout.connect(self._on_timer_timeout)
        self.play_button = QPushButton("▶ Play")
        self.play_button.setCheckable(True)
        self.play_button.toggled.connect(self._on_play_toggled)
        self.back_button = QPushButton("◀ Back")
        self.back_button.clicked.connect(self.step_back)
        self.forward_button = QPushButton("Step ▶")
        self.forward_button.clicked.connect(self.step_forward)
        self.speed_slider = QSlider(Qt.Orientation.Horizontal)
        self.speed_slider.setRange(1, 30)
        self.speed_slider.setValue(4)
        self.speed_slider.setToolTip("steps per second")
        self.speed_slider.valueChanged.connect(self._on_speed_slider_changed)
        self.scrub_slider = QSlider(Qt.Orientation.Horizontal)
        self.scrub_slider.setRange(0, 0)
        self.scrub_slider.valueChanged.connect(self._on_scrub_slider_changed)
        self.step_label = SteadyLabel("step 00000 / 00000")
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        for w in (self.play_button, self.back_button, self.forward_button):
            row.addWidget(w)
        row.addWidget(QLabel("speed"))
        row.addWidget(self.speed_slider, 1)
        row.addWidget(self.scrub_slider, 3)
        row.addWidget(self.step_label)
        self._count = 0
        self._on_speed_slider_changed(self.speed_slider.value())
        self._update_label()

    # ---- public ------------------------------------------------------------------------------
    def count(self) -> int:
        """How many steps there are."""
        return self._count

    def step(self) -> int:
        """The current step (0-based)."""
        return self.scrub_slider.value()

    def set_count(self, count: int) -> None:
        """Sets the number of steps (keeps the current step where it still exists)."""
        count = max(int(count), 0)
        self._count = count
        self.scrub_slider.setRange(0, max(count - 1, 0))
        enabled = count > 0
        for w in (self.play_button, self.back_button, self.forward_button, self.scrub_slider):
            w.setEnabled(enabled)
        if not enabled:
            self.pause()
        self._update_label()

    def set_step(self, step: int) -> None:
        """Jumps to ``step`` (clamped)."""
        self.scrub_slider.setValue(min(max(int(step), 0), max(self._count - 1, 0)))

    def step_forward(self) -> None:
        """One step on; at the end stays there (and stops playing)."""
        if self.step() >= self._count - 1:
            self.pause()
        else:
            self.set_step(self.step() + 1)

    def step_back(self) -> None:
        """One step back."""
        self.set_step(self.step() - 1)

    def play(self) -> None:
        """Starts the animation (from the start when at the end)."""
        if self._count > 0:
            self.play_button.setChecked(True)

    def pause(self) -> None:
        """Stops the animation."""
        self.play_button.setChecked(False)
        self.timer.stop()

    def is_playing(self) -> bool:
        """Whether the timer is running."""
        return self.timer.isActive()

    def steps_per_second(self) -> int:
        """The animation speed."""
        return self.speed_slider.value()

    # ---- slots -------------------------------------------------------------------------------
    def _on_play_toggled(self, on: bool) -> None:
        if on:
            if self.step() >= self._count - 1:
                self.set_step(0)
            self.timer.start()
            self.play_button.setText("⏸ Pause")
        else:
            self.timer.stop()
            self.play_button.setText("▶ Play")

    def _on_timer_timeout(self) -> None:
        self.step_forward()

    def _on_speed_slider_changed(self, value: int) -> None:
        self.timer.setInterval(int(1000 / max(value, 1)))

    def _on_scrub_slider_changed(self, value: int) -> None:
        self._update_label()
        self.step_changed.emit(value)

    def _update_label(self) -> None:
        self.step_label.setText(f"step {self.step() + 1} / {self._count}" if self._count else
                                "no steps")

    def hideEvent(self, event) -> None:
        self.pause()
        super().hideEvent(event)


def _big(label: QLabel, scale: float = 1.0) -> QLabel:
    label.setFont(big_font(scale))
    label.setProperty("font_factor", scale)
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setWordWrap(True)
    return label


def _refont(widget: QWidget) -> None:
    """Re-applies the scaled big font to the labels :func:`_big` made (after a UI-scale change)."""
    for label in widget.findChildren(QLabel):
        factor = label.property("font_factor")
        if factor is not None:
            label.setFont(big_font(float(factor)))


def _rect(color: str, fill: QColor | None = None, width: float = 2.0) -> QGraphicsRectItem:
    item = QGraphicsRectItem()
    item.setPen(pg.mkPen(color, width=width))
    item.setBrush(QBrush(fill) if fill is not None else QBrush(Qt.BrushStyle.NoBrush))
    item.setZValue(10)
    return item


def _view(layout: pg.GraphicsLayout, title: str, row: int, col: int):
    label = pg.LabelItem(title, size=pt(10), color="#202124")
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
        label.setText(text, color="#202124")


class _NumberGrid(pg.GraphicsObject):
    """The kernel's weights written on its cells: one item, a few ``drawText`` calls per paint.

    (One pyqtgraph TextItem per weight cost a millisecond each to create and a re-layout each to
    update.) The text keeps its pixel size however the view is scaled, like a TextItem.
    """

    def __init__(self) -> None:
        super().__init__()
        self._cells: list[tuple[float, float, str]] = []
        self._bounds = QRectF()
        self.setZValue(20)

    def set_cells(self, cells: list[tuple[float, float, str]]) -> None:
        """``(x, y, text)`` centred on data coordinates (x, y)."""
        if cells == self._cells:
            return
        self.prepareGeometryChange()
        self._cells = cells
        xs = [c[0] for c in cells] or [0.0]
        ys = [c[1] for c in cells] or [0.0]
        # a cell's margin more on every side: a number may be wider than a small cell
        self._bounds = QRectF(min(xs) - 1.5, min(ys) - 1.5, max(xs) - min(xs) + 3,
                              max(ys) - min(ys) + 3) if cells else QRectF()
        self.update()

    def texts(self) -> list[str]:
        """The numbers on show, row by row."""
        return [c[2] for c in self._cells]

    def boundingRect(self) -> QRectF:
        return self._bounds

    def paint(self, p: QPainter, *_args) -> None:
        if not self._cells:
            return
        tr = p.transform()
        p.resetTransform()
        p.setPen(QColor("#000000"))
        p.setFont(QApplication.font())
        box = QRectF(-60, -20, 120, 40)
        center = Qt.AlignmentFlag.AlignCenter
        for x, y, text in self._cells:
            p.drawText(box.translated(tr.map(QPointF(x, y))), center, text)
        p.setTransform(tr)


class StepThroughWidget(RefreshWhenShown, QWidget):
    """The selected kernel sliding over the padded input, one output cell per step.

    Shows the padded input with the current window, the kernel, the output filling in (cells not
    yet reached are blank) and ``c_ij = Σ a·w + b`` with the numbers. Cells are visited row by row.
    """

    def __init__(self, state, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.controls = PlayControls(self)
        self.controls.step_changed.connect(self._on_controls_step_changed)
        self.glw = pg.GraphicsLayoutWidget()
        self.glw.setBackground("w")
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
        self.output_frame = _rect("#bdc1c6", QColor("#f1f3f4"), width=1)
        self.output_frame.setZValue(-1)
        self.output_vb.addItem(self.output_frame, ignoreBounds=True)
        self.pad_outline = _rect("#1a73e8", width=1.5)
        self.input_vb.addItem(self.pad_outline, ignoreBounds=True)
        self.window_rect = _rect("#d50000", QColor(213, 0, 0, 50))
        self.input_vb.addItem(self.window_rect, ignoreBounds=True)
        self.cell_rect = _rect("#00c853")
        self.output_vb.addItem(self.cell_rect, ignoreBounds=True)
        self.numbers = _NumberGrid()
        self.kernel_vb.addItem(self.numbers, ignoreBounds=True)
        self.formula_label = _big(QLabel())
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
        return self.window_rect.rect()

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
        _set_title(self.output_title, f"output k{k + 1}: {conv.shape[1]}×{conv.shape[2]}")
        self.controls.set_count(conv.shape[1] * conv.shape[2])
        self._show_step(self.controls.step())

    # ---- drawing -------------------------------------------------------------------------------
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
        _set_title(self.input_title, f"padded input {padded.shape[1]}×{padded.shape[2]} "
                                     f"(padding {pt},{pb},{pl},{pr})")

    def _show_kernel(self, kern: np.ndarray, bias: float, k: int) -> None:
        c, fh, fw = kern.shape
        tiles = np.full((c * fh + (c - 1), fw), np.nan, np.float32)
        for ch in range(c):
            tiles[ch * (fh + 1) : ch * (fh + 1) + fh] = kern[ch]
        m = float(np.abs(kern).max()) or 1.0
        self.kernel_item.setImage(tiles, autoLevels=False, levels=(-m, m))
        self._fit("kernel", self.kernel_vb, tiles.shape)
        _set_title(self.kernel_title, f"kernel k{k + 1}: {c}×{fh}×{fw}, b = {fmt(bias)}")
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
        self.numbers.set_cells([(c + 0.5, r + 0.5, _short(tiles[r, c]))
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
        sh, sw = st.settings.stride
        fh, fw = st.kernels.shape[2:]
        self.window_rect.setRect(QRectF(j * sw, i * sh, fw, fh))
        self.cell_rect.setRect(QRectF(j, i, 1, 1))
        partial = np.full(conv.shape, np.nan, np.float32)
        partial.ravel()[: step + 1] = conv.ravel()[: step + 1]
        self.output_item.setImage(partial, autoLevels=False)
        a = padded_window(st.image, st.pads(), (fh, fw), (sh, sw), i, j)
        self.formula_label.setText(
            f"window rows {i * sh + 1}–{i * sh + fh}, cols {j * sw + 1}–{j * sw + fw} of the "
            f"padded input (stride {sh}, {sw})<br>"
            + cell_formula_html(a, st.kernels[k], float(st.bias[k]), i, j, float(conv[i, j])))

    # ---- events --------------------------------------------------------------------------------
    def _on_controls_step_changed(self, step: int) -> None:
        self._show_step(step)

    def _on_theme_changed(self, _percent: int) -> None:
        if not scale_changed(self):
            return
        _refont(self)
        for label in (self.input_title, self.kernel_title, self.output_title):
            label.setText(label.text, size=pt(10), color="#202124")

    def hideEvent(self, event) -> None:
        self.controls.pause()
        super().hideEvent(event)

    def closeEvent(self, event) -> None:
        self.controls.pause()
        super().closeEvent(event)


def parse_vector(text: str) -> np.ndarray:
    """Comma- (or space-) separated numbers as float32; ValueError with a readable message."""
    parts = [p for p in text.replace(";", ",").replace(" ", ",").split(",") if p.strip()]
    if not parts:
        raise ValueError("enter some numbers, separated by commas")
    if len(parts) > 40:
        raise ValueError("at most 40 numbers")
    return np.array([parse_number(p, "each value") for p in parts], np.float32)


class Conv1DStepper(QWidget):
    """The lecture's 1-D example ``[1,2,3,4,5,6] ⊛ [1,2] = [5,8,11,14,17]``, one output per step.

    The vector and kernel are editable (comma-separated); invalid text shows a message and the
    previous valid values stay. Outputs are computed with :func:`playground.engine.conv1d`.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.vector_edit = QLineEdit("1, 2, 3, 4, 5, 6")
        self.kernel_edit = QLineEdit("1, 2")
        self.message = QLabel()
        self.message.setStyleSheet("color: #c5221f")
        self.display = _big(QLabel(), 1.5)
        self.products = _big(QLabel(), 1.5)
        self.controls = PlayControls(self)
        form = QFormLayout()
        form.addRow("vector", self.vector_edit)
        form.addRow("kernel", self.kernel_edit)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.display)
        layout.addWidget(self.products)
        layout.addWidget(self.controls)
        layout.addStretch(1)
        self._x = np.array([1, 2, 3, 4, 5, 6], np.float32)
        self._w = np.array([1, 2], np.float32)
        self._y = engine.conv1d(self._x, self._w)
        self.vector_edit.textChanged.connect(self._on_edit_text_changed)
        self.kernel_edit.textChanged.connect(self._on_edit_text_changed)
        self.controls.step_changed.connect(self._on_controls_step_changed)
        self.controls.set_count(self._y.size)
        follow_theme(self._on_theme_changed)
        self._show_step(0)

    def _on_theme_changed(self, _percent: int) -> None:
        if not scale_changed(self):
            return
        _refont(self)

    def outputs(self) -> list[float]:
        """The whole output, from the engine."""
        return [float(v) for v in self._y]

    def shown_outputs(self) -> list[float]:
        """The outputs revealed up to the current step."""
        return self.outputs()[: self.controls.step() + 1]

    def set_inputs(self, vector: str, kernel: str) -> None:
        """Sets both line edits (as if typed)."""
        self.vector_edit.setText(vector)
        self.kernel_edit.setText(kernel)

    def _on_edit_text_changed(self, _text: str) -> None:
        try:
            x = parse_vector(self.vector_edit.text())
            w = parse_vector(self.kernel_edit.text())
            if w.size > x.size:
                raise ValueError(f"the kernel ({w.size} numbers) is longer than the vector "
                                 f"({x.size}): there is no output")
            y = engine.conv1d(x, w)
        except ValueError as exc:
            self.message.setText(f"{exc} — still showing the last valid example")
            self.message.show()
            return
        self.message.setText("")
        self.message.hide()
        self._x, self._w, self._y = x, w, y
        self.controls.set_count(y.size)
        self.controls.set_step(0)
        self._show_step(0)

    def _on_controls_step_changed(self, step: int) -> None:
        self._show_step(step)

    def _show_step(self, step: int) -> None:
        x, w, y = self._x, self._w, self._y
        f = w.size
        red = "<span style='color:#d50000;background-color:#fde7e7'><b>{}</b></span>"
        xs = [fmt(v) for v in x]
        x_txt = ", ".join(red.format(v) if step <= n < step + f else v for n, v in enumerate(xs))
        w_txt = red.format(", ".join(fmt(v) for v in w))
        ys = [red.format(fmt(v)) if n == step else fmt(v) if n < step else "·"
              for n, v in enumerate(y)]
        self.display.setText(f"[{x_txt}] ⊛ [{w_txt}] = [{', '.join(ys)}]")
        window = x[step : step + f]
        terms = " + ".join(f"({fmt(a)}*{fmt(b)})" for a, b in zip(window, w, strict=True))
        done = "" if step < y.size - 1 else (
            f"<br><span style='font-size:{(BIG_FONT_PT - 1) * ui_scale():g}pt;color:#555'>"
            f"[{', '.join(fmt(v) for v in y)}]: a {x.size}-vector with a {f}-vector gives "
            f"{x.size} − {f} + 1 = {y.size} outputs</span>")
        self.products.setText(f"{terms} = <b>{fmt(y[step])}</b>{done}")

    def hideEvent(self, event) -> None:
        self.controls.pause()
        super().hideEvent(event)

    def closeEvent(self, event) -> None:
        self.controls.pause()
        super().closeEvent(event)
