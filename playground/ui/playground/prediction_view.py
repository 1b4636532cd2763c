"""Ten probability bars, the top class highlighted: what the network thinks the drawing is.

:class:`ProbabilityBars` paints any ``(10,)`` probabilities; :class:`PredictionView` follows a
:class:`~playground.ui.network.model_holder.ModelHolder` (several can share one holder, e.g. a
small one in the Playground tab and a larger one in the Network tab).
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter
from PySide6.QtWidgets import QSizePolicy, QWidget

from playground.ui.network.model_holder import ModelHolder

BAR = QColor(150, 160, 175)
TOP = QColor(214, 39, 40)
MIN_READABLE_SIDE = 8
"""Inputs with a side shorter than this are not read as a digit (blown up to 28x28 they are a
few blurred blocks: any prediction would be nonsense)."""


def unreadable(image: np.ndarray, kind: str) -> str:
    """Why the network (trained on 28x28 digit drawings) cannot read this input, as one short
    line; "" when it can (a drawing, an MNIST digit, an opened image: these are resized)."""
    h, w = np.shape(image)[-2:]
    if kind in ("matrix", "vector"):
        what = "vector" if kind == "vector" or h == 1 else "matrix"
        return f"The network reads 28×28 drawings; the input is a {h}×{w} {what}."
    if min(h, w) < MIN_READABLE_SIDE:
        return f"The network reads 28×28 drawings; the input is only {h}×{w} pixels."
    return ""


class ProbabilityBars(QWidget):
    """A bar per class (0-9 for digits; any count a model trained on other data has) with its
    probability; the most likely class in red and its share."""

    def __init__(self, parent: QWidget | None = None, title: str = "") -> None:
        super().__init__(parent)
        self.title = title
        self.probabilities = np.full(10, 0.1, np.float32)
        self.labels: list[str] | None = None
        """A name per class (a model of one's own classes); None: the digits 0-9."""
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.setMinimumSize(180, 110)

    def set_probabilities(self, probs: np.ndarray | None, title: str | None = None) -> None:
        """Shows ``probs`` (n_classes,) (None: ten uniform grey bars)."""
        self.probabilities = (np.full(10, 0.1, np.float32) if probs is None
                              else np.asarray(probs, np.float32).reshape(-1).copy())
        if title is not None:
            self.title = title
        self.setToolTip("  ".join(f"{self.label(d)}: {p:.1%}"
                                  for d, p in enumerate(self.probabilities)))
        self.update()

    def set_labels(self, labels: list[str] | tuple[str, ...] | None) -> None:
        """Names the bars (None: by their index, the digits)."""
        self.labels = list(labels) if labels else None
        self.update()

    def label(self, index: int) -> str:
        """The name of class ``index``."""
        if self.labels is not None and 0 <= index < len(self.labels):
            return self.labels[index]
        return str(index)

    @property
    def top(self) -> int:
        return int(np.argmax(self.probabilities))

    blank = False
    """True when there is nothing to classify (the headline says so instead of a digit)."""
    refusal = ""
    """Why the input cannot be read (see :func:`unreadable`): said instead of a prediction."""

    def headline(self) -> str:
        """The line above the bars: the top class and its share (or why there is none)."""
        if self.refusal:
            return self.refusal
        if self.blank:
            what = "something" if self.labels else "a digit"
            return f"{self.title}  (draw {what})".strip()
        p = self.probabilities
        return f"{self.title}  {self.label(self.top)}  ({p[self.top]:.0%})".strip()

    def sizeHint(self) -> QSize:
        return QSize(280, 160)

    def paintEvent(self, _event) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        p.fillRect(self.rect(), self.palette().base())
        fm = self.fontMetrics()
        line = fm.height()
        bold = QFont(self.font())
        bold.setBold(True)
        bold.setPointSizeF(self.font().pointSizeF() * 1.2)
        p.setFont(bold)
        p.setPen(self.palette().text().color())
        if self.refusal:  # no bars: a prediction of a matrix would be nonsense
            p.setFont(self.font())
            p.drawText(QRectF(4, 2, self.width() - 8, self.height() - 4),
                       Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop
                       | Qt.TextFlag.TextWordWrap, self.refusal)
            p.end()
            return
        head = QRectF(4, 2, self.width() - 8, line * 1.4)
        p.drawText(head, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                   self.headline())
        p.setFont(self.font())
        top_y = head.bottom() + 4
        bottom = self.height() - line - 4
        height = max(4.0, bottom - top_y)
        slot = (self.width() - 8) / max(1, len(self.probabilities))
        best = self.top
        for d, prob in enumerate(self.probabilities):
            x = 4 + d * slot
            h = float(np.clip(prob, 0, 1)) * height
            color = TOP if d == best else BAR
            p.fillRect(QRectF(x + slot * 0.15, bottom - h, slot * 0.7, h), color)
            p.setPen(self.palette().text().color())
            text = fm.elidedText(self.label(d), Qt.TextElideMode.ElideRight, int(slot))
            p.drawText(QRectF(x, bottom + 2, slot, line), Qt.AlignmentFlag.AlignCenter, text)
        p.setPen(QColor(160, 160, 160))
        p.drawLine(4, int(bottom), self.width() - 4, int(bottom))
        p.end()


class PredictionView(ProbabilityBars):
    """The holder's prediction for the current drawing, updated as the student draws."""

    def __init__(self, holder: ModelHolder, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.holder = holder
        holder.prediction.connect(self._on_holder_prediction)
        holder.model_changed.connect(self._on_holder_model_changed)
        self._on_holder_model_changed(holder.model)
        if holder.probabilities is not None:
            self._on_holder_prediction(holder.probabilities)

    def _on_holder_model_changed(self, _model) -> None:
        self.title = f"{self.holder.title} says:"  # "LeNet-5, conv1 edited says:" for a copy
        self.set_labels(self.holder.model.class_names)

    def _on_holder_prediction(self, probs) -> None:
        st = self.holder.state
        self.blank = float(np.max(st.image)) < 0.05
        self.refusal = unreadable(st.image, st.input_kind)
        self.set_probabilities(probs)
        if self.refusal:
            self.setToolTip(self.refusal)
