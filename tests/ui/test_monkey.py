"""A monkey on the whole main window (offscreen): random clicks, double-clicks, drags, wheel turns,
keys and menu actions, on both tabs. After every action the window is still shown and no Python
exception has reached Qt; at the end no worker thread is left running.

File dialogs answer "cancel" and message boxes return at once; a timer closes any popup or modal
dialog a click opened (a tool button's menu runs its own event loop). A short run is in the
default suite; ``pytest -m fuzz`` runs the long one (counts printed with ``-s``).
"""

from __future__ import annotations

import random
import sys
from collections import Counter

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt, QTimer
from PySide6.QtGui import QAction, QWheelEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QDialog,
    QFileDialog,
    QMessageBox,
    QWidget,
)

from playground.ui.common.worker import live_threads, stop_all

KEYS = [Qt.Key.Key_0, Qt.Key.Key_1, Qt.Key.Key_9, Qt.Key.Key_E, Qt.Key.Key_Minus,
        Qt.Key.Key_Period, Qt.Key.Key_Slash, Qt.Key.Key_Return, Qt.Key.Key_Escape,
        Qt.Key.Key_Tab, Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_Left, Qt.Key.Key_Right,
        Qt.Key.Key_Delete, Qt.Key.Key_Backspace, Qt.Key.Key_Space, Qt.Key.Key_PageUp,
        Qt.Key.Key_PageDown, Qt.Key.Key_Home, Qt.Key.Key_End, Qt.Key.Key_Z, Qt.Key.Key_Y]
MODIFIERS = [Qt.KeyboardModifier.NoModifier] * 4 + [Qt.KeyboardModifier.ControlModifier,
                                                   Qt.KeyboardModifier.ShiftModifier]
FORBIDDEN = ("quit", "exit", "close")


@pytest.fixture
def quiet_dialogs(monkeypatch):
    """Dialogs that would wait for a person answer at once (cancel / OK)."""
    for name in ("getOpenFileName", "getSaveFileName"):
        monkeypatch.setattr(QFileDialog, name, staticmethod(lambda *a, **k: ("", "")))
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", staticmethod(lambda *a, **k: ""))
    for name in ("about", "warning", "information", "critical", "question"):
        monkeypatch.setattr(QMessageBox, name,
                            staticmethod(lambda *a, **k: QMessageBox.StandardButton.Ok))
    monkeypatch.setattr(QDialog, "exec", lambda self: 0)


def close_popups() -> None:
    """Closes whatever popup or modal dialog is up (runs from nested event loops too)."""
    popup = QApplication.activePopupWidget()
    if popup is not None:
        popup.close()
    modal = QApplication.activeModalWidget()
    if isinstance(modal, QDialog):
        modal.reject()


def menu_actions(actions: list[QAction]) -> list[QAction]:
    """Every action of the menu bar, submenus included (not pyqtgraph's context-menu actions,
    which assume the right-click that opened their menu)."""
    out: list[QAction] = []
    for a in actions:
        if a.menu() is not None:
            out += menu_actions(a.menu().actions())
        elif a.text() and not a.isSeparator():
            out.append(a)
    return out


class Monkey:
    """Random actions on ``window``; ``counts`` says how many of each were done."""

    def __init__(self, window, seed: int) -> None:
        self.window = window
        self.rng = random.Random(seed)
        self.counts: Counter = Counter()
        self.actions = [a for a in menu_actions(window.menuBar().actions())
                        if not any(w in a.text().lower() for w in FORBIDDEN)]

    def _widgets(self) -> list[QWidget]:
        return [w for w in self.window.findChildren(QWidget)
                if w.isVisible() and w.width() > 2 and w.height() > 2
                and w.window() is self.window]

    def _point(self, w: QWidget) -> QPoint:
        return QPoint(self.rng.randrange(w.width()), self.rng.randrange(w.height()))

    def step(self) -> None:
        kind = self.rng.choices(["click", "double", "drag", "wheel", "key", "action", "tab"],
                                weights=[30, 8, 8, 8, 25, 15, 6])[0]
        self.counts[kind] += 1
        widgets = self._widgets()
        w = self.rng.choice(widgets) if widgets else self.window
        if kind == "click":
            QTest.mouseClick(w, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                             self._point(w))
        elif kind == "double":
            QTest.mouseDClick(w, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                              self._point(w))
        elif kind == "drag":
            QTest.mousePress(w, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                             self._point(w))
            for _ in range(self.rng.randrange(1, 5)):
                QTest.mouseMove(w, self._point(w))
            QTest.mouseRelease(w, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                               self._point(w))
        elif kind == "wheel":
            pos = QPointF(self._point(w))
            delta = QPoint(0, self.rng.choice([-240, -120, 120, 240]))
            event = QWheelEvent(pos, QPointF(w.mapToGlobal(pos.toPoint())), QPoint(), delta,
                                Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier,
                                Qt.ScrollPhase.NoScrollPhase, False)
            QApplication.sendEvent(w, event)
        elif kind == "key":
            target = QApplication.focusWidget() or w
            if target.window() is not self.window:
                target = w
            QTest.keyClick(target, self.rng.choice(KEYS), self.rng.choice(MODIFIERS))
        elif kind == "action":
            action = self.rng.choice(self.actions)
            if action.isEnabled():
                action.trigger()
        else:
            tabs = self.window.tabs
            tabs.setCurrentIndex(self.rng.randrange(tabs.count()))
        QApplication.processEvents()


def run_monkey(window, steps: int, seed: int) -> Counter:
    errors: list[BaseException] = []
    hook, sys.excepthook = sys.excepthook, lambda _t, exc, _tb: errors.append(exc)
    closer = QTimer()
    closer.setInterval(30)
    closer.timeout.connect(close_popups)
    closer.start()
    monkey = Monkey(window, seed)
    buttons = [b for b in window.findChildren(QAbstractButton) if b.isVisible()]
    try:
        for i in range(steps):
            monkey.step()
            assert window.isVisible(), f"the window disappeared after action {i}"
            assert not errors, f"action {i} ({monkey.counts}) raised: {errors!r}"
    finally:
        closer.stop()
        sys.excepthook = hook
    assert buttons  # the monkey had something to press
    tab = window.network_tab
    if tab is not None:  # a training or evaluation the monkey started: ask it to stop, and
        tab.shutdown()  # wait as the app does at exit (a reference-backend batch takes seconds)
    assert stop_all(60_000) and live_threads() == 0
    return monkey.counts


@pytest.mark.parametrize("seed", [1, 2])
def test_monkey_short(window, quiet_dialogs, seed):
    window.resize(1280, 820)
    counts = run_monkey(window, steps=150, seed=seed)
    assert sum(counts.values()) == 150
    window.save_on_close = False


@pytest.mark.fuzz
@pytest.mark.slow
def test_monkey_long(window, quiet_dialogs):
    window.resize(1280, 820)
    total: Counter = Counter()
    for seed in range(10, 16):
        total += run_monkey(window, steps=300, seed=seed)
    print(f"\nmonkey: {sum(total.values())} actions, 0 bad: {dict(sorted(total.items()))}")
    window.save_on_close = False
