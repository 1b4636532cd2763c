"""The feature-map grid wraps its maps into bands when the page has too little width for them."""

from __future__ import annotations

import numpy as np
import pytest

from playground.ui.common import theme as th
from playground.ui.playground.map_grid_sizing import MAP_FLOOR
from playground.ui.playground.maps_view import FeatureMapsView
from playground.ui.playground.state import PlaygroundState


@pytest.fixture
def view(qtbot):
    st = PlaygroundState(image=np.random.default_rng(1).random((28, 28)).astype(np.float32))
    v = FeatureMapsView(st)
    qtbot.addWidget(v)
    v.resize(1200, 700)
    v.show()
    qtbot.waitExposed(v)
    return v


def test_a_short_room_wraps_the_maps_into_bands_and_a_wide_one_unwraps_them(view):
    st = view.state
    st.set_kernel_count(10)
    k = len(view.cells["conv"])
    rows = sum(1 for cells in view.cells.values() if cells)
    assert view.grid_shape() == (k, rows)
    wide = view.minimumSizeHint().width()
    fixed = wide - k * view._applied_min
    room = fixed + (k // 2) * th.theme().px(MAP_FLOOR) + 2  # half of them in a row, at the floor
    view.set_room(room)
    per, grid_rows = view.grid_shape()
    assert per < k and grid_rows == 2 * rows, (per, grid_rows)
    assert view.minimumSizeHint().width() <= room  # no longer asks for more than it is given
    assert len(view.cells["conv"]) == k  # every map is still there, in order
    assert [c.k for c in view.cells["conv"]] == list(range(k))
    assert all(view.image_item("conv", i).image is not None for i in range(k))
    assert "input" in view.input_title.text and view.input_item.image is not None  # rebuilt, drawn
    assert [label.text for _row, label in view._band_labels] == [  # the later bands' row titles
        view.row_labels[row].text.split("<br>")[0] for row in view.row_labels]
    view.set_room(None)
    assert view.grid_shape() == (k, rows)
