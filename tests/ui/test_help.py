"""Help by keyboard: every control has What's This text; F1 shows the focused one's; the
step-through's keys work in the normal window."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWhatsThis

from playground.ui import help as help_texts


def test_every_control_has_help(window):
    window.ensure_network_tab()
    assert help_texts.controls_without_help(window) == []
    assert "p = (f-1)/2" in window.kernel_editor.fh.whatsThis()
    # a spin box's inner text field explains the spin box
    inner = window.kernel_editor.bias.findChild(type(window.stepper_1d.vector_edit))
    assert inner.whatsThis() == window.kernel_editor.bias.whatsThis()


def test_f1_explains_the_focused_control(window, qtbot):
    window.kernel_editor.bias.setFocus()
    text = window.help_on_focus()
    assert text.startswith("The bias b")
    QWhatsThis.hideText()
    assert window.menu_actions["&Help on the focused control"].shortcut().toString() == "F1"
    assert window.menu_actions["What's &This?"].shortcut().toString() == "Shift+F1"


def test_step_through_keys_in_the_normal_window(window, qtbot):
    window.load_demo()
    window.lower_tabs.setCurrentWidget(window.stepper)
    ctl, ctl_1d = window.stepper.controls, window.stepper_1d.controls
    for _ in range(4):
        QApplication.processEvents()
    start, start_1d = ctl.step(), ctl_1d.step()
    qtbot.keyClick(window, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier)
    assert ctl.step() == start + 1 and ctl_1d.step() == start_1d  # only the one on screen
    qtbot.keyClick(window, Qt.Key.Key_Left, Qt.KeyboardModifier.ControlModifier)
    assert ctl.step() == start
    qtbot.keyClick(window, Qt.Key.Key_Space, Qt.KeyboardModifier.ControlModifier)
    assert ctl.is_playing()
    qtbot.keyClick(window, Qt.Key.Key_Space, Qt.KeyboardModifier.ControlModifier)
    assert not ctl.is_playing()
    assert "(Ctrl+Right)" in ctl.forward_button.toolTip()


def test_arrows_on_the_tab_bar_move_the_digit_not_the_tab(window, qtbot):
    tab = window.ensure_network_tab()
    window.tabs.setCurrentWidget(tab)
    tab.sub_tabs.setCurrentWidget(tab.invariance_view)
    bar = tab.sub_tabs.tabBar()
    bar.setFocus()
    view = tab.invariance_view
    window.load_demo()
    assert view.offset == (0, 0)
    qtbot.keyClick(bar, Qt.Key.Key_Right)
    assert tab.sub_tabs.currentWidget() is view
    assert view.offset == (0, 1)
