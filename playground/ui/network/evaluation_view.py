"""Evaluate the network on held-out digits: accuracy, a clickable confusion matrix, worst mistakes.

Evaluation runs on a copy of the model in a :class:`GeneratorWorker` (1,000-10,000 digits take a
moment); clicking a cell of the confusion matrix shows those digits, and the most confidently wrong
digits are shown with what the network thought and how sure it was.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from playground import nn
from playground.ui.common.side_by_side import scaled_minimum_height, side_by_side_page
from playground.ui.common.worker import GeneratorWorker, describe
from playground.ui.network.model_holder import ModelHolder, clone_model, display_name
from playground.ui.network.network_view import TileGrid

MAX_SHOWN = 40


EVAL_BATCH = 100
"""Images predicted between two chances to stop (a batch takes ~1 s on the NumPy reference)."""


class _Predicted:
    """Probabilities computed already, handed to :func:`nn.evaluate` in place of the model."""

    def __init__(self, probs: np.ndarray, n_classes: int) -> None:
        self.probs, self.n_classes = probs, n_classes

    def predict_proba(self, _images, _batch_size: int = 0) -> np.ndarray:
        return self.probs


def _evaluation_job(model, images, labels):
    """Predicts in batches, yielding between them so that the worker can stop it (closing the
    window mid-evaluation on the reference backend used to wait minutes), then scores."""
    probs = []
    for start in range(0, len(images), EVAL_BATCH):
        probs.append(model.predict_proba(images[start:start + EVAL_BATCH]))
        yield start
    if not probs:
        return nn.evaluate(model, images, labels)
    return nn.evaluate(_Predicted(np.concatenate(probs), model.n_classes), images, labels)


def _hint(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    return label


class EvaluationView(QWidget):
    """Validation accuracy, confusion matrix (click a cell), the most confidently wrong digits."""

    evaluated = Signal(object)
    """An :class:`~playground.nn.Evaluation` arrived."""

    def __init__(self, holder: ModelHolder, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.holder = holder
        self.worker = GeneratorWorker(self, "evaluation")
        self.evaluation: nn.Evaluation | None = None
        self.images: np.ndarray | None = None
        self.labels: np.ndarray | None = None
        self.description = ""
        self.data_combo = QComboBox()
        self.data_combo.addItem("Held-out bundled digits (1,000)", "bundled")
        self.data_combo.addItem("MNIST test set (10,000)", "mnist")
        self.data_combo.currentIndexChanged.connect(lambda _i: self._forget_data())
        self.run_button = QPushButton("Evaluate")
        self.run_button.clicked.connect(self.run)
        self.accuracy_label = QLabel("Press Evaluate.")
        font = self.accuracy_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.accuracy_label.setFont(font)
        self.accuracy_label.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(QLabel("Digits"))
        top.addWidget(self.data_combo)
        top.addWidget(self.run_button)
        top.addWidget(self.accuracy_label, 1)

        self.matrix = QTableWidget(10, 10)
        self.matrix.setHorizontalHeaderLabels([str(i) for i in range(10)])
        self.matrix.setVerticalHeaderLabels([str(i) for i in range(10)])
        self.matrix.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        for header in (self.matrix.horizontalHeader(), self.matrix.verticalHeader()):
            header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.matrix.setToolTip("Rows: the true digit. Columns: what the network said. "
                               "Click a cell to see those digits.")
        self.matrix.cellClicked.connect(self.show_cell)
        # short box titles (a group box's title does not wrap): the rest in wrapping labels
        matrix_box = QGroupBox("Confusion matrix")
        ml = QVBoxLayout(matrix_box)
        ml.addWidget(_hint("Rows: the true digit. Columns: what the network said."))
        ml.addWidget(self.matrix)
        self.cell_label = QLabel("Click a cell.")
        self.cell_digits = TileGrid(tile_px=48, max_columns=10)
        self.wrong = TileGrid(tile_px=48, max_columns=10)
        right = QVBoxLayout()
        cell_box = QGroupBox("Digits in the clicked cell")
        cl = QVBoxLayout(cell_box)
        cl.addWidget(self.cell_label)
        cl.addWidget(self.cell_digits)
        cl.addStretch(1)
        wrong_box = QGroupBox("Most confidently wrong")
        wl = QVBoxLayout(wrong_box)
        wl.addWidget(_hint("Each: the true digit → what was said, and how sure."))
        wl.addWidget(self.wrong)
        wl.addStretch(1)
        right.addWidget(cell_box, 1)
        right.addWidget(wrong_box, 1)
        scaled_minimum_height(self.matrix, 180)
        # the examples beside the matrix, or under it on a narrow screen (scrolling)
        self.body, scroll = side_by_side_page([matrix_box, right], [1, 1])
        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(scroll, 1)
        self.worker.returned.connect(self._on_worker_returned)
        self.worker.errored.connect(
            lambda exc: self.accuracy_label.setText(f"Failed: {describe(exc)}"))
        self.worker.finished.connect(lambda: self.run_button.setEnabled(True))
        holder.model_changed.connect(self._on_holder_model_changed)

    # ---- data ---------------------------------------------------------------------------------
    def set_data(self, images: np.ndarray, labels: np.ndarray, description: str) -> None:
        """Evaluates on these digits from now on (for tests and other data)."""
        self.images, self.labels = np.asarray(images), np.asarray(labels, np.int64)
        self.description = description

    def _forget_data(self) -> None:
        self.images = self.labels = None

    def _load_data(self) -> None:
        from playground.data import load_dataset

        if self.data_combo.currentData() == "mnist":
            _train, test = load_dataset("mnist")
            self.set_data(test.images, test.labels, f"{len(test):,} MNIST test digits")
            return
        split = self.holder.model.data.get("split") if self.holder.model.data else None
        seed = split.get("seed", 0) if isinstance(split, dict) else 0
        frac = split.get("val_fraction", 0.2) if isinstance(split, dict) else 0.2
        train, _ = load_dataset("bundled")
        val = train.split(val_fraction=frac or 0.2, seed=seed or 0)[1]
        self.set_data(val.images, val.labels, f"{len(val):,} held-out bundled digits")

    # ---- running ------------------------------------------------------------------------------
    def run(self) -> bool:
        """Starts evaluating the current model; False (with the reason shown) if it cannot."""
        own = self.holder.model.class_names
        if own or self.holder.model.input_shape[0] != 1:
            self.accuracy_label.setText(
                f"This network was trained on its own classes ({', '.join(own or ['colour'])}), "
                "not on digits: its validation accuracy is in the Train tab, or run "
                "`conv-playground eval MODEL.npz --data FOLDER`.")
            return False
        try:
            if self.images is None:
                self._load_data()
        except (ValueError, OSError) as exc:
            self.accuracy_label.setText(f"Cannot evaluate: {exc}")
            return False
        model = clone_model(self.holder.model)
        self.run_button.setEnabled(False)
        self.accuracy_label.setText(f"Evaluating {display_name(model.name)} on "
                                    f"{self.description}…")
        images, labels = self.images, self.labels
        self.worker.start(lambda: _evaluation_job(model, images, labels))
        return True

    def shutdown(self) -> bool:
        return self.worker.quit()

    def _on_holder_model_changed(self, _model) -> None:
        if self.evaluation is not None:
            self.accuracy_label.setText("The model changed: press Evaluate again.")

    def _on_worker_returned(self, ev: nn.Evaluation) -> None:
        self.evaluation = ev
        n = len(ev.labels)
        worst = int(np.nanargmin(ev.per_class)) if n else 0
        self.accuracy_label.setText(
            f"{display_name(self.holder.model.name)}: {ev.accuracy:.1%} of {self.description} "
            f"right ({round(ev.accuracy * n):,} of {n:,}); hardest digit: {worst} "
            f"({ev.per_class[worst]:.0%})")
        cm = ev.confusion
        totals = np.maximum(cm.sum(axis=1, keepdims=True), 1)
        frac = cm / totals
        for i in range(10):
            for j in range(10):
                item = QTableWidgetItem(str(int(cm[i, j])))
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                f = float(frac[i, j])
                if i == j:
                    color = QColor.fromRgbF(1 - 0.6 * f, 1 - 0.25 * f, 1 - 0.6 * f)
                else:
                    g = min(1.0, 4 * f)
                    color = QColor.fromRgbF(1.0, 1 - 0.7 * g, 1 - 0.7 * g)
                item.setBackground(color)
                item.setForeground(QColor(0, 0, 0))
                item.setToolTip(f"true {i}, predicted {j}: {int(cm[i, j])}")
                self.matrix.setItem(i, j, item)
        idx = ev.most_confident_wrong(MAX_SHOWN // 2)
        self.wrong.set_tiles([self.images[k] for k in idx],
                             [f"{ev.labels[k]}→{ev.predictions[k]} "
                              f"{ev.probabilities[k, ev.predictions[k]]:.0%}" for k in idx])
        self.evaluated.emit(ev)

    def show_cell(self, row: int, col: int) -> np.ndarray:
        """Shows the digits whose true class is ``row`` and prediction ``col``; returns indices."""
        ev = self.evaluation
        if ev is None:
            return np.zeros(0, np.int64)
        idx = np.flatnonzero((ev.labels == row) & (ev.predictions == col))
        shown = idx[:MAX_SHOWN]
        self.cell_label.setText(f"{len(idx)} digit{'s' if len(idx) != 1 else ''} that are {row} "
                                f"and were called {col}" + (f" (first {MAX_SHOWN})"
                                                             if len(idx) > MAX_SHOWN else ""))
        self.cell_digits.set_tiles([self.images[k] for k in shown],
                                   [f"{ev.probabilities[k, col]:.0%}" for k in shown])
        return idx
