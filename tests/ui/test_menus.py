"""The menu table: every entry reaches a real slot, no shortcut is taken twice, tips are set."""

from __future__ import annotations

from functools import reduce

from PySide6.QtGui import QKeySequence

from playground.ui.menus import MENUS, SCALES, SEPARATOR, THEMES


def test_every_slot_in_the_table_exists_on_the_window(window):
    for entry in MENUS:
        if not entry.slot.startswith("@") and entry.slot != SEPARATOR:
            assert callable(reduce(getattr, entry.slot.split("."), window)), entry


def test_no_shortcut_is_bound_twice(window):
    seen: dict[str, str] = {}
    for text, act in window.menu_actions.items():
        for seq in act.shortcuts():
            key = seq.toString(QKeySequence.SequenceFormat.PortableText)
            assert key not in seen, f"{key} is bound to {seen.get(key)!r} and {text!r}"
            seen[key] = text
    assert "Ctrl+Z" in seen and "Ctrl+F" in seen


def test_the_menu_bar_follows_the_table(window):
    menus = [a.text() for a in window.menuBar().actions()]
    assert menus == list(dict.fromkeys(e.menu for e in MENUS))
    flip = window.menu_actions["&Flip 180°"]
    assert "true convolution" in flip.statusTip()
    assert window.menu_actions["Copy kernel as text"].toolTip() == "Copy kernel as text"
    items = [e for e in MENUS if e.slot not in (SEPARATOR, SCALES, THEMES)]
    assert len(window.menu_actions) == len(items)


def test_a_table_entry_calls_its_slot_with_its_arguments(window):
    before = window.state.selected
    window.menu_actions["&Next kernel"].trigger()
    assert window.state.selected == (before + 1) % window.state.kernels.shape[0]
    window.menu_actions["&Previous kernel"].trigger()
    assert window.state.selected == before
    window.menu_actions["S&hared colour scale"].setChecked(False)
    assert window.shared_scale is False


def test_theme_menu_switches_and_the_session_keeps_it(window, make_window):
    from playground.ui.common import persistence
    from playground.ui.common import theme as th

    assert set(window.theme_actions) == set(th.THEMES)
    window.theme_actions["dark"].trigger()
    assert th.theme().name == "dark"
    assert window.maps_view.glw.backgroundBrush().color().name() == th.COLOURS["dark"].plot_bg
    from PySide6.QtGui import QPalette
    from PySide6.QtWidgets import QApplication

    assert QApplication.palette().color(QPalette.ColorRole.Window).name() == "#202124"
    persistence.save(window)
    window.set_theme("light")
    again = make_window(restore=True)
    assert th.theme().name == "dark" and again.theme_actions["dark"].isChecked()
    again.set_theme("light")
