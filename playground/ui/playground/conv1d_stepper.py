"""The lecture's 1-D example stepped through: a vector, a kernel, and each output as its sum of
products (computed by ``engine.conv1d``)."""

from __future__ import annotations

import numpy as np
from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from playground import engine
from playground.lessons import lecture
from playground.numbers import parse_number
from playground.scene import Change
from playground.ui.common.binding import observe_state
from playground.ui.common.formatting import fmt
from playground.ui.common.theme import BIG_FONT_PT, follow_theme, scale_changed, ui_scale
from playground.ui.playground.cell_numbers import HIDDEN
from playground.ui.playground.play_controls import PlayControls, big_label, refont_big_labels


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

    def __init__(self, parent: QWidget | None = None, state=None) -> None:
        super().__init__(parent)
        self.state = state
        """The playground whose Hide the answers switch this follows (None: never hidden)."""
        self._hidden = False
        self.vector_edit = QLineEdit(", ".join(f"{v:g}" for v in lecture.VECTOR))
        self.kernel_edit = QLineEdit(", ".join(f"{v:g}" for v in lecture.KERNEL_1D))
        self.message = QLabel()
        self.message.setStyleSheet("color: #c5221f")
        self.display = big_label(QLabel(), 1.5)
        self.products = big_label(QLabel(), 1.5)
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
        self._x = np.array(lecture.VECTOR, np.float32)
        self._w = np.array(lecture.KERNEL_1D, np.float32)
        self._y = engine.conv1d(self._x, self._w)
        self.vector_edit.textChanged.connect(self._on_edit_text_changed)
        self.kernel_edit.textChanged.connect(self._on_edit_text_changed)
        self.controls.step_changed.connect(self._on_controls_step_changed)
        self.controls.set_count(self._y.size)
        follow_theme(self._on_theme_changed)
        if state is not None:
            observe_state(self, state, self._on_state_changed)
        self._show_step(0)

    def _on_state_changed(self, what: Change) -> None:
        if what & Change.VIEW and self.state.hide_answers != self._hidden:
            self._show_step(self.controls.step())

    def _on_theme_changed(self, _percent: int) -> None:
        if not scale_changed(self):
            return
        refont_big_labels(self)

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
            with np.errstate(over="ignore", invalid="ignore"):
                y = engine.conv1d(x, w)
            if not np.isfinite(y).all():
                raise ValueError("the products are too large for float32 (beyond ±3.4e38): "
                                 "use smaller numbers")
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
        """Writes the vectors and output ``step``'s sum; with the answers hidden every output
        is ``?`` and neither their count nor the size sum is written."""
        hidden = self._hidden = self.state is not None and self.state.hide_answers
        self.controls.hide_count(hidden)
        x, w, y = self._x, self._w, self._y
        f = w.size
        red = "<span style='color:#d50000;background-color:#fde7e7'><b>{}</b></span>"
        xs = [fmt(v) for v in x]
        x_txt = ", ".join(red.format(v) if step <= n < step + f else v for n, v in enumerate(xs))
        w_txt = red.format(", ".join(fmt(v) for v in w))
        if hidden:  # as many "?" as outputs shown so far, then "…" (the count is an answer)
            ys = [red.format(HIDDEN) if n == step else HIDDEN for n in range(step + 1)] + ["…"]
        else:
            ys = [red.format(fmt(v)) if n == step else fmt(v) if n < step else "·"
                  for n, v in enumerate(y)]
        self.display.setText(f"[{x_txt}] ⊛ [{w_txt}] = [{', '.join(ys)}]")
        window = x[step : step + f]
        terms = " + ".join(f"({fmt(a)}*{fmt(b)})" for a, b in zip(window, w, strict=True))
        if hidden:
            self.products.setText(f"{terms} = <b>{HIDDEN}</b>")
            return
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
