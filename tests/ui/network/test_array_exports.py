"""The Network tab's export menus: conv1's filters, conv2's 6x5x5 stacks (a slice, a filter, the
layer) and the drawing's maps at every layer save the model's true numbers and shapes."""

from __future__ import annotations

import numpy as np
import pytest
import shiboken6
from PySide6.QtCore import QPoint, Qt

from playground import export_arrays as ex
from playground.ui.network.network_tab import NetworkTab
from tests.ui.common.export_helpers import (
    actions_of,
    clipboard_values,
    open_menu,
    png_pixels,
    rgb,
    run_entry,
    submenus,
)


@pytest.fixture
def view(qtbot, state):
    rng = np.random.default_rng(3)
    img = np.zeros((28, 28), np.float32)
    img[4:24, 9:19] = rng.uniform(0.3, 1.0, (20, 10)).astype(np.float32)
    state.set_image(img)
    tab = NetworkTab(state)
    qtbot.addWidget(tab)
    tab.resize(1400, 900)
    tab.show()
    qtbot.waitExposed(tab)
    v = tab.network_view
    v.refresh()
    yield v
    if shiboken6.isValid(tab):
        tab.shutdown()


def _tile_pos(grid, index: int) -> QPoint:
    side, caption, cols = grid._cell(grid.width())
    r, c = divmod(index, cols)
    return QPoint(int(grid._x(c, side) + 3 + side / 2), int(2 + r * (side + caption + 6) + 3
                                                            + side / 2))


def test_conv2_stack_menu_saves_a_slice_its_filter_and_the_layer(view, tmp_path, monkeypatch):
    stacks = view.stacks
    assert stacks.layer_combo.currentText() == "conv2"
    w = view.holder.model.get_weights("conv2")["weight"]
    grid = stacks.grid
    t = 2 * 6 + 4  # filter 3, slice 5
    assert grid.tile_at(_tile_pos(grid, t).x(), _tile_pos(grid, t).y()) == t
    menu = open_menu(grid, _tile_pos(grid, t))
    assert menu.actions()[0].text() == "conv2 filter 3, slice 5 (5×5)"
    np.testing.assert_array_equal(np.load(run_entry(menu, "npy", tmp_path / "s.npy",
                                                    monkeypatch)), w[2, 4])
    png = run_entry(menu, "png", tmp_path / "s.png", monkeypatch)
    np.testing.assert_array_equal(png_pixels(png, 5, 5), rgb(grid.images[t]))
    subs = submenus(menu)
    one = subs["conv2 filter 3 (6×5×5)"]
    csv = run_entry(one, "csv", tmp_path / "f.csv", monkeypatch)
    assert csv.read_text().startswith("# shape: 6x5x5 (channel, row, column)\n# [0]\n")
    np.testing.assert_array_equal(ex.read_csv(csv), w[2])
    layer = subs["conv2: all filters (16×6×5×5)"]
    np.testing.assert_array_equal(np.load(run_entry(layer, "npy", tmp_path / "all.npy",
                                                    monkeypatch)), w)


def test_conv1_filters_and_names(view, tmp_path, monkeypatch):
    from playground.ui.common import array_export as ae

    w = view.holder.model.get_weights("conv1")["weight"]
    grid = view.filters
    menu = open_menu(grid, _tile_pos(grid, 2))
    assert menu.actions()[0].text() == "conv1 filter 3 (1×5×5)"
    asked = []
    monkeypatch.setattr(ae, "ask_save_path", lambda *a: asked.append(a[2]) or "")
    actions_of(menu)["npy"].trigger()
    assert asked[-1].endswith("conv1-filter3.npy")
    actions_of(menu)["copy"].trigger()
    np.testing.assert_array_equal(clipboard_values(), w[2, 0])
    grid.select(4)  # the keyboard's menu offers the selected filter
    assert open_menu(grid, None).actions()[0].text() == "conv1 filter 5 (1×5×5)"


def test_layer_maps_and_the_input_save_the_traced_values(view, tmp_path, monkeypatch):
    trace = view.holder.trace()
    grid = view.map_grids["pool1"]
    menu = open_menu(grid, _tile_pos(grid, 1))
    assert menu.actions()[0].text() == "pool1 map 2 (14×14)"
    np.testing.assert_array_equal(np.load(run_entry(menu, "npy", tmp_path / "m.npy",
                                                    monkeypatch)), trace["pool1"][1])
    every = submenus(menu)["pool1: all maps (6×14×14)"]
    np.testing.assert_array_equal(ex.read_csv(run_entry(every, "csv", tmp_path / "all.csv",
                                                        monkeypatch)), trace["pool1"])
    dense = view.map_grids["fc1"]
    menu = open_menu(dense, _tile_pos(dense, 0))
    assert menu.actions()[0].text() == "fc1: all maps (120)"  # its true 1-D shape
    np.testing.assert_array_equal(np.load(run_entry(menu, "npy", tmp_path / "fc1.npy",
                                                    monkeypatch)), trace["fc1"])
    menu = open_menu(view.input_tile, None)
    np.testing.assert_array_equal(np.load(run_entry(menu, "npy", tmp_path / "in.npy",
                                                    monkeypatch)), trace["input"])


def test_a_new_models_layer_grids_get_menus_too(view):
    from playground.nn.model import build_model

    view.holder.set_model(build_model("fcnn"), "untrained")
    view.refresh()
    grid = view.map_grids["fc1"]
    assert open_menu(grid, _tile_pos(grid, 0)).actions()[0].text().startswith("fc1: all maps")


def test_conv2_stacks_come_in_whole_numbered_filters(view):
    grid = view.stacks.grid
    assert grid.group == 6
    side, _caption, cols = grid._cell(grid.width())
    assert cols % 6 == 0 and cols >= 12  # two or more whole filters a row at 1400 px
    assert grid.captions[:7] == ["filter 1", "", "", "", "", "", "filter 2"]
    # the gap between two filters is no tile; each tile's middle is that tile
    gap_x = grid._x(6, side) - grid.GROUP_GAP / 2
    assert grid.tile_at(gap_x, 10) == -1
    for t in (0, 5, 6, 11, cols, 16 * 6 - 1):
        pos = _tile_pos(grid, t)
        assert grid.tile_at(pos.x(), pos.y()) == t


def test_tile_grids_take_the_focus_and_show_it(view, qtbot):
    grid = view.stacks.grid
    assert grid.focusPolicy() == Qt.FocusPolicy.StrongFocus  # Tab reaches it, then the Menu key
    before = grid.grab().toImage()
    grid.window().activateWindow()
    grid.setFocus()
    qtbot.waitUntil(grid.hasFocus)
    assert grid.grab().toImage() != before  # the dashed focus frame
