"""The Playground's export menus: each feature map, a row of maps, the input, the kernel grid
and thumbnails save exactly the numbers and the colours on show."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint
from PySide6.QtGui import QImage

from playground import export_arrays as ex
from playground.ui.playground.exports import rendered
from playground.ui.playground.kernel_editor import KernelEditor
from playground.ui.playground.maps_view import FeatureMapsView
from playground.ui.playground.state import PlaygroundState
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
def view(qtbot):
    rng = np.random.default_rng(1)
    img = np.zeros((28, 28), np.float32)
    img[5:23, 8:20] = rng.uniform(0.2, 1.0, (18, 12)).astype(np.float32)
    st = PlaygroundState(image=img)
    st.set_settings(pool="max")
    v = FeatureMapsView(st)
    qtbot.addWidget(v)
    v.resize(1200, 700)
    v.show()
    qtbot.waitExposed(v)
    return v


def _viewport_pos(v, item) -> QPoint:
    """Where ``item`` (a graphics item in the grid) is, in the graphics view's viewport."""
    return v.glw.mapFromScene(item.sceneBoundingRect().center())


def test_a_maps_menu_saves_that_map_its_row_and_the_input(view, tmp_path, monkeypatch):
    v, res = view, view.state.result
    menu = open_menu(v.glw, _viewport_pos(v, v.cells["activated"][2].vb))
    assert menu.actions()[0].text() == "map k3, ReLU (28×28)"
    npy = run_entry(menu, "npy", tmp_path / "a.npy", monkeypatch)
    np.testing.assert_array_equal(np.load(npy), res.activated[2])
    csv = run_entry(menu, "csv", tmp_path / "a.csv", monkeypatch)
    np.testing.assert_array_equal(ex.read_csv(csv), res.activated[2])
    png = run_entry(menu, "png", tmp_path / "a.png", monkeypatch)
    shown = rendered(v.image_item("activated", 2))
    np.testing.assert_array_equal(png_pixels(png, 28, 28), rgb(shown))
    actions_of(menu)["copy"].trigger()
    np.testing.assert_array_equal(clipboard_values(), res.activated[2])

    subs = submenus(menu)
    row = subs["all ReLU maps (6×28×28)"]
    np.testing.assert_array_equal(np.load(run_entry(row, "npy", tmp_path / "r.npy", monkeypatch)),
                                  res.activated)
    strip = QImage(str(run_entry(row, "png", tmp_path / "r.png", monkeypatch)))
    assert (strip.width(), strip.height()) == (6 * 140 + 5 * 6, 140)  # 28 px maps, x5, gaps
    tile = rgb(strip.copy(2 * 146, 0, 140, 140).scaled(28, 28))
    np.testing.assert_array_equal(tile, rgb(rendered(v.image_item("activated", 2))))
    inp = subs["input (28×28)"]
    np.testing.assert_array_equal(ex.read_csv(run_entry(inp, "csv", tmp_path / "i.csv",
                                                        monkeypatch)), v.state.image)


def test_default_names_say_which_map(view, monkeypatch):
    from playground.ui.common import array_export as ae

    asked = []
    monkeypatch.setattr(ae, "ask_save_path", lambda *a: asked.append(a[2]) or "")
    menu = open_menu(view.glw, _viewport_pos(view, view.cells["pooled"][0].vb))
    actions_of(menu)["png"].trigger()
    actions_of(submenus(menu)["all max pool 2×2 maps (6×14×14)"])["npy"].trigger()
    menu = open_menu(view.glw, _viewport_pos(view, view.cells["activated"][1].vb))
    actions_of(menu)["csv"].trigger()
    assert [a.rsplit("/", 1)[-1] for a in asked] == ["map-1-maxpool.png", "maps-maxpool.npy",
                                                     "map-2-relu.csv"]


