"""Undo in the network designer: every row change, template and pasted text is one step; random
edit sequences undo back to the start and redo back to the end; Ctrl+Z in the window undoes the
designer while it has the focus and the Playground elsewhere."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PySide6.QtCore import Qt

from playground.nn.arch import KINDS, TEMPLATES, LayerSpec, conv
from playground.nn.archtext import format_arch
from playground.ui.network.designer import DesignerView


@pytest.fixture
def designer(qtbot):
    d = DesignerView()
    qtbot.addWidget(d)
    return d


def test_each_kind_of_change_is_one_named_step(designer):
    d, stack = designer, designer.undo_stack
    start = d.arch
    assert stack.count() == 0
    d.add_row("dropout", 1)
    assert stack.undoText() == "Add dropout layer" and d.arch.layers[2].kind == "dropout"
    d.move_row(2, -1)
    assert stack.undoText() == "Move row 3 up"
    d.move_row_to(1, 4)
    assert stack.undoText() == "Move row 2 to 5"
    d.remove_row(4)
    assert stack.undoText() == "Remove row 5 (dropout)" and d.arch == start
    d.load_template("fcnn")
    assert stack.undoText().startswith("Start from") and "FCNN" in stack.undoText()
    assert d.apply_text("conv 4 3x3 same\nrelu\nflatten\ndense 10\n")
    assert stack.undoText() == "Use the pasted text"
    assert not d.apply_text("conv banana")  # refused: no step
    assert stack.undoText() == "Use the pasted text" and stack.count() == 6
    while stack.canUndo():
        stack.undo()
    assert d.arch == start and d.text.toPlainText() == format_arch(start)
    assert d.table.rowCount() == len(start.layers)


def test_undo_restores_the_rows_table_text_totals_and_selection(designer):
    d = designer
    d.table.selectRow(3)
    d.set_row(3, conv(16, 16))  # impossible: Train is disabled
    assert not d.train_button.isEnabled()
    d.undo_stack.undo()
    assert d.train_button.isEnabled() and "61,706" in d.total.text()
    assert d.current_row() == 3 and d.editor.spec() == d.arch.layers[3]
    d.undo_stack.redo()
    assert not d.train_button.isEnabled() and d.arch.layers[3] == conv(16, 16)
    assert "larger than the padded input" in d.table.item(3, 5).text()


def test_a_burst_of_edits_to_one_row_is_one_step(designer):
    d = designer
    d.table.selectRow(0)
    for n in (7, 8, 9, 10):
        d.editor.filters.setValue(n)
    assert d.arch.layers[0].filters == 10
    assert d.undo_stack.count() == 1 and d.undo_stack.undoText() == "Edit row 1 (conv)"
    d.table.selectRow(3)
    d.editor.filters.setValue(20)
    assert d.undo_stack.count() == 2
    d.undo_stack.undo()
    d.undo_stack.undo()
    assert d.arch == TEMPLATES["lenet5"]


def test_editing_a_row_back_leaves_no_step(designer):
    d = designer
    d.table.selectRow(0)
    d.editor.filters.setValue(7)
    d.editor.filters.setValue(6)
    assert d.arch == TEMPLATES["lenet5"] and d.undo_stack.count() == 0


_EDITS = st.one_of(
    st.tuples(st.just("add"), st.sampled_from(list(KINDS)), st.integers(-1, 14)),
    st.tuples(st.just("remove"), st.integers(0, 14)),
    st.tuples(st.just("move"), st.integers(0, 14), st.sampled_from([-1, 1])),
    st.tuples(st.just("move_to"), st.integers(0, 14), st.integers(0, 14)),
    st.tuples(st.just("set"), st.integers(0, 14), st.integers(1, 32), st.integers(1, 7)),
    st.tuples(st.just("template"), st.sampled_from(list(TEMPLATES))),
    st.tuples(st.just("text"), st.sampled_from(["conv 3 3x3\nrelu\nflatten\ndense 10",
                                                "flatten\ndense 10", "not a layer"])),
)


def _apply(d: DesignerView, edit) -> None:
    kind = edit[0]
    if kind == "add":
        d.add_row(edit[1], edit[2])
    elif kind == "remove":
        d.remove_row(edit[1])
    elif kind == "move":
        d.move_row(edit[1], edit[2])
    elif kind == "move_to":
        d.move_row_to(edit[1], edit[2])
    elif kind == "set":
        d.set_row(edit[1], LayerSpec("conv", filters=edit[2], size=edit[3]))
    elif kind == "template":
        d.load_template(edit[1])
    else:
        d.apply_text(edit[1])


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(_EDITS, max_size=12))
def test_any_edit_sequence_undoes_to_the_start_and_redoes_to_the_end(designer, edits):
    d, stack = designer, designer.undo_stack
    stack.setIndex(0)  # hypothesis reuses the widget: start from its first state
    stack.clear()
    start = d.arch
    shown = [start]
    for edit in edits:
        _apply(d, edit)
        shown.append(d.arch)
    end = d.arch
    while stack.canUndo():
        stack.undo()
    assert d.arch == start
    assert d.text.toPlainText() == format_arch(start) and d.table.rowCount() == len(start.layers)
    while stack.canRedo():
        stack.redo()
    assert d.arch == end and d.text.toPlainText() == format_arch(end)
    assert d.undo_stack.count() <= len(edits)


def test_ctrl_z_undoes_the_part_of_the_window_with_the_focus(qtbot, window):
    tab = window.ensure_network_tab()
    window.tabs.setCurrentWidget(tab)
    tab.sub_tabs.setCurrentWidget(tab.designer)
    d = tab.designer
    d.add_row("dropout", 0)
    kernels_before = window.state.kernels.copy()
    window.kernel_editor.randomise(seed=1)  # a Playground step too
    d.table.setFocus()
    qtbot.waitUntil(d.table.hasFocus)
    assert window.undo_action.text() == "&Undo Add dropout layer"
    qtbot.keyClick(d.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert d.arch == TEMPLATES["lenet5"]
    assert (window.state.kernels != kernels_before).any()  # the Playground's step is still there
    qtbot.keyClick(d.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier
                   | Qt.KeyboardModifier.ShiftModifier)
    assert d.arch.layers[1].kind == "dropout"
    window.tabs.setCurrentIndex(0)
    window.kernel_editor.table.setFocus()
    qtbot.waitUntil(window.kernel_editor.table.hasFocus)
    assert window.undo_action.text() == "&Undo Randomise kernel"
    window.undo_action.trigger()
    assert (window.state.kernels == kernels_before).all()
    assert d.arch.layers[1].kind == "dropout"
