"""The drawing canvas: mouse, pen or touch strokes into a 280x280 grayscale buffer.

Strokes are painted antialiased into a larger buffer (like writing on paper), then reduced to the
28x28 MNIST-style input with :func:`playground.data.images.to_mnist_style` and pushed to the state.
While drawing, moves are coalesced by a zero-delay single-shot timer: only the newest buffer is
converted ("latest request wins"), so fast strokes never queue up stale work.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPen, QPointingDevice
from PySide6.QtWidgets import QSizePolicy, QWidget

from playground.ui.playground.state import PlaygroundState

BUFFER_SIZE = 280
"""Side of the drawing buffer in pixels (10x the 28x28 input)."""

DEFAULT_BRUSH = 22.0
"""Default pen width in buffer pixels (about 2 input pixels after centring)."""


class DrawingCanvas(QWidget):
    """Draw a digit; each stroke updates ``state.image``. Left button / pen draws, right erases."""

    stroke_started = Signal()
    stroke_finished = Signal()

    def __init__(self, state: PlaygroundState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.brush_size = DEFAULT_BRUSH
        self.eraser = False
        self.push_count = 0
        self.pushed: np.ndarray | None = None
        """The last input this canvas pushed to the state (so views can tell it is its own)."""
        self._buffer = self._blank()
        self._ink_cache: bool | None = False
        self._last: QPointF | None = None
        self._erasing_now = False
        self._push_timer = QTimer(self)
        self._push_timer.setSingleShot(True)
        self._push_timer.setInterval(0)
        self._push_timer.timeout.connect(self.push_to_state)
        self.setAttribute(Qt.WidgetAttribute.WA_AcceptTouchEvents, True)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent, True)
        self.setCursor(Qt.CursorShape.CrossCursor)
        policy = QSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self.setMinimumSize(140, 140)
        self.setToolTip("Draw a digit here (mouse, pen or finger); right button erases.\n"
                        "It is centred and shrunk to 28x28, like the MNIST digits.")

    # ---- the buffer --------------------------------------------------------------------------
    @staticmethod
    def _blank() -> QImage:
        img = QImage(BUFFER_SIZE, BUFFER_SIZE, QImage.Format.Format_Grayscale8)
        img.fill(0)
        return img

    def buffer(self) -> QImage:
        """The drawing (shared copy-on-write, so cheap to keep for undo)."""
        return QImage(self._buffer)

    def set_buffer(self, image: QImage, push: bool = True) -> None:
        """Replaces the drawing (e.g. undo); ``push`` also sends it to the state."""
        self._buffer = QImage(image)
        self._ink_cache = None
        self.update()
        if push:
            self.push_to_state()

    def array(self) -> np.ndarray:
        """The drawing as uint8 (280, 280), 0 = background, 255 = ink."""
        img = self._buffer
        bpl = img.bytesPerLine()
        raw = np.frombuffer(img.constBits(), np.uint8, count=bpl * img.height())
        return raw.reshape(img.height(), bpl)[:, : img.width()].copy()

    def is_empty(self) -> bool:
        """True when nothing is drawn."""
        return not self.array().any()

    def show_array(self, gray: np.ndarray) -> None:
        """Shows an (H, W) image (0..1 or 0..255) on the canvas without pushing it to the state."""
        a = np.asarray(gray, np.float32)
        if a.size and a.max() > 1.0:
            a = a / 255.0
        a8 = np.ascontiguousarray(np.clip(a * 255.0 + 0.5, 0, 255).astype(np.uint8))
        small = QImage(a8.data, a8.shape[1], a8.shape[0], a8.shape[1],
                       QImage.Format.Format_Grayscale8).copy()
        self._buffer = small.scaled(BUFFER_SIZE, BUFFER_SIZE, Qt.AspectRatioMode.KeepAspectRatio,
                                    Qt.TransformationMode.SmoothTransformation)
        if self._buffer.size() != QSize(BUFFER_SIZE, BUFFER_SIZE):
            full = self._blank()
            p = QPainter(full)
            p.drawImage((BUFFER_SIZE - self._buffer.width()) // 2,
                        (BUFFER_SIZE - self._buffer.height()) // 2, self._buffer)
            p.end()
            self._buffer = full
        self._buffer = self._buffer.convertToFormat(QImage.Format.Format_Grayscale8)
        self._ink_cache = None
        self.update()

    def clear(self) -> None:
        """Erases everything and pushes the blank input at once."""
        self._buffer = self._blank()
        self._ink_cache = None
        self.update()
        self.push_to_state()

    def push_to_state(self) -> None:
        """Converts the newest drawing to the 28x28 input and sets it on the state."""
        from playground.data.images import to_mnist_style

        self._push_timer.stop()
        self.pushed = to_mnist_style(self.array())
        self.state.set_image(self.pushed)
        self.push_count += 1

    # ---- drawing -----------------------------------------------------------------------------
    def _target(self) -> QRectF:
        side = max(1, min(self.width(), self.height()))
        return QRectF((self.width() - side) / 2, 0, side, side)

    def to_buffer(self, pos: QPointF) -> QPointF:
        """Widget coordinates to buffer coordinates."""
        t = self._target()
        k = BUFFER_SIZE / t.width()
        return QPointF((pos.x() - t.x()) * k, (pos.y() - t.y()) * k)

    def begin_stroke(self, pos: QPointF, erase: bool = False, pressure: float = 1.0) -> None:
        """Starts a stroke at widget position ``pos`` (public so tests and the bench can draw)."""
        self._erasing_now = erase or self.eraser
        self._last = self.to_buffer(pos)
        self.stroke_started.emit()
        self._segment(self._last, self._last, pressure)

    def continue_stroke(self, pos: QPointF, pressure: float = 1.0) -> None:
        """Extends the stroke to ``pos``."""
        if self._last is None:
            return
        p = self.to_buffer(pos)
        self._segment(self._last, p, pressure)
        self._last = p

    def end_stroke(self) -> None:
        """Finishes the stroke: the newest drawing goes to the state now; ``stroke_finished``."""
        if self._last is None:
            return
        self._last = None
        self.push_to_state()
        self.stroke_finished.emit()

    def _segment(self, a: QPointF, b: QPointF, pressure: float) -> None:
        width = self.brush_size * (2.0 if self._erasing_now else 1.0) * max(0.3, min(pressure, 1.5))
        color = QColor(0, 0, 0) if self._erasing_now else QColor(255, 255, 255)
        p = QPainter(self._buffer)
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        p.setPen(QPen(color, width, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap,
                      Qt.PenJoinStyle.RoundJoin))
        if a == b:
            p.drawPoint(a)
        else:
            p.drawLine(a, b)
        p.end()
        self._ink_cache = None
        self.update()
        self._push_timer.start()

    # ---- input events ------------------------------------------------------------------------
    def mousePressEvent(self, event) -> None:
        if event.button() in (Qt.MouseButton.LeftButton, Qt.MouseButton.RightButton):
            self.begin_stroke(event.position(), event.button() == Qt.MouseButton.RightButton)
            event.accept()

    def mouseMoveEvent(self, event) -> None:
        if self._last is not None:
            self.continue_stroke(event.position())
            event.accept()

    def mouseReleaseEvent(self, event) -> None:
        if self._last is not None:
            self.continue_stroke(event.position())
            self.end_stroke()
            event.accept()

    def tabletEvent(self, event) -> None:
        kind = event.type()
        pressure = event.pressure() if event.pressure() > 0 else 1.0
        if kind == QEvent.Type.TabletPress:
            erase = event.pointerType() == QPointingDevice.PointerType.Eraser
            self.begin_stroke(event.position(), erase, pressure)
        elif kind == QEvent.Type.TabletMove:
            self.continue_stroke(event.position(), pressure)
        elif kind == QEvent.Type.TabletRelease:
            self.end_stroke()
        event.accept()

    def event(self, event) -> bool:
        kind = event.type()
        if kind in (QEvent.Type.TouchBegin, QEvent.Type.TouchUpdate, QEvent.Type.TouchEnd,
                    QEvent.Type.TouchCancel):
            points = event.points()
            if points:
                pos = points[0].position()
                if kind == QEvent.Type.TouchBegin:
                    self.begin_stroke(pos)
                elif kind == QEvent.Type.TouchUpdate:
                    self.continue_stroke(pos)
                else:
                    self.continue_stroke(pos)
                    self.end_stroke()
            event.accept()
            return True
        return super().event(event)

    # ---- painting ----------------------------------------------------------------------------
    def sizeHint(self) -> QSize:
        return QSize(280, 280)

    def heightForWidth(self, w: int) -> int:
        return w

    def hasHeightForWidth(self) -> bool:
        return True

    def paintEvent(self, event) -> None:
        p = QPainter(self)
        p.fillRect(self.rect(), self.palette().window())
        t = self._target()
        p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
        p.drawImage(t, self._buffer)
        p.setPen(QPen(QColor(120, 120, 120), 1))
        p.drawRect(t.adjusted(0, 0, -1, -1))
        if self._last is None and not self._ink:
            p.setPen(QColor(150, 150, 150))
            p.drawText(t, Qt.AlignmentFlag.AlignCenter, "Draw a digit here")
        p.end()

    @property
    def _ink(self) -> bool:
        if self._ink_cache is None:
            self._ink_cache = bool(self.array().any())
        return self._ink_cache
