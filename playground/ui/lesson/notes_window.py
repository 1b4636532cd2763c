"""The presenter's second window: this scene's notes, the next scene's title, a counter, a clock.

Shown on the other screen when two are attached (View ▸ Presenter notes window anyway); the
clicker keys work in it too, so the lecturer can drive the lesson from the laptop's screen.
"""

from __future__ import annotations

import html
import time

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QLabel, QTextBrowser, QVBoxLayout, QWidget


class NotesWindow(QWidget):
    """Notes for the scene on show; ``show_scene`` fills it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setWindowTitle("Presenter notes — Convolution Playground")
        self.setObjectName("presenter_notes")
        self.counter = QLabel()
        self.title = QLabel()
        self.title.setWordWrap(True)
        self.notes = QTextBrowser()
        self.notes.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.next_title = QLabel()
        self.next_title.setWordWrap(True)
        self.clock = QLabel()
        for label, factor in ((self.counter, 1.3), (self.title, 1.6), (self.next_title, 1.2),
                              (self.clock, 1.1)):
            f = label.font()
            f.setPointSizeF(f.pointSizeF() * factor)
            f.setBold(label is not self.clock)
            label.setFont(f)
        f = self.notes.font()
        f.setPointSizeF(f.pointSizeF() * 1.4)
        self.notes.setFont(f)
        lay = QVBoxLayout(self)
        lay.addWidget(self.counter)
        lay.addWidget(self.title)
        lay.addWidget(self.notes, 1)
        lay.addWidget(self.next_title)
        lay.addWidget(self.clock)
        self._t0 = time.monotonic()
        self._timer = QTimer(self)
        self._timer.setInterval(1000)
        self._timer.timeout.connect(self._tick)
        self.resize(720, 540)

    def show_scene(self, index: int, count: int, scene, next_scene, step: int = 0) -> None:
        """Shows ``scene``'s notes and ``next_scene``'s title (None after the last)."""
        steps = f" · step {step} / {scene.steps}" if scene.steps else ""
        self.counter.setText(f"Scene {index + 1} / {count}{steps}")
        self.title.setText(html.escape(scene.title))
        notes = scene.notes or "(no notes for this scene)"
        self.notes.setHtml("".join(f"<p>{html.escape(p)}</p>" for p in notes.split("\n\n")))
        self.next_title.setText(f"Next: {next_scene.title}" if next_scene is not None
                                else "Next: (end of the lesson)")

    def start_clock(self) -> None:
        """Starts the elapsed-time clock from zero."""
        self._t0 = time.monotonic()
        self._tick()
        self._timer.start()

    def _tick(self) -> None:
        s = int(time.monotonic() - self._t0)
        self.clock.setText(f"Elapsed {s // 60:02d}:{s % 60:02d}")

    def hideEvent(self, event) -> None:
        self._timer.stop()
        super().hideEvent(event)
