"""The small-matrix sandbox's input editor: type the input matrix cell by cell, like the kernels.

Rows and columns are set with spin boxes (1x1 up to 16x16; resizing keeps the overlapping
cells), any finite float32 value can be typed in a cell (fractions like ``1/3`` too), and a few
presets bring back the lecture's matrices. Every change goes through
:class:`~playground.ui.common.undo.UndoableState` (one Ctrl+Z step each); text that is not a
number is refused with a message under the grid and the old value kept.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFontMetrics
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QLabel,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from playground.lessons.symbolic import compact
from playground.numbers import parse_number
from playground.scene import Change
from playground.ui.common import theme as th
from playground.ui.common.binding import observe_state
from playground.ui.common.undo import UndoableState
from playground.ui.playground.kernel_grid import error_label, setup_number_table
from playground.ui.playground.state import PlaygroundState

MAX_SIDE = 16
"""The largest typed input: 16x16 cells."""
TYPED_KINDS = ("matrix", "vector")
"""Input kinds the editor shows and edits (the lecture's small examples)."""
_ROOT = QModelIndex()
_VISIBLE_ROWS = 8
"""Rows the grid shows before it scrolls (a 16x16 matrix would not fit a projector's column)."""


def _counting(rows: int, cols: int) -> np.ndarray:
    return np.arange(1, rows * cols + 1, dtype=np.float32).reshape(rows, cols)


def matrix_presets() -> dict[str, np.ndarray]:
    """The lecture's small inputs by their menu name (fresh float32 copies)."""
    from playground.lessons import lecture

    pool = np.array([[1, 3, 2, 1], [4, 6, 5, 2], [3, 1, 1, 0], [1, 2, 7, 8]], np.float32)
    return {
        "A (3×3): 1 … 9": np.array(lecture.MATRIX_A),
        "1-D example (1×6): 1 … 6": np.array(lecture.VECTOR)[None],
        "4×4: 1 … 16 (size exercises)": _counting(4, 4),
        "4×3: 1 … 12": _counting(4, 3),
        "5×5: 1 … 25 (stride example)": _counting(5, 5),
        "4×4 for max pooling": pool,
        "3×3 zeros": np.zeros((3, 3), np.float32),
    }


def resized(matrix: np.ndarray, rows: int, cols: int) -> np.ndarray:
    """``matrix`` (H, W) cut or zero-extended to ``rows`` x ``cols`` (the top-left cells kept)."""
    if not (1 <= rows <= MAX_SIDE and 1 <= cols <= MAX_SIDE):
        raise ValueError(f"a typed input is 1..{MAX_SIDE} on each side, got {rows}x{cols}")
    out = np.zeros((rows, cols), np.float32)
    h, w = min(rows, matrix.shape[0]), min(cols, matrix.shape[1])
    out[:h, :w] = matrix[:h, :w]
    return out


def editable(state: PlaygroundState) -> bool:
    """Whether the state's input is a typed matrix the editor shows (2-D, at most 16x16)."""
    return (state.input_kind in TYPED_KINDS and state.image.ndim == 2
            and max(state.image.shape) <= MAX_SIDE)


def cell_colours(value: float, lo: float, hi: float) -> tuple[QColor, QColor]:
    """Background (the input's grey scale, as the maps draw it) and readable text colour."""
    t = 0.5 if hi <= lo else min(1.0, max(0.0, (value - lo) / (hi - lo)))
    g = round(t * 255)
    bg = QColor(g, g, g)
    return bg, th.text_color_on(bg)


class MatrixModel(QAbstractTableModel):
    """The state's 2-D input as an editable table (``a_rs`` in the lecture's notation)."""

    rejected = Signal(str)

    def __init__(self, state: PlaygroundState, undo: UndoableState) -> None:
        super().__init__()
        self.state, self.undo = state, undo
        self._levels = (0.0, 1.0)
        self._shape: tuple[int, ...] = ()

    def _matrix(self) -> np.ndarray:
        img = self.state.image
        return img if img.ndim == 2 else img.mean(axis=0)

    def rowCount(self, parent=_ROOT) -> int:
        return 0 if parent.isValid() else self._matrix().shape[0]

    def columnCount(self, parent=_ROOT) -> int:
        return 0 if parent.isValid() else self._matrix().shape[1]

    def flags(self, index):
        return super().flags(index) | Qt.ItemFlag.ItemIsEditable

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        return str(section + 1) if role == Qt.ItemDataRole.DisplayRole else None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        r, c = index.row(), index.column()
        v = float(self._matrix()[r, c])
        if role == Qt.ItemDataRole.DisplayRole:
            return compact(v)
        if role == Qt.ItemDataRole.EditRole:
            return f"{v:.6g}"
        if role in (Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ForegroundRole):
            bg, text = cell_colours(v, *self._levels)
            return bg if role == Qt.ItemDataRole.BackgroundRole else text
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return Qt.AlignmentFlag.AlignCenter
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"a{r + 1}{c + 1} = {v:.6g} (row {r + 1}, column {c + 1} of the input)"
        return None

    def setData(self, index, value, role=Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        try:
            v = parse_number(value, "an input cell")
        except ValueError as exc:
            self.rejected.emit(f"{exc}; kept the previous value")
            return False
        r, c = index.row(), index.column()
        new = np.array(self._matrix(), np.float32)
        new[r, c] = v
        kind = self.state.input_kind if self.state.input_kind in TYPED_KINDS else "matrix"
        return self.undo.run(f"Edit a{r + 1}{c + 1} of the input",
                             lambda: self.state.set_image(new, kind))

    def refresh(self) -> None:
        """Re-reads the state: a reset when the size changed, else every cell announced (the
        grey scale may have moved; a reset would close an open cell editor mid-commit)."""
        m = self._matrix()
        self._levels = (min(0.0, float(m.min())), max(1.0, float(m.max())))
        if m.shape != self._shape:
            self._shape = m.shape
            self.beginResetModel()
            self.endResetModel()
        else:
            self.dataChanged.emit(self.index(0, 0), self.index(m.shape[0] - 1, m.shape[1] - 1))


class MatrixEditor(QWidget):
    """Rows × columns, a preset menu and the grid of the typed input matrix."""

    message = Signal(str)

    def __init__(self, state: PlaygroundState, undo: UndoableState,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state, self.undo = state, undo
        self._syncing = False
        self.rows = QSpinBox(minimum=1, maximum=MAX_SIDE)
        self.cols = QSpinBox(minimum=1, maximum=MAX_SIDE)
        self.rows.setToolTip(f"n_h: rows of the input matrix (1..{MAX_SIDE}); resizing keeps "
                             "the cells that still fit")
        self.cols.setToolTip(f"n_w: columns of the input matrix (1..{MAX_SIDE})")
        self.presets = QComboBox()
        self.presets.addItem("Preset…", None)
        for name in matrix_presets():
            self.presets.addItem(name, name)
        self.presets.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.presets.setMinimumContentsLength(8)
        self.presets.setToolTip("The lecture's small inputs: A = 1 … 9, the 1-D example, the "
                                "size exercises")
        self.model = MatrixModel(state, undo)
        self.table = QTableView()
        self.table.setModel(self.model)
        setup_number_table(self.table)
        self.table.setToolTip("Type a number (or a fraction such as 1/3) in a cell; Ctrl+Z "
                              "undoes it")
        self.error = error_label()

        top = QGridLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(QLabel("Size"), 0, 0)
        top.addWidget(self.rows, 0, 1)
        top.addWidget(QLabel("×"), 0, 2, Qt.AlignmentFlag.AlignCenter)
        top.addWidget(self.cols, 0, 3)
        top.addWidget(self.presets, 1, 0, 1, 4)
        top.setColumnStretch(4, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.table)
        layout.addWidget(self.error)

        self.rows.valueChanged.connect(self._on_size_changed)
        self.cols.valueChanged.connect(self._on_size_changed)
        self.presets.activated.connect(self._on_preset_activated)
        self.model.rejected.connect(self.show_error)
        observe_state(self, state, self._on_state_changed)
        th.theme().changed.connect(self._on_theme_changed)
        self.sync()

    # ---- state -> widgets --------------------------------------------------------------------
    def _on_state_changed(self, what: Change) -> None:
        if what & Change.IMAGE:
            if self.error.isVisible():
                self.show_error("")
            self.sync()

    def _on_theme_changed(self, _percent: int) -> None:
        QTimer.singleShot(0, self, self.sync)  # once the new font reached the headers

    def sync(self) -> None:
        """Shows the state's input (sizes, cells) and sizes the grid to the current scale."""
        self.setVisible(editable(self.state))
        if not editable(self.state):
            return
        h, w = self.state.image.shape
        self._syncing = True
        try:
            for spin, value in ((self.rows, h), (self.cols, w)):
                if spin.value() != value:
                    spin.setValue(value)
        finally:
            self._syncing = False
        self.model.refresh()
        cell = self._cell_width()
        self.table.horizontalHeader().setDefaultSectionSize(cell)
        self.table.verticalHeader().setDefaultSectionSize(th.theme().px(th.CELL_PX))
        head = self.table.horizontalHeader().sizeHint().height()
        rows = min(h, _VISIBLE_ROWS)
        extra = 0 if h <= _VISIBLE_ROWS else self.table.horizontalScrollBar().sizeHint().height()
        self.table.setFixedHeight(rows * th.theme().px(th.CELL_PX) + head + 4 + extra)
        self.table.setMinimumWidth(min(w, 3) * cell + self.table.verticalHeader().sizeHint()
                                   .width() + 4)

    def _cell_width(self) -> int:
        """Wide enough for the widest number on show, at the current scale."""
        m = self.state.image
        texts = {compact(v) for v in np.unique(m)[:256]} | {"-0.25"}
        fm = QFontMetrics(self.table.font())
        widest = max(fm.horizontalAdvance(t) for t in texts)
        return max(th.theme().px(th.CELL_PX), widest + th.theme().px(10))

    # ---- widgets -> state --------------------------------------------------------------------
    def show_error(self, text: str) -> None:
        """Shows a refusal under the grid (cleared by the next good edit)."""
        self.error.setText(text)
        self.error.setVisible(bool(text))
        self.message.emit(text)

    def set_matrix(self, matrix: np.ndarray, text: str, merge: str | None = None) -> bool:
        """Puts ``matrix`` (H, W, at most 16x16) on show as the input, as one undoable step."""
        m = np.asarray(matrix, np.float32)
        if m.ndim != 2 or not (min(m.shape) >= 1 and max(m.shape) <= MAX_SIDE):
            self.show_error(f"A typed input is 1..{MAX_SIDE} rows and columns, got shape "
                            f"{'x'.join(map(str, m.shape))}")
            return False
        kind = "vector" if self.state.input_kind == "vector" and m.shape[0] == 1 else "matrix"
        ok = self.undo.run(text, lambda: self.state.set_image(m, kind), merge)
        if ok:
            self.show_error("")
        return ok

    def resize_matrix(self, rows: int, cols: int) -> bool:
        """Resizes the input to ``rows`` x ``cols``, keeping the cells that overlap."""
        try:
            m = resized(self.model._matrix(), rows, cols)
        except ValueError as exc:
            self.show_error(str(exc))
            return False
        return self.set_matrix(m, f"Resize the input to {rows}x{cols}", "matrix-size")

    def load_preset(self, name: str) -> bool:
        """Loads one of :func:`matrix_presets` (ValueError for an unknown name)."""
        presets = matrix_presets()
        if name not in presets:
            raise ValueError(f"unknown matrix preset {name!r}")
        m = presets[name]
        kind = "vector" if m.shape[0] == 1 else "matrix"
        ok = self.undo.run(f"Input: {name}", lambda: self.state.set_image(m, kind))
        if ok:
            self.show_error("")
        return ok

    def _on_size_changed(self, _value: int) -> None:
        if not self._syncing:
            self.resize_matrix(self.rows.value(), self.cols.value())

    def _on_preset_activated(self, index: int) -> None:
        name = self.presets.itemData(index)
        if name is not None:
            self.load_preset(name)
        self.presets.setCurrentIndex(0)
