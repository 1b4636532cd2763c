"""The typed input matrix: sizes, typing (good and bad), presets, undo, and the input panel."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit

from playground.ui.common.undo import UndoableState
from playground.ui.playground.matrix_editor import (
    MAX_SIDE,
    MatrixEditor,
    matrix_presets,
    resized,
)


@pytest.fixture
def undo(qtbot, state):
    return UndoableState(state)


@pytest.fixture
def editor(qtbot, state, undo):
    state.set_image(np.arange(1, 10, dtype=np.float32).reshape(3, 3), "matrix")
    ed = MatrixEditor(state, undo)
    qtbot.addWidget(ed)
    ed.show()
    return ed


def _type(qtbot, editor, row, col, text):
    table = editor.table
    index = editor.model.index(row, col)
    table.setCurrentIndex(index)
    table.edit(index)
    lines = [e for e in table.findChildren(QLineEdit) if e.isVisible()]
    assert len(lines) == 1
    line = lines[0]
    line.selectAll()
    qtbot.keyClicks(line, text)
    qtbot.keyClick(line, Qt.Key.Key_Return)
    QApplication.processEvents()  # the delegate commits through a queued call


def test_typing_a_cell_recomputes_and_undoes(editor, state, undo, qtbot):
    state.set_kernels(np.ones((1, 1, 2, 2), np.float32))
    state.set_settings(padding_mode="valid", activation="none", pool="none")
    assert state.result.conv[0, 0, 0] == 12
    _type(qtbot, editor, 0, 0, "-2.5")
    assert state.image[0, 0] == -2.5 and state.input_kind == "matrix"
    assert state.result.conv[0, 0, 0] == pytest.approx(8.5)
    assert editor.model.data(editor.model.index(0, 0)) == "-2.5"
    assert undo.stack.undoText() == "Edit a11 of the input"
    _type(qtbot, editor, 2, 1, "1/4")
    assert state.image[2, 1] == 0.25
    undo.stack.undo()
    undo.stack.undo()
    assert state.image[0, 0] == 1 and state.image[2, 1] == 8
    assert state.result.conv[0, 0, 0] == 12


@pytest.mark.parametrize("text", ["abc", "nan", "inf", "1e39", "1/0"])
def test_bad_text_is_refused_and_the_old_value_stays(editor, state, undo, qtbot, text):
    _type(qtbot, editor, 1, 1, text)
    assert state.image[1, 1] == 5
    assert editor.error.isVisible() and "kept the previous value" in editor.error.text()
    assert undo.stack.count() == 0
    _type(qtbot, editor, 1, 1, "7")  # the next good edit clears the message
    assert state.image[1, 1] == 7 and not editor.error.isVisible()


def test_empty_text_is_refused_too(editor, state):
    assert not editor.model.setData(editor.model.index(0, 0), "  ")
    assert state.image[0, 0] == 1 and "cannot be empty" in editor.error.text()


def test_resizing_keeps_the_overlapping_cells_and_is_one_undo_step(editor, state, undo):
    editor.rows.setValue(4)
    editor.cols.setValue(5)
    assert state.image.shape == (4, 5)
    np.testing.assert_array_equal(state.image[:3, :3], np.arange(1, 10).reshape(3, 3))
    assert not state.image[3:].any() and not state.image[:, 3:].any()
    assert undo.stack.count() == 1  # a burst of spin-box steps merges
    editor.rows.setValue(2)
    np.testing.assert_array_equal(state.image, [[1, 2, 3, 0, 0], [4, 5, 6, 0, 0]])
    undo.stack.undo()
    assert state.image.shape == (3, 3) and editor.rows.value() == 3 and editor.cols.value() == 3


def test_sizes_are_limited_to_1_and_16(editor, state):
    assert editor.rows.minimum() == 1 and editor.rows.maximum() == MAX_SIDE
    editor.rows.setValue(100)
    editor.cols.setValue(0)
    assert state.image.shape == (16, 1)
    assert not editor.resize_matrix(17, 3)
    assert state.image.shape == (16, 1) and "1..16" in editor.error.text()
    with pytest.raises(ValueError):
        resized(np.ones((2, 2)), 0, 2)


def test_presets_are_the_lectures_inputs(editor, state, undo):
    presets = matrix_presets()
    assert presets["A (3×3): 1 … 9"].tolist() == [[1, 2, 3], [4, 5, 6], [7, 8, 9]]
    editor.presets.activated.emit(editor.presets.findData("1-D example (1×6): 1 … 6"))
    assert state.image.tolist() == [[1, 2, 3, 4, 5, 6]] and state.input_kind == "vector"
    assert editor.presets.currentIndex() == 0  # back to "Preset…"
    editor.load_preset("4×4: 1 … 16 (size exercises)")
    assert state.image.shape == (4, 4) and state.image[3, 3] == 16
    with pytest.raises(ValueError):
        editor.load_preset("no such preset")


def test_hidden_for_drawings_and_big_inputs(editor, state):
    assert editor.isVisible()
    state.set_image(np.zeros((28, 28), np.float32), "drawing")
    assert not editor.isVisible()
    state.set_image(np.zeros((20, 20), np.float32), "matrix")
    assert not editor.isVisible()  # more than 16x16: not a typed matrix
    state.set_image(np.ones((2, 2), np.float32), "matrix")
    assert editor.isVisible() and editor.rows.value() == 2


def test_cells_are_coloured_with_readable_text(editor):
    m = editor.model
    dark = m.data(m.index(0, 0), Qt.ItemDataRole.BackgroundRole)
    light = m.data(m.index(2, 2), Qt.ItemDataRole.BackgroundRole)
    assert dark.lightness() < light.lightness()
    assert m.data(m.index(2, 2), Qt.ItemDataRole.ForegroundRole).lightness() == 0  # black on 9


def test_the_input_panel_opens_it_in_the_window(window, qtbot):
    panel = window.input_panel
    assert not panel.matrix_editor.isVisible()  # a 28x28 drawing
    panel.type_btn.click()
    assert window.state.input_kind == "matrix" and window.state.image.tolist()[0] == [1, 2, 3]
    assert panel.matrix_editor.isVisible()
    _type(qtbot, panel.matrix_editor, 0, 1, "10")
    assert window.state.image[0, 1] == 10
    window.undo_action.trigger()
    assert window.state.image[0, 1] == 2
    window.undo_action.trigger()  # back to the drawing
    assert window.state.input_kind == "drawing" and not panel.matrix_editor.isVisible()
    panel.load_vector_example()  # the lecture's 1x6 example is a typed input too
    assert panel.matrix_editor.isVisible() and panel.matrix_editor.cols.value() == 6


def test_every_sandbox_control_has_its_help(window):
    ed = window.input_panel.matrix_editor
    assert ed.table.whatsThis().startswith("The input a_rs")
    assert "1-16" in ed.rows.whatsThis() and "A = 1 … 9" in window.input_panel.type_btn.whatsThis()
    assert "Hide the answers" in window.symbolic_view.reveal_button.whatsThis()
