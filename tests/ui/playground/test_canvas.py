"""Drawing: mouse, pen and touch strokes reach the 28x28 input and the feature maps."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QEventPoint, QPointingDevice, QTabletEvent, QTouchEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from playground import engine
from playground.data.images import to_mnist_style


def _stroke(qtbot, canvas, points, button=Qt.MouseButton.LeftButton):
    qtbot.mousePress(canvas, button, pos=QPoint(*points[0]))
    for p in points[1:]:
        qtbot.mouseMove(canvas, QPoint(*p))
    qtbot.mouseRelease(canvas, button, pos=QPoint(*points[-1]))


def _expected_maps(state):
    s = state.settings
    return engine.feature_maps(state.image, state.kernels, state.bias, s.stride, s.padding_spec(),
                               s.activation, s.pool, s.pool_size, s.pool_stride)


def test_mouse_stroke_updates_input_and_maps(window, qtbot):
    canvas, state = window.canvas, window.state
    assert not state.image.any()
    side = min(canvas.width(), canvas.height())
    _stroke(qtbot, canvas, [(side // 3, side // 4), (side // 2, side // 2),
                            (side // 2, 3 * side // 4)])
    assert state.image.shape == (28, 28) and state.image.any()
    np.testing.assert_allclose(state.image, to_mnist_style(canvas.array()), atol=1e-6)
    want = _expected_maps(state)
    np.testing.assert_allclose(state.result.conv, want.conv, atol=1e-4)
    np.testing.assert_allclose(state.result.pooled, want.pooled, atol=1e-4)
    shown = window.maps_view.image_item("conv", 0).image
    assert shown is not None and np.abs(np.asarray(shown)).sum() > 0
    assert window.undo_stack.count() == 1 and window.undo_stack.undoText() == "Draw stroke"


def test_moves_are_coalesced_latest_wins(window, qtbot):
    canvas = window.canvas
    canvas.begin_stroke(QPointF(40, 40))
    before = canvas.push_count
    for i in range(40):
        canvas.continue_stroke(QPointF(40 + i * 4, 40 + i * 3))
    assert canvas.push_count == before  # nothing converted yet: one pending request
    QApplication.processEvents()
    assert canvas.push_count == before + 1  # ...and only the newest buffer was converted
    np.testing.assert_allclose(window.state.image, to_mnist_style(canvas.array()), atol=1e-6)
    canvas.end_stroke()


def test_eraser_clear_undo_redo(window, qtbot):
    canvas, state = window.canvas, window.state
    _stroke(qtbot, canvas, [(60, 60), (200, 200)])
    ink = canvas.array().sum()
    drawn = state.image.copy()
    window.eraser.setChecked(True)
    _stroke(qtbot, canvas, [(60, 60), (130, 130)])
    assert canvas.array().sum() < ink
    window.eraser.setChecked(False)
    window.clear_canvas()
    assert not canvas.array().any() and not state.image.any()
    assert window.undo_stack.count() == 3
    window.undo_stack.undo()  # clear
    window.undo_stack.undo()  # erase stroke
    np.testing.assert_array_equal(state.image, drawn)
    assert canvas.array().sum() == ink
    window.undo_stack.redo()
    window.undo_stack.redo()
    assert not state.image.any()


def test_right_button_erases(window, qtbot):
    canvas = window.canvas
    _stroke(qtbot, canvas, [(60, 60), (200, 200)])
    ink = canvas.array().sum()
    _stroke(qtbot, canvas, [(60, 60), (200, 200)], Qt.MouseButton.RightButton)
    assert canvas.array().sum() < ink / 4


def test_brush_size_changes_ink(window, qtbot):
    window.brush.setValue(8)
    _stroke(qtbot, window.canvas, [(50, 50), (150, 150)])
    thin = window.canvas.array().sum()
    window.clear_canvas()
    window.brush.setValue(40)
    _stroke(qtbot, window.canvas, [(50, 50), (150, 150)])
    assert window.canvas.array().sum() > 2 * thin


def test_pen_strokes(window):
    canvas = window.canvas
    device = QPointingDevice.primaryPointingDevice()

    def send(kind, x, y):
        ev = QTabletEvent(kind, device, QPointF(x, y), QPointF(x, y), 0.8, 0.0, 0.0, 0.0, 0.0,
                          0.0, Qt.KeyboardModifier.NoModifier, Qt.MouseButton.LeftButton,
                          Qt.MouseButton.LeftButton)
        QApplication.sendEvent(canvas, ev)

    send(QTabletEvent.Type.TabletPress, 50, 50)
    send(QTabletEvent.Type.TabletMove, 120, 160)
    send(QTabletEvent.Type.TabletRelease, 120, 160)
    assert canvas.array().any() and window.state.image.any()


def test_touch_strokes(window):
    canvas = window.canvas
    device = QTest.createTouchDevice()

    def send(kind, state, x, y):
        point = QEventPoint(1, state, QPointF(x, y), QPointF(x, y))
        ev = QTouchEvent(kind, device, Qt.KeyboardModifier.NoModifier, [point])
        QApplication.sendEvent(canvas, ev)

    send(QEvent.Type.TouchBegin, QEventPoint.State.Pressed, 40, 40)
    send(QEvent.Type.TouchUpdate, QEventPoint.State.Updated, 150, 120)
    send(QEvent.Type.TouchEnd, QEventPoint.State.Released, 150, 120)
    assert canvas.array().any() and window.state.image.any()


@pytest.mark.parametrize("value", [np.zeros((28, 28)), np.eye(28) * 255])
def test_show_array_does_not_touch_state(window, value):
    before = window.state.image.copy()
    window.canvas.show_array(value)
    np.testing.assert_array_equal(window.state.image, before)
    assert window.canvas.array().any() == bool(value.any())
