"""Inputs besides drawing: bundled MNIST digits, image files and the lecture's small examples."""

from __future__ import annotations

import os

import numpy as np
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QFileDialog, QGridLayout, QLabel, QPushButton, QWidget

from playground.ui.common.undo import UndoableState
from playground.ui.playground.input_view import InputView
from playground.ui.playground.matrix_editor import MAX_SIDE, MatrixEditor, editable
from playground.ui.playground.state import LayerSettings, PlaygroundState

RGB_MAX_SIDE = 32
"""Colour images are shrunk to at most 32 px a side (the lecture's 3 x 32 x 32 example)."""

IMAGE_FILTER = "Images (*.png *.jpg *.jpeg *.bmp *.gif *.webp);;All files (*)"


def shrink_rgb(rgb: np.ndarray, max_side: int = RGB_MAX_SIDE) -> np.ndarray:
    """(3, H, W) in [0, 1] area-averaged down so its longer side is at most ``max_side``."""
    from PIL import Image

    _, h, w = rgb.shape
    scale = min(1.0, max_side / max(h, w))
    if scale >= 1.0:
        return rgb.astype(np.float32)
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    img = Image.fromarray(np.clip(rgb.transpose(1, 2, 0) * 255 + 0.5, 0, 255).astype(np.uint8))
    small = np.asarray(img.resize(size, Image.Resampling.BOX), np.float32) / 255.0
    return np.ascontiguousarray(small.transpose(2, 0, 1))


