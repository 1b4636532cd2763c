"""Labels whose text changes many times a second without re-laying out the window.

``QLabel.setText`` calls ``updateGeometry``; Qt then invalidates the parent's layout and, because
``QLayout::activate`` always passes it on, every layout up to the main window. For a status read-out
or a formula that changes with every stroke, that relayout and the repaints it causes cost several
milliseconds. Qt stops the walk at a widget whose minimum and maximum sizes are equal, and at a
parent without a layout, so:

- :class:`SteadyLabel` is a one-line label of fixed size, fitted to a template of its widest text;
- :class:`SteadyBox` holds a word-wrapped label without a layout, takes its width from the layout
  as usual and changes its own (fixed) height only when a text needs more lines than any before
  (while it is on show: hidden, it asks for its least height).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize, Qt
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget


class SteadyLabel(QLabel):
    """A one-line label sized once for ``template`` (the widest text it will show)."""

    def __init__(self, template: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._template = template
        self.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self._fit()

    def _fit(self) -> None:
        fm = self.fontMetrics()
        m = self.contentsMargins()
        self.setFixedSize(fm.horizontalAdvance(self._template) + m.left() + m.right() + 8,
                          fm.height() + m.top() + m.bottom() + 2)

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._fit()


class SteadyBox(QWidget):
    """Holds ``label`` (a word-wrapped QLabel); its text changes do not re-lay out the window.

    The box grows (never shrinks) to the height the text needs at the current width; a new width
    fits it afresh. ``label`` stays an ordinary QLabel for everything else.
    """

    def __init__(self, label: QLabel, min_height: int = 0, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = label
        label.setParent(self)
        self._min_height = min_height
        self._height = 0
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self._fit(reset=True)

    def _needed(self) -> int:
        lab = self.label
        resized = self.testAttribute(Qt.WidgetAttribute.WA_Resized)
        width = self.width() if resized else lab.sizeHint().width()
        need = lab.heightForWidth(width) if lab.hasHeightForWidth() else -1
        return max(self._min_height, need if need >= 0 else lab.sizeHint().height())

    def _fit(self, reset: bool = False) -> None:
        if not reset and not self.isVisible():
            return  # fitted when shown: a hidden box's width is the one it last had on show
        need = self._needed()
        if need > self._height or (reset and need != self._height):
            self._height = need
            self.setFixedHeight(need)
            # a hidden box gets its resize event late (or not at all, when its tab is moved)
            self.label.setGeometry(0, 0, self.width(), need)

    def sizeHint(self) -> QSize:
        return QSize(self.label.sizeHint().width(), self._height)

    def minimumSizeHint(self) -> QSize:
        return QSize(self.label.minimumSizeHint().width(), self._height)

    def event(self, event) -> bool:
        if event.type() == QEvent.Type.LayoutRequest:  # the label's text or font changed
            self._fit()
            return True
        return super().event(event)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._fit(reset=True)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.label.setGeometry(self.rect())
        if event.size().width() != event.oldSize().width():
            self._fit(reset=True)
