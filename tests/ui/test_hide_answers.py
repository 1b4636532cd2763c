"""View ▸ Hide the answers (Ctrl+H): output sizes and values show "?" until revealed."""

from __future__ import annotations

import numpy as np
from PySide6.QtGui import QKeySequence

from playground.lessons import schema
from playground.scene import Scene

SIZE_EXERCISE = 11
"""The lecture lesson's first size exercise (1-based), which hides its answers."""


def _exercise(window) -> None:
    """4x4 input, 2x2 kernel, valid: a 3x3 output."""
    window.input_panel.type_matrix()
    window.input_panel.matrix_editor.load_preset("4×4: 1 … 16 (size exercises)")
    window.state.set_kernels(np.ones((1, 1, 2, 2), np.float32))
    window.state.set_settings(padding_mode="valid", activation="none", pool="none")


def test_the_menu_entry_and_its_shortcut(window):
    act = window.hide_answers_action
    assert act.isCheckable() and not act.isChecked()
    assert QKeySequence("Ctrl+H") in act.shortcuts()
    assert act in window.menu_actions.values()


def test_hiding_blanks_sizes_values_and_sums(window, qtbot):
    _exercise(window)
    st = window.state
    maps = window.maps_view
    assert maps.cells["conv"][0].numbers.texts()[0] == "14"
    window.hide_answers_action.trigger()
    assert st.hide_answers and window.hide_answers
    # the feature maps: each map is one "?", its size too; the input keeps its numbers
    conv = maps.cells["conv"][0]
    assert conv.numbers.texts() == ["?"] and not conv.image.isVisible()
    assert "1×?×?" in maps.row_labels["conv"].text and "3×3" not in maps.row_labels["conv"].text
    assert not maps.shared_bar.isVisible()
    assert maps.input_numbers.texts()[:4] == ["1", "2", "3", "4"]
    # the formula panel: the numbers substituted, the result left open
    formula = window.formula_panel.plain_text()
    assert "H' = (4 + 2·0 − 2) / 1 + 1 = ?" in formula and "1 × ? × ?" in formula
    assert "= 3" not in formula and not window.formula_panel.rows_strip.isVisibleTo(
        window.formula_panel)
    # the step-through and the symbolic view
    window.lower_tabs.setCurrentWidget(window.stepper)
    assert window.stepper.formula_text().endswith("<b>?</b>")
    assert "?×?" in window.stepper.output_title.text
    assert window.stepper.controls.step_label.text() == "step 1 / ?"  # 9 steps: 3x3 cells
    window.lower_tabs.setCurrentWidget(window.symbolic_view)
    assert window.symbolic_view.text().endswith("= ?")
    window.lower_tabs.setCurrentWidget(window.cost_panel)
    cost = window.cost_panel.plain_text()
    assert "1 × ? × ? values" in cost and "= ?" in cost and "36" not in cost  # 4·9 MACs
    # revealed: everything is back
    window.hide_answers_action.trigger()
    assert not st.hide_answers
    assert conv.numbers.texts()[0] == "14" and conv.image.isVisible()
    assert "1×3×3" in maps.row_labels["conv"].text
    assert "= 3" in window.formula_panel.plain_text()
    assert window.symbolic_view.text().endswith("= 14")
    assert "1 × 3 × 3 = 9 values" in window.cost_panel.plain_text()


def test_reveal_button_and_undo_leave_the_rest(window):
    _exercise(window)
    window.set_hide_answers(True)
    window.lower_tabs.setCurrentWidget(window.symbolic_view)
    before = window.undo_stack.count()
    window.kernel_editor.model.setData(window.kernel_editor.model.index(0, 0), "2")
    window.undo_action.trigger()  # undo does not reveal (a display choice)
    assert window.state.hide_answers and window.undo_stack.count() == before + 1
    window.symbolic_view.reveal_button.click()
    assert not window.state.hide_answers and not window.hide_answers_action.isChecked()


def test_the_setting_persists(make_window, qtbot):
    win = make_window()
    win.set_hide_answers(True)
    win.close()
    again = make_window()
    assert again.state.hide_answers and again.hide_answers_action.isChecked()


def test_a_lesson_scene_hides_until_the_answer_is_shown(window, qtbot):
    lesson = schema.bundled_lessons()["lecture"]
    scene = lesson.scenes[SIZE_EXERCISE - 1]
    assert scene.question is not None and scene.scene.hide_answers
    window.lessons.start_lesson(lesson, SIZE_EXERCISE - 1)
    assert window.state.hide_answers and window.hide_answers_action.isChecked()
    assert window.maps_view.cells["conv"][0].numbers.texts() == ["?"]
    window.lessons.player.answer_edit.setText("3x3")
    window.lessons.player.check_answer()  # right: the answers show
    assert not window.state.hide_answers
    assert window.maps_view.cells["conv"][0].numbers.texts()[0] == "14"
    window.lessons.driver.go_to(SIZE_EXERCISE - 1)  # back to the scene: hidden again
    assert window.state.hide_answers
    window.lessons.driver.advance()  # the clicker reveals the answer before moving on
    assert not window.state.hide_answers and window.lessons.driver.index == SIZE_EXERCISE - 1


def test_scene_files_carry_it(window):
    window.set_hide_answers(True)
    data = window.state.scene().to_json()
    assert data["view"]["hide_answers"] is True
    window.set_hide_answers(False)
    window.state.apply(Scene.from_json(data))
    assert window.state.hide_answers and window.hide_answers_action.isChecked()
