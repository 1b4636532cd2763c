"""The kernel editor: cells, validation, sizes, bias, presets, tools, copy/paste and undo."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit

from playground.data import kernels as dk
from playground.ui.playground.kernel_editor import KernelEditor
from playground.ui.playground.kernel_grid import format_matrix, parse_matrix, parse_number


@pytest.fixture
def editor(qtbot, state):
    ed = KernelEditor(state)
    qtbot.addWidget(ed)
    ed.show()
    return ed


def _type_into_cell(qtbot, editor, row, col, text):
    table = editor.table
    index = editor.model.index(row, col)
    table.setCurrentIndex(index)
    table.edit(index)
    line = table.findChild(QLineEdit)
    assert line is not None
    line.selectAll()
    qtbot.keyClicks(line, text)
    qtbot.keyClick(line, Qt.Key.Key_Return)
    QApplication.processEvents()  # the delegate commits through a queued call


def test_typing_a_cell_changes_state_and_views(window, qtbot):
    ed, st = window.kernel_editor, window.state
    before = st.result.conv[0].copy()
    _type_into_cell(qtbot, ed, 0, 0, "2.5")
    assert st.kernels[0, 0, 0, 0] == pytest.approx(2.5)
    assert ed.model.data(ed.model.index(0, 0)) == "2.5"
    assert not ed.error.isVisible()
    assert window.undo_stack.undoText().startswith("Edit w11")
    # the maps follow (a blank input: the change shows up wherever the image is non-zero)
    window.input_panel.random_digit(3, 0)
    _type_into_cell(qtbot, ed, 2, 2, "-3")
    assert not np.allclose(st.result.conv[0], before)


@pytest.mark.parametrize("text", ["abc", "nan", "inf", "-inf", " ", "1/0"])
def test_invalid_cells_are_refused_with_a_message(editor, state, qtbot, text):
    old = float(state.kernels[0, 0, 1, 1])
    _type_into_cell(qtbot, editor, 1, 1, text) if text.strip() else \
        editor.model.setData(editor.model.index(1, 1), text)
    assert float(state.kernels[0, 0, 1, 1]) == old
    assert editor.error.isVisible() and "previous value" in editor.error.text()


def test_fractions_and_unicode_minus():
    assert parse_number("1/9") == pytest.approx(1 / 9)
    assert parse_number("−2") == -2.0
    with pytest.raises(ValueError):
        parse_number("")


@pytest.mark.parametrize("text", ["1 2\n3 4", "1\t2\n3\t4", "1,2;3,4", "[[1, 2], [3, 4]]",
                                  "array([[1., 2.],\n       [3., 4.]], dtype=float32)",
                                  "np.array([[1,2],[3,4]])"])
def test_parse_matrix_formats(text):
    np.testing.assert_array_equal(parse_matrix(text), [[1, 2], [3, 4]])


@pytest.mark.parametrize("text", ["1 2\n3", "", "a b", "1 nan", " ".join(["1"] * 12)])
def test_parse_matrix_refuses(text):
    with pytest.raises(ValueError):
        parse_matrix(text)


def test_sizes_including_even_and_non_square(editor, state):
    editor.fh.setValue(2)
    editor.fw.setValue(4)
    assert state.kernels.shape[2:] == (2, 4)
    assert editor.model.rowCount() == 2 and editor.model.columnCount() == 4
    editor.fh.setValue(11)
    editor.fw.setValue(1)
    assert state.kernels.shape[2:] == (11, 1)


def test_kernel_count_and_selection(editor, state):
    editor.count.setValue(16)
    assert state.kernels.shape[0] == 16 and editor.thumbs.count() == 16
    editor.thumbs.setCurrentRow(9)
    assert state.selected == 9
    editor.count.setValue(1)
    assert state.kernels.shape[0] == 1 and state.selected == 0


def test_bias(editor, state):
    editor.thumbs.setCurrentRow(2)
    editor.bias.setValue(0.75)
    assert state.bias[2] == pytest.approx(0.75)


@pytest.mark.parametrize("name", list(dk.PRESETS))
def test_every_preset_loads(editor, state, name):
    i = editor.presets.findData(name)
    assert i >= 0
    editor.presets.setCurrentIndex(i)
    editor.presets.activated.emit(i)
    k = dk.preset(name)
    got = state.kernels[state.selected, 0]
    assert got.shape == k.shape
    np.testing.assert_allclose(got, k)


def test_prong_and_lecture_set(editor, state):
    state.set_kernel_count(2)
    i = editor.presets.findData("__lecture__")
    editor.presets.activated.emit(i)
    assert state.kernels.shape == (6, 1, 5, 5)
    np.testing.assert_array_equal(state.kernels[0, 0], dk.PRESETS["prong"])


def test_randomise_normalise_flip(editor, state):
    editor.randomise(seed=1)
    k = state.kernels[0, 0].copy()
    assert np.abs(k).sum() > 0
    editor.flip()
    np.testing.assert_allclose(state.kernels[0, 0], k[::-1, ::-1])
    editor.flip()
    np.testing.assert_allclose(state.kernels[0, 0], k)
    editor.normalise("l1")
    assert np.abs(state.kernels[0]).sum() == pytest.approx(1.0, rel=1e-5)
    state.set_kernel(0, np.ones((3, 3), np.float32))
    editor.normalise("sum")
    assert state.kernels[0].sum() == pytest.approx(1.0, rel=1e-5)
    assert "convolution" in editor.flip_btn.toolTip()


def test_normalise_zero_sum_is_refused(editor, state):
    state.set_kernel(0, np.array([[1, -1]], np.float32))
    editor.normalise("sum")
    assert editor.error.isVisible()
    np.testing.assert_array_equal(state.kernels[0, 0], [[1, -1]])


def test_copy_paste_round_trip(editor, state):
    text = editor.copy()
    assert QApplication.clipboard().text() == text
    assert text == format_matrix(state.kernels[0, 0])
    editor.thumbs.setCurrentRow(1)
    assert editor.paste()
    np.testing.assert_allclose(state.kernels[1, 0], state.kernels[0, 0])
    assert editor.paste("[[1, 2, 3]]")
    assert state.kernels.shape[2:] == (1, 3)
    assert not editor.paste("1 2\n3")
    assert editor.error.isVisible()


def test_rgb_input_shows_channel_slices(editor, state):
    assert editor.channels.isHidden()
    state.set_image(np.random.default_rng(0).random((3, 16, 16), np.float32))
    assert not editor.channels.isHidden() and editor.channels.count() == 3
    editor.channels.setCurrentIndex(2)
    editor.model.setData(editor.model.index(0, 0), "7")
    assert state.kernels[0, 2, 0, 0] == 7 and state.kernels[0, 0, 0, 0] != 7


def test_cell_colours_diverge_around_zero(editor, state):
    state.set_kernel(0, np.array([[-1, 0, 1]], np.float32))
    m = editor.model
    neg, zero, pos = (m.data(m.index(0, c), Qt.ItemDataRole.BackgroundRole) for c in range(3))
    assert neg.blue() > neg.red() and pos.red() > pos.blue()
    assert min(zero.red(), zero.green(), zero.blue()) > 200


def test_undo_redo_kernel_edit(window):
    ed, st = window.kernel_editor, window.state
    old = float(st.kernels[0, 0, 0, 0])
    ed.model.setData(ed.model.index(0, 0), "4")
    window.undo_action.trigger()
    assert float(st.kernels[0, 0, 0, 0]) == old
    window.redo_action.trigger()
    assert float(st.kernels[0, 0, 0, 0]) == 4


@pytest.mark.parametrize("scale", [100, 200])
def test_fractions_fit_their_cells_unelided(editor, state, scale):
    from PySide6.QtGui import QFontMetrics

    from playground.ui.common import theme as th

    th.theme().set_scale(scale)
    k = state.kernels.copy()
    k[state.selected, 0] = -1 / 3
    state.set_kernels(k)
    editor.sync()
    fm = QFontMetrics(editor.table.font())
    assert editor.table.horizontalHeader().sectionSize(0) >= fm.horizontalAdvance("-0.333") + 4
    assert editor.model.data(editor.model.index(0, 0)) == "-0.333"
