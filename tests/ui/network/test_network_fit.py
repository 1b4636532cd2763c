"""Every page of the Network tab fits 1280x720 and 1024x768 projectors at 150 % and 200 %: the
window needs no more than the screen and no scroll area of the page cuts anything off sideways
(issue 11). The check is the one ``--screenshot`` makes."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication, QLabel, QPushButton, QVBoxLayout, QWidget

from playground.ui.common.layout import scrolling
from playground.ui.common.screenshot import TABS, show_tab
from playground.ui.common.side_by_side import SideBySide, page_overflow

PAGES = [name for name, page in TABS.items() if page is not None]


def _settle() -> None:
    for _ in range(6):
        QApplication.processEvents()


def _misfits(window, size: tuple[int, int]) -> list[str]:
    need = window.minimumSizeHint()
    out = [] if need.width() <= size[0] and need.height() <= size[1] else [
        f"needs {need.width()}x{need.height()}"]
    if (window.width(), window.height()) != size:
        out.append(f"is {window.width()}x{window.height()}")
    return out + window.overflow()


@pytest.mark.parametrize("scale", [150, 200])
@pytest.mark.parametrize("size", [(1280, 720), (1024, 768)], ids=["1280x720", "1024x768"])
def test_every_network_page_fits(window, size, scale):
    window.set_ui_scale(scale)
    problems = {}
    for name in PAGES:
        show_tab(window, name)
        window.resize(*size)
        _settle()
        show_tab(window, name)  # as --screenshot does: again once laid out at this size
        _settle()
        if _misfits(window, size):
            problems[name] = _misfits(window, size)
    window.set_ui_scale(100)
    assert problems == {}


def test_the_shift_curve_keeps_its_height(window):
    """At 1280x720 and 200 % the probability curve was crushed to ~40 px; now the page scrolls."""
    window.set_ui_scale(200)
    show_tab(window, "shift")
    window.resize(1280, 720)
    _settle()
    plot = window.network_tab.invariance_view.plot
    assert plot.height() >= plot.minimumHeight() >= 200
    window.set_ui_scale(100)


def _hold(qtbot, widget, width: int, height: int):
    """``widget`` in a shown window of ``width`` x ``height`` (a top-level widget would be held
    at its layout's own minimum)."""
    holder = QWidget()
    lay = QVBoxLayout(holder)
    lay.setContentsMargins(0, 0, 0, 0)
    lay.addWidget(widget)
    qtbot.addWidget(holder)
    holder.resize(width, height)
    holder.show()
    _settle()
    return holder


def test_side_by_side_stacks_when_narrow(qtbot):
    a, b = QPushButton("a rather long first button"), QPushButton("and a second one")
    row = SideBySide([a, b])
    assert row.minimumSizeHint().width() < row.row_width()
    holder = _hold(qtbot, row, row.row_width() + 20, 200)
    assert not row.stacked and a.y() == b.y()
    holder.resize(row.minimumSizeHint().width(), 200)
    _settle()
    assert row.stacked and b.y() > a.y()
    holder.resize(row.row_width() + 20, 200)
    _settle()
    assert not row.stacked


def test_page_overflow_names_what_is_cut_off(qtbot):
    label = QLabel("x" * 120)  # no word wrap: it needs its whole width
    holder = _hold(qtbot, scrolling(label), 200, 100)
    assert len(page_overflow(holder)) == 1 and "needs" in page_overflow(holder)[0]
    label.setWordWrap(True)
    label.setText("x " * 60)
    _settle()
    assert page_overflow(holder) == []
