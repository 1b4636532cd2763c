"""The kernel editor's grid: one channel of the selected kernel as an editable table, the typed and
pasted text it accepts (numbers, fractions like 1/9, whole matrices) and kernel thumbnails.

Every edit goes through :class:`~playground.ui.common.undo.UndoableState`; text that is not a
number float32 can hold is refused with a message (:attr:`KernelModel.rejected`), the old value
kept."""

from __future__ import annotations

import re

import numpy as np
from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QLineEdit,
    QStyledItemDelegate,
    QTableView,
)

from playground.numbers import parse_number
from playground.ui.common import theme as th
from playground.ui.common.undo import UndoableState
from playground.ui.playground.state import MAX_KERNEL, PlaygroundState

_ROOT = QModelIndex()


def parse_matrix(text: str) -> np.ndarray:
    """Rows of numbers separated by tabs, spaces, commas or semicolons, or numpy-style nesting.

    ``"1 2\\n3 4"``, ``"1,2;3,4"``, ``"[[1, 2], [3, 4]]"`` and ``"array([[1., 2.], [3., 4.]])"``
    all give the same 2x2 float32 array; ValueError for ragged, empty or non-finite input.
    """
    body = re.sub(r"dtype\s*=\s*[\w.]+", "", str(text))
    body = re.sub(r"(np\.|numpy\.)?array\s*\(", "", body).replace(")", "")
    rows = re.findall(r"\[([^\[\]]*)\]", body)
    if not rows:
        rows = [r for r in re.split(r"[\n;]+", body) if r.strip()]
    values = [[parse_number(v) for v in re.split(r"[\s,]+", r.strip()) if v] for r in rows]
    values = [r for r in values if r]
    if not values:
        raise ValueError("no numbers found in the pasted text")
    if len({len(r) for r in values}) != 1:
        raise ValueError("every row of a pasted kernel needs the same number of values")
    arr = np.array(values, np.float32)
    if max(arr.shape) > MAX_KERNEL:
        raise ValueError(f"kernels can be at most {MAX_KERNEL}x{MAX_KERNEL}, got "
                         f"{arr.shape[0]}x{arr.shape[1]}")
    return arr


def format_matrix(kernel: np.ndarray) -> str:
    """A 2-D kernel as tab-separated rows (pastes into spreadsheets and back)."""
    return "\n".join("\t".join(f"{v:.6g}" for v in row) for row in np.asarray(kernel))


def kernel_pixmap(kernel: np.ndarray, side: int) -> QPixmap:
    """A (fh, fw) or (C, fh, fw) kernel drawn with the diverging colour map (channels summed)."""
    k = np.asarray(kernel, np.float32)
    k = k.sum(axis=0) if k.ndim == 3 else k
    vmax = float(np.abs(k).max()) or 1.0
    lut = th.diverging_lut()
    idx = np.clip(((k / vmax) * 0.5 + 0.5) * 255 + 0.5, 0, 255).astype(np.intp)
    rgb = np.ascontiguousarray(lut[idx])
    h, w = k.shape
    img = QImage(rgb.data, w, h, 3 * w, QImage.Format.Format_RGB888).copy()
    scale = max(1, side // max(h, w))
    return QPixmap.fromImage(img.scaled(w * scale, h * scale))


class KernelModel(QAbstractTableModel):
    """One channel of the selected kernel as an editable table."""

    rejected = Signal(str)

    def __init__(self, state: PlaygroundState, undo: UndoableState) -> None:
        super().__init__()
        self.state, self.undo = state, undo
        self.channel = 0
        self._vmax = 1.0
        self._shown: tuple | None = None  # (selected, channel, vmax) and the numbers on show

    def _kernel(self) -> np.ndarray:
        return self.state.kernels[self.state.selected]

    def rowCount(self, parent=_ROOT) -> int:
        return 0 if parent.isValid() else self.state.kernels.shape[2]

    def columnCount(self, parent=_ROOT) -> int:
        return 0 if parent.isValid() else self.state.kernels.shape[3]

    def flags(self, index):
        return super().flags(index) | Qt.ItemFlag.ItemIsEditable

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole:
            return str(section + 1)
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        ch = min(self.channel, self.state.kernels.shape[1] - 1)
        v = float(self._kernel()[ch, index.row(), index.column()])
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{v:.3g}"
        if role == Qt.ItemDataRole.EditRole:
            return f"{v:.6g}"
        if role in (Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ForegroundRole):
            bg = th.weight_color(v, self._vmax)
            return bg if role == Qt.ItemDataRole.BackgroundRole else th.text_color_on(bg)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return Qt.AlignmentFlag.AlignCenter
        if role == Qt.ItemDataRole.ToolTipRole:
            k = self.state.selected + 1
            return (f"w{index.row() + 1}{index.column() + 1} of kernel {k} = {v:.6g}\n"
                    "Multiplies the input pixel under this cell; the products are summed.")
        return None

    def setData(self, index, value, role=Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        try:
            v = parse_number(value)
        except ValueError as exc:
            self.rejected.emit(f"{exc}; kept the previous value")
            return False
        k, ch, r, c = self.state.selected, self.channel, index.row(), index.column()
        return self.undo.run(f"Edit w{r + 1}{c + 1} of kernel {k + 1}",
                             lambda: self.state.set_kernel_cell(k, ch, r, c, v))

    def refresh(self, reset: bool) -> None:
        """Re-reads the state (``reset`` when the size changed).

        Announces only the cells whose number changed, unless the colour scale (the largest
        ``|w|``) or the kernel on show changed too: a repaint of the whole grid asks ``data``
        for every role of every cell.
        """
        kernel = self._kernel()
        vmax = float(np.abs(kernel).max())
        ch = min(self.channel, kernel.shape[0] - 1)
        key = (self.state.selected, ch, vmax)
        shown, self._shown = self._shown, (key, kernel[ch].copy())
        self._vmax = vmax
        if reset:
            self.beginResetModel()
            self.endResetModel()
        elif self.rowCount() and self.columnCount():
            if shown is not None and shown[0] == key and shown[1].shape == kernel[ch].shape:
                for r, c in zip(*np.nonzero(shown[1] != kernel[ch]), strict=True):
                    self.dataChanged.emit(self.index(int(r), int(c)), self.index(int(r), int(c)))
                return
            self.dataChanged.emit(self.index(0, 0),
                                  self.index(self.rowCount() - 1, self.columnCount() - 1))


class CellDelegate(QStyledItemDelegate):
    """A plain line edit (no validator): anything may be typed, the model refuses what is bad."""

    def createEditor(self, parent, option, index):
        editor = QLineEdit(parent)
        editor.setAlignment(Qt.AlignmentFlag.AlignCenter)
        return editor


def setup_number_table(table: QTableView) -> None:
    """A grid of typed numbers (kernel or input matrix): cells parsed by :class:`CellDelegate`,
    edited on any key, fixed-size rows and columns."""
    table.setItemDelegate(CellDelegate(table))
    table.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                          | QAbstractItemView.EditTrigger.EditKeyPressed
                          | QAbstractItemView.EditTrigger.AnyKeyPressed)
    for header in (table.horizontalHeader(), table.verticalHeader()):
        header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header.setHighlightSections(False)


def error_label() -> QLabel:
    """The hidden red line under a number grid that says why a typed value was refused."""
    label = QLabel()
    label.setWordWrap(True)
    label.setStyleSheet("color: #c62828;")
    label.hide()
    return label
