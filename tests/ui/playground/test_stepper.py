"""Step-through widgets: the 2-D sliding window and the 1-D lecture example; no stray timers."""

from __future__ import annotations

import numpy as np
import pytest
import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent, QRectF

from playground import engine
from playground.ui.common.formatting import fmt
from playground.ui.playground.conv1d_stepper import Conv1DStepper, parse_vector
from playground.ui.playground.stepper import StepThroughWidget


@pytest.fixture
def stepper(qtbot, state):
    rng = np.random.default_rng(1)
    state.set_image(rng.uniform(0, 1, (28, 28)).astype(np.float32))
    state.set_settings(padding_mode="custom", padding=(2, 2), stride=(2, 2))
    w = StepThroughWidget(state)
    qtbot.addWidget(w)
    w.resize(900, 500)
    w.show()
    qtbot.waitExposed(w)
    return w


def test_1d_lecture_example_step_by_step(qtbot):
    w = Conv1DStepper()
    qtbot.addWidget(w)
    assert w.outputs() == [5, 8, 11, 14, 17]
    assert "(1*1) + (2*2) = <b>5</b>" in w.products.text()
    w.controls.step_forward()
    assert "(2*1) + (3*2) = <b>8</b>" in w.products.text()
    for _ in range(10):
        w.controls.step_forward()
    assert w.controls.step() == 4
    assert w.shown_outputs() == [5, 8, 11, 14, 17]
    assert "[5, 8, 11, 14, 17]" in w.products.text()
    w.controls.step_back()
    assert w.shown_outputs() == [5, 8, 11, 14]


def test_1d_plays_to_the_end_and_stops(qtbot):
    w = Conv1DStepper()
    qtbot.addWidget(w)
    w.show()
    w.controls.speed_slider.setValue(30)
    w.controls.play()
    assert w.controls.is_playing()
    qtbot.waitUntil(lambda: w.controls.step() == 4 and not w.controls.is_playing(), timeout=3000)
    assert w.shown_outputs() == [5, 8, 11, 14, 17]


def test_1d_edits_and_invalid_text_keep_previous(qtbot):
    w = Conv1DStepper()
    qtbot.addWidget(w)
    w.set_inputs("1, 0, -1, 2", "0.5, 1, 2")
    expected = engine.conv1d(np.array([1, 0, -1, 2], np.float32), np.array([0.5, 1, 2], np.float32))
    assert w.outputs() == pytest.approx(expected.tolist())
    assert w.message.isHidden()
    w.kernel_edit.setText("1, x")
    assert "'x' is not a number" in w.message.text() and not w.message.isHidden()
    assert w.outputs() == pytest.approx(expected.tolist())
    w.kernel_edit.setText("1, 2, 3, 4, 5")
    assert "longer than the vector" in w.message.text()
    with pytest.raises(ValueError):
        parse_vector("")


def test_2d_window_output_and_formula_follow_the_step(stepper, state):
    conv = state.result.conv[state.selected]
    ho, wo = conv.shape
    assert stepper.controls.count() == ho * wo == 14 * 14
    step = 3 * wo + 5
    stepper.controls.set_step(step)
    i, j = stepper.cell()
    assert (i, j) == (3, 5)
    assert stepper.window_rect_padded() == QRectF(j * 2, i * 2, 5, 5)
    shown = stepper.output_item.image
    assert np.isfinite(shown).sum() == step + 1
    np.testing.assert_array_equal(shown.ravel()[: step + 1], conv.ravel()[: step + 1])
    direct = engine.conv2d(state.image, state.kernels, state.bias, 2, 2)[state.selected, i, j]
    assert f"<b>{fmt(direct)}</b>" in stepper.formula_text()
    padded = np.pad(state.image, 2)
    np.testing.assert_array_equal(stepper.input_item.image, padded)


def test_2d_follows_selected_kernel_and_errors(stepper, state):
    state.select_kernel(3)
    tiles = stepper.kernel_item.image
    np.testing.assert_array_equal(tiles, state.kernels[3, 0])
    state.set_settings(padding_mode="valid")
    state.resize_kernels(11, 11)
    state.set_image(np.ones((6, 6), np.float32))
    assert not stepper.message.isHidden()
    assert not stepper.controls.play_button.isEnabled()


def test_no_timer_outlives_hide_close_or_delete(stepper, qtbot):
    one_d = Conv1DStepper()
    qtbot.addWidget(one_d)
    one_d.show()
    timers = [stepper.controls.timer, one_d.controls.timer]
    stepper.controls.play()
    one_d.controls.play()
    assert all(t.isActive() for t in timers)
    stepper.hide()
    assert not stepper.controls.timer.isActive()
    stepper.show()
    stepper.controls.play()
    stepper.close()
    one_d.close()
    assert not any(t.isActive() for t in timers)


def test_timers_die_with_their_widgets(state):
    widgets = [StepThroughWidget(state), Conv1DStepper()]
    timers = [w.controls.timer for w in widgets]
    for w in widgets:
        w.controls.play()  # started while never shown: deleting the widget must still end it
        w.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert not any(shiboken6.isValid(t) for t in timers)
    state.set_settings(stride=(2, 2))  # the deleted step-through no longer listens
