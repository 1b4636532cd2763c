"""The symbolic view: the lecture's c_ij with symbols and numbers, following the step-through."""

from __future__ import annotations

import time

import numpy as np
import pytest

from playground.lessons import lecture
from playground.ui.playground.symbolic_view import WINDOW_BG, SymbolicView

A = np.arange(1, 10, dtype=np.float32).reshape(3, 3)


@pytest.fixture
def matrix_state(state):
    state.set_image(A, "matrix")
    state.set_kernels(np.ones((1, 1, 2, 2), np.float32))
    state.set_settings(padding_mode="valid", activation="none", pool="none")
    return state


@pytest.fixture
def view(qtbot, matrix_state):
    v = SymbolicView(matrix_state)
    qtbot.addWidget(v)
    v.resize(900, 300)
    v.show()
    qtbot.waitExposed(v)
    return v


def test_the_lecture_example_cell_by_cell(view, matrix_state):
    assert view.text() == ("c_11 = a_11·w_11 + a_12·w_12 + a_21·w_21 + a_22·w_22\n"
                           "c_11 = 1·1 + 2·1 + 4·1 + 5·1 = 12")
    results = []
    for step in range(4):
        view.set_step(step)
        results.append(view.text().rsplit("= ", 1)[1])
        i, j = view.cell()
        assert (view.row.value(), view.col.value()) == (i + 1, j + 1)
    assert results == ["12", "16", "24", "28"]
    assert np.ravel(matrix_state.result.conv[0]).tolist() == [12, 16, 24, 28]
    view.set_step(99)  # clamped to the last cell
    assert view.cell() == (1, 1)
    view.row.setValue(1)
    assert view.cell() == (0, 1) and view.text().endswith("= 16")
    assert "<sub>12</sub>" in view.html()  # rich text with subscripts
    # the lecture's picture: A and W as symbols, the window's four cells shaded
    assert view.html().count(WINDOW_BG) == 4 and "<i>w</i><sub>22</sub>" in view.html()


def test_padding_stride_and_activation(view, matrix_state):
    matrix_state.set_kernels(np.ones((1, 1, 3, 3), np.float32))
    matrix_state.set_settings(padding_mode="same", activation="relu")
    view.set_step(0)
    assert view.text().startswith("c_11 = 0·w_11 + 0·w_12 + 0·w_13 + 0·w_21 + a_11·w_22")
    assert view.text().endswith("= 12")
    assert "5 of the 9 taps lie on the zero padding" in view.plain_text()
    assert "ReLU: max(0, 12) = 12" in view.plain_text()
    matrix_state.set_settings(stride=(2, 2))
    assert view.row.maximum() == 2 and view.col.maximum() == 2
    view.set_step(3)
    assert view.text().splitlines()[0] == (
        "c_22 = a_22·w_11 + a_23·w_12 + 0·w_13 + a_32·w_21 + a_33·w_22 + 0·w_23 + 0·w_31 + "
        "0·w_32 + 0·w_33")
    assert view.text().endswith(f"= {int(matrix_state.result.conv[0, 1, 1])}")


def test_no_output_says_so(view, matrix_state):
    matrix_state.set_kernels(np.ones((1, 1, 5, 5), np.float32))  # 5x5 on 3x3, valid
    assert view.text() == "" and "No output" in view.plain_text()


def test_hidden_answers_show_a_question_mark_and_reveal(view, matrix_state):
    matrix_state.set_view(hide_answers=True)
    assert view.text().endswith("= ?") and "12" not in view.text().splitlines()[1][-4:]
    assert view.reveal_button.isVisible()
    view.reveal_button.click()
    assert not matrix_state.hide_answers and view.text().endswith("= 12")
    assert not view.reveal_button.isVisible()


def test_a_28x28_digit_with_a_5x5_kernel_writes_one_cell_fast(view, matrix_state):
    rng = np.random.default_rng(1)
    matrix_state.set_image(rng.random((28, 28)).astype(np.float32), "digit")
    matrix_state.set_kernels(lecture.lecture_kernels())
    matrix_state.set_settings(padding_mode="same")
    t0 = time.perf_counter()
    view.set_step(28 * 28 - 1)
    elapsed = time.perf_counter() - t0
    assert view.cell() == (27, 27)
    first = view.text().splitlines()[0]
    assert first.startswith("c_28,28 = a_26,26·w_11") and first.count("·") == 25
    assert elapsed < 0.2  # one window, not the whole map
    assert WINDOW_BG not in view.html()  # too big to draw as a matrix of symbols


def test_it_follows_the_step_through_both_ways(window, qtbot):
    window.input_panel.load_matrix_a()
    window.lower_tabs.setCurrentWidget(window.symbolic_view)
    assert window.state.view == "symbolic"
    controls = window.stepper.controls
    controls.set_step(2)
    assert window.symbolic_view.cell() == (1, 0)
    assert window.symbolic_view.text().endswith("= 24")
    window.symbolic_view.next_button.click()
    assert controls.step() == 3 and window.symbolic_view.text().endswith("= 28")


def test_the_lessons_symbol_by_symbol_scene_walks_the_four_cells(window):
    from playground.lessons.schema import bundled_lessons

    lesson = bundled_lessons()["lecture"]
    index = next(i for i, s in enumerate(lesson.scenes) if s.view == "symbolic")
    window.lessons.start_lesson(lesson, index)
    view = window.symbolic_view
    assert window.lower_tabs.currentWidget() is view
    seen = [view.text().splitlines()[1]]
    for _ in range(3):
        window.lessons.driver.advance()  # the clicker: the next window position
        seen.append(view.text().splitlines()[1])
    assert seen == ["c_11 = 1·1 + 2·1 + 4·1 + 5·1 = 12", "c_12 = 2·1 + 3·1 + 5·1 + 6·1 = 16",
                    "c_21 = 4·1 + 5·1 + 7·1 + 8·1 = 24", "c_22 = 5·1 + 6·1 + 8·1 + 9·1 = 28"]
