"""A three-column page that reflows for projectors: side panels fold into tabs when space is short.

Wide (a desktop at 100 %): ``left | centre | right`` side by side. Compact (1280x720, 1024x768, or
any screen at a large UI scale): ``centre | tabs(left, right)``. Single (a small screen at a large
scale): the side panels become tabs of the centre's own lower tabs, so the pictures get the whole
width. The arrangement is the first of these in which the pictures are at least a size that grows
with the UI scale (:data:`WIDE_SIDE`, :data:`COMPACT_SIDE`), so they get bigger with the scale
wherever the screen has the room. The side panels live in scroll areas, so the page's minimum size
is computed from what must stay visible, not the sum of every widget's minimum.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize, Qt, QTimer
from PySide6.QtWidgets import QFrame, QScrollArea, QSplitter, QTabWidget, QVBoxLayout, QWidget

from playground.ui.common import theme as th

CENTRE_MIN = 640
"""The centre column (the pictures) wants at least this many logical pixels at 100 %, times the
UI scale; below that the side panels fold into tabs."""
STACK_MIN = 760
"""The centre's two stacked parts (maps above, step-through below) want this much height at
100 %, times the UI scale; below that the top part becomes the first tab of the lower tabs."""
WIDE_SIDE = 88
"""The wide arrangement is kept while the pictures get at least this side (px at 100 %, times the
UI scale)..."""
COMPACT_SIDE = 56
"""... and the compact one while they get this; else the single arrangement gives them the width."""
STACK_SIDE = 100
"""The maps stay above the lower tabs (not folded into them) while they get this side there."""
ARRANGEMENTS = ("wide", "compact", "single")


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


class CurrentPageTabs(QTabWidget):
    """Tabs that ask for the room of the page on show, not of their largest page.

    A QTabWidget's minimum is its largest page's, so the Network tab's Design page (built by the
    first lesson that uses the tab) made the window wider than a 1280x720 projector even on the
    Playground. With these tabs the window is sized by the page on show; put in a scroll area
    (:meth:`in_scroll_area`), a page that needs more than the screen scrolls instead of pushing
    the window off it.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.scroll: QScrollArea | None = None
        self.setUsesScrollButtons(True)  # a long tab bar scrolls instead of widening the window
        self.currentChanged.connect(self._on_current_changed)

    def minimumSizeHint(self) -> QSize:
        page = self.currentWidget()
        if page is None:
            return super().minimumSizeHint()
        need = page.minimumSizeHint().expandedTo(page.minimumSize())
        bar = self.tabBar().minimumSizeHint() if not self.tabBar().isHidden() else QSize(0, 0)
        return QSize(max(need.width(), bar.width()), need.height() + bar.height() + 4)

    def in_scroll_area(self) -> QScrollArea:
        """These tabs in a frameless scroll area that scrolls only when the page on show needs
        more room than the area has."""
        self.scroll = scrolled(self)
        return self.scroll

    def overflow(self) -> str:
        """Empty when the page on show fits the scroll area, else what it needs and has."""
        if self.scroll is None:
            return ""
        need, has = self.minimumSizeHint(), self.scroll.maximumViewportSize()
        if need.width() <= has.width() and need.height() <= has.height():
            return ""
        return f"the {self.tabText(self.currentIndex())!r} tab needs {need.width()}x" \
               f"{need.height()}, has {has.width()}x{has.height()}"

    def _on_current_changed(self, _index: int) -> None:
        self.updateGeometry()
        if self.scroll is not None:  # the area fits its widget to the new minimum
            QTimer.singleShot(0, self.scroll, self._refit)

    def _refit(self) -> None:
        if self.scroll is not None:
            self.scroll.setWidgetResizable(True)  # re-runs the area's fitting


