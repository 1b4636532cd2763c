"""Numbers on the cells of small maps: on for small maps, off for big ones, readable colours."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtGui import QImage, QPainter

from playground.ui.playground.cell_numbers import CellNumbers, is_small, text_colours
from playground.ui.playground.maps_view import FeatureMapsView

A = np.arange(1, 10, dtype=np.float32).reshape(3, 3)


@pytest.fixture
def view(qtbot, state):
    state.set_image(A, "matrix")
    state.set_kernels(np.ones((1, 1, 2, 2), np.float32))
    state.set_settings(padding_mode="valid", activation="none", pool="none")
    v = FeatureMapsView(state)
    qtbot.addWidget(v)
    v.resize(1000, 600)
    v.show()
    qtbot.waitExposed(v)
    return v


def test_small_maps_show_every_number(view, state):
    assert view.input_numbers.texts() == [str(v) for v in range(1, 10)]
    assert view.cells["conv"][0].numbers.texts() == ["12", "16", "24", "28"]
    assert view.cells["activated"][0].numbers.texts() == ["12", "16", "24", "28"]


def test_padding_cells_read_zero(view, state):
    state.set_settings(padding_mode="custom", padding=(1, 1))
    texts = view.input_numbers.texts()
    assert len(texts) == 25 and texts[:6] == ["0"] * 6 and texts[6:9] == ["1", "2", "3"]


def test_big_maps_and_colour_inputs_show_none(view, state):
    state.set_image(np.random.default_rng(0).random((28, 28)).astype(np.float32), "digit")
    assert view.input_numbers.texts() == [] and view.cells["conv"][0].numbers.texts() == []
    state.set_image(np.ones((16, 16), np.float32), "matrix")  # 16 a side: still small
    assert len(view.input_numbers.texts()) == 256
    assert len(view.cells["conv"][0].numbers.texts()) == 15 * 15
    state.set_image(np.ones((3, 4, 4), np.float32), "rgb")  # three values a pixel: none
    assert view.input_numbers.texts() == []
    assert is_small((4, 16)) and not is_small((17, 2)) and not is_small((0, 0))


def test_text_is_black_on_light_and_white_on_dark_cells():
    cmap = pg.colormap.get("CET-L1")  # the input's grey scale
    assert text_colours(np.array([0.0, 1.0]), (0.0, 1.0), cmap) == ["#ffffff", "#000000"]
    diverging = pg.colormap.get("CET-D1")  # the maps': dark blue, light centre, dark red
    assert text_colours(np.array([-1.0, 0.0, 1.0]), (-1.0, 1.0), diverging) == [
        "#ffffff", "#000000", "#ffffff"]


def test_compact_numbers_and_a_font_sized_to_the_cell(qapp):
    item = CellNumbers()
    item.show_values(np.array([[0.98828125, -12.345], [1234.5, 0.0]]), (-2.0, 2.0),
                     pg.colormap.get("CET-D1"))
    assert item.texts() == ["0.988", "-12.3", "1234", "0"]
    assert item.font_px(20) < item.font_px(60)
    assert item.font_px(20) * 0.62 * 5 <= 20 * 0.9 + 1  # the longest number fits its cell
    # it paints without error at any size (nothing below the readable minimum)
    img = QImage(100, 100, QImage.Format.Format_ARGB32)
    p = QPainter(img)
    item.paint(p)
    p.end()