def test_the_keyboard_menu_offers_the_selected_kernels_map_and_every_row(view, tmp_path,
                                                                         monkeypatch):
    view.state.select_kernel(4)
    menu = open_menu(view.glw, None)
    assert menu.actions()[0].text() == "map k5, max pool 2×2 (14×14)"
    assert list(submenus(menu)) == ["all conv + b maps (6×28×28)", "all ReLU maps (6×28×28)",
                                    "all max pool 2×2 maps (6×14×14)", "input (28×28)"]
    npy = run_entry(menu, "npy", tmp_path / "k.npy", monkeypatch)
    np.testing.assert_array_equal(np.load(npy), view.state.result.pooled[4])


def test_the_input_menu_saves_the_input_as_drawn(view, tmp_path, monkeypatch):
    menu = open_menu(view.glw, _viewport_pos(view, view.input_vb))
    assert menu.actions()[0].text() == "input (28×28)"
    png = run_entry(menu, "png", tmp_path / "in.png", monkeypatch)
    np.testing.assert_array_equal(png_pixels(png, 28, 28), rgb(rendered(view.input_item)))


@pytest.fixture
def editor(qtbot, state):
    ed = KernelEditor(state)
    qtbot.addWidget(ed)
    ed.show()
    qtbot.waitExposed(ed)
    return ed


def test_the_kernel_grid_menu_saves_the_kernel_and_all_kernels(editor, tmp_path, monkeypatch):
    st = editor.state
    st.select_kernel(1)
    menu = open_menu(editor.table, QPoint(5, 5))
    assert menu.actions()[0].text() == "kernel 2 (5×5)"
    csv = run_entry(menu, "csv", tmp_path / "k.csv", monkeypatch)
    np.testing.assert_array_equal(ex.read_csv(csv), st.kernels[1, 0])
    actions_of(menu)["copy"].trigger()
    np.testing.assert_array_equal(clipboard_values(), st.kernels[1, 0])
    every = submenus(menu)["all kernels (6×1×5×5)"]
    np.testing.assert_array_equal(np.load(run_entry(every, "npy", tmp_path / "all.npy",
                                                    monkeypatch)), st.kernels)


def test_a_thumbnail_menu_saves_that_kernel(editor, tmp_path, monkeypatch):
    thumbs = editor.thumbs
    item = thumbs.item(3)
    menu = open_menu(thumbs, thumbs.visualItemRect(item).center())
    assert menu.actions()[0].text() == "kernel 4 (1×5×5)"
    npy = run_entry(menu, "npy", tmp_path / "k4.npy", monkeypatch)
    np.testing.assert_array_equal(np.load(npy), editor.state.kernels[3])
    png = run_entry(menu, "png", tmp_path / "k4.png", monkeypatch)
    assert png.stat().st_size > 0


def test_hidden_answers_are_not_offered(view):
    view.state.hide_answers = True  # a lesson asks for the maps' size: they are the answer
    menu = open_menu(view.glw, _viewport_pos(view, view.cells["conv"][0].vb))
    assert menu.actions()[0].text() == "input (28×28)" and not submenus(menu)


def test_shift_f10_opens_the_grids_menu_from_the_keyboard(qtbot, editor):
    from PySide6.QtCore import Qt

    editor.window().activateWindow()
    editor.table.setFocus()
    qtbot.waitUntil(editor.table.hasFocus)
    qtbot.keyClick(editor.table, Qt.Key.Key_F10, Qt.KeyboardModifier.ShiftModifier)
    menu = editor.table._export_hook.last_menu
    assert menu is not None
    qtbot.waitUntil(menu.isVisible)
    assert menu.actions()[0].text() == "kernel 1 (5×5)"
    menu.close()


def test_a_widgets_own_picture_is_saved_at_its_size(editor, tmp_path, monkeypatch):
    menu = open_menu(editor.table, QPoint(5, 5))
    png = run_entry(menu, "png", tmp_path / "grid.png", monkeypatch)  # numbers and colours
    img = QImage(str(png))
    assert (img.width(), img.height()) == (editor.table.width(), editor.table.height())
