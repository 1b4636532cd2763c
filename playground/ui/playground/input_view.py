"""The top of the input column shows what the input is, never a stale drawing.

- a drawing, an MNIST digit or a grey image made MNIST-style: the drawing canvas, showing it
  (drawing on it makes the input the drawing);
- a typed matrix or the lecture's 1-D vector: the matrix editor, in the canvas's place;
- a colour picture (or a matrix too big to type): the picture itself, with its name and size.

The drawing is kept while the input is a matrix or a picture (the canvas is only hidden): the
"Draw a digit" button makes it the input again, as one undo step.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRectF, QSize, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPen
from PySide6.QtWidgets import (
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from playground.scene import Change
from playground.ui.common import theme as th
from playground.ui.common.binding import observe_state
from playground.ui.common.undo import UndoableState
from playground.ui.playground.canvas import DrawingCanvas
from playground.ui.playground.matrix_editor import TYPED_KINDS, MatrixEditor, editable
from playground.ui.playground.state import PlaygroundState

PAGES = ("draw", "typed", "picture")
"""The view's pages, in their stack order."""
PICTURE_MAX = 240
"""The picture is at most this tall (px at 100 %, times the UI scale): the maps show it big."""


def page_for(state: PlaygroundState) -> str:
    """Which page shows the state's input: ``draw``, ``typed`` or ``picture``."""
    if state.input_kind in TYPED_KINDS:
        return "typed" if editable(state) else "picture"
    if state.input_kind == "rgb" or state.image.ndim == 3:
        return "picture"
    return "draw"


def _size(image: np.ndarray) -> str:
    return "×".join(map(str, image.shape[-2:]))


def to_qimage(image: np.ndarray) -> QImage:
    """An (H, W) grey or (3, H, W) colour array as a QImage, one pixel per cell: values in
    0..1 as they are, a wider range (a typed matrix) stretched from min(0, lowest) to
    max(1, highest)."""
    a = np.asarray(image, np.float64)
    if a.ndim == 3:
        a = a.transpose(1, 2, 0) if a.shape[0] == 3 else a.mean(axis=0)
    lo, hi = float(np.min(a, initial=0.0)), float(np.max(a, initial=1.0))
    scaled = (a - lo) / (hi - lo) if hi > lo else np.zeros_like(a)
    a8 = np.ascontiguousarray(np.clip(scaled * 255.0 + 0.5, 0, 255).astype(np.uint8))
    h, w = a8.shape[:2]
    if a8.ndim == 3:
        return QImage(a8.data, w, h, 3 * w, QImage.Format.Format_RGB888).copy()
    return QImage(a8.data, w, h, w, QImage.Format.Format_Grayscale8).copy()


