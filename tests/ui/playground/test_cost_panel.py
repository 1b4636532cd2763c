"""CostPanel: the live layer's parameters and multiply-adds, and the lecture's figures."""

from __future__ import annotations

import numpy as np
import pytest

from playground.engine import shapes
from playground.ui.playground.cost_panel import EXAMPLES, CostPanel


@pytest.fixture
def panel(qtbot, state):
    p = CostPanel(state)
    qtbot.addWidget(p)
    return p


def test_live_layer_counts(panel, state):
    text = panel.plain_text()
    # 6 lecture kernels 5x5 on 28x28 grayscale, same padding, stride 1
    assert f"= {shapes.conv_params(6, 1, 5, 5):,} parameters" in text  # 156
    assert f"= {shapes.conv_macs(6, 1, 5, 5, 28, 28):,}" in text  # 117,600
    assert f"{shapes.dense_params(784, 6 * 28 * 28):,} parameters" in text
    state.set_settings(stride=(2, 2))
    assert f"= {shapes.conv_macs(6, 1, 5, 5, 14, 14):,}" in panel.plain_text()


def test_lecture_ten_filters_example(panel, state):
    before = state.scene()
    panel.set_example("ten_filters")
    text = panel.plain_text()
    assert "750 weights + 10 biases = 760 parameters" in text
    assert "= 768,000" in text
    assert "10 × 32 × 32" in text
    assert state.scene() == before  # display only: the user's layer is untouched


def test_lecture_unit_vs_filter_example(panel, state):
    panel.combo.setCurrentIndex(panel.combo.findData("unit_vs_filter"))
    text = panel.plain_text()
    assert "needs 2,352 weights" in text
    assert "filter needs 75" in text
    assert panel.example() == "unit_vs_filter"
    state.set_settings(stride=(3, 3))  # live changes don't replace the example on show
    assert "2,352" in panel.plain_text()
    panel.set_example(None)
    assert "Your layer" in panel.plain_text()


def test_rgb_input_counts_depth(panel, state):
    state.set_image(np.zeros((3, 28, 28), np.float32))
    text = panel.plain_text()
    assert "6 × 3 × 5 × 5 = 450 weights" in text
    assert "needs 2,352 weights" in text and "filter needs 75" in text


def test_no_output_has_no_multiply_adds(panel, state):
    state.set_settings(padding_mode="valid")
    state.resize_kernels(11, 11)
    state.set_image(np.zeros((6, 6), np.float32))
    assert "the layer has no output" in panel.plain_text()


def test_unknown_example_is_refused(panel):
    with pytest.raises(ValueError, match="unknown example"):
        panel.set_example("nope")
    assert set(EXAMPLES) == {"unit_vs_filter", "ten_filters"}
