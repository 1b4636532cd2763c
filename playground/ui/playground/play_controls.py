"""Play/pause, step back/forward, speed and scrub controls shared by both step-throughs, and the
big rich-text labels they write their numbers in.

The controls' QTimer is a child of the controls and is stopped whenever the widget is hidden,
closed or destroyed, so no timer outlives what it animates."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QPushButton, QSlider, QWidget

from playground.ui.common.steady_label import SteadyLabel
from playground.ui.common.theme import big_font

PLAY_KEY, BACK_KEY, STEP_KEY = "Ctrl+Space", "Ctrl+Left", "Ctrl+Right"
"""The step-through's keys in the normal window."""


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
        # keys of their own (presenter mode keeps Space / PageUp / PageDown / arrows / B); the
        # window's Step menu sends them to the step-through on screen
        for button, key, tip in ((self.play_button, PLAY_KEY, "Play or pause the animation"),
                                 (self.back_button, BACK_KEY, "One step back"),
                                 (self.forward_button, STEP_KEY, "One step forward")):
            button.setToolTip(f"{tip} ({key})")
        self.speed_slider = QSlider(Qt.Orientation.Horizontal)
        self.speed_slider.setRange(1, 30)
        self.speed_slider.setValue(4)
        self.speed_slider.setToolTip("steps per second")
        self.speed_slider.valueChanged.connect(self._on_speed_slider_changed)
        self.scrub_slider = QSlider(Qt.Orientation.Horizontal)
        self.scrub_slider.setRange(0, 0)
        self.scrub_slider.valueChanged.connect(self._on_scrub_slider_changed)
        self.step_label = SteadyLabel("step 00000 / 00000")
        grid = QGridLayout(self)  # buttons above the sliders: one row is too wide at 200 %
        grid.setContentsMargins(0, 0, 0, 0)
        buttons = QHBoxLayout()
        for w in (self.play_button, self.back_button, self.forward_button):
            buttons.addWidget(w)
        buttons.addStretch(1)
        grid.addLayout(buttons, 0, 0, 1, 4)
        grid.addWidget(QLabel("speed"), 1, 0)
        grid.addWidget(self.speed_slider, 1, 1)
        grid.addWidget(self.scrub_slider, 1, 2)
        grid.addWidget(self.step_label, 1, 3)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(2, 3)
        self._count = 0
        self._count_hidden = False
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

    def hide_count(self, hidden: bool) -> None:
        """Writes "step 3 / ?" instead of the number of steps (an answer while answers are hidden:
        the steps of a 2-D step-through are the output's cells)."""
        if hidden != self._count_hidden:
            self._count_hidden = hidden
            self._update_label()

    def _update_label(self) -> None:
        total = "?" if self._count_hidden else self._count
        self.step_label.setText(f"step {self.step() + 1} / {total}" if self._count else
                                "no steps")

    def hideEvent(self, event) -> None:
        self.pause()
        super().hideEvent(event)


def big_label(label: QLabel, scale: float = 1.0) -> QLabel:
    label.setFont(big_font(scale))
    label.setProperty("font_factor", scale)
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setWordWrap(True)
    return label


def refont_big_labels(widget: QWidget) -> None:
    """Re-applies the scaled big font to the labels :func:`big_label` made (after a UI-scale
    change)."""
    for label in widget.findChildren(QLabel):
        factor = label.property("font_factor")
        if factor is not None:
            label.setFont(big_font(float(factor)))
