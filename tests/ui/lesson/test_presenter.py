"""Presenter mode: clicker keys drive a whole lesson, B blanks, Esc leaves, Z enlarges."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from playground.ui.network.training_panel import TrainingPanel

K = Qt.Key
FORWARD_KEYS = (K.Key_PageDown, K.Key_Space, K.Key_Right, K.Key_Down)


@pytest.fixture
def no_training(monkeypatch):
    """Records the runs a lesson starts instead of training (a real run has its own test)."""
    started: list[str] = []
    monkeypatch.setattr(TrainingPanel, "start",
                        lambda self, arch=None: started.append("train") or True)
    monkeypatch.setattr(TrainingPanel, "start_race", lambda self: started.append("race") or True)
    return started


def _walk(qtbot, window, driver, keys, limit=2000):
    """Presses ``keys`` in turn until the last scene's last step; returns what was seen."""
    seen: dict[int, set[int]] = {}
    for i in range(limit):
        seen.setdefault(driver.index, set()).add(driver.step)
        scene = driver.current
        if (driver.index == driver.count - 1 and driver.step == scene.steps
                and not driver.player.answer_pending):
            return seen
        qtbot.keyClick(window, keys[i % len(keys)])
    raise AssertionError(f"lesson not finished after {limit} keys: at {driver.index}")


def _column_shown(window, name: str) -> bool:
    """Whether the canvas or kernel column is on screen: a column of its own in the wide layout,
    the side tab in front in the compact one (small screens, large UI scales)."""
    page = window.page
    return page.column_shown(page.left_scroll if name == "canvas" else page.right_scroll)


def test_clicker_drives_the_whole_bundled_lesson(qtbot, window, lecture, no_training):
    ctl, driver = window.lessons, window.lessons.driver
    window.lessons.start_lesson(lecture)
    ctl.present()
    assert ctl.presenter.active and window.isFullScreen()
    assert not window.menuBar().isVisible() and not window.statusBar().isVisible()
    seen = _walk(qtbot, window, driver, FORWARD_KEYS)
    assert set(seen) == set(range(len(lecture.scenes)))  # every scene reached
    for i, scene in enumerate(lecture.scenes):
        assert seen[i] == set(range(scene.steps + 1)), scene.title  # every step walked
    actions = [s.action.kind for s in lecture.scenes if s.action is not None]
    assert no_training == actions
    assert window.lessons.player.counter.text() == f"{len(lecture.scenes)} / {len(lecture.scenes)}"
    qtbot.keyClick(window, K.Key_B)
    assert ctl.presenter.blank.isVisible()
    qtbot.keyClick(window, K.Key_B)
    assert not ctl.presenter.blank.isVisible()
    qtbot.keyClick(window, K.Key_Escape)
    assert not ctl.presenter.active and not window.isFullScreen()
    assert window.menuBar().isVisible() and window.statusBar().isVisible()
    page = window.page
    assert page.sides == (True, True)  # both side panels are back on the page
    assert page.left_scroll.parent() is not None
    assert page.right_scroll.parent() is not None and page.overflow() == []


def test_steps_questions_and_going_back(qtbot, window, small_lesson):
    ctl, driver = window.lessons, window.lessons.driver
    ctl.start_lesson(small_lesson)
    ctl.present()
    assert window.state.image.shape == (3, 3) and window.lower_tabs.currentWidget() is \
        window.stepper
    assert set(driver.highlighter.names) == {"maps", "kernel"}
    page = window.page
    assert page.sides == (False, True)  # the kernel column is pointed at, the canvas one not
    assert not _column_shown(window, "canvas")
    if page.arrangement != "single":  # (a small screen: the kernels are a tab beside the maps)
        assert _column_shown(window, "kernel")
    controls = window.stepper.controls
    for step in (1, 2, 3):
        qtbot.keyClick(window, K.Key_PageDown)
        assert (driver.index, driver.step, controls.step()) == (0, step, step)
    qtbot.keyClick(window, K.Key_Left)
    assert (driver.index, driver.step) == (0, 2)
    for _ in range(2):
        qtbot.keyClick(window, K.Key_Right)
    assert (driver.index, driver.step) == (1, 0)
    assert window.lower_tabs.currentWidget() is window.formula_panel
    assert window.state.image.shape == (3, 3)  # no scene: the previous one stays
    player = ctl.player
    assert player.answer_edit.isVisible() and not player.answer.isVisible()
    player.answer_edit.setFocus()
    qtbot.keyClicks(player.answer_edit, "3 x 3")  # Space and x go to the answer box
    qtbot.keyClick(player.answer_edit, K.Key_Return)
    assert "✗" in player.answer.text() and "try again" in player.answer.text()
    assert driver.index == 1
    player.answer_edit.setText("4x4")
    player.check_answer()
    assert "2x2" in player.answer.text() and not player.answer_pending  # after two tries
    qtbot.keyClick(window, K.Key_PageDown)
    assert driver.index == 2 and window.lower_tabs.currentWidget() is window.symbolic_view
    assert window.symbolic_view.cell() == window.stepper.cell() == (1, 0)  # where it stood
    assert window.symbolic_view.text().startswith("c_21 = a_21·w_11 + a_22·w_12")
    assert player.answer_pending
    qtbot.keyClick(window, K.Key_PageDown)  # a click reveals the answer first
    assert driver.index == 2 and "a11 w11" in player.answer.text()
    qtbot.keyClick(window, K.Key_PageDown)
    assert driver.index == 3 and window.tabs.currentWidget() is window.network_tab
    assert window.network_tab.sub_tabs.currentWidget() is window.network_tab.invariance_view
    assert ctl.presenter.notes.next_title.text() == "Next: (end of the lesson)"
    qtbot.keyClick(window, K.Key_PageUp)
    assert driver.index == 2 and ctl.presenter.notes.title.text() == "Symbols"
    qtbot.keyClick(window, K.Key_Period)
    assert ctl.presenter.blank.isVisible()
    qtbot.keyClick(window, K.Key_PageDown)  # a clicker key brings the picture back, no more
    assert not ctl.presenter.blank.isVisible() and driver.index == 2
    qtbot.keyClick(window, K.Key_Escape)
    assert not window.isFullScreen()