class ReflowPage(QWidget):
    """``left | centre | right``, ``centre | [left, right]`` or ``centre`` with the side panels
    among the centre's tabs, by the room the pictures get (see the module's docstring).

    ``arrangement`` tells which one is shown (``compact`` is True for the last two);
    ``set_mode("auto" | "wide" | "compact" | "single")`` pins one. ``picture_side(w, h)`` says
    how big the pictures would be in a centre of ``w`` x ``h`` (without it: a centre narrower than
    :data:`CENTRE_MIN` is compact, and single is never chosen by itself). ``show_sides`` leaves a
    side panel out (presenter mode); ``front`` is the centre tab to show when the centre folds.
    """

    def __init__(self, left: QWidget, centre: QWidget, right: QWidget,
                 titles: tuple[str, str] = ("Input", "Kernels and layer"),
                 parent: QWidget | None = None, picture_side=None) -> None:
        """``centre`` may be a vertical QSplitter of a top widget above a QTabWidget: on short
        screens the top widget is folded into the tabs (see :meth:`fold`)."""
        super().__init__(parent)
        self.folded = False
        self.left_scroll = scrolled(left)
        self.right_scroll = scrolled(right)
        self.centre = centre
        self.centre_scroll = scrolled(centre)
        self.titles = titles
        self.picture_side = picture_side
        self.centre_room = None
        """Called with the centre's width after each reflow (None: no limit)."""
        self.sides = (True, True)
        self.front: QWidget | None = None
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
        self.arrangement = ""
        self._reflow_due = False
        self._arrange("wide")
        centre.installEventFilter(self)  # a centre tab that needs more room: reflow
        th.theme().changed.connect(self._on_theme_changed)

    # ---- public API --------------------------------------------------------------------------
    @property
    def compact(self) -> bool:
        """True unless the side panels stand in columns of their own."""
        return self.arrangement != "wide"

    def wide_width(self) -> int:
        """The width the wide arrangement needs with the centre at :data:`CENTRE_MIN` (scaled)."""
        return self._side_widths()[0] + th.theme().px(CENTRE_MIN)

    def set_mode(self, mode: str) -> None:
        """``"auto"`` (by the room), ``"wide"``, ``"compact"`` or ``"single"``."""
        if mode != "auto" and mode not in ARRANGEMENTS:
            raise ValueError(f"layout mode must be auto, wide, compact or single, got {mode!r}")
        self.mode = mode
        self.reflow()

    def show_sides(self, left: bool, right: bool, front: QWidget | None = None) -> None:
        """Which side panels are on the page (presenter mode shows only those a scene points
        at); ``front`` (one of the side scroll areas) is brought in front where they share tabs."""
        sides = (bool(left), bool(right))
        if sides != self.sides:
            self.sides = sides
            if self.arrangement == "single":  # only the side tabs change (a splitter's
                self._update_side_tabs(self._lower_tabs())  # rebuild costs a scene ~4 ms)
            else:
                self._arrange(self.arrangement, force=True)
            self.reflow()
        if front is not None:
            self.bring_to_front(front)

    def bring_to_front(self, widget: QWidget) -> None:
        """Shows ``widget`` (a centre tab or a side panel) in front of the tabs that hold it; a
        centre tab is remembered as :attr:`front` for when the centre folds or unfolds."""
        for tabs in (self._lower_tabs(), self.side_tabs):
            if tabs is not None and tabs.indexOf(widget) >= 0:
                tabs.setCurrentWidget(widget)
        if widget not in (self.left_scroll, self.right_scroll):
            self.front = widget

    def column_shown(self, scroll: QScrollArea) -> bool:
        """Whether the side panel ``scroll`` (:attr:`left_scroll` or :attr:`right_scroll`) is on
        screen now (its own column, or the tab in front)."""
        for tabs in (self.side_tabs, self._lower_tabs()):
            if tabs is not None and tabs.indexOf(scroll) >= 0:
                return tabs.isVisible() and tabs.currentWidget() is scroll
        return scroll.isVisible()

    def reflow(self, resize_columns: bool = True) -> None:
        """Picks the arrangement for the current size and scale; sizes the side columns when
        asked, when the arrangement changed, or when a side panel got narrower than it needs."""
        arrangement = self._choose() if self.mode == "auto" else self.mode
        if arrangement != self.arrangement:
            self._arrange(arrangement)
            resize_columns = True
        squeezed = any(s.viewport().width() < s.widget().minimumSizeHint().width()
                       for s in self._columns() if s.isVisible())
        if resize_columns or squeezed:
            self._size_columns()
        self.fold(not self._stacked(self.arrangement))
        if self.centre_room is not None:  # the pictures may ask for less when nothing else helps
            self.centre_room(self._centre_width(self.arrangement))

    def schedule_reflow(self) -> None:
        """:meth:`reflow` once control returns to the event loop (the centre's least size
        changed: a burst of changes reflows once)."""
        if not self._reflow_due:
            self._reflow_due = True
            QTimer.singleShot(0, self, self._due_reflow)

    def _due_reflow(self) -> None:
        self._reflow_due = False
        self.reflow(resize_columns=False)

    def fold(self, on: bool) -> None:
        """Moves the centre's top widget into its lower tabs (first tab, in front unless
        :attr:`front` is there) or back."""
        split = self.centre
        if on == self.folded or not isinstance(split, QSplitter):
            return
        if on:
            top, tabs = split.widget(0), self._lower_tabs()
            if split.count() < 2 or tabs is None:
                return
            self._top = (top, top.property("fold_title") or "Maps")
            tabs.insertTab(0, top, self._top[1])
            front = self.front if self.front is not None and tabs.indexOf(self.front) >= 0 \
                else top
            tabs.setCurrentWidget(front)
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
            holder = next((t for t in (self.side_tabs, self._lower_tabs())
                           if t is not None and t.indexOf(s) >= 0), None)
            if holder is None and s.parent() is None:
                continue  # left out (presenter mode)
            if holder is None or holder.currentWidget() is s:
                has = s.viewport().width()
            else:  # behind another tab: the pages of a tab widget share one size
                has = holder.currentWidget().width() - s.verticalScrollBar().sizeHint().width()
            need = s.widget().minimumSizeHint().width()
            if need > has:
                out.append(f"{name} panel needs {need} px, has {has}")
        return out

    # ---- choosing ----------------------------------------------------------------------------
    def _columns(self) -> list[QScrollArea]:
        return [s for s, on in zip((self.left_scroll, self.right_scroll), self.sides,
                                   strict=True) if on]

    def _side_widths(self) -> tuple[int, int]:
        """(wide, compact): the width the side panels take in those arrangements."""
        widths = [content_width(s) for s in self._columns()]
        if not widths:
            return 0, 0
        handle = self.splitter.handleWidth()
        compact = min(max(1, self.width()) * 11 // 20, max(widths) + 36) + handle
        return sum(widths) + handle * len(widths), compact

    def _centre_width(self, arrangement: str) -> int:
        wide, compact = self._side_widths()
        return self.width() - {"wide": wide, "compact": compact}.get(arrangement, 0)

    def _stacked(self, arrangement: str) -> bool:
        """Whether the centre keeps its top part (the maps) above its tabs: the height allows it
        and the pictures keep :data:`STACK_SIDE` there."""
        if self.mode != "auto":
            return self.mode == "wide"
        px = th.theme().px
        if arrangement == "single" or self.height() < px(STACK_MIN):
            return False
        return self.picture_side is None or self.picture_side(
            self._centre_width(arrangement), self.height() * 3 // 5 - px(70)) >= px(STACK_SIDE)

    def _choose(self) -> str:
        if not self._columns():
            return "compact"  # only the centre: no columns to arrange
        if self.picture_side is None:
            return "compact" if self.width() < self.wide_width() else "wide"
        px = th.theme().px

        def side(arrangement: str) -> float:
            h = self.height() - px(70)  # tab bars and the group box's title
            h = h * 3 // 5 if self._stacked(arrangement) else h
            return self.picture_side(self._centre_width(arrangement), h)

        def fits(arrangement: str) -> bool:  # every centre tab's least width (+ its frame)
            return self.centre.minimumSizeHint().width() + 8 <= self._centre_width(arrangement)

        if self.width() >= self.wide_width() and side("wide") >= px(WIDE_SIDE) and fits("wide"):
            return "wide"
        return "compact" if side("compact") >= px(COMPACT_SIDE) and fits("compact") \
            else "single"

    # ---- internals ---------------------------------------------------------------------------
    def _lower_tabs(self) -> QTabWidget | None:
        split = self.centre
        if not isinstance(split, QSplitter) or not split.count():
            return None
        tabs = split.widget(split.count() - 1)
        return tabs if isinstance(tabs, QTabWidget) else None

    def _arrange(self, arrangement: str, force: bool = False) -> None:
        if arrangement == self.arrangement and not force:
            return
        lower = self._lower_tabs()
        current = lower.currentWidget() if lower is not None else None
        for w in (self.left_scroll, self.centre_scroll, self.right_scroll, self.side_tabs):
            if lower is not None and lower.indexOf(w) >= 0:
                lower.removeTab(lower.indexOf(w))
            w.setParent(None)
        self.side_tabs.clear()
        self.arrangement = arrangement
        columns = self._columns()
        titles = dict(zip((self.left_scroll, self.right_scroll), self.titles, strict=True))
        if arrangement == "wide":
            for w in (self.left_scroll, self.centre_scroll, self.right_scroll):
                if w is self.centre_scroll or w in columns:
                    self.splitter.addWidget(w)
        elif arrangement == "compact":
            self.splitter.addWidget(self.centre_scroll)
            for w in columns:
                self.side_tabs.addTab(w, titles[w])
            if columns:
                self.splitter.addWidget(self.side_tabs)
                self.side_tabs.show()
        else:
            self.splitter.addWidget(self.centre_scroll)
            for w in columns:
                if lower is not None:
                    lower.addTab(w, titles[w])
            if lower is not None and current is not None and lower.indexOf(current) >= 0:
                lower.setCurrentWidget(current)
        for w in (self.centre_scroll, *(columns if arrangement != "single" else ())):
            w.show()  # (a tab page is shown by its tab widget: showing it here would overlay)

    def _update_side_tabs(self, tabs: QTabWidget | None) -> None:
        """Adds the side panels :attr:`sides` wants to ``tabs`` (after the others, left before
        right) and takes the others out."""
        if tabs is None:
            return
        titles = dict(zip((self.left_scroll, self.right_scroll), self.titles, strict=True))
        for scroll, on in zip((self.left_scroll, self.right_scroll), self.sides, strict=True):
            index = tabs.indexOf(scroll)
            if on and index < 0:
                tabs.addTab(scroll, titles[scroll])
            elif not on and index >= 0:
                tabs.removeTab(index)
                scroll.setParent(None)
        if self.sides[0] and tabs.indexOf(self.right_scroll) >= 0 \
                and tabs.indexOf(self.left_scroll) > tabs.indexOf(self.right_scroll):
            tabs.tabBar().moveTab(tabs.indexOf(self.left_scroll), tabs.indexOf(self.right_scroll))

    def _size_columns(self) -> None:
        """Side columns get what their content needs, the centre the rest (a compact side at
        most 55 %; wide is only chosen when both sides fit next to a centre of CENTRE_MIN)."""
        total = max(1, self.width())  # the splitter may not have been resized yet
        columns = self._columns()
        if self.arrangement == "single" or not columns:
            self.splitter.setSizes([total])
        elif self.arrangement == "compact":
            side = self._side_widths()[1] - self.splitter.handleWidth()
            self.splitter.setSizes([total - side, side])
        else:
            widths = [content_width(s) for s in columns]
            centre = max(0, total - sum(widths))
            sizes = [widths.pop(0) if s in columns else centre
                     for s in (self.left_scroll, self.centre_scroll, self.right_scroll)
                     if s is self.centre_scroll or s in columns]
            self.splitter.setSizes(sizes)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.reflow(resize_columns=event.oldSize().width() != event.size().width())

    def eventFilter(self, obj, event) -> bool:
        if obj is self.centre and event.type() == QEvent.Type.LayoutRequest:
            self.schedule_reflow()  # e.g. a picture view that asks for more width
        return False

    def _on_theme_changed(self, _percent: int) -> None:
        QTimer.singleShot(0, self, self.reflow)  # once the new font has reached the layouts
