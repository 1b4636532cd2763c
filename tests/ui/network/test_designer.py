"""The network designer: live arithmetic per row, red impossible rows, text, training a design,
and every conv layer's filters and every layer's maps in the network view."""

from __future__ import annotations

import numpy as np
import pytest
import shiboken6

from playground.data import load_bundled
from playground.nn.arch import TEMPLATES, LayerSpec, conv
from playground.nn.archtext import format_arch
from playground.nn.model import build_model
from playground.ui.network.designer import BAD_BACKGROUND, DesignerView
from playground.ui.network.network_tab import NetworkTab


@pytest.fixture
def designer(qtbot):
    d = DesignerView()
    qtbot.addWidget(d)
    d.resize(1200, 700)
    return d


def cell(d: DesignerView, row: int, col: int) -> str:
    return d.table.item(row, col).text()


def test_lenet5_template_shows_the_lectures_counts(designer):
    d = designer
    assert d.table.rowCount() == 12
    assert (cell(d, 0, 2), cell(d, 0, 3), cell(d, 0, 4)) == ("6x28x28", "156", "117,600")
    assert (cell(d, 3, 2), cell(d, 3, 3), cell(d, 3, 4)) == ("16x10x10", "2,416", "240,000")
    assert "depth 6" in cell(d, 3, 5)
    assert "61,706" in d.total.text() and "416,520" in d.total.text()
    assert d.train_button.isEnabled()
    assert d.text.toPlainText() == format_arch(TEMPLATES["lenet5"])
    d.load_template("fcnn")
    assert d.table.rowCount() == 4 and "101,770" in d.total.text()


def test_an_impossible_row_is_red_with_its_reason_and_blocks_training(designer):
    d = designer
    d.set_row(3, conv(16, 16))
    assert "larger than the padded input 14x14" in cell(d, 3, 5)
    assert d.table.item(3, 1).background().color() == BAD_BACKGROUND
    assert cell(d, 4, 5) == "after an impossible layer" and cell(d, 4, 2) == "?"
    assert not d.train_button.isEnabled()
    assert "row 4 (conv)" in d.train_button.toolTip()
    assert "Cannot train yet" in d.total.text()
    d.set_row(3, conv(16, 5))
    assert d.train_button.isEnabled() and d.table.item(3, 1).background().color() != \
        BAD_BACKGROUND


def test_add_remove_and_move_rows(designer):
    d = designer
    d.load_template("lenet5-small")
    d.table.selectRow(2)  # maxpool
    d.add_row("dropout")
    assert d.arch.layers[3] == LayerSpec("dropout", p=0.5) and d.current_row() == 3
    assert cell(d, 3, 2) == "6x14x14"
    d.move_row(3, +1)  # after flatten now
    assert d.arch.layers[4].kind == "dropout" and d.current_row() == 4
    d.remove_row(4)
    assert d.arch == TEMPLATES["lenet5-small"]
    d.table.selectRow(0)
    d.move_row(0, -1)  # already first: nothing happens
    assert d.arch == TEMPLATES["lenet5-small"]
    d.remove_row(3)  # flatten gone: dense gets a map
    assert "add flatten" in cell(d, 3, 5) and not d.train_button.isEnabled()


def test_the_row_editor_edits_the_selected_row(designer):
    d = designer
    d.table.selectRow(0)
    assert d.editor.isEnabled() and d.editor.filters.value() == 6
    d.editor.filters.setValue(10)
    assert d.arch.layers[0].filters == 10 and cell(d, 0, 3) == f"{10 * 25 + 10:,}"
    assert "conv 10 5x5 pad 2" in d.text.toPlainText()
    d.editor.padding.setCurrentText("valid")
    assert cell(d, 0, 2) == "10x24x24"
    d.editor.dilation.setValue(2)
    assert d.arch.layers[0].dilation == 2 and cell(d, 0, 2) == "10x20x20"
    d.editor.kind.setCurrentText("tanh")
    assert d.arch.layers[0] == LayerSpec("tanh")
    assert "conv needs" not in d.total.text()


def test_pasted_text_comes_back_or_says_which_line_is_wrong(designer):
    d = designer
    assert not d.apply_text("conv 6 5x5\nrelu\nflaten\n")
    assert "line 3" in d.text_error.text() and d.arch == TEMPLATES["lenet5"]
    assert d.apply_text("conv 4 3x3 same\nrelu\nmaxpool 2\nflatten\ndense 10\n")
    assert d.table.rowCount() == 5 and cell(d, 2, 2) == "4x14x14"
    assert d.text_error.text() == "" and d.train_button.isEnabled()


