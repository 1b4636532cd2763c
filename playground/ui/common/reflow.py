"""A three-column page that reflows for projectors: side panels fold into tabs when space is short.

Wide (a desktop at 100 %): ``left | centre | right`` side by side. Compact (1280x720, 1024x768, or
any screen at a large UI scale): ``centre | tabs(left, right)``, so the pictures in the centre keep
a width that grows with the scale instead of being squeezed by ever wider text. Both side panels
live in scroll areas, so the page's minimum size is computed from what must stay visible, not the
sum of every widget's minimum.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QFrame, QScrollArea, QSplitter, QTabWidget, QVBoxLayout, QWidget

from playground.ui.common import theme as th

CENTRE_MIN = 640
"""The centre column (the pictures) wants at least this many logical pixels at 100 %, times the
UI scale; below that the side panels fold into tabs."""
STACK_MIN = 760
"""The centre's two stacked parts (maps above, step-through below) want this much height at
100 %, times the UI scale; below that the top part becomes the first tab of the lower tabs."""


def scrolled(widget: QWidget) -> QScrollArea:
    """``widget`` in a frameless vertical scroll area that is as wide as the widget needs."""
    scroll = QScrollArea()
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
    scroll.setWidget(widget)
    return scroll


def content_width(scroll: QScrollArea) -> int:
    """The width ``scroll`` needs to show its widget without a horizontal scroll bar."""
    return (scroll.widget().minimumSizeHint().width()
            + scroll.verticalScrollBar().sizeHint().width() + 4)


class ReflowPage(QWidget):
    """``left | centre | right`` or ``centre | [left, right]`` depending on the width and scale.

    ``compact`` tells which one is shown; ``set_mode("auto" | "wide" | "compact")`` pins it.
    """

    def __init__(self, left: QWidget, centre: QWidget, right: QWidget,
                 titles: tuple[str, str] = ("Input", "Kernels and layer"),
                 parent: QWidget | None = None) -> None:
        """``centre`` may be a vertical QSplitter of a top widget above a QTabWidget: on short
        screens the top widget is folded into the tabs (see :meth:`fold`)."""
        super().__init__(parent)
        self.folded = False
        self.left_scroll = scrolled(left)
        self.right_scroll = scrolled(right)
        self.centre = centre
        self.centre_scroll = scrolled(centre)
        self.titles = titles
        self.side_tabs = QTabWidget()
        self.side_tabs.setDocumentMode(True)
        self.side_tabs.setWhatsThis("On a small screen or at a large UI scale the input and the "
                                    "kernel panels share this column: pick one with its tab.")
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setChildrenCollapsible(False)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.splitter)
        self.mode = "auto"
        self.compact: bool | None = None
        self._arrange(False)
        th.theme().changed.connect(self._on_theme_changed)

    # ---- public API --------------------------------------------------------------------------
    def wide_width(self) -> int:
        """The width the wide arrangement needs with the centre at :data:`CENTRE_MIN` (scaled)."""
        handles = 2 * self.splitter.handleWidth()
        return (content_width(self.left_scroll) + content_width(self.right_scroll)
                + th.theme().px(CENTRE_MIN) + handles)

    def set_mode(self, mode: str) -> None:
        """``"auto"`` (by width), ``"wide"`` or ``"compact"``."""
        if mode not in ("auto", "wide", "compact"):
            raise ValueError(f"layout mode must be auto, wide or compact, got {mode!r}")
        self.mode = mode
        self.reflow()

    def reflow(self, resize_columns: bool = True) -> None:
        """Picks the arrangement for the current width and scale; sizes the side columns when
        asked, when the arrangement changed, or when a side panel got narrower than it needs."""
        if self.mode == "auto":
            compact = self.width() < self.wide_width()
        else:
            compact = self.mode == "compact"
        if compact != self.compact:
            self._arrange(compact)
            resize_columns = True
        squeezed = any(s.viewport().width() < s.widget().minimumSizeHint().width()
                       for s in (self.left_scroll, self.right_scroll) if s.isVisible())
        if resize_columns or squeezed:
            self._size_columns()
        self.fold(self.height() < th.theme().px(STACK_MIN) if self.mode == "auto"
                  else self.mode == "compact")

    def fold(self, on: bool) -> None:
        """Moves the centre's top widget into its lower tabs (first tab, in front) or back."""
        split = self.centre
        if on == self.folded or not isinstance(split, QSplitter):
            return
        tabs = split.widget(split.count() - 1) if split.count() else None
        if on:
            top = split.widget(0)
            if split.count() < 2 or not isinstance(tabs, QTabWidget):
                return
            self._top = (top, top.property("fold_title") or "Maps")
            tabs.insertTab(0, top, self._top[1])
            tabs.setCurrentIndex(0)
        else:
            top, _title = self._top
            tabs = split.widget(0)
            current = tabs.currentWidget()
            tabs.removeTab(tabs.indexOf(top))
            split.insertWidget(0, top)
            top.show()
            split.setChildrenCollapsible(False)
            total = max(split.height(), self.height(), 2)  # maps 3 : tabs 2, as at the start
            split.setSizes([total * 3 // 5, total - total * 3 // 5])
            if current is not top:
                tabs.setCurrentWidget(current)
        self.folded = on

    def overflow(self) -> list[str]:
        """What does not fit without scrolling sideways (or, for the centre, at all): empty when
        every picture and control is fully on show. Tall side panels may scroll down."""
        out = []
        c = self.centre_scroll
        need = self.centre.minimumSizeHint()
        view = c.maximumViewportSize()
        if need.width() > view.width() or need.height() > view.height():
            out.append(f"centre needs {need.width()}x{need.height()}, has "
                       f"{view.width()}x{view.height()}")
        for name, s in (("left", self.left_scroll), ("right", self.right_scroll)):
            shown = self.side_tabs.currentWidget() if self.compact else s  # pages share a size
            has = shown.viewport().width()
            need = s.widget().minimumSizeHint().width()
            if need > has:
                out.append(f"{name} panel needs {need} px, has {has}")
        return out

    # ---- internals ---------------------------------------------------------------------------
    def _arrange(self, compact: bool) -> None:
        self.compact = compact
        for w in (self.left_scroll, self.centre_scroll, self.right_scroll, self.side_tabs):
            w.setParent(None)
        if compact:
            self.side_tabs.addTab(self.left_scroll, self.titles[0])
            self.side_tabs.addTab(self.right_scroll, self.titles[1])
            self.splitter.addWidget(self.centre_scroll)
            self.splitter.addWidget(self.side_tabs)
            self.side_tabs.show()
        else:
            self.side_tabs.clear()
            self.splitter.addWidget(self.left_scroll)
            self.splitter.addWidget(self.centre_scroll)
            self.splitter.addWidget(self.right_scroll)
        for w in (self.left_scroll, self.centre_scroll, self.right_scroll):
            w.show()

    def _size_columns(self) -> None:
        """Side columns get what their content needs, the centre the rest (a compact side at
        most 55 %; wide is only chosen when both sides fit next to a centre of CENTRE_MIN)."""
        total = max(1, self.width())  # the splitter may not have been resized yet
        if self.compact:
            side = max(content_width(self.left_scroll), content_width(self.right_scroll))
            side = min(total * 11 // 20, side + 36)  # + the tab widget's frame and margins
            self.splitter.setSizes([total - side, side])
        else:
            left, right = content_width(self.left_scroll), content_width(self.right_scroll)
            self.splitter.setSizes([left, max(0, total - left - right), right])

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.reflow(resize_columns=event.oldSize().width() != event.size().width())

    def _on_theme_changed(self, _percent: int) -> None:
        QTimer.singleShot(0, self, self.reflow)  # once the new font has reached the layouts
