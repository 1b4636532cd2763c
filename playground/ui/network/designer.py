"""Design a network: a list of layers to add, remove, reorder and edit, with the lecture's
arithmetic on every row, and the same architecture as text to copy or paste back.

The rows are an :class:`~playground.nn.arch.Arch`; every change runs
:func:`~playground.nn.arch.analyse` (microseconds) and repaints the table: output shape, parameters
and multiply-adds per row, or the reason in red on the row that makes the network impossible. The
Train button stays disabled, with that reason, until the network can be built; then
``train_requested(arch)`` hands it to the training panel.

Every change is a step on the designer's own ``undo_stack`` (see
:mod:`~playground.ui.network.designer_undo`); the window's Edit ▸ Undo and Ctrl+Z follow it while
the designer has the focus.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from playground.nn.arch import (
    ACTIVATIONS,
    CONV,
    KINDS,
    TEMPLATES,
    Arch,
    LayerSpec,
    analyse,
)
from playground.nn.archtext import format_arch, format_layer, parse_arch
from playground.nn.registry import display_name
from playground.ui.common.side_by_side import SideBySide, scaled_minimum_height, side_by_side_page
from playground.ui.network.designer_undo import ArchCommand, DesignStep
from playground.ui.network.row_editor import NEW_ROW, RowEditor

BAD_BACKGROUND = QColor(255, 221, 221)
BAD_TEXT = QColor(176, 0, 32)
COLUMNS = ("#", "layer", "output", "parameters", "multiply-adds", "")


def _shape(shape) -> str:
    return "x".join(map(str, shape)) if shape is not None else "?"


class RowTable(QTableWidget):
    """The rows' table; dragging a row onto another emits ``row_dropped(from, to)``.

    The drop itself moves nothing: the designer reorders its architecture and repaints.
    """

    row_dropped = Signal(int, int)

    def __init__(self, rows: int, columns: int, parent: QWidget | None = None) -> None:
        super().__init__(rows, columns, parent)
        self.setDragEnabled(True)
        self.setAcceptDrops(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.setDragDropOverwriteMode(False)
        self.setDropIndicatorShown(True)

    def dropEvent(self, event) -> None:
        source = self.currentRow()
        index = self.indexAt(event.position().toPoint())
        target = index.row() if index.isValid() else self.rowCount() - 1
        event.setDropAction(Qt.DropAction.IgnoreAction)
        event.accept()
        if source >= 0 and target != source:
            self.row_dropped.emit(source, target)


class DesignerView(QWidget):
    """The designer: templates, the row table, a row editor, the text, and "Train this network".

    ``train_requested(arch)`` is emitted with a valid :class:`Arch`.
    """

    train_requested = Signal(object)
    """The user asked to train the network on show (a valid Arch)."""
    arch_changed = Signal(object)
    """The rows changed (the new Arch, valid or not)."""
    current_model_requested = Signal()
    """The user wants to start from the model the Network tab shows."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.arch = TEMPLATES["lenet5"]
        self.analysis = analyse(self.arch)
        self.undo_stack = QUndoStack(self)
        self.undo_stack.setUndoLimit(200)
        self.template = QComboBox()
        for key in TEMPLATES:
            self.template.addItem(display_name(key), key)
        self.template.setCurrentIndex(self.template.findData("lenet5"))
        use = QPushButton("Start from this template")
        use.clicked.connect(lambda: self.load_template(self.template.currentData()))
        self.add_kind = QComboBox()
        self.add_kind.addItems(list(KINDS))
        self.add_button = QPushButton("Add layer")
        self.remove_button = QPushButton("Remove")
        self.up_button = QPushButton("Move up")
        self.down_button = QPushButton("Move down")
        self.down_button.setToolTip("or drag the row to its place")
        self.add_button.clicked.connect(lambda: self.add_row(self.add_kind.currentText()))
        self.remove_button.clicked.connect(lambda: self.remove_row(self.current_row()))
        self.up_button.clicked.connect(lambda: self.move_row(self.current_row(), -1))
        self.down_button.clicked.connect(lambda: self.move_row(self.current_row(), +1))
        self.from_model_button = QPushButton("Start from the network on show")
        self.from_model_button.setToolTip("the layers of the model in the header above "
                                          "(a loaded file, the one just trained)")
        self.from_model_button.clicked.connect(self.current_model_requested)
        # button rows that break into shorter rows when narrow (1024 px at 200 %)
        top = SideBySide([SideBySide([QLabel("Template"), self.template]),
                          SideBySide([use, self.from_model_button])])
        top.box.addStretch(1)
        edit = SideBySide([SideBySide([self.add_kind, self.add_button]),
                           SideBySide([self.remove_button, self.up_button, self.down_button])])
        edit.box.addStretch(1)

        self.table = RowTable(0, len(COLUMNS))
        self.table.row_dropped.connect(self.move_row_to)
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setWordWrap(True)
        head = self.table.horizontalHeader()
        head.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        head.setSectionResizeMode(len(COLUMNS) - 1, QHeaderView.ResizeMode.Stretch)
        # the reasons wrap: rows as tall as the text at the column's width now, not at first
        head.sectionResized.connect(lambda *_: self.table.resizeRowsToContents())
        self.table.itemSelectionChanged.connect(self._on_table_selection)
        self.editor = RowEditor()
        self.editor.edited.connect(self._on_editor_edited)

        self.text = QPlainTextEdit()
        self.text.setPlaceholderText("one layer per line, e.g.\nconv 6 5x5 same\nrelu\n"
                                     "maxpool 2\nflatten\ndense 10")
        mono = self.text.font()
        mono.setFamily("monospace")
        self.text.setFont(mono)
        self.apply_button = QPushButton("Use this text")
        self.apply_button.clicked.connect(lambda: self.apply_text(self.text.toPlainText()))
        self.text_error = QLabel()
        self.text_error.setWordWrap(True)
        self.text_error.setStyleSheet(f"color: {BAD_TEXT.name()}")
        text_box = QGroupBox("As text")  # a short title: a group box's title does not wrap
        tl = QVBoxLayout(text_box)
        text_hint = QLabel("Copy it, or paste one and press Use this text.")
        text_hint.setWordWrap(True)
        tl.addWidget(text_hint)
        tl.addWidget(self.text, 1)
        tl.addWidget(self.apply_button)
        tl.addWidget(self.text_error)

        self.total = QLabel()
        self.total.setWordWrap(True)
        self.train_button = QPushButton("Train this network")
        self.train_button.clicked.connect(self._on_train_clicked)
        bottom = QHBoxLayout()
        bottom.addWidget(self.total, 1)
        bottom.addWidget(self.train_button)

        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.addWidget(self.editor)
        rl.addWidget(text_box, 1)
        left = QWidget()
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 0, 0)
        ll.addWidget(top)
        ll.addWidget(edit)
        ll.addWidget(self.table, 1)
        ll.addLayout(bottom)
        # the layer editor beside the table, or under it on a narrow screen (scrolling)
        scaled_minimum_height(self.table, 160)
        self.body, scroll = side_by_side_page([left, right], [3, 2])
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addWidget(scroll)
        self._show(DesignStep(self.arch, -1))

    # ---- the architecture ---------------------------------------------------------------------
    def set_arch(self, arch: Arch, select: int | None = None,
                 text: str = "Change the network", merge_row: int | None = None) -> None:
        """Shows ``arch`` (valid or not) as one undoable step named ``text``, row ``select``
        selected (None: the same row as before). Edits with the same ``merge_row`` in a row
        merge into one step."""
        before = DesignStep(self.arch, self.current_row())
        chosen = before.selected if select is None else select
        after = DesignStep(arch, chosen if 0 <= chosen < len(arch.layers) else -1)
        if after == before:
            self._show(after)  # nothing to undo, but the text's error (say) is cleared
            return
        self.undo_stack.push(ArchCommand(self._show, text, before, after, merge_row))

    def _show(self, step: DesignStep) -> None:
        """Paints ``step``: table, text, totals, the Train button and the selected row."""
        arch = step.arch
        self.arch = arch
        self.analysis = analyse(arch)
        self._fill_table()
        self.text.setPlainText(format_arch(arch))
        self.text_error.clear()
        self._update_total()
        if 0 <= step.selected < len(arch.layers):
            self.table.selectRow(step.selected)
        else:
            self.table.clearSelection()
        self._on_table_selection()
        self.arch_changed.emit(arch)

    def load_template(self, key: str) -> None:
        self.template.setCurrentIndex(self.template.findData(key))
        self.set_arch(TEMPLATES[key], text=f"Start from {display_name(key)}")

    def current_row(self) -> int:
        rows = self.table.selectionModel().selectedRows()
        return rows[0].row() if rows else -1

    def add_row(self, kind: str, index: int | None = None) -> None:
        """Inserts a new ``kind`` row after ``index`` (default: the selection, else at the end)."""
        layers = list(self.arch.layers)
        at = (self.current_row() if index is None else index)
        at = len(layers) if at < 0 else at + 1
        layers.insert(at, NEW_ROW.get(kind, LayerSpec(kind)))
        self.set_arch(self.arch.with_layers(layers), select=at, text=f"Add {kind} layer")

    def remove_row(self, index: int) -> None:
        layers = list(self.arch.layers)
        if 0 <= index < len(layers):
            gone = layers.pop(index)
            self.set_arch(self.arch.with_layers(layers), select=min(index, len(layers) - 1),
                          text=f"Remove row {index + 1} ({gone.kind})")

    def move_row(self, index: int, step: int) -> None:
        layers = list(self.arch.layers)
        to = index + step
        if 0 <= index < len(layers) and 0 <= to < len(layers):
            layers[index], layers[to] = layers[to], layers[index]
            self.set_arch(self.arch.with_layers(layers), select=to,
                          text=f"Move row {index + 1} {'up' if step < 0 else 'down'}")

    def move_row_to(self, index: int, to: int) -> None:
        """Moves row ``index`` to position ``to`` (a drag and drop)."""
        layers = list(self.arch.layers)
        if 0 <= index < len(layers) and 0 <= to < len(layers) and to != index:
            layers.insert(to, layers.pop(index))
            self.set_arch(self.arch.with_layers(layers), select=to,
                          text=f"Move row {index + 1} to {to + 1}")

    def set_row(self, index: int, spec: LayerSpec) -> None:
        layers = list(self.arch.layers)
        if 0 <= index < len(layers):
            layers[index] = spec
            self.set_arch(self.arch.with_layers(layers), select=index,
                          text=f"Edit row {index + 1} ({spec.kind})", merge_row=index)

    def apply_text(self, text: str) -> bool:
        """Reads pasted text into the rows; False (the line's problem shown) if unreadable."""
        try:
            arch = parse_arch(text)
        except ValueError as exc:
            self.text_error.setText(f"Not used: {exc}")
            return False
        self.set_arch(arch, text="Use the pasted text")
        return True

    # ---- painting -----------------------------------------------------------------------------
    def _fill_table(self) -> None:
        self.table.blockSignals(True)
        self.table.setRowCount(len(self.analysis.rows))
        for r in self.analysis.rows:
            cells = [str(r.index + 1), format_layer(r.spec), _shape(r.out_shape),
                     f"{r.params:,}" if r.ok else "", f"{r.macs:,}" if r.ok else "",
                     r.reason or ("after an impossible layer" if r.blocked else "")]
            if r.ok and r.spec.kind == CONV and r.in_shape is not None:
                c = r.in_shape[0]
                cells[5] = (f"{r.spec.filters} filters of {c}x{r.spec.size}x{r.spec.size} "
                            f"(depth {c} = the input's channels)")
            elif r.ok and r.spec.kind in ACTIVATIONS and r.spec.kind != "none":
                cells[5] = ""
            for j, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if j in (3, 4):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                          | Qt.AlignmentFlag.AlignVCenter)
                if r.reason:
                    item.setBackground(QBrush(BAD_BACKGROUND))
                    item.setForeground(QBrush(BAD_TEXT))
                    item.setToolTip(r.reason)
                elif r.blocked:
                    item.setForeground(QBrush(QColor(140, 140, 140)))
                self.table.setItem(r.index, j, item)
        self.table.resizeRowsToContents()
        self.table.blockSignals(False)

    def _update_total(self) -> None:
        a = self.analysis
        if a.ok:
            self.total.setText(f"input {_shape(self.arch.input_shape)} → {a.out_shape[0]} "
                               f"scores: <b>{a.params:,}</b> parameters, <b>{a.macs:,}</b> "
                               "multiply-adds per image")
            self.total.setStyleSheet("")
            self.train_button.setEnabled(True)
            self.train_button.setToolTip("hand this network to the Train tab and start")
        else:
            self.total.setText(f"Cannot train yet: {a.reason}")
            self.total.setStyleSheet(f"color: {BAD_TEXT.name()}")
            self.train_button.setEnabled(False)
            self.train_button.setToolTip(a.reason)

    # ---- events -------------------------------------------------------------------------------
    def _on_table_selection(self) -> None:
        i = self.current_row()
        self.editor.set_spec(self.arch.layers[i] if 0 <= i < len(self.arch.layers) else None)
        for b in (self.remove_button, self.up_button, self.down_button):
            b.setEnabled(i >= 0)

    def _on_editor_edited(self, spec: LayerSpec) -> None:
        i = self.current_row()
        if i >= 0 and spec != self.arch.layers[i]:
            self.set_row(i, spec)

    def _on_train_clicked(self) -> None:
        if self.analysis.ok:
            self.train_requested.emit(self.arch)
