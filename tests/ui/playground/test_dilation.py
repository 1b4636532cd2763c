"""Dilation in the Playground: the setting, its formula, the dilated receptive field and stepper."""

from __future__ import annotations

import json

import numpy as np
import pytest
from PySide6.QtCore import QRectF, QSettings

from playground import engine
from playground.engine import shapes
from playground.scene import dumps, loads
from playground.ui.common.formatting import fmt
from playground.ui.common.geometry import padded_window, receptive_field, tap_cells
from playground.ui.playground.cost_panel import layer_from_state
from playground.ui.playground.formula_panel import FormulaPanel
from playground.ui.playground.maps_view import FeatureMapsView
from playground.ui.playground.settings_panel import SettingsPanel
from playground.ui.playground.state import PlaygroundState
from playground.ui.playground.stepper import StepThroughWidget


@pytest.fixture
def digit_state():
    rng = np.random.default_rng(0)
    img = np.zeros((28, 28), np.float32)
    img[6:22, 10:18] = rng.uniform(0.3, 1.0, (16, 8)).astype(np.float32)
    return PlaygroundState(image=img)


def _shown(qtbot, widget, size=(1000, 600)):
    qtbot.addWidget(widget)
    widget.resize(*size)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def test_geometry_helpers_spread_the_taps():
    pads = (1, 1, 2, 2)
    assert receptive_field(pads, (3, 2), (2, 1), 1, 3, (2, 3)) == (1, 1, 5, 4)
    assert tap_cells(pads, (3, 2), (2, 1), 1, 3, (2, 3)) == [
        (1, 1), (1, 4), (3, 1), (3, 4), (5, 1), (5, 4)]
    img = np.arange(49, dtype=np.float32).reshape(7, 7)
    patch = padded_window(img, (1, 1, 1, 1), (3, 3), (1, 1), 0, 0, (2, 2))
    np.testing.assert_array_equal(patch[0], [[0, 0, 0], [0, 8, 10], [0, 22, 24]])
    assert receptive_field(pads, (3, 2), (2, 1), 1, 3) == (1, 1, 3, 2)  # undilated as before


def test_state_validates_and_resolves_dilation(state):
    state.set_settings(padding_mode="valid", dilation=2)
    assert state.result.conv.shape[1:] == (20, 20)  # 28 - 2*(5 - 1) = 20
    assert state.geometry().dilation == (2, 2)
    state.set_settings(padding_mode="same", dilation=3)
    assert state.pads() == (6, 6, 6, 6) and state.result.conv.shape[1:] == (28, 28)
    for bad in (0, 5, 2.5, True, "2"):
        with pytest.raises(ValueError, match="dilation"):
            state.set_settings(dilation=bad)
    assert state.settings.dilation == 3
    direct = engine.conv2d(state.image, state.kernels, state.bias, 1, "same", 3)
    np.testing.assert_allclose(state.result.conv, direct, rtol=1e-5, atol=1e-5)


def test_scenes_carry_dilation_and_old_ones_default_to_one(state):
    state.set_settings(dilation=4)
    doc = json.loads(dumps(state.scene()))
    other = PlaygroundState()
    other.apply(loads(json.dumps(doc)))
    assert other.settings.dilation == 4 and other.result.conv.shape == state.result.conv.shape
    del doc["layer"]["dilation"]  # a session saved before dilation existed
    other.apply(loads(json.dumps(doc)))
    assert other.settings.dilation == 1
    doc["layer"]["dilation"] = 9
    with pytest.raises(ValueError, match=r"layer\.dilation"):
        loads(json.dumps(doc))
    assert other.settings.dilation == 1


def test_the_control_sets_dilation_undoably(qtbot, state):
    panel = _shown(qtbot, SettingsPanel(state), (400, 500))
    assert (panel.dilation.minimum(), panel.dilation.maximum(), panel.dilation.value()) == (1, 4, 1)
    panel.dilation.setValue(2)
    assert state.settings.dilation == 2
    assert panel.pad_h.value() == 4  # "same" pads d(f - 1)/2 for the 5x5 kernels
    assert "floor((n + 2p - d(f - 1) - 1) / s) + 1" in panel.dilation.toolTip()
    panel.undo.stack.undo()
    assert state.settings.dilation == 1 and panel.dilation.value() == 1
    state.set_settings(dilation=3)  # the state drives the widget too
    assert panel.dilation.value() == 3


def test_the_session_keeps_dilation_across_windows(make_window, qtbot):
    win = make_window()
    win.settings_panel.dilation.setValue(3)
    win.close()
    saved = json.loads(str(QSettings().value("playground/scene")))
    assert saved["layer"]["dilation"] == 3
    again = make_window()
    assert again.state.settings.dilation == 3 and again.settings_panel.dilation.value() == 3
    again.save_on_close = False


