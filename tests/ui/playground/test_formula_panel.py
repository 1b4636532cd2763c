"""FormulaPanel: the output-size formulas with the current numbers, floors and dropped rows."""

from __future__ import annotations

import pytest

from playground.engine import shapes
from playground.ui.playground.formula_panel import FormulaPanel
from playground.ui.playground.state import PlaygroundState


@pytest.fixture
def panel(qtbot, state):
    p = FormulaPanel(state)
    qtbot.addWidget(p)
    return p


def test_default_same_padding(panel):
    text = panel.plain_text()
    assert "H' = (28 + 2·2 − 5) / 1 + 1 = 27 / 1 + 1 = 28" in text
    assert "conv 6 × 28 × 28" in text and "pooled 6 × 14 × 14" in text
    assert "dropped" not in text


def test_stride_that_does_not_divide_shows_floor_and_dropped_rows(panel, state):
    state.set_settings(padding_mode="custom", padding=(2, 2), stride=(2, 2))  # n=28 f=5 p=2 s=2
    text = panel.plain_text()
    assert shapes.output_size(28, 5, 2, 2) == 14 and shapes.dropped(28, 5, 2, 2) == 1
    assert "H' = (28 + 2·2 − 5) / 2 + 1 = ⌊27 / 2⌋ + 1 = ⌊13.5⌋ + 1 = 14" in text
    assert "the last 1 row of the padded input (padded row 32, zero padding)" in text
    assert "the last 1 column of the padded input (padded column 32, zero padding)" in text
    assert "dropped" in text
    assert panel.rows_strip._axis == (28, 5, 2, 2, 2, 1)


def test_dropped_input_rows_are_named(panel, state):
    state.set_settings(padding_mode="valid", stride=(3, 1))  # (28 - 5) = 23 = 7*3 + 2
    text = panel.plain_text()
    assert shapes.dropped(28, 5, 0, 3) == 2
    assert "the last 2 rows of the padded input (input row 27; input row 28) are" in text
    assert f"W' = (28 + 2·0 − 5) / 1 + 1 = 23 / 1 + 1 = {shapes.output_size(28, 5, 0, 1)}" in text


def test_uneven_same_padding_is_written_as_before_plus_after(panel, state):
    state.resize_kernels(4, 4)
    assert state.pads() == (1, 2, 1, 2)
    assert "H' = (28 + (1 + 2) − 4) / 1 + 1" in panel.plain_text()


def test_pooling_formula_is_the_right_one(panel, state):
    state.set_settings(pool_size=(3, 3), pool_stride=(2, 2))
    text = panel.plain_text()
    assert "⌊( H − K ) / s ⌋ + 1" in text
    assert "(H − K)/(s + 1)" in text  # the lecture's misprint, named as such
    hp = shapes.pool_output_size(28, 3, 2)
    assert f"H p = (28 − 3) / 2 + 1 = ⌊25 / 2⌋ + 1 = {hp}" in text
    assert "row 28) is not pooled" in text


def test_no_output_is_explained(panel, state):
    state.set_settings(padding_mode="valid")
    state.resize_kernels(11, 11)
    state.set_image(state.image[:6, :6])
    text = panel.plain_text()
    assert "is larger than the padded input (6)" in text
    assert "No output:" in text


def test_follows_state_until_deleted(qtbot):
    st = PlaygroundState()
    p = FormulaPanel(st)
    st.set_settings(stride=(2, 2))
    assert "⌊" in p.plain_text()
    p.deleteLater()
    qtbot.wait(10)
    from PySide6.QtCore import QCoreApplication, QEvent

    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    st.set_settings(stride=(1, 1))  # must not reach the deleted panel


def test_same_padding_writes_p_equals_f_minus_1_over_2(panel, state):
    state.set_settings(padding_mode="same")
    panel.refresh()
    text = panel.plain_text()
    assert "same padding: p = ( f −1)/2 = (5−1)/2 = 2" in text, text
    state.set_settings(padding_mode="valid")
    panel.refresh()
    assert "(f−1)/2" not in panel.plain_text()
