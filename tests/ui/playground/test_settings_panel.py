"""Layer settings: every toggle reaches the state; impossible combinations never crash."""

from __future__ import annotations

import numpy as np
import pytest

from playground import engine
from playground.ui.playground.settings_panel import SettingsPanel


@pytest.fixture
def panel(qtbot, state):
    p = SettingsPanel(state)
    qtbot.addWidget(p)
    return p


def _choose(combo, key):
    combo.setCurrentIndex(combo.findData(key))


def test_padding_modes(panel, state):
    _choose(panel.padding, "valid")
    assert state.settings.padding_mode == "valid" and state.result.conv.shape[1:] == (24, 24)
    assert not panel.pad_h.isEnabled()
    _choose(panel.padding, "custom")
    assert panel.pad_h.isEnabled()
    panel.pad_h.setValue(1)
    panel.pad_w.setValue(3)
    assert state.settings.padding_mode == "custom" and state.settings.padding == (1, 3)
    assert state.result.conv.shape[1:] == (26, 30)
    _choose(panel.padding, "same")
    assert state.result.conv.shape[1:] == (28, 28)
    assert panel.pad_h.value() == 2  # shows the resolved same padding


def test_stride_activation_pooling(panel, state):
    panel.stride_h.setValue(2)
    panel.stride_w.setValue(3)
    assert state.settings.stride == (2, 3)
    _choose(panel.activation, "none")
    assert state.settings.activation == "none"
    assert (state.result.activated == state.result.conv).all()
    _choose(panel.activation, "relu")
    assert state.result.activated.min() >= 0
    for pool in ("avg", "none", "max"):
        _choose(panel.pool, pool)
        assert state.settings.pool == pool
        assert (state.result.pooled is None) == (pool == "none")
    panel.pool_h.setValue(3)
    panel.pool_sw.setValue(1)
    assert state.settings.pool_size == (3, 2) and state.settings.pool_stride == (2, 1)


def test_backends(panel, state):
    present = engine.available_backends()
    model = panel.backend.model()
    for i in range(panel.backend.count()):
        name = panel.backend.itemData(i)
        enabled = model.item(i).isEnabled()
        assert enabled == (name == "auto" or name in present)
    if "cuda" not in present:
        i = panel.backend.findData("cuda")
        assert "GPU" in panel.backend.itemData(i, 3)  # Qt.ToolTipRole
    _choose(panel.backend, "reference")
    assert state.backend == "reference"


def test_combination_without_output_keeps_last_maps(window):
    st = window.state
    window.input_panel.random_digit(3, 0)
    good = st.result
    _choose(window.settings_panel.padding, "valid")
    window.settings_panel.pool_h.setValue(10)
    window.settings_panel.pool_w.setValue(10)
    window.settings_panel.stride_h.setValue(10)
    assert st.error  # no output for this combination...
    assert st.result is not None  # ...and the last good maps stay
    assert window.maps_view.banner.isVisible() or window.maps_view.banner.text()
    window.settings_panel.stride_h.setValue(1)
    assert st.error is None and st.result is not good


def test_shared_colour_scale_toggle(window):
    window.settings_panel.shared_scale.setChecked(False)
    assert window.shared_scale is False and window.maps_view.shared_scale() is False
    window.maps_view.shared_check.setChecked(True)
    assert window.shared_scale is True and window.settings_panel.shared_scale.isChecked()


def test_settings_undo(window):
    st = window.state
    window.toggle_padding()
    assert st.settings.padding_mode == "valid"
    window.toggle_pooling()
    assert st.settings.pool == "none"
    window.toggle_relu()
    assert st.settings.activation == "none"
    for _ in range(3):
        window.undo_stack.undo()
    assert (st.settings.padding_mode, st.settings.pool, st.settings.activation) == \
        ("same", "max", "relu")
    assert window.settings_panel.padding.currentData() == "same"
    np.testing.assert_array_equal(st.result.conv.shape, (6, 28, 28))


def test_same_label_tells_the_truth_at_stride_2(panel):
    st = panel.state
    same = panel.padding.findData("same")
    st.set_settings(padding_mode="same", stride=(1, 1))
    assert panel.padding.itemText(same) == "same (output = input size)"
    st.set_settings(stride=(2, 2))
    assert st.result.conv.shape[1:] == (14, 14)
    assert panel.padding.itemText(same) == "same padding (p = 2); stride 2 → 14×14"
