"""The window's named panels: a coloured frame around the ones a scene points at, and one key
(Z or F11) that enlarges the focused panel to fill the window and brings the layout back.

Panel names are the lesson files' (``canvas``, ``kernel``, ``layer``, ``maps``, ``formula``,
``cost``); :func:`window_panels` maps them to the main window's widgets.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import (
    QApplication,
    QGroupBox,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QWidget,
)

from playground.ui.common import theme as th

log = logging.getLogger(__name__)
HIGHLIGHT = QColor("#8e24aa")
"""The frame colour: violet and dashed, unlike the maps' red/blue and the selection's orange
(the dashes tell it apart for colour-blind viewers too)."""


def box_of(widget: QWidget) -> QWidget:
    """The group box around ``widget`` when it has one (its titled frame)."""
    parent = widget.parentWidget()
    while parent is not None and parent.metaObject().className() != "QGroupBox":
        if parent.metaObject().className() in ("QSplitter", "QTabWidget", "QMainWindow"):
            return widget
        parent = parent.parentWidget()
    return parent if parent is not None else widget


def window_panels(window) -> dict[str, QWidget]:
    """The main window's panels by their lesson name (the widgets a frame goes around)."""
    return {"canvas": box_of(window.canvas), "kernel": box_of(window.kernel_editor),
            "layer": box_of(window.settings_panel), "maps": box_of(window.maps_view),
            "formula": window.formula_panel, "cost": window.cost_panel}


class HighlightFrame(QWidget):
    """A mouse-transparent coloured frame drawn over ``target`` (follows its size); on a group
    box it starts below the title, so the title stays readable."""

    def __init__(self, target: QWidget) -> None:
        super().__init__(target)
        self.target = target
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setAttribute(Qt.WidgetAttribute.WA_NoSystemBackground)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        target.installEventFilter(self)
        self.setGeometry(target.rect())
        self.raise_()
        self.show()

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if obj is self.target and event.type() == QEvent.Type.Resize:
            self.setGeometry(obj.rect())
            self.raise_()
        return False

    def paintEvent(self, _event) -> None:
        p = QPainter(self)
        w = max(3, th.theme().px(3))
        pen = QPen(HIGHLIGHT, w)
        pen.setStyle(Qt.PenStyle.DashLine)
        p.setPen(pen)
        top = self.target.fontMetrics().height() if isinstance(self.target, QGroupBox) else 0
        p.drawRoundedRect(self.rect().adjusted(w // 2, top + w // 2, -(w // 2) - 1,
                                               -(w // 2) - 1), 6, 6)


class Highlighter:
    """Puts frames around named panels of a window; ``show(())`` removes them."""

    def __init__(self, window) -> None:
        self.window = window
        self.frames: dict[str, HighlightFrame] = {}

    def show(self, names: tuple[str, ...]) -> list[str]:
        """Frames exactly ``names``; returns the names this window has no panel for."""
        panels = window_panels(self.window)
        for name in list(self.frames):
            if name not in names:
                frame = self.frames.pop(name)
                frame.target.removeEventFilter(frame)
                frame.hide()
                frame.deleteLater()
        missing = []
        for name in names:
            if name not in panels:
                missing.append(name)
                log.info("lesson: no panel %r to highlight in this window; skipped", name)
            elif name not in self.frames:
                self.frames[name] = HighlightFrame(panels[name])
        return missing

    @property
    def names(self) -> tuple[str, ...]:
        """The panels framed now."""
        return tuple(self.frames)


class PanelZoom:
    """Enlarges one panel to fill the window by hiding everything around it, and back."""

    def __init__(self, window) -> None:
        self.window = window
        self.hidden: list[QWidget] = []
        self.fronts: list[tuple[QTabWidget, QWidget]] = []  # tabs brought to front, and what was
        self.panel: QWidget | None = None

    @property
    def active(self) -> bool:
        """True while a panel is enlarged."""
        return self.panel is not None

    def focused_panel(self) -> QWidget:
        """The panel holding the keyboard focus (the feature maps when none does)."""
        w = self.window
        candidates = [*window_panels(w).values(), w.lower_tabs]
        if w.network_tab is not None:
            candidates.append(w.network_tab.sub_tabs)
        focus = QApplication.focusWidget()
        while focus is not None:
            if focus in candidates:
                return focus
            focus = focus.parentWidget()
        return window_panels(w)["maps"]

    def toggle(self, panel: QWidget | None = None) -> bool:
        """Enlarges ``panel`` (default: the focused one), or restores the layout; True if a panel
        is enlarged afterwards."""
        if self.active:
            self.restore()
            return False
        panel = panel if panel is not None else self.focused_panel()
        central = self.window.centralWidget()
        child = panel
        self.fronts = []
        while child is not None and child is not central:
            parent = child.parentWidget()
            if parent is None:
                break
            tabs = parent.parentWidget()
            if isinstance(parent, QStackedWidget) and isinstance(tabs, QTabWidget) \
                    and tabs.currentWidget() is not child:  # a tab behind another: to front
                self.fronts.append((tabs, tabs.currentWidget()))
                tabs.setCurrentWidget(child)
            for sibling in _siblings(parent, child):
                if sibling.isVisible():
                    sibling.hide()
                    self.hidden.append(sibling)
            child = parent
        for dock in self.window.findChildren(QWidget, "lesson_dock"):
            if dock.isVisible():
                dock.hide()
                self.hidden.append(dock)
        self.panel = panel
        return True

    def restore(self) -> None:
        """Shows again everything :meth:`toggle` hid."""
        for w in reversed(self.hidden):
            w.show()
        self.hidden.clear()
        for tabs, page in reversed(self.fronts):
            if tabs.indexOf(page) >= 0:
                tabs.setCurrentWidget(page)
        self.fronts.clear()
        self.panel = None


def _siblings(parent: QWidget, child: QWidget) -> list[QWidget]:
    """The widgets laid out beside ``child`` in ``parent`` (a splitter's or a layout's)."""
    if isinstance(parent, QSplitter):
        return [parent.widget(i) for i in range(parent.count()) if parent.widget(i) is not child]
    lay = parent.layout()
    if lay is None:
        return []
    out = []
    stack = [lay]
    while stack:
        item_lay = stack.pop()
        for i in range(item_lay.count()):
            item = item_lay.itemAt(i)
            if item.widget() is not None and item.widget() is not child:
                out.append(item.widget())
            elif item.layout() is not None:
                stack.append(item.layout())
    return out
