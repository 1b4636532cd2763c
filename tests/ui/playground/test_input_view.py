"""The input column's top shows what the input is: canvas, matrix editor or picture."""

from __future__ import annotations

import numpy as np
from PIL import Image
from PySide6.QtCore import QPoint, QPointF

from playground.data.digits import load_bundled
from playground.lessons import schema
from playground.scene import Scene
from playground.ui.playground.canvas import DrawingCanvas

MATRIX_SCENE = 10
"""The lecture lesson's "A (3x3) ⊛ W (2x2), symbol by symbol" scene (1-based)."""


def _draw(window) -> np.ndarray:
    """A stroke on the canvas (one undo step, as the window records it); the drawing."""
    c = window.canvas
    c.stroke_started.emit()
    c.begin_stroke(QPointF(c.width() * 0.3, c.height() * 0.2))
    c.continue_stroke(QPointF(c.width() * 0.6, c.height() * 0.8))
    c.end_stroke()
    c.stroke_finished.emit()
    assert window.state.input_kind == "drawing" and window.state.image.any()
    return c.array()


def _y(widget, window) -> int:
    return widget.mapTo(window, QPoint(0, 0)).y()


def test_scene_10_shows_the_matrix_editor_on_top_and_no_stale_drawing(window):
    window.resize(1600, 1000)
    drawing = _draw(window)
    lesson = schema.bundled_lessons()["lecture"]
    window.lessons.start_lesson(lesson, MATRIX_SCENE - 1)
    assert window.state.input_kind == "matrix" and window.state.image.shape == (3, 3)
    view, editor = window.input_panel.view, window.input_panel.matrix_editor
    assert view.page() == "typed"
    assert editor.isVisibleTo(window) and not window.canvas.isVisibleTo(window)
    assert view.parentWidget().title() == "Input: a 3×3 matrix"
    # at the top of the column: above the input buttons, where the canvas was
    assert _y(editor, window) < _y(window.input_panel.random_btn, window)
    assert editor.parentWidget().parentWidget() is view
    # the drawing is not on show, but kept
    np.testing.assert_array_equal(window.canvas.array(), drawing)


def test_draw_a_digit_brings_the_kept_drawing_back_in_one_undo_step(window):
    drawing = _draw(window)
    before = window.state.image.copy()
    panel, view = window.input_panel, window.input_panel.view
    assert panel.load_matrix_a() and view.page() == "typed"
    assert not window.canvas.isVisibleTo(window)
    view.typed_back.click()
    assert view.page() == "draw" and window.canvas.isVisibleTo(window)
    assert window.state.input_kind == "drawing"
    np.testing.assert_array_equal(window.state.image, before)
    np.testing.assert_array_equal(window.canvas.array(), drawing)
    assert view.parentWidget().title() == "Draw a digit"
    window.undo_action.trigger()  # one step back: the matrix again
    assert window.state.input_kind == "matrix" and view.page() == "typed"
    window.undo_action.trigger()  # and the drawing before it
    assert window.state.input_kind == "drawing" and view.page() == "draw"
    np.testing.assert_array_equal(window.state.image, before)


def test_the_vector_example_is_typed_and_drawing_makes_it_a_drawing_again(window):
    panel, view = window.input_panel, window.input_panel.view
    assert panel.load_vector_example()
    assert view.page() == "typed" and view.parentWidget().title() == "Input: a 1×6 vector"
    view.back_to_drawing()
    _draw(window)  # drawing on the canvas: the input is the drawing
    assert view.page() == "draw" and window.state.image.shape == (28, 28)


def test_a_scenes_digit_replaces_a_stale_drawing_on_the_canvas(window):
    _draw(window)
    digits = load_bundled()
    digit = digits.images[0].astype(np.float32) / 255.0
    window.state.apply(Scene(digit, window.state.kernels, window.state.bias, "digit"))
    expected = DrawingCanvas(window.state)
    expected.show_array(digit)
    np.testing.assert_array_equal(window.canvas.array(), expected.array())
    assert window.input_panel.view.parentWidget().title().startswith("Input: an MNIST digit")
    expected.deleteLater()


def test_a_scenes_drawing_is_drawn(window):
    """A scene file's drawing (not made on this canvas) is put on the canvas too."""
    _draw(window)
    other = np.zeros((28, 28), np.float32)
    other[4:24, 12:16] = 1.0  # a "1"
    window.state.apply(Scene(other, window.state.kernels, window.state.bias, "drawing"))
    assert window.canvas.array()[140, 140] > 200 and window.canvas.array()[140, 40] == 0


def test_an_rgb_image_is_shown_as_itself_with_its_name(window, tmp_path):
    drawing = _draw(window)
    rgb = np.zeros((64, 48, 3), np.uint8)
    rgb[..., 0] = 255  # red
    Image.fromarray(rgb).save(tmp_path / "parrot.png")
    view = window.input_panel.view
    assert window.input_panel.open_file(str(tmp_path / "parrot.png"), rgb=True)
    assert view.page() == "picture" and not window.canvas.isVisibleTo(window)
    assert view.parentWidget().title() == "Input: parrot.png"
    caption = view.picture_caption.text()
    assert "parrot.png 64×48 RGB, shrunk to 32×24" in caption and "3 channels" in caption
    pic = view.picture.image
    assert (pic.width(), pic.height()) == (24, 32) and pic.pixelColor(5, 5).red() == 255
    assert pic.pixelColor(5, 5).green() == 0
    np.testing.assert_array_equal(window.canvas.array(), drawing)  # kept, not overwritten
    view.picture_back.click()
    assert window.state.channels == 1 and view.page() == "draw"


def test_a_grey_image_file_is_named_on_the_canvas(window, tmp_path):
    gray = np.zeros((60, 40), np.uint8)
    gray[10:50, 18:24] = 255
    Image.fromarray(gray).save(tmp_path / "one.png")
    assert window.input_panel.open_file(str(tmp_path / "one.png"))
    view = window.input_panel.view
    assert view.page() == "draw"
    assert view.parentWidget().title() == "Input: one.png, MNIST-style 28×28"
    expected = DrawingCanvas(window.state)
    expected.show_array(window.state.image)
    np.testing.assert_array_equal(window.canvas.array(), expected.array())
    expected.deleteLater()


def test_its_controls_have_their_help(window):
    view = window.input_panel.view
    assert "drawing the input again" in view.typed_back.whatsThis()
    assert "colour picture" in view.picture_back.whatsThis()
    assert "not read" in window.prediction_view.whatsThis()
