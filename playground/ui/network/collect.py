"""Collect mode: name your own labels, draw examples of each, train on them live.

The student adds labels ("A", "B", "circle"), draws on a :class:`DrawingCanvas` (the
Playground's, with a private state so the Playground's drawing is left alone) and adds the
drawing as an example of the selected label. "Train on these" hands the examples, as a
:class:`~playground.data.Digits` with class names, to the Train tab, which trains in its
background worker as usual; the canvas's own prediction bars then name the labels, and follow
the network's weights live while it trains.

The examples are a folder of class sub-folders of PNGs (:func:`~playground.data.save_image_folder`,
reopened by :func:`~playground.data.load_image_folder`, the image-folder loader). Unsaved
examples are saved on quit into the app data folder (:func:`autosave_dir`) and come back at the
next start, as the window's session does.
"""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path

import numpy as np
from PySide6.QtCore import QStandardPaths, QTimer
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import (
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from playground.data import DataError, Digits, load_image_folder, save_image_folder
from playground.data.folder import MIN_PER_CLASS, check_label_name
from playground.ui.common.binding import observe_state
from playground.ui.common.side_by_side import SideBySide, side_by_side_page
from playground.ui.network.model_holder import ModelHolder, digit_input
from playground.ui.network.training_panel import COLLECTED, TrainingPanel
from playground.ui.playground.canvas import DrawingCanvas
from playground.ui.playground.prediction_view import ProbabilityBars
from playground.ui.playground.state import PlaygroundState

log = logging.getLogger(__name__)
MAX_EXAMPLES = 5_000
"""Most examples kept (far more than anyone draws; a bound on memory and on the autosave)."""


def autosave_dir() -> Path:
    """Where unsaved examples are kept between runs: ``$PLAYGROUND_DATA_DIR/collected``, else the
    app data folder's (``QStandardPaths.AppDataLocation``)."""
    base = os.environ.get("PLAYGROUND_DATA_DIR") or QStandardPaths.writableLocation(
        QStandardPaths.StandardLocation.AppDataLocation)
    return (Path(base) if base else Path.home() / ".conv-playground") / "collected"


class CollectPanel(QWidget):
    """Labels, a canvas, examples per label, and "Train on these"."""

    def __init__(self, holder: ModelHolder, training: TrainingPanel,
                 parent: QWidget | None = None, autosave: Path | None = None) -> None:
        super().__init__(parent)
        self.holder = holder
        self.training = training
        self.autosave = autosave if autosave is not None else autosave_dir()
        self.names: list[str] = []
        self.examples: list[list[np.ndarray]] = []
        self._added: list[int] = []  # the label of each addition, for Undo
        self.dirty = False
        """Examples changed since the last save (or autosave)."""
        self.state = PlaygroundState()
        self.canvas = DrawingCanvas(self.state)
        self.canvas.setToolTip("Draw an example of the selected label; right button erases")
        self.bars = ProbabilityBars(title="The network says:")
        self.bars.blank = True
        self._build()
        self._predict_later = QTimer(self)  # latest request wins: one prediction per burst
        self._predict_later.setSingleShot(True)
        self._predict_later.setInterval(0)
        self._predict_later.timeout.connect(self.predict)
        observe_state(self, self.state, lambda _what: self._predict_later.start())
        holder.weights_changed.connect(self._predict_later.start)
        holder.model_changed.connect(lambda _m: self._predict_later.start())
        training.training_finished.connect(self._on_training_finished)
        training.training_failed.connect(lambda text: self.status.setText(text))
        self.restore()
        self._refresh()

    # ---- layout -------------------------------------------------------------------------------
    def _build(self) -> None:
        self.name_edit = QLineEdit(placeholderText="a label, e.g. A, B, circle")
        self.name_edit.returnPressed.connect(self.add_label_from_edit)
        self.add_label_button = QPushButton("Add label")
        self.add_label_button.clicked.connect(self.add_label_from_edit)
        self.label_list = QListWidget()
        self.label_list.currentRowChanged.connect(lambda _r: self._refresh())
        self.thumbs = QLabel()
        self.thumbs.setToolTip("The selected label's last 12 examples")
        self.remove_label_button = QPushButton("Remove label")
        self.remove_label_button.clicked.connect(self.remove_label)
        self.add_button = QPushButton("Add example")
        self.add_button.setToolTip("Add the drawing as an example of the selected label")
        self.add_button.clicked.connect(self.add_example)
        self.undo_button = QPushButton("Undo last")
        self.undo_button.clicked.connect(self.undo)
        self.clear_button = QPushButton("Clear drawing")
        self.clear_button.clicked.connect(self.canvas.clear)
        self.clear_all_button = QPushButton("Remove all examples")
        self.clear_all_button.clicked.connect(self.clear_examples)
        self.epochs = QSpinBox(minimum=1, maximum=500, value=30)
        self.epochs.setToolTip("Passes over your examples (they are few, so many passes)")
        self.train_button = QPushButton("Train on these")
        self.train_button.clicked.connect(self.train)
        self.save_button = QPushButton("Save examples…")
        self.save_button.clicked.connect(self._on_save_clicked)
        self.open_button = QPushButton("Open examples…")
        self.open_button.clicked.connect(self._on_open_clicked)
        self.status = QLabel("Name a label, draw an example, press Add example; at least "
                             f"{MIN_PER_CLASS} per label and 2 labels to train.")
        self.status.setWordWrap(True)

        labels = QGroupBox("Your labels")
        ll = QVBoxLayout(labels)
        row = QHBoxLayout()
        row.addWidget(self.name_edit, 1)
        row.addWidget(self.add_label_button)
        ll.addLayout(row)
        ll.addWidget(self.label_list, 1)
        ll.addWidget(self.thumbs)
        ll.addWidget(self.remove_label_button)
        files = QHBoxLayout()
        files.addWidget(self.save_button)
        files.addWidget(self.open_button)
        ll.addLayout(files)

        draw = QVBoxLayout()
        draw.addWidget(self.canvas, 1)
        buttons = QHBoxLayout()
        for b in (self.add_button, self.undo_button, self.clear_button):
            buttons.addWidget(b)
        draw.addLayout(buttons)
        draw.addWidget(self.clear_all_button)

        right = QVBoxLayout()
        right.addWidget(self.bars, 1)
        epochs = QHBoxLayout()
        epochs.addWidget(QLabel("Epochs"))
        epochs.addWidget(self.epochs)
        epochs.addWidget(self.train_button, 1)
        right.addLayout(epochs)
        right.addWidget(self.status)
        # three columns, or fewer on a narrow screen (the page scrolls down then)
        self.body, scroll = side_by_side_page(
            [labels, SideBySide([draw, right], [1, 1])], [1, 4])
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addWidget(scroll)

    def resizeEvent(self, event) -> None:
        """The square canvas is at most as tall as the page less its buttons' row, so the
        buttons stay on show when the columns are stacked on a narrow screen."""
        super().resizeEvent(event)
        room = event.size().height() - 2 * self.clear_all_button.sizeHint().height() - 40
        side = max(self.canvas.minimumWidth(), room)
        self.canvas.setMaximumSize(side, side)

    # ---- labels and examples ------------------------------------------------------------------
    def add_label(self, name: str) -> bool:
        """Adds a label and selects it; False (why in the status) for a bad or taken name."""
        try:
            text = check_label_name(name)
        except ValueError as exc:
            self.status.setText(str(exc))
            return False
        if text in self.names:
            self.status.setText(f"There is a label {text!r} already.")
            self.label_list.setCurrentRow(self.names.index(text))
            return False
        if len(self.names) >= 64:
            self.status.setText("At most 64 labels.")
            return False
        self.names.append(text)
        self.examples.append([])
        self.dirty = True
        self._refresh()
        self.label_list.setCurrentRow(len(self.names) - 1)
        return True

    def add_label_from_edit(self) -> None:
        if self.add_label(self.name_edit.text()):
            self.name_edit.clear()

    def remove_label(self) -> None:
        """Removes the selected label with its examples."""
        i = self.label_list.currentRow()
        if not 0 <= i < len(self.names):
            return
        name = self.names.pop(i)
        gone = len(self.examples.pop(i))
        self._added = [a - (a > i) for a in self._added if a != i]
        self.dirty = True
        self._refresh()
        self.status.setText(f"Removed {name!r} and its {gone} example{'s' * (gone != 1)}.")

    def current_label(self) -> int:
        return self.label_list.currentRow()

    def add_example(self) -> bool:
        """Adds the drawing to the selected label and clears the canvas; False (why shown) if
        there is no label or nothing is drawn."""
        i = self.current_label()
        if not 0 <= i < len(self.names):
            self.status.setText("Add a label first (type a name, press Add label).")
            return False
        self.canvas.push_to_state()
        img = self.example_image()
        if img.max() < 13:
            self.status.setText("Draw something on the canvas first.")
            return False
        if sum(map(len, self.examples)) >= MAX_EXAMPLES:
            self.status.setText(f"At most {MAX_EXAMPLES:,} examples.")
            return False
        self.examples[i].append(img)
        self._added.append(i)
        self.dirty = True
        self.canvas.clear()
        self._refresh()
        self.status.setText(f"{len(self.examples[i])} example{'s' * (len(self.examples[i]) > 1)}"
                            f" of {self.names[i]!r}.")
        return True

    def example_image(self) -> np.ndarray:
        """The canvas's drawing as an example: uint8 (28, 28), prepared like the Playground's."""
        return (np.clip(digit_input(self.state.image), 0, 1) * 255 + 0.5).astype(np.uint8)

    def undo(self) -> None:
        """Removes the example added last."""
        if self._added:
            i = self._added.pop()
            self.examples[i].pop()
            self.dirty = True
            self._refresh()
            self.status.setText(f"Removed the last example of {self.names[i]!r}.")

    def clear_examples(self) -> None:
        """Removes every example (the labels stay)."""
        self.examples = [[] for _ in self.names]
        self._added.clear()
        self.dirty = True
        self._refresh()

    def dataset(self) -> Digits:
        """The examples as a dataset with the labels' names (uint8 (N, 28, 28))."""
        imgs = [img for ex in self.examples for img in ex]
        labels = [i for i, ex in enumerate(self.examples) for _ in ex]
        images = np.stack(imgs) if imgs else np.zeros((0, 28, 28), np.uint8)
        return Digits(images, np.asarray(labels, np.uint8), "collected drawings",
                      tuple(self.names) if self.names else None)

    def _refresh(self) -> None:
        row = self.label_list.currentRow()
        self.label_list.blockSignals(True)
        self.label_list.clear()
        for name, ex in zip(self.names, self.examples, strict=True):
            self.label_list.addItem(f"{name}  —  {len(ex)} example{'s' * (len(ex) != 1)}")
        self.label_list.setCurrentRow(min(max(row, 0), len(self.names) - 1))
        self.label_list.blockSignals(False)
        has = bool(self.names)
        self.add_button.setEnabled(has)
        self.remove_label_button.setEnabled(has)
        self.undo_button.setEnabled(bool(self._added))
        self.clear_all_button.setEnabled(any(self.examples))
        self.save_button.setEnabled(has)
        self._show_thumbnails()

    def _show_thumbnails(self) -> None:
        i = self.current_label()
        shown = self.examples[i][-12:] if 0 <= i < len(self.names) else []
        if not shown:
            self.thumbs.setText("(no examples of this label yet)" if self.names else "")
            return
        rows = -(-len(shown) // 4)
        sheet = np.full((rows * 30, 4 * 30), 90, np.uint8)
        for k, img in enumerate(shown):
            r, c = divmod(k, 4)
            sheet[r * 30 + 1: r * 30 + 29, c * 30 + 1: c * 30 + 29] = img
        h, w = sheet.shape
        image = QImage(sheet.data, w, h, w, QImage.Format.Format_Grayscale8).copy()
        self.thumbs.setPixmap(QPixmap.fromImage(image).scaled(2 * w, 2 * h))

    # ---- training and predicting --------------------------------------------------------------
    def train(self) -> bool:
        """Trains the Train tab's model on the examples; False (why in the status) if it cannot."""
        short = [f"{n!r} ({len(e)})" for n, e in zip(self.names, self.examples, strict=True)
                 if len(e) < MIN_PER_CLASS]
        if len(self.names) < 2:
            self.status.setText("Add at least 2 labels to train.")
            return False
        if short:
            self.status.setText(f"Each label needs at least {MIN_PER_CLASS} examples; add more "
                                f"to {', '.join(short)}.")
            return False
        if self.training.is_running():
            self.status.setText("A training is running: stop it in the Train tab first.")
            return False
        data = self.dataset()
        self.training.set_dataset(data, f"Collected drawings ({len(data)})", COLLECTED)
        self.training.epochs.setValue(self.epochs.value())
        self.training.batch.setValue(min(self.training.batch.value(), 16))
        if not self.training.start():
            self.status.setText(f"Cannot train: {self.training.error}")
            return False
        self.status.setText(f"Training on {len(data)} drawings of {len(self.names)} labels… "
                            "(the bars follow it live; details in the Train tab)")
        return True

    def predict(self) -> np.ndarray | None:
        """Shows the network's prediction for the canvas, named by the model's labels."""
        model = self.holder.model
        img = digit_input(self.state.image)
        self.bars.blank = float(img.max()) < 0.05
        c = model.input_shape[0]
        x = img if c == 1 else np.repeat(img[None, None], c, axis=1)
        try:
            model.to(self.holder.compute_backend())
            probs = np.asarray(model.predict_proba(x), np.float32).reshape(-1)
        except ValueError as exc:  # a model of other inputs (a designed 32x32 network)
            self.bars.blank = True
            self.bars.setToolTip(str(exc))
            return None
        self.bars.set_labels(model.class_names)
        self.bars.set_probabilities(probs, f"{self.holder.title} says:")
        return probs

    def _on_training_finished(self, completed: bool) -> None:
        if self.training.data_chooser.key() == COLLECTED:
            self.status.setText(self.training.status.text() if completed else
                                "Stopped; the network keeps what it learned so far.")
            self.predict()

    # ---- files --------------------------------------------------------------------------------
    def save_to(self, folder: str | Path) -> bool:
        """Writes the examples as class sub-folders of PNGs; False (why shown) if it cannot."""
        try:
            save_image_folder(folder, self.dataset())
        except (OSError, ValueError) as exc:
            self.status.setText(f"Could not save: {exc}")
            return False
        self.dirty = False
        self.status.setText(f"Saved {sum(map(len, self.examples))} examples to {folder}.")
        return True

    def open_from(self, folder: str | Path, quiet: bool = False) -> bool:
        """Replaces the examples with a folder of class sub-folders (saved here or made by hand:
        any images, shrunk to 28x28 grey); False (why shown) if it cannot be used."""
        try:
            data, report = load_image_folder(folder, channels=1, strict=False)
        except DataError as exc:
            self.status.setText(f"Cannot open: {exc}")
            return False
        if len(data) > MAX_EXAMPLES:
            self.status.setText(f"Cannot open: more than {MAX_EXAMPLES:,} examples")
            return False
        self.names = list(data.class_names or ())
        self.examples = [list(data.images[data.labels == i]) for i in range(len(self.names))]
        self._added.clear()
        self.dirty = False
        self._refresh()
        if not quiet:
            notes = "".join(f" Note: {w}." for w in report.warnings)
            self.status.setText(f"Opened {len(data)} examples of {len(self.names)} labels."
                                + notes)
        return True

    def _on_save_clicked(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Save examples into a folder")
        if folder:
            self.save_to(folder)

    def _on_open_clicked(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Open a folder of class sub-folders")
        if folder:
            self.open_from(folder)

    def restore(self) -> None:
        """Brings back the examples autosaved when the app last quit (if any)."""
        if self.autosave.is_dir() and any(self.autosave.iterdir()) and \
                self.open_from(self.autosave, quiet=True):
            n = sum(map(len, self.examples))
            self.status.setText(f"Your {n} examples of {len(self.names)} labels from last time "
                                "are back.")

    def shutdown(self) -> None:
        """Autosaves unsaved examples (quitting); clears the autosave when nothing is left."""
        if not self.dirty:
            return
        try:
            if self.names:
                save_image_folder(self.autosave, self.dataset())
            elif self.autosave.is_dir():
                shutil.rmtree(self.autosave)
            self.dirty = False
        except (OSError, ValueError) as exc:
            log.warning("could not keep the collected examples in %s: %s", self.autosave, exc)
