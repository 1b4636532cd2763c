"""PlaygroundState: setters validate before changing; bad combinations keep the last maps."""

from __future__ import annotations

import numpy as np
import pytest

from playground import engine
from playground.data.kernels import preset
from playground.scene import LayerSettings, SceneError
from playground.ui.playground.state import Change, PlaygroundState


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
    assert seen == [Change.SETTINGS, Change.KERNELS]
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
    state.set_settings(stride=(10, 10), pool_size=(10, 10), pool_stride=(1, 1))  # 2x2 map
    assert state.error and "larger than the feature map" in state.error
    assert state.result is good
    state.set_settings(stride=(1, 1), pool_size=(2, 2), pool_stride=(2, 2))
    assert state.error is None


def test_impossible_settings_are_rejected_unchanged(state):
    before = state.settings
    with pytest.raises(ValueError):
        state.set_settings(stride=(0, 1))
    with pytest.raises(ValueError):
        state.set_settings(pool="median")
    with pytest.raises(ValueError, match=r"layer\.padding"):
        state.set_settings(padding_mode="custom", padding=(5000, 5000))
    with pytest.raises(ValueError, match=r"layer\.stride"):
        state.set_settings(stride=(1.5, 1))
    with pytest.raises(ValueError, match="unknown layer setting"):
        state.set_settings(groups=2)
    with pytest.raises(ValueError, match=r"layer\.dilation"):
        state.set_settings(dilation=(2, 2))  # one dilation for both axes, 1..4
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


def test_scene_round_trip_in_one_step(state):
    state.set_settings(stride=(2, 1), pool="avg")
    state.set_kernel_count(3)
    state.select_kernel(2)
    scene = state.scene()
    other = PlaygroundState()
    seen, recomputes = [], []
    other.changed.connect(seen.append)
    original = other.recompute
    other.recompute = lambda: (recomputes.append(1), original())
    assert other.apply(scene) == Change.IMAGE | Change.KERNELS | Change.SELECTED | Change.SETTINGS
    assert seen == [Change.IMAGE | Change.KERNELS | Change.SELECTED | Change.SETTINGS]
    assert len(recomputes) == 1
    assert other.scene() == scene
    np.testing.assert_allclose(other.result.conv, state.result.conv)
    assert other.apply(scene) == Change(0) and len(seen) == 1 and len(recomputes) == 1
    before = scene.kernels.copy()
    other.set_kernel_cell(0, 0, 0, 0, float(before[0, 0, 0, 0]) + 1.0)  # edits work on copies
    np.testing.assert_array_equal(scene.kernels, before)


def test_selection_and_view_changes_do_not_recompute(state):
    recomputes = []
    original = state.recompute
    state.recompute = lambda: (recomputes.append(1), original())
    state.apply(state.scene().replace(selected=3, view="cost", shared_scale=False))
    assert recomputes == [] and state.view == "cost" and not state.shared_scale
    state.apply(state.scene().replace(view="step-2d"), view=False)
    assert state.view == "cost"  # undo keeps the display choices


def test_apply_refuses_what_is_not_a_scene(state):
    with pytest.raises(SceneError):
        state.apply({"image": [[1.0]]})
    assert state.settings == LayerSettings()


def test_a_new_drawing_is_only_an_image_change(state):
    seen = []
    state.changed.connect(seen.append)
    state.set_image(np.ones((28, 28), np.float32), kind="digit")
    state.set_image(np.ones((3, 28, 28), np.float32), kind="rgb")
    assert seen == [Change.IMAGE, Change.IMAGE | Change.KERNELS]
    assert state.scene().input_kind == "rgb"


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