@pytest.fixture(scope="module")
def few_digits():
    d = load_bundled()
    return d.subset(np.arange(0, len(d), 25))


@pytest.fixture
def tab(qtbot, state, few_digits):
    state.set_image(few_digits.images[few_digits.labels == 3][0] / 255.0)
    t = NetworkTab(state)
    qtbot.addWidget(t)
    t.resize(1400, 900)
    yield t
    if shiboken6.isValid(t):
        t.shutdown()


def test_network_view_shows_every_conv_layers_stacks_and_every_layers_maps(tab):
    view = tab.network_view
    stacks = view.stacks
    assert [stacks.layer_combo.itemText(i) for i in range(stacks.layer_combo.count())] == \
        ["conv1", "conv2"]
    assert stacks.layer_combo.currentText() == "conv2"
    assert len(stacks.grid.arrays) == 16 * 6 and stacks.grid.group == 6
    assert stacks.grid.arrays[0].shape == (5, 5)
    assert "depth = number of input channels = 6" in stacks.caption.text()
    w = tab.holder.model.get_weights("conv2")["weight"]
    np.testing.assert_array_equal(np.sign(stacks.grid.arrays[7]), np.sign(w[1, 1]))
    stacks.select("conv1")
    assert len(stacks.grid.arrays) == 6 and "= 1" in stacks.caption.text()
    view.refresh()
    assert list(view.map_grids) == ["conv1", "pool1", "conv2", "pool2", "fc1", "fc2"]
    assert len(view.map_grids["conv2"].arrays) == 16
    assert view.map_grids["fc1"].arrays[0].shape == (10, 12)
    tab.holder.set_model(build_model("fcnn"), "untrained")  # no conv: the dense layer still shows
    view.refresh()
    assert list(view.map_grids) == ["fc1"] and not view.stack_box.isVisibleTo(view)
    assert view.map_grids["fc1"].arrays[0].shape == (8, 16)


def test_train_this_network_trains_saves_and_loads_the_design(qtbot, tab, few_digits, tmp_path):
    panel = tab.training_panel
    panel.set_dataset(few_digits.subset(np.arange(0, 200, 4)), "50 digits")  # every class
    panel.epochs.setValue(1)
    panel.batch.setValue(25)
    design = tab.designer
    design.apply_text("conv 2 3x3 same\nrelu\nmaxpool 2\nconv 4 3x3\nrelu\nmaxpool 2\n"
                      "conv 4 3x3\ntanh\nflatten\ndense 10\n")
    arch = design.arch
    with qtbot.waitSignal(panel.training_finished, timeout=180_000) as done:
        design.train_button.click()
        assert panel.error == ""
    assert done.args == [True]
    assert panel.model_combo.currentData() == "designed"
    model = tab.holder.model
    assert model.name == "designed" and model.arch == arch
    assert "Designed network" in tab.model_label.text()
    tab.network_view.refresh()
    assert "conv3" in tab.network_view.map_grids
    assert tab.network_view.stacks.layer_combo.count() == 3
    path = tmp_path / "mine.npz"
    assert tab.save_model_file(path)
    design.load_template("fcnn")
    assert tab.load_model_file(path)
    assert tab.holder.model.arch == arch
    design.from_model_button.click()
    assert design.arch == arch


def test_a_design_for_other_classes_is_refused_with_the_counts(tab, few_digits):
    panel = tab.training_panel
    panel.set_dataset(few_digits.subset(np.arange(0, 200, 4)), "50 digits")
    tab.designer.apply_text("classes 5\nflatten\ndense 5\n")
    assert not tab.train_design(tab.designer.arch)
    assert "ends in 5 scores but the data has 10 classes" in panel.error
    assert not panel.is_running()


def test_dragging_a_row_moves_it(qtbot, designer):
    from PySide6.QtCore import QMimeData, QPointF, Qt
    from PySide6.QtGui import QDropEvent

    d = designer
    d.show()
    d.table.selectRow(0)  # the first conv, dropped on the third row (maxpool)
    target = d.table.visualItemRect(d.table.item(2, 1)).center()
    event = QDropEvent(QPointF(target), Qt.DropAction.MoveAction, QMimeData(),
                       Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    with qtbot.waitSignal(d.table.row_dropped) as dropped:
        d.table.dropEvent(event)
    assert dropped.args == [0, 2]
    kinds = [s.kind for s in d.arch.layers]
    assert kinds[:4] == ["relu", "maxpool", "conv", "conv"] and d.current_row() == 2
    assert d.table.rowCount() == 12 and cell(d, 2, 1) == "conv 6 5x5 pad 2"
