"""The last session comes back in a new window; corrupt settings fall back to defaults."""

from __future__ import annotations

import json

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QSettings, Qt

from playground.scene import MAX_KERNEL, MAX_KERNELS, MAX_PADDING, default_scene
from playground.ui.common import persistence


@pytest.fixture
def new_window(make_window):
    return make_window


def test_settings_restored_across_windows(new_window, qtbot):
    win = new_window()
    qtbot.mousePress(win.canvas, Qt.MouseButton.LeftButton, pos=QPoint(40, 40))
    qtbot.mouseMove(win.canvas, QPoint(150, 160))
    qtbot.mouseRelease(win.canvas, Qt.MouseButton.LeftButton, pos=QPoint(150, 160))
    win.kernel_editor.fh.setValue(3)
    win.kernel_editor.model.setData(win.kernel_editor.model.index(0, 0), "9")
    win.toggle_padding()
    win.toggle_pooling()
    win.set_ui_scale(125)
    win.set_shared_scale(False)
    win.resize(611, 477)
    image, kernels = win.state.image.copy(), win.state.kernels.copy()
    ink = win.canvas.array()
    win.close()

    again = new_window()
    st = again.state
    np.testing.assert_allclose(st.image, image)
    np.testing.assert_allclose(st.kernels, kernels)
    assert st.settings.padding_mode == "valid" and st.settings.pool == "none"
    assert again.ui_scale == 125 and again.shared_scale is False
    assert not again.maps_view.shared_scale()
    assert again.size().width() == 611
    np.testing.assert_array_equal(again.canvas.array(), ink)
    again.save_on_close = False
    again.set_ui_scale(100)


def test_corrupt_settings_fall_back_to_defaults(new_window):
    s = QSettings()
    s.setValue("version", 1)
    s.setValue("playground/state", "{not json")
    s.setValue("window/geometry", "garbage")
    s.setValue("view/ui_scale", "huge")
    s.setValue("canvas/png", b"\x00\x01")
    s.sync()
    win = new_window()
    assert win.state.kernels.shape == (6, 1, 5, 5) and not win.state.image.any()
    assert win.ui_scale == 100
    assert "could not be restored" in win.statusBar().currentMessage()


def test_inconsistent_state_is_skipped(new_window):
    s = QSettings()
    s.setValue("version", 1)
    s.setValue("playground/state", '{"image": [[1, 2]], "kernels": [1], "bias": [], '
                                   '"settings": {}}')
    s.sync()
    win = new_window()
    assert win.state.kernels.shape == (6, 1, 5, 5)
    assert "playground kernels" in win.statusBar().currentMessage()


def test_reset_clears_saved_session(new_window):
    win = new_window()
    win.toggle_padding()
    persistence.save(win)
    assert QSettings().value("playground/scene")
    win.reset_to_defaults()
    assert QSettings().value("playground/scene") is None
    win.save_on_close = False


def _saved_scene(**layer) -> dict:
    doc = default_scene().to_json()
    doc["layer"].update(layer)
    return doc


def _five_kernels_of(shape) -> dict:
    doc = default_scene().to_json()
    doc["kernels"] = np.zeros(shape).tolist()
    doc["bias"] = [0.0] * shape[0]
    return doc


@pytest.mark.parametrize(("doc", "field"), [
    (_saved_scene(padding_mode="custom", padding=[5000, 5000]), "layer.padding[0]"),
    (_saved_scene(stride=[0, 1]), "layer.stride[0]"),
    (_saved_scene(stride="fast"), "layer.stride"),
    (_saved_scene(padding_mode="custom", padding=[1.5, 1]), "layer.padding[0]"),
    (_saved_scene(activation="sigmoid"), "layer.activation"),
    (_five_kernels_of((1000, 1, 3, 3)), "kernels: axis 0 has 1000"),
    (_five_kernels_of((2, 1, 50, 50)), "kernels: axis 2 has 50"),
    ({**default_scene().to_json(), "bias": "zero"}, "bias"),
])
def test_corrupt_saved_scene_gives_a_valid_window_and_says_what_was_dropped(
        new_window, doc, field):
    s = QSettings()
    s.setValue("version", persistence.VERSION)
    s.setValue("playground/scene", json.dumps(doc))
    s.setValue("view/ui_scale", 125)
    s.sync()
    win = new_window()
    st = win.state
    assert st.error is None and st.result is not None  # a valid layer, computed
    assert max(st.pads()) <= MAX_PADDING and min(st.settings.stride) >= 1
    assert st.kernels.shape[0] <= MAX_KERNELS and max(st.kernels.shape[2:]) <= MAX_KERNEL
    message = win.statusBar().currentMessage()
    assert "could not be restored" in message and f"playground {field}" in message
    assert win.ui_scale == 125  # the rest of the session still came back
    win.save_on_close = False
    win.set_ui_scale(100)


