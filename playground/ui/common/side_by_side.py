"""Parts side by side when the width allows, one above the other when it does not.

A page of the Network tab (the training settings beside the curves, the confusion matrix beside
its examples ...) needs the sum of its parts' widths side by side; on a 1024-pixel screen at 200 %
that is more than the screen. :class:`SideBySide` asks only for its widest part's width and stacks
the parts when it gets less than the sum; put it in a vertical scroll area (the stacked parts are
taller). :func:`page_overflow` tells what a page's scroll areas would still clip sideways.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QSize
from PySide6.QtWidgets import QBoxLayout, QLayout, QScrollArea, QWidget

from playground.ui.common import theme as th
from playground.ui.common.layout import scrolling


def _as_widget(part: QWidget | QLayout) -> QWidget:
    if isinstance(part, QWidget):
        return part
    holder = QWidget()
    holder.setLayout(part)
    part.setContentsMargins(0, 0, 0, 0)
    return holder


class SideBySide(QWidget):
    """``parts`` (widgets or layouts) left to right, or top to bottom when narrower than the sum
    of their least widths; ``stretches`` share the room as in a box layout. With ``full_height``
    the row is never made shorter than its parts want (:meth:`needed_height`): tile grids and bar
    charts keep their size and the page around it scrolls instead."""

    def __init__(self, parts: list[QWidget | QLayout], stretches: list[int] | None = None,
                 parent: QWidget | None = None, full_height: bool = False) -> None:
        super().__init__(parent)
        self.full_height = full_height
        self.parts = [_as_widget(p) for p in parts]
        self.box = QBoxLayout(QBoxLayout.Direction.LeftToRight, self)
        self.box.setContentsMargins(0, 0, 0, 0)
        for part, stretch in zip(self.parts, stretches or [0] * len(self.parts), strict=True):
            self.box.addWidget(part, stretch)

    @property
    def stacked(self) -> bool:
        """True while the parts stand one above the other."""
        return self.box.direction() == QBoxLayout.Direction.TopToBottom

    def row_width(self) -> int:
        """The least width that shows the parts side by side."""
        widths = [p.minimumSizeHint().expandedTo(p.minimumSize()).width() for p in self.parts
                  if not p.isHidden()]
        return sum(widths) + self.box.spacing() * max(0, len(widths) - 1)

    def sizeHint(self) -> QSize:
        """Wide enough for the parts side by side (a box layout gives a part its hint when it
        has the room, so a row next to a stretch stays a row)."""
        return super().sizeHint().expandedTo(QSize(self.row_width(), 0))

    def minimumSizeHint(self) -> QSize:
        need = self.box.minimumSize()
        widest = max((p.minimumSizeHint().expandedTo(p.minimumSize()).width()
                      for p in self.parts if not p.isHidden()), default=0)
        return QSize(widest, need.height())

    def hasHeightForWidth(self) -> bool:
        """Only while stacked: side by side, the parts' least height is enough (a scroll area
        would otherwise make the row as tall as its parts' preferred height)."""
        return self.stacked and self.box.hasHeightForWidth()

    def heightForWidth(self, width: int) -> int:
        return self.box.heightForWidth(width) if self.hasHeightForWidth() else -1

    def needed_height(self, width: int) -> int:
        """The height the parts want at ``width`` (their preferred, not their least: a tile grid
        given less clips its tiles)."""
        if self.box.hasHeightForWidth():
            return self.box.heightForWidth(width)
        return self.box.sizeHint().height()

    def arrange(self, width: int) -> None:
        """Side by side at ``width`` if the parts fit, else stacked."""
        direction = QBoxLayout.Direction.LeftToRight if width >= self.row_width() \
            else QBoxLayout.Direction.TopToBottom
        if direction != self.box.direction():
            self.box.setDirection(direction)
            self.updateGeometry()

    def resizeEvent(self, event) -> None:
        self.arrange(event.size().width())
        if self.full_height:
            need = self.needed_height(event.size().width())
            if need != self.minimumHeight():
                self.setMinimumHeight(need)
        super().resizeEvent(event)


class _ScaledMinimum(QObject):
    """Keeps its parent widget at least ``width`` x ``height`` (times the UI scale; None: no
    such minimum); goes with the widget."""

    def __init__(self, widget: QWidget, width: int | None, height: int | None) -> None:
        super().__init__(widget)
        self.widget, self.least = widget, (width, height)
        self.apply()
        th.theme().changed.connect(self.apply)

    def apply(self, _percent: int = 0) -> None:
        width, height = self.least
        if width is not None:
            self.widget.setMinimumWidth(th.theme().px(width))
        if height is not None:
            self.widget.setMinimumHeight(th.theme().px(height))


def scaled_minimum_height(widget: QWidget, px: int) -> None:
    """``widget`` at least ``px`` logical pixels tall at 100 %, times the UI scale, now and
    whenever the scale changes (a curve or a table that must stay readable)."""
    _ScaledMinimum(widget, None, px)


def scaled_minimum_width(widget: QWidget, px: int) -> None:
    """As :func:`scaled_minimum_height`, for the width."""
    _ScaledMinimum(widget, px, None)


def side_by_side_page(parts: list[QWidget | QLayout], stretches: list[int] | None = None,
                      full_height: bool = False) -> tuple[SideBySide, QScrollArea]:
    """A :class:`SideBySide` of ``parts`` and the vertical scroll area that holds it."""
    row = SideBySide(parts, stretches, full_height=full_height)
    return row, scrolling(row)


def page_overflow(page: QWidget) -> list[str]:
    """What the scroll areas on show in ``page`` cut off sideways: a widget that needs more width
    than its area's viewport has (empty when everything fits)."""
    out = []
    for area in page.findChildren(QScrollArea):
        content = area.widget()
        if content is None or not area.isVisible() or not area.widgetResizable():
            continue
        need = content.minimumSizeHint().expandedTo(content.minimumSize()).width()
        has = area.viewport().width()
        if need > has:
            name = area.objectName() or type(content).__name__
            out.append(f"{name} needs {need} px, has {has}")
    return out