class InputPanel(QWidget):
    """Buttons that replace the input: an MNIST digit, an image file, the lecture's examples."""

    example_1d_requested = Signal()
    """The 1-D vector example was loaded (the window shows the 1-D step-through)."""
    rgb_loaded = Signal()
    """A colour image was loaded (the window shows the per-channel view)."""

    def __init__(self, state: PlaygroundState, canvas=None, parent: QWidget | None = None,
                 undo: UndoableState | None = None, draw: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state, self.canvas = state, canvas
        self.undo = undo if undo is not None else UndoableState(state, parent=self)
        self._digits = None
        self._rng = np.random.default_rng()

        self.digit_class = QComboBox()
        self.digit_class.addItem("any digit", -1)
        for d in range(10):
            self.digit_class.addItem(f"a {d}", d)
        self.digit_class.setToolTip("Which class the next MNIST digit is drawn from")
        self.random_btn = QPushButton("Random MNIST digit")
        self.random_btn.setToolTip("A handwritten digit from the bundled MNIST sample (Ctrl+R)")
        self.open_btn = QPushButton("Open image…")
        self.open_btn.setToolTip("A PNG or JPEG of a digit, made MNIST-style: grayscale, "
                                 "centred, 28x28 (Ctrl+O)")
        self.open_rgb_btn = QPushButton("Open as RGB…")
        self.open_rgb_btn.setToolTip("Each pixel is a vector of 3 values: Red, Green and Blue.\n"
                                     "Kernels get one slice per channel (C x f x f).")
        self.matrix_btn = QPushButton("Matrix A (3×3)")
        self.matrix_btn.setToolTip("The lecture's 3x3 matrix A ⊛ a 2x2 weight matrix W = C (2x2)")
        self.vector_btn = QPushButton("1-D example")
        self.vector_btn.setToolTip("[1,2,3,4,5,6] ⊛ [1,2] = [5,8,11,14,17]")
        self.type_btn = QPushButton("Type a matrix…")
        self.type_btn.setToolTip("Type the input yourself: 1x1 up to 16x16 cells, any values\n"
                                 "(a small drawing or example is kept; otherwise A = 1 … 9)")
        self.matrix_editor = MatrixEditor(state, self.undo)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #c62828;")
        self.error.hide()

        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.addWidget(self.random_btn, 0, 0)
        grid.addWidget(self.digit_class, 0, 1)
        grid.addWidget(self.open_btn, 1, 0)
        grid.addWidget(self.open_rgb_btn, 1, 1)
        grid.addWidget(self.matrix_btn, 2, 0)
        grid.addWidget(self.vector_btn, 2, 1)
        grid.addWidget(self.type_btn, 3, 0, 1, 2)
        grid.addWidget(self.error, 5, 0, 1, 2)
        self.view: InputView | None = None
        """What the input is (canvas, matrix editor or picture): the window puts it above this
        panel; without a canvas the matrix editor stays in the panel."""
        if canvas is not None:
            self.view = InputView(state, self.undo, draw if draw is not None else canvas,
                                  canvas, self.matrix_editor)
        else:
            grid.addWidget(self.matrix_editor, 4, 0, 1, 2)

        self.random_btn.clicked.connect(lambda: self.random_digit())
        self.open_btn.clicked.connect(lambda: self.open_dialog(rgb=False))
        self.open_rgb_btn.clicked.connect(lambda: self.open_dialog(rgb=True))
        self.matrix_btn.clicked.connect(self.load_matrix_a)
        self.vector_btn.clicked.connect(self.load_vector_example)
        self.type_btn.clicked.connect(self.type_matrix)

    # ---- helpers -----------------------------------------------------------------------------
    def show_error(self, text: str) -> None:
        """Shows (or, with "", hides) the inline message."""
        self.error.setText(text)
        self.error.setVisible(bool(text))

    def _set_input(self, text: str, image: np.ndarray, kind: str) -> bool:
        """The new input as one undo step (the view puts a digit or image on the canvas and
        leaves the drawing alone for a matrix or picture)."""
        ok = self.undo.run(text, lambda: self.state.set_image(image, kind))
        if ok:
            self.show_error("")
        return ok

    def digits(self):
        """The bundled MNIST digits (loaded on first use)."""
        if self._digits is None:
            from playground.data.digits import load_bundled

            self._digits = load_bundled()
        return self._digits

    # ---- inputs ------------------------------------------------------------------------------
    def random_digit(self, label: int | None = None, index: int | None = None) -> int:
        """Loads a bundled MNIST digit (class ``label``, default the combo's); returns its label."""
        try:
            digits = self.digits()
        except (OSError, ValueError) as exc:
            self.show_error(f"The bundled digits cannot be read: {exc}")
            return -1
        want = self.digit_class.currentData() if label is None else label
        pool = digits if want is None or want < 0 else digits.by_class(int(want))
        i = int(self._rng.integers(len(pool))) if index is None else index % len(pool)
        img = pool.images[i].astype(np.float32) / 255.0
        got = int(pool.labels[i])
        self._set_input(f"MNIST digit {got}", img, "digit")
        return got

    def open_dialog(self, rgb: bool = False) -> None:
        """Asks for an image file and loads it."""
        path, _ = QFileDialog.getOpenFileName(self, "Open a colour image" if rgb else
                                              "Open an image of a digit", "", IMAGE_FILTER)
        if path:
            self.open_file(path, rgb=rgb)

    def open_file(self, path: str, rgb: bool = False) -> bool:
        """Loads ``path`` as an MNIST-style digit or a (shrunk) RGB image; a bad file only warns."""
        from playground.data import images

        try:
            if rgb:
                original = images.load_image_file(path, rgb=True)
                img = shrink_rgb(original)
            else:
                original = images.load_image_file(path)
                img = images.prepare_digit(original)  # what image_to_digit_input does
        except (OSError, ValueError) as exc:
            self.show_error(f"Could not open the image: {exc}")
            return False
        if self.view is not None:
            self.view.remember_source(os.path.basename(path), original, img)
        ok = self._set_input(f"Open {'RGB ' if rgb else ''}image", img, "rgb" if rgb else "image")
        if ok and rgb:
            self.rgb_loaded.emit()
        return ok

    def load_matrix_a(self) -> bool:
        """The lecture's 2-D example: 3x3 A (1..9) ⊛ a 2x2 W of ones, valid, no activation/pool."""
        from playground.lessons.lecture import MATRIX_A_EXAMPLE

        return self._example(MATRIX_A_EXAMPLE, "matrix")

    def load_vector_example(self) -> bool:
        """The lecture's 1-D example as a 1x6 image and a 1x2 kernel (valid: 1x5 output)."""
        from playground.lessons.lecture import VECTOR_EXAMPLE

        ok = self._example(VECTOR_EXAMPLE, "vector")
        if ok:
            self.example_1d_requested.emit()
        return ok

    def type_matrix(self) -> bool:
        """Shows the matrix editor: the input becomes a typed matrix (a 2-D input of at most
        16x16 keeps its values, anything else starts as the lecture's A = 1 … 9); one undo step.
        """
        if editable(self.state):
            self.matrix_editor.table.setFocus()
            return True
        from playground.lessons.lecture import MATRIX_A

        img = self.state.image
        small = img.ndim == 2 and max(img.shape) <= MAX_SIDE
        matrix = np.array(img if small else MATRIX_A, np.float32)
        ok = self._set_input("Type the input matrix", matrix, "matrix")
        if ok:
            self.matrix_editor.table.setFocus()
        return ok

    def _example(self, example, kind: str) -> bool:
        """Shows a :class:`playground.lessons.lecture.Example` (one undo step)."""
        text = example.title
        scene = self.state.scene().replace(
            image=example.image, kernels=example.kernels, bias=example.bias(), input_kind=kind,
            selected=0, layer=LayerSettings(**example.settings))

        ok = self.undo.run(text, lambda: self.state.apply(scene))
        if ok:
            self.show_error("")
        return ok
