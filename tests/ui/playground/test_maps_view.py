"""FeatureMapsView: shows state.result, hover explanations, error banner, colour scales."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPointF, QRectF

from playground import engine
from playground.scene import Change
from playground.ui.common.formatting import fmt
from playground.ui.playground.maps_view import FeatureMapsView
from playground.ui.playground.state import PlaygroundState


@pytest.fixture
def digit_state():
    rng = np.random.default_rng(0)
    img = np.zeros((28, 28), np.float32)
    img[6:22, 10:18] = rng.uniform(0.3, 1.0, (16, 8)).astype(np.float32)
    st = PlaygroundState(image=img)
    st.set_bias(2, -0.25)
    return st


@pytest.fixture
def view(qtbot, digit_state):
    v = FeatureMapsView(digit_state)
    qtbot.addWidget(v)
    v.resize(1200, 700)
    v.show()
    qtbot.waitExposed(v)
    return v


def _assert_shows_result(v, st):
    res = st.result
    for k in range(res.conv.shape[0]):
        np.testing.assert_array_equal(v.image_item("conv", k).image, res.conv[k])
        np.testing.assert_array_equal(v.image_item("activated", k).image, res.activated[k])
        np.testing.assert_array_equal(v.image_item("pooled", k).image, res.pooled[k])


def test_images_are_the_state_result(view, digit_state):
    _assert_shows_result(view, digit_state)
    np.testing.assert_array_equal(view.input_item.image, digit_state.image)


def test_updates_in_place_without_rebuilding(view, digit_state):
    items = [view.image_item("conv", k) for k in range(6)]
    digit_state.set_kernel_cell(0, 0, 2, 2, 3.0)
    digit_state.set_settings(stride=(2, 2))
    assert [view.image_item("conv", k) for k in range(6)] == items
    _assert_shows_result(view, digit_state)
    assert view.cells["conv"][0].title.text == "k1"
    assert view.row_labels["conv"].text.endswith("6×14×14</span>")  # the volume K x H' x W'
    assert view.row_labels["pooled"].text.endswith("6×7×7</span>")


def test_kernel_count_change_rebuilds_columns(view, digit_state):
    digit_state.set_kernel_count(2)
    assert len(view.cells["conv"]) == 2
    _assert_shows_result(view, digit_state)


def test_hover_conv_cell_outlines_receptive_field_and_writes_sum(view, digit_state, qtbot):
    st = digit_state
    st.set_settings(padding_mode="custom", padding=(2, 2), stride=(2, 2))
    k, i, j = 2, 3, 4
    with qtbot.waitSignal(view.cell_hovered) as blocker:
        view.hover("conv", k, i, j)
    assert blocker.args == [k, i, j]
    # window of output (i, j) starts at (i*s - p, j*s - p) in input coordinates, f x f
    assert view.receptive_field_rect() == QRectF(j * 2 - 2, i * 2 - 2, 5, 5)
    direct = engine.conv2d(st.image, st.kernels, st.bias, 2, 2)[k, i, j]
    text = view.hover_label.text()
    assert f"<sub>{i + 1},{j + 1}</sub>" in text
    assert f"<b>{fmt(direct)}</b>" in text
    assert f"+ {fmt(st.bias[k])} = " in text  # the bias is added visibly


def test_hover_small_kernel_writes_every_term_like_the_lecture(qtbot):
    st = PlaygroundState(image=np.arange(1, 10, dtype=np.float32).reshape(3, 3),
                         kernels=np.array([[[[1, 2], [3, 4]]]], np.float32))
    st.set_settings(padding_mode="valid", pool="none")
    v = FeatureMapsView(st)
    qtbot.addWidget(v)
    v.hover("conv", 0, 0, 0)
    text = v.hover_label.text()
    # c_11 = a11 w11 + a12 w12 + a21 w21 + a22 w22 = 1 + 4 + 12 + 20
    assert "(1)(1) + (2)(2) + (4)(3) + (5)(4)" in text
    assert "<b>37</b>" in text
    assert float(st.result.conv[0, 0, 0]) == 37.0
    assert "pooled" not in v.cells or v.cells["pooled"] == []


def test_hover_pooled_cell_outlines_window_in_activated_map(view, digit_state, qtbot):
    k, i, j = 1, 5, 6
    with qtbot.waitSignal(view.pooled_cell_hovered) as blocker:
        view.hover("pooled", k, i, j)
    assert blocker.args == [k, i, j]
    window = view.cells["activated"][k].window
    assert window.isVisible()
    assert window.rect() == QRectF(2 * j, 2 * i, 2, 2)
    patch = digit_state.result.activated[k, 2 * i : 2 * i + 2, 2 * j : 2 * j + 2]
    assert f"<b>{fmt(patch.max())}</b>" in view.hover_label.text()


def test_mouse_over_a_cell_hovers_it(view, qtbot):
    cell = view.cells["activated"][3]
    scene_pos = cell.vb.mapViewToScene(QPointF(7.5, 11.5))
    with qtbot.waitSignal(view.cell_hovered) as blocker:
        view.glw.scene().sigMouseMoved.emit(scene_pos)
    assert blocker.args == [3, 11, 7]
    assert view.receptive_field_rect() == QRectF(7 - 2, 11 - 2, 5, 5)
    view.glw.scene().sigMouseMoved.emit(QPointF(-100, -100))
    assert view.receptive_field_rect() is None


def test_error_banner_keeps_last_good_images(view, digit_state):
    digit_state.set_settings(padding_mode="valid")
    digit_state.resize_kernels(11, 11)  # 18x18 maps: still fine
    assert digit_state.error is None and view.banner.isHidden()
    before = {r: [view.image_item(r, k).image.copy() for k in range(6)]
              for r in ("conv", "activated", "pooled")}
    digit_state.set_image(np.ones((8, 8), np.float32))  # 11x11 kernel > 8x8 input
    assert digit_state.error
    assert not view.banner.isHidden()
    assert "larger" in view.banner.text()
    for r, images in before.items():
        for k, img in enumerate(images):
            np.testing.assert_array_equal(view.image_item(r, k).image, img)
    assert view.footprint_rect.isVisible()
    view.hover("conv", 0, 0, 0)
    assert view.receptive_field_rect() is None
    digit_state.resize_kernels(3, 3)
    assert digit_state.error is None and view.banner.isHidden()
    _assert_shows_result(view, digit_state)


def test_shared_and_per_map_colour_scales(view, digit_state):
    res = digit_state.result
    m = float(np.abs(res.conv).max())
    assert view.shared_bar is not None
    assert view.shared_bar.levels() == pytest.approx((-m, m))
    np.testing.assert_allclose(view.image_item("pooled", 4).getLevels(), (-m, m))
    view.set_shared_scale(False)
    assert view.shared_bar is None and not view.shared_check.isChecked()
    for k in range(6):
        mk = float(np.abs(res.conv[k]).max()) or 1.0
        np.testing.assert_allclose(view.image_item("conv", k).getLevels(), (-mk, mk), rtol=1e-6)
    _assert_shows_result(view, digit_state)
    view.shared_check.setChecked(True)
    assert view.shared_scale() and view.shared_bar is not None


def test_selected_kernel_is_highlighted(view, digit_state):
    digit_state.select_kernel(4)
    assert view.cells["conv"][4]._chosen and not view.cells["conv"][0]._chosen


def test_rgb_input_is_shown_in_colour(view, digit_state):
    rgb = np.stack([digit_state.image] * 3) * np.array([1.0, 0.5, 0.2], np.float32)[:, None, None]
    digit_state.set_image(rgb)
    assert view.input_item.image.shape == (28, 28, 3)
    _assert_shows_result(view, digit_state)


def test_a_burst_of_updates_shows_the_last_result(view, digit_state):
    """Many changes in a row (a spin-box burst) leave the view on the latest result; how long each
    takes is measured by ``conv-playground bench ui``, not here."""
    for t in range(30):
        digit_state.kernels[0, 0, 1, 1] = float(t % 5)
        digit_state.recompute()
        view._on_state_changed(Change.KERNELS)
        view.repaint()
    _assert_shows_result(view, digit_state)
