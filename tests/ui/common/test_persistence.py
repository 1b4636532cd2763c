"""The last session comes back in a new window; corrupt settings fall back to defaults."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QSettings, Qt

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


def test_reset_clears_saved_session(new_window):
    win = new_window()
    win.toggle_padding()
    persistence.save(win)
    assert QSettings().value("playground/state")
    win.reset_to_defaults()
    assert QSettings().value("playground/state") is None
    win.save_on_close = False