def test_formula_shows_the_dilated_output_size_with_numbers(qtbot, state):
    panel = _shown(qtbot, FormulaPanel(state), (700, 600))
    assert "d(f − 1)" not in panel.plain_text().split("(with")[0]  # d = 1: the lecture's form
    state.set_settings(padding_mode="custom", padding=(1, 1), stride=(2, 2), dilation=2)
    text = panel.plain_text()
    assert "n' = ⌊( n + 2 p − d ( f − 1) − 1) / s ⌋ + 1" in text
    size = shapes.output_size(28, 5, 1, 2, 2)
    assert size == 11 and shapes.dropped(28, 5, 1, 2, 2) == 1
    assert f"H' = (28 + 2·1 − 2·(5 − 1) − 1) / 2 + 1 = ⌊21 / 2⌋ + 1 = ⌊10.5⌋ + 1 = {size}" in text
    assert "span 9 × 9" in text and "conv 6 × 11 × 11" in text
    assert panel.rows_strip._axis == (28, 5, 1, 1, 2, 2)
    assert "dilation 2 (spans 9)" in panel.rows_caption.text()
    state.set_settings(padding_mode="same", stride=(1, 1), dilation=2)
    assert "2·(5−1)/2 = 4" in panel.plain_text() and state.pads() == (4, 4, 4, 4)
    state.set_settings(padding_mode="valid", dilation=4)
    state.set_image(np.zeros((14, 14), np.float32))  # 4*(5 - 1) + 1 = 17 > 14
    assert "the dilated kernel (17) is larger than the padded input (14)" in panel.plain_text()


def test_cost_counts_do_not_change_with_dilation(state):
    before = layer_from_state(state)
    state.set_settings(padding_mode="valid", dilation=2)
    after = layer_from_state(state)
    assert (after.ho, after.wo) == (20, 20) and (before.ho, before.wo) == (28, 28)
    assert (after.k, after.c, after.fh, after.fw) == (before.k, before.c, before.fh, before.fw)


def test_hover_draws_the_cells_the_dilated_kernel_touches(qtbot, digit_state):
    st = digit_state
    view = _shown(qtbot, FeatureMapsView(st), (1200, 700))
    st.set_settings(padding_mode="custom", padding=(2, 2), stride=(1, 1), dilation=2)
    k, i, j = 1, 5, 7
    view.hover("conv", k, i, j)
    assert view.receptive_field_rect() == QRectF(j - 2, i - 2, 9, 9)  # extent 2*(5-1)+1
    taps = view.receptive_field_taps()
    assert taps == [(i - 2 + 2 * u, j - 2 + 2 * v) for u in range(5) for v in range(5)]
    assert view.rf.taps.path().boundingRect() == QRectF(j - 2, i - 2, 9, 9)
    assert not view.rf.taps.path().contains(QRectF(j - 2 + 1.25, i - 2 + 0.25, 0.5, 0.5))
    direct = engine.conv2d(st.image, st.kernels, st.bias, 1, 2, 2)[k, i, j]
    text = view.hover_label.text()
    assert f"<b>{fmt(direct)}</b>" in text and "dilation 2" in text
    st.set_settings(dilation=1)
    view.hover("conv", k, i, j)
    assert view.receptive_field_taps() is None
    assert view.receptive_field_rect() == QRectF(j - 2, i - 2, 5, 5)


def test_the_stepper_slides_a_dilated_window(qtbot, state):
    rng = np.random.default_rng(1)
    state.set_image(rng.uniform(0, 1, (12, 12)).astype(np.float32))
    state.resize_kernels(3, 3)
    state.set_settings(padding_mode="valid", stride=(1, 2), dilation=3)
    stepper = _shown(qtbot, StepThroughWidget(state), (900, 500))
    conv = state.result.conv[state.selected]
    assert conv.shape == (6, 3)  # rows 12 - 3*2 = 6; cols floor(5/2) + 1 = 3
    for step in (0, 4, 17):
        stepper.controls.set_step(step)
        i, j = stepper.cell()
        assert stepper.window_rect_padded() == QRectF(j * 2, i, 7, 7)
        assert stepper.window_taps_padded() == [(i + 3 * u, j * 2 + 3 * v)
                                               for u in range(3) for v in range(3)]
        assert f"<b>{fmt(float(conv[i, j]))}</b>" in stepper.formula_text()
        assert "dilation 3" in stepper.formula_text()
    state.set_settings(dilation=1)
    stepper.controls.set_step(2)
    assert stepper.window_taps_padded() is None


def test_channel_maps_use_the_dilation(qtbot, state):
    from playground.ui.playground.channels_view import ChannelsView

    view = _shown(qtbot, ChannelsView(state), (900, 600))
    state.set_image(np.random.default_rng(2).uniform(0, 1, (3, 28, 28)).astype(np.float32))
    state.set_settings(dilation=2, stride=(2, 2))
    maps = view.channel_maps()
    k = state.selected
    for c in range(3):
        direct = engine.conv2d(state.image[c], state.kernels[k, c], None, 2, "same", 2)
        np.testing.assert_allclose(maps[c], direct, rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(view.sum_map(), state.result.conv[k], rtol=1e-5, atol=1e-5)


def test_the_lecture_examples_switch_dilation_off(window):
    window.settings_panel.dilation.setValue(3)
    assert window.input_panel.load_matrix_a()
    assert window.state.settings.dilation == 1
    np.testing.assert_array_equal(window.state.result.conv[0], [[12, 16], [24, 28]])
