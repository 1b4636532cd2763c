"""View ▸ Hide the answers (Ctrl+H): output sizes and values show "?" until revealed."""

from __future__ import annotations

import re

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


def test_the_colour_channels_hide_their_maps_and_size(window, qtbot):
    rgb = np.random.default_rng(1).uniform(0, 1, (3, 8, 8)).astype(np.float32)
    window.state.set_image(rgb, "rgb")
    window.state.set_settings(padding_mode="valid")
    window.lower_tabs.setCurrentWidget(window.channels_view)
    view = window.channels_view
    assert view.is_rgb_page() and "4 × 4 map" in view.summary.text()  # 8 - 5 + 1
    window.set_hide_answers(True)
    for tile in [*view.maps, view.sum_tile]:
        assert not tile.image.isVisible() and tile.numbers.texts() == ["?"]
    assert "?×?" in view.sum_tile.title.text and "4×4" not in view.sum_tile.title.text
    assert "? × ? map" in view.summary.text() and "4 × 4" not in view.summary.text()
    assert view.inputs[0].image.isVisible()  # the input is no answer
    window.set_hide_answers(False)
    assert view.maps[0].image.isVisible() and view.maps[0].numbers.texts() == []
    assert "4 × 4 map" in view.summary.text()


def test_the_1d_example_hides_its_outputs_and_their_count(window):
    window.input_panel.load_vector_example()
    stepper = window.stepper_1d
    window.set_hide_answers(True)
    stepper.controls.set_step(1)
    plain = re.sub(r"<[^>]+>", "", stepper.display.text())
    outputs = plain.split("] = [")[1]  # the input and kernel stay
    assert "…" in outputs and outputs.count("?") == 2
    assert not any(v in outputs for v in ("5", "8", "·"))  # no values, nor one mark per output
    assert stepper.products.text().endswith("= <b>?</b>") and "outputs" not in (
        stepper.products.text())
    assert stepper.controls.step_label.text() == "step 2 / ?"
    stepper.controls.set_step(4)
    assert "outputs" not in stepper.products.text()
    window.set_hide_answers(False)
    assert stepper.products.text().startswith("(5*1) + (6*2) = <b>17</b>")
    assert "6 − 2 + 1 = 5 outputs" in stepper.products.text()
    assert stepper.controls.step_label.text() == "step 5 / 5"


def test_hovering_from_code_shows_no_sum(window):
    from playground.ui.playground.cell_numbers import HIDDEN_HOVER

    _exercise(window)
    maps = window.maps_view
    maps.hover("conv", 0, 1, 1)
    assert "<b>34</b>" in maps.hover_label.text()  # 6+7+10+11
    window.set_hide_answers(True)
    maps.hover("conv", 0, 1, 1)
    assert maps.hover_label.text() == HIDDEN_HOVER
    assert not maps.cells["conv"][0].hover.isVisible() and maps.receptive_field_rect() is None
    maps.hover("pooled", 0, 0, 0)
    assert maps.hover_label.text() == HIDDEN_HOVER


def test_the_symbolic_views_boxes_do_not_tell_the_size(window):
    _exercise(window)  # 4x4 ⊛ 2x2: a 3x3 output
    view = window.symbolic_view
    window.lower_tabs.setCurrentWidget(view)
    assert (view.row.maximum(), view.col.maximum()) == (3, 3)
    window.set_hide_answers(True)
    assert (view.row.maximum(), view.col.maximum()) == (4, 4)  # the input's, not the output's
    view.row.setValue(4)
    assert view.text() == "" and "no such output cell" in view.html()
    assert view.row.value() == 4
    view.row.setValue(2)
    assert view.cell() == (1, 0) and view.text().endswith("= ?")
    window.set_hide_answers(False)
    assert (view.row.maximum(), view.col.maximum()) == (3, 3) and view.text().endswith("= 30")