class InputPicture(QWidget):
    """The input as it is, every pixel a sharp square (no smoothing: the pixels are the input)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.image = QImage()
        policy = QSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self.setMinimumSize(120, 120)

    def set_array(self, image: np.ndarray) -> None:
        """Shows an (H, W) or (C, H, W) array."""
        self.image = to_qimage(image)
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(280, 280)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, w: int) -> int:
        return min(w, th.theme().px(PICTURE_MAX))

    def paintEvent(self, _event) -> None:
        p = QPainter(self)
        p.fillRect(self.rect(), self.palette().window())
        if not self.image.isNull():
            side = max(1, min(self.width(), self.height()))
            k = side / max(self.image.width(), self.image.height())
            w, h = self.image.width() * k, self.image.height() * k
            target = QRectF((self.width() - w) / 2, (side - h) / 2, w, h)
            p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, False)
            p.drawImage(target, self.image)
            p.setPen(QPen(QColor(120, 120, 120), 1))
            p.drawRect(target.adjusted(0, 0, -1, -1))
        p.end()


class InputView(QWidget):
    """The canvas, the matrix editor or the picture, whichever is the input (see the module).

    ``title_changed(str)`` says what the input is, for the box around the view.
    """

    title_changed = Signal(str)

    def __init__(self, state: PlaygroundState, undo: UndoableState, draw: QWidget,
                 canvas: DrawingCanvas, matrix_editor: MatrixEditor,
                 parent: QWidget | None = None) -> None:
        """``draw`` is the drawing page (the canvas and its tools), ``canvas`` the canvas in it;
        ``matrix_editor`` moves into the typed page."""
        super().__init__(parent)
        self.state, self.undo, self.canvas = state, undo, canvas
        self.matrix_editor = matrix_editor
        self._source: tuple[str, str, np.ndarray] | None = None
        self.title = ""

        self.typed_caption = self._caption()
        self.typed_back = self._back_button()
        typed = QWidget()
        tl = QVBoxLayout(typed)
        tl.setContentsMargins(0, 0, 0, 0)
        tl.addWidget(self.typed_caption)
        tl.addWidget(matrix_editor)
        tl.addWidget(self.typed_back)
        tl.addStretch(1)

        self.picture = InputPicture()
        self.picture_caption = self._caption()
        self.picture_back = self._back_button()
        picture = QWidget()
        pl = QVBoxLayout(picture)
        pl.setContentsMargins(0, 0, 0, 0)
        pl.addWidget(self.picture, 1)
        pl.addWidget(self.picture_caption)
        pl.addWidget(self.picture_back)

        layout = QVBoxLayout(self)  # one page shown at a time; a hidden one takes no room (a
        layout.setContentsMargins(0, 0, 0, 0)  # stack would keep the canvas's height for all)
        self.pages = (draw, typed, picture)
        for page in self.pages:
            layout.addWidget(page)
        self._current = -1
        observe_state(self, state, self._on_state_changed)
        self.sync()

    @staticmethod
    def _caption() -> QLabel:
        label = QLabel()
        label.setWordWrap(True)
        return label

    def _back_button(self) -> QPushButton:
        button = QPushButton("✎ Draw a digit instead")
        button.setToolTip("Makes your drawing the input again (it was kept); Ctrl+Z undoes it")
        button.clicked.connect(self.back_to_drawing)
        return button

    # ---- public ------------------------------------------------------------------------------
    def page(self) -> str:
        """The page on show: ``draw``, ``typed`` or ``picture``."""
        return PAGES[self._current]

    def _show_page(self, index: int) -> None:
        if index != self._current:
            self._current = index
            for i, page in enumerate(self.pages):
                page.setVisible(i == index)

    def remember_source(self, name: str, original: np.ndarray, image: np.ndarray) -> None:
        """The file an input comes from (its name and original size are written while the
        input is still ``image``)."""
        self._source = (name, _size(original) + (" RGB" if original.ndim == 3 else ""),
                        np.array(image))

    def back_to_drawing(self) -> bool:
        """Makes the (kept) drawing the input again: one undo step."""
        return self.undo.run("Draw a digit", self.canvas.push_to_state)

    # ---- state -> page -----------------------------------------------------------------------
    def _on_state_changed(self, what: Change) -> None:
        if what & Change.IMAGE:
            self.sync()

    def sync(self) -> None:
        """Brings the page, the canvas or picture and the title in line with the input."""
        st = self.state
        page = page_for(st)
        if page == "draw":
            self._sync_canvas()
        elif page == "picture":
            self.picture.set_array(st.image)
        title, caption = self._describe(page)
        for label in (self.typed_caption, self.picture_caption):
            if label.text() != caption:  # (every stroke comes here: no relayout for nothing)
                label.setText(caption)
        self._show_page(PAGES.index(page))
        if title != self.title:
            self.title = title
            self.title_changed.emit(title)

    def _sync_canvas(self) -> None:
        """The canvas shows the input: a digit or image is put on it; a drawing that is not the
        canvas's own (a scene file, a lesson) too."""
        st = self.state
        if st.input_kind != "drawing":
            self.canvas.show_array(st.image)
            return
        pushed = getattr(self.canvas, "pushed", None)
        if pushed is not None and pushed.shape == st.image.shape and np.array_equal(pushed,
                                                                                   st.image):
            return
        from playground.data.images import to_mnist_style

        own = to_mnist_style(self.canvas.array())
        if own.shape == st.image.shape and np.allclose(own, st.image, atol=1e-6):
            self.canvas.pushed = own
        else:
            self.canvas.show_array(st.image)

    def _from_file(self) -> tuple[str, str] | None:
        src = self._source
        img = self.state.image
        if src is not None and src[2].shape == img.shape and np.array_equal(src[2], img):
            return src[0], src[1]
        return None

    def _describe(self, page: str) -> tuple[str, str]:
        """The box's title and the page's caption for the input on show."""
        st = self.state
        kind, img = st.input_kind, st.image
        size = _size(img)
        kept = "Your drawing is kept: Draw a digit brings it back."
        if kind in TYPED_KINDS:
            what = "vector" if kind == "vector" or img.shape[0] == 1 else "matrix"
            if page == "typed":
                return (f"Input: a {size} {what}",
                        f"The input is this {size} {what}: type its numbers. {kept}")
            return (f"Input: a {size} {what}",
                    f"The input is a {size} {what} (too big to type here). {kept}")
        source = self._from_file()
        if page == "picture":
            channels = img.shape[0] if img.ndim == 3 else 1
            if source is not None:
                name, original = source
                shrunk = "" if original.split(" ")[0] == size else f", shrunk to {size}"
                return (f"Input: {name}",
                        f"input: {name} {original}{shrunk}: {channels} channels "
                        f"of {size}. {kept}")
            return ("Input: a colour picture",
                    f"input: a {channels}×{size} colour picture. {kept}")
        if kind == "digit":
            return "Input: an MNIST digit (draw on it)", ""
        if kind == "image":
            name = source[0] if source is not None else "an image"
            return f"Input: {name}, MNIST-style {size}", ""
        return "Draw a digit", ""