def test_typed_answer_right_first_time(qtbot, window, small_lesson):
    window.lessons.start_lesson(small_lesson, 1)
    player = window.lessons.player
    player.answer_edit.setText(" 2 x 2 ")
    assert player.check_answer() is True
    assert player.answer.text().startswith("✓") and not player.answer_pending


def test_zoom_enlarges_the_focused_panel_and_back(qtbot, window, small_lesson):
    ctl = window.lessons
    ctl.start_lesson(small_lesson)
    window.kernel_editor.setFocus()
    QApplication.processEvents()
    zoom = ctl.presenter.zoom
    maps_were_shown = window.maps_view.isVisible()  # a folded layout may show the stepper tab
    assert zoom.toggle()
    assert zoom.panel is window.kernel_editor.parentWidget()
    assert not window.maps_view.isVisible() and window.kernel_editor.isVisible()
    assert not ctl.dock.isVisible()
    assert not zoom.toggle()
    assert window.maps_view.isVisible() == maps_were_shown and ctl.dock.isVisible()
    ctl.present()
    qtbot.keyClick(window, K.Key_Z)  # the maps (nothing else focused in presenter mode)
    assert zoom.active
    qtbot.keyClick(window, K.Key_Escape)  # Esc first restores the panel, then leaves
    assert not zoom.active and ctl.presenter.active
    qtbot.keyClick(window, K.Key_Escape)
    assert not ctl.presenter.active


def test_notes_window_from_the_menu(qtbot, window, small_lesson):
    ctl = window.lessons
    ctl.show_notes()  # no lesson yet: a message, no window
    assert "Open a lesson" in ctl.last_error and not ctl.presenter.notes.isVisible()
    ctl.start_lesson(small_lesson)
    ctl.show_notes()
    notes = ctl.presenter.notes
    assert notes.isVisible() and "four windows" in notes.notes.toPlainText()
    assert notes.next_title.text() == "Next: The size"
    assert notes.counter.text() == "Scene 1 / 4 · step 0 / 3"
    ctl.next_scene()
    assert notes.counter.text() == "Scene 1 / 4 · step 1 / 3"


def test_action_scene_trains_for_real(qtbot, window, small_lesson):
    from dataclasses import replace

    import numpy as np

    from playground.data import load_bundled
    from playground.lessons import schema

    d = load_bundled()
    panel = window.ensure_network_tab().training_panel
    panel.set_dataset(d.subset(np.arange(0, len(d), 50)), "100 digits")
    panel.batch.setValue(25)
    scene = schema.LessonScene("Train it", "Watch.", action=schema.Action("train", "fcnn", 1))
    lesson = replace(small_lesson, scenes=(*small_lesson.scenes, scene))
    with qtbot.waitSignal(panel.training_finished, timeout=60000):
        window.lessons.start_lesson(lesson, 4)
    assert panel.model_combo.currentData() == "fcnn" and panel.epochs.value() == 1
    assert "Watch the loss" in window.lessons.player.action_note.text()
    assert window.tabs.currentWidget() is window.network_tab


def test_jumping_to_a_scene_shows_the_scene_in_force(qtbot, window, small_lesson):
    driver = window.lessons.driver
    window.lessons.start_lesson(small_lesson, 2)  # scene 3 keeps scene 1's Playground scene
    assert window.state.image.shape == (3, 3) and window.state.kernels.shape == (1, 1, 2, 2)
    window.reset_to_defaults()
    driver.back()
    assert driver.index == 1 and window.state.image.shape == (3, 3)


def test_lesson_and_screen_menus(qtbot, window, lecture):
    from PySide6.QtGui import QGuiApplication

    ctl = window.lessons
    menus = {a.text(): a.menu() for a in window.menuBar().actions() if a.menu()}
    bundled = [a for a in menus["&Lesson"].actions() if "scenes)" in a.text()]
    assert [a.text() for a in bundled] == [f"{lecture.title} ({len(lecture.scenes)} scenes)"]
    bundled[0].trigger()
    assert ctl.driver.count == len(lecture.scenes) and ctl.dock.isVisible()
    screens = QGuiApplication.screens()
    assert len(ctl.screen_menu.actions()) == len(screens)
    assert ctl.screen_menu.menuAction().isVisible() == (len(screens) > 1)
    ctl.presenter.set_screen(screens[-1].name())
    assert ctl.presenter.chosen_screen() is screens[-1]
    assert window.menu_actions["&Present lesson"].shortcut().toString() == "F5"
