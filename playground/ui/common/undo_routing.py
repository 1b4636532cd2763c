"""One Edit ▸ Undo for several undo stacks: the stack of the part of the window with the focus.

The Playground has the window's stack; the network designer has its own (undoing a kernel edit
while designing a network, or a row while drawing, would surprise). An :class:`UndoRouter` keeps
them in a ``QUndoGroup`` whose undo / redo actions (the Edit menu's, with Ctrl+Z and
Ctrl+Shift+Z) act on the active stack, and makes a registered widget's stack active while the
focus is inside that widget; anywhere else the default stack is active.
"""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QObject
from PySide6.QtGui import QUndoGroup, QUndoStack
from PySide6.QtWidgets import QApplication, QWidget


class UndoRouter(QObject):
    """``group``'s active stack follows the focus (see the module docstring)."""

    def __init__(self, default: QUndoStack, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.group = QUndoGroup(self)
        self.default = default
        self.group.addStack(default)
        self.group.setActiveStack(default)
        self._areas: list[tuple[QWidget, QUndoStack]] = []
        QApplication.instance().focusChanged.connect(self._on_focus_changed)

    def add(self, area: QWidget, stack: QUndoStack) -> None:
        """``stack`` is the one undone while the focus is in ``area`` (or one of its children)."""
        self.group.addStack(stack)
        self._areas.append((area, stack))
        self.follow(QApplication.focusWidget())

    def stack_for(self, widget: QWidget | None) -> QUndoStack:
        """The stack for the focus at ``widget``: its area's, else the default."""
        self._areas = [(a, s) for a, s in self._areas if shiboken6.isValid(a)
                       and shiboken6.isValid(s)]
        while widget is not None:
            for area, stack in self._areas:
                if widget is area:
                    return stack
            widget = widget.parentWidget()
        return self.default

    def follow(self, widget: QWidget | None) -> None:
        """Makes the stack for ``widget`` active."""
        if shiboken6.isValid(self.group):
            self.group.setActiveStack(self.stack_for(widget))

    def _on_focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        if new is not None and shiboken6.isValid(self):  # a popup closing: keep the stack
            self.follow(new)