def test_an_old_session_with_a_huge_padding_is_refused_not_computed(new_window):
    """A version-1 session that hung start-up on 0.x: padding 5000 is dropped before computing."""
    old = {"image": np.zeros((28, 28)).tolist(), "kernels": np.ones((2, 1, 3, 3)).tolist(),
           "bias": [0.0, 0.0], "selected": 1, "backend": "auto",
           "settings": {"padding_mode": "custom", "padding": [5000, 5000], "stride": [1, 1],
                        "activation": "relu", "pool": "max", "pool_size": [2, 2],
                        "pool_stride": [2, 2]}}
    s = QSettings()
    s.setValue("version", 1)
    s.setValue("playground/state", json.dumps(old))
    s.setValue("view/shared_scale", False)
    s.sync()
    win = new_window()
    assert win.state.kernels.shape == (2, 1, 3, 3) and win.state.selected == 1  # kept
    assert win.shared_scale is False and not win.maps_view.shared_scale()
    assert win.state.settings.padding_mode == "same"  # the bad layer went back to the default
    assert "layer.padding[0]: must be 0..20, got 5000" in win.statusBar().currentMessage()
    win.save_on_close = False


def test_scene_view_choices_are_saved(new_window):
    win = new_window()
    win.lower_tabs.setCurrentWidget(win.cost_panel)
    win.state.select_kernel(3)
    win.close()
    again = new_window()
    assert again.lower_tabs.currentWidget() is again.cost_panel
    assert again.state.selected == 3 and again.state.view == "cost"
    again.save_on_close = False


def test_persistence_reads_no_window_attributes(new_window):
    """The window's whole side is session() / restore_session(): a stand-in gets it all."""
    win = new_window()
    win.toggle_padding()
    persistence.save(win)
    win.save_on_close = False

    class StandIn:
        got = None

        def restore_session(self, session):
            self.got = session
            return []

    stand_in = StandIn()
    assert persistence.load(stand_in) == []
    assert stand_in.got.scene == win.state.scene()
    assert stand_in.got.drawing is not None and stand_in.got.tab == 0


def test_a_saved_backend_is_asked_for_again_and_the_command_line_wins(new_window):
    from playground import engine

    win = new_window()
    win.state.set_backend("cpu")
    win.close()
    again = new_window()
    assert again.state.backend == "cpu" and again.backend_session.asked == "cpu"
    assert engine.backend_name() == "reference"  # not warmed yet: nothing compiles at start
    again.close()
    told = new_window(backend="reference")
    assert told.state.backend == "reference" and told.backend_session.asked == "reference"
    told.save_on_close = False


def test_a_saved_backend_that_cannot_run_here_falls_back_to_auto(new_window):
    from playground import engine

    if "cuda" in engine.available_backends():
        pytest.skip("this machine can run the CUDA backend")
    win = new_window()
    win.close()
    s = QSettings()
    snap = json.loads(s.value("playground/scene"))
    snap["backend"] = "cuda"
    s.setValue("playground/scene", json.dumps(snap))
    s.sync()
    again = new_window()
    assert again.state.backend == "auto" and again.backend_session.asked == "auto"
    assert "cuda cannot run here" in again.statusBar().currentMessage()
    again.save_on_close = False
