"""PlaygroundState: setters validate before changing; bad combinations keep the last maps."""

from __future__ import annotations

import numpy as np
import pytest

from playground import engine
from playground.data.kernels import preset
from playground.ui.playground.state import PlaygroundState


@pytest.fixture
def state():
    rng = np.random.default_rng(0)
    return PlaygroundState(image=rng.random((28, 28)).astype(np.float32))


def test_default_result_matches_engine(state):
    s = state.settings
    expected = engine.feature_maps(state.image, state.kernels, state.bias, s.stride, "same",
                                   "relu", "max", 2, 2, backend="reference")
    assert state.error is None
    np.testing.assert_allclose(state.result.conv, expected.conv, rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(state.result.pooled, expected.pooled, rtol=1e-4, atol=1e-4)
    assert state.result.pooled.shape == (6, 14, 14)


def test_changes_are_announced(state):
    seen = []
    state.changed.connect(seen.append)
    state.set_settings(padding_mode="valid")
    state.set_kernel_cell(0, 0, 2, 2, 1.0)
    assert seen == ["settings", "kernels"]
    assert state.result.conv.shape == (6, 24, 24)


def test_invalid_cell_keeps_previous_value(state):
    before = state.kernels.copy()
    for bad in (float("nan"), float("inf")):
        with pytest.raises(ValueError):
            state.set_kernel_cell(0, 0, 0, 0, bad)
    with pytest.raises(ValueError):
        state.set_kernel_cell(0, 0, 0, 0, "abc")
    np.testing.assert_array_equal(state.kernels, before)


def test_no_output_keeps_last_good_maps(state):
    good = state.result
    state.set_settings(padding_mode="valid")
    state.resize_kernels(11, 11)
    good = state.result
    state.set_settings(pool_size=(30, 30), pool_stride=(1, 1))
    assert state.error and "larger than the feature map" in state.error
    assert state.result is good
    state.set_settings(pool_size=(2, 2), pool_stride=(2, 2))
    assert state.error is None


def test_impossible_settings_are_rejected_unchanged(state):
    before = state.settings
    with pytest.raises(ValueError):
        state.set_settings(stride=(0, 1))
    with pytest.raises(ValueError):
        state.set_settings(pool="median")
    assert state.settings == before


def test_rgb_input_gives_three_channel_filters(state):
    rgb = np.random.default_rng(1).random((3, 20, 20)).astype(np.float32)
    state.set_image(rgb)
    assert state.kernels.shape[1] == 3
    assert state.result.conv.shape == (6, 20, 20)
    state.set_image(np.zeros((28, 28), np.float32))
    assert state.kernels.shape[1] == 1


def test_prong_filter_and_even_kernel_same_padding(state):
    state.set_kernel(0, preset("prong"))
    assert state.kernels[0, 0, 2, 2] == 16
    state.resize_kernels(4, 2)
    assert state.pads() == (1, 2, 0, 1)
    assert state.result.conv.shape == (6, 28, 28)


def test_snapshot_round_trip_and_malformed(state):
    state.set_settings(stride=(2, 1), pool="avg")
    snap = state.snapshot()
    other = PlaygroundState()
    other.restore(snap)
    assert other.settings == state.settings
    np.testing.assert_array_equal(other.kernels, state.kernels)
    np.testing.assert_array_equal(other.image, state.image)
    with pytest.raises(ValueError):
        other.restore({"image": [[1.0]]})
    assert other.settings == state.settings


def test_kernel_count_bounds(state):
    state.set_kernel_count(2)
    assert state.kernels.shape[0] == 2 and state.bias.shape == (2,)
    state.set_kernel_count(8)
    assert state.result.conv.shape[0] == 8
    with pytest.raises(ValueError):
        state.set_kernel_count(0)


def test_auto_keeps_the_small_preview_on_the_cpu(state, monkeypatch):
    monkeypatch.setattr(engine, "backend_name", lambda: "cuda")
    assert state.preview_backend() == "cpu"
    monkeypatch.setattr(engine, "backend_name", lambda: "reference")
    assert state.preview_backend() == "reference"
    state.backend = "cuda"  # asked for explicitly: the preview goes where the engine computes
    monkeypatch.setattr(engine, "backend_name", lambda: "cuda")
    assert state.preview_backend() == "cuda"
    monkeypatch.setattr(engine, "backend_name", lambda: "reference")  # not ready yet
    assert state.preview_backend() == "reference"
