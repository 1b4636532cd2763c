"""Model holder and prediction view: predictions follow the drawing; views share a holder."""

from __future__ import annotations

import numpy as np
import pytest

from playground import nn
from playground.data import load_bundled
from playground.ui.network.model_holder import ModelHolder, digit_input
from playground.ui.playground.prediction_view import PredictionView, ProbabilityBars


@pytest.fixture(scope="module")
def a_three():
    d = load_bundled()
    return d.images[d.labels == 3][0].astype(np.float32) / 255.0


@pytest.fixture
def holder(state):
    h = ModelHolder(state, pretrained="fcnn")
    yield h
    h.deleteLater()


def test_prediction_updates_after_an_image_change(qtbot, state, holder, a_three):
    view = PredictionView(holder)
    qtbot.addWidget(view)
    blank = view.probabilities.copy()
    assert view.blank and "draw a digit" in view.headline()
    with qtbot.waitSignal(holder.prediction, timeout=2000) as got:
        state.set_image(a_three)
    probs = got.args[0]
    assert probs.shape == (10,) and probs.dtype == np.float32
    assert probs.sum() == pytest.approx(1.0, abs=1e-4)
    np.testing.assert_allclose(view.probabilities, probs)
    assert not np.allclose(view.probabilities, blank)
    assert not view.blank and f"{int(np.argmax(probs))}" in view.headline()
    np.testing.assert_allclose(probs, holder.model.predict_proba(a_three), atol=1e-6)


def test_bursts_of_changes_give_one_prediction(qtbot, state, holder, a_three):
    got = []
    holder.prediction.connect(got.append)
    for shift in range(5):
        state.set_image(np.roll(a_three, shift, axis=1))
    qtbot.waitUntil(lambda: len(got) >= 1, timeout=2000)
    qtbot.wait(20)
    assert len(got) == 1  # latest request wins
    np.testing.assert_allclose(got[0], holder.model.predict_proba(np.roll(a_three, 4, axis=1)),
                               atol=1e-6)


def test_two_views_share_one_holder(qtbot, state, holder, a_three):
    small, large = PredictionView(holder), PredictionView(holder)
    qtbot.addWidget(small)
    qtbot.addWidget(large)
    with qtbot.waitSignal(holder.prediction, timeout=2000):
        state.set_image(a_three)
    np.testing.assert_allclose(small.probabilities, large.probabilities)
    small.resize(200, 110)
    small.show()
    assert not small.grab().isNull()


def test_signals_carry_copies(qtbot, state, holder, a_three):
    with qtbot.waitSignal(holder.prediction, timeout=2000) as got:
        state.set_image(a_three)
    got.args[0][:] = 0
    assert holder.probabilities.sum() == pytest.approx(1.0, abs=1e-4)


def test_probability_bars_paint_and_highlight(qtbot):
    bars = ProbabilityBars(title="Net:")
    qtbot.addWidget(bars)
    p = np.zeros(10, np.float32)
    p[7] = 0.9
    p[1] = 0.1
    bars.set_probabilities(p)
    bars.resize(300, 150)
    bars.show()
    assert bars.top == 7 and bars.headline() == "Net:  7  (90%)"
    assert not bars.grab().isNull()


def test_a_model_change_repredicts(qtbot, state, holder, a_three):
    state.set_image(a_three)
    other = nn.build_model("fcnn", seed=5)
    with qtbot.waitSignals([holder.model_changed, holder.prediction], timeout=2000):
        holder.set_model(other, "test")
    np.testing.assert_allclose(holder.probabilities, other.predict_proba(a_three), atol=1e-6)


def test_digit_input_averages_rgb_and_shrinks_large_drawings():
    rgb = np.zeros((3, 28, 28), np.float32)
    rgb[:, 10:18, 12:16] = 1.0
    assert digit_input(rgb).shape == (28, 28)
    big = np.zeros((56, 56), np.float32)
    big[10:40, 25:30] = 1.0
    assert digit_input(big).shape == (28, 28)


def test_a_matrix_or_vector_is_not_read_as_a_digit(qtbot, state, holder, a_three):
    view = PredictionView(holder)
    qtbot.addWidget(view)
    with qtbot.waitSignal(holder.prediction, timeout=2000):
        state.set_image(np.arange(1, 10, dtype=np.float32).reshape(3, 3), "matrix")
    assert view.headline() == "The network reads 28×28 drawings; the input is a 3×3 matrix."
    assert "says" not in view.headline() and "%" not in view.headline()
    view.resize(220, 120)
    view.show()
    assert not view.grab().isNull()  # the line is painted in place of the bars
    with qtbot.waitSignal(holder.prediction, timeout=2000):
        state.set_image(np.arange(1, 7, dtype=np.float32)[None], "vector")
    assert view.headline().endswith("the input is a 1×6 vector.")
    with qtbot.waitSignal(holder.prediction, timeout=2000):
        state.set_image(a_three, "digit")  # a digit again: a prediction again
    assert not view.refusal and view.headline().endswith(f"({view.probabilities.max():.0%})")


@pytest.mark.parametrize(("shape", "kind", "readable"), [
    ((28, 28), "drawing", True), ((28, 28), "digit", True), ((28, 28), "image", True),
    ((3, 32, 24), "rgb", True), ((4, 4), "drawing", False), ((3, 3), "matrix", False),
    ((28, 28), "matrix", False), ((1, 6), "vector", False), ((3, 5, 5), "rgb", False)])
def test_what_the_network_can_read(shape, kind, readable):
    from playground.ui.playground.prediction_view import unreadable

    reason = unreadable(np.zeros(shape, np.float32), kind)
    assert (reason == "") is readable
    if not readable:
        assert reason.startswith("The network reads 28×28 drawings; the input is")


def test_the_window_says_it_cannot_read_the_lessons_matrix(window, qtbot):
    from playground.lessons.schema import bundled_lessons

    with qtbot.waitSignal(window.holder.prediction, timeout=3000):
        window.lessons.start_lesson(bundled_lessons()["lecture"], 9)  # A (3x3) ⊛ W (2x2)
    assert window.state.input_kind == "matrix"
    assert window.prediction_view.headline() == ("The network reads 28×28 drawings; the input "
                                                 "is a 3×3 matrix.")
