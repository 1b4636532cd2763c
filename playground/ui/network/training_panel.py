"""Train a network from the window: settings, Start/Pause/Stop, progress, curves, the FCNN race.

The work is a :class:`~playground.nn.sessions.TrainingJob`: a plain, Qt-free generator (run here by
a :class:`GeneratorWorker`) that trains one or more models one after another and yields a
:class:`~playground.nn.sessions.TrainingUpdate` per step; now and then the update carries a
``state_dict()`` copy made between two steps, which the GUI loads into its own display copy of
the network. The models being trained are never touched by the GUI thread until the job
has ended; then the last one becomes the holder's model.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from playground import engine, nn
from playground.nn.arch import DESIGNED, Arch, analyse
from playground.nn.registry import ARCHITECTURE_NAMES, display_name
from playground.nn.sessions import (
    RunSpec,
    TrainingJob,
    TrainingUpdate,
    progress_line,
    race_conclusion,
    race_runs,
)
from playground.ui.common.side_by_side import (
    scaled_minimum_height,
    scaled_minimum_width,
    side_by_side_page,
)
from playground.ui.common.theme import relative_font
from playground.ui.common.worker import GeneratorWorker, describe
from playground.ui.network.curves import TrainingCurves
from playground.ui.network.data_chooser import DataChooser
from playground.ui.network.model_holder import ModelHolder

COLLECTED = "collected"
"""The data key of the collect mode's drawings."""


class TrainingPanel(QWidget):
    """Training settings and controls, progress, the loss/accuracy curves and the race.

    Parameters
    ----------
    holder : ModelHolder
        Gets a display copy of the network while it trains and the trained model at the end.
    """

    training_started = Signal(str)
    """A run began (its label)."""
    training_finished = Signal(bool)
    """The job ended: True when it ran to completion, False when stopped or failed."""
    training_failed = Signal(str)
    """The training raised: what to tell the student (the traceback is in the log)."""

    def __init__(self, holder: ModelHolder, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.holder = holder
        self.worker = GeneratorWorker(self, "training")
        self.job: TrainingJob | None = None
        self.race = False
        self.design: Arch | None = None
        """The designer's network, trained when "Designed network" is chosen."""
        self.last_result: tuple | None = None
        self.error = ""
        self._curve_runs: list = []
        self._latest: nn.Progress | None = None
        self._shown_run = -1
        self.curves = TrainingCurves()
        self._build()
        self.worker.started.connect(self._on_worker_started)
        self.worker.yielded.connect(self._on_worker_yielded)
        self.worker.returned.connect(self._on_worker_returned)
        self.worker.errored.connect(self._on_worker_errored)
        self.worker.aborted.connect(self._on_worker_aborted)
        self.worker.finished.connect(self._on_worker_finished)
        self._timer = QTimer(self)
        self._timer.setInterval(100)
        self._timer.timeout.connect(self._show_progress)
        self._set_running(False)

    # ---- layout -------------------------------------------------------------------------------
    def _build(self) -> None:
        self.model_combo = QComboBox()
        for key, text in ARCHITECTURE_NAMES.items():
            self.model_combo.addItem(text, key)
        self.model_combo.addItem(display_name(DESIGNED), DESIGNED)
        self._designed_item().setEnabled(False)
        self._designed_item().setToolTip("design a network in the Design tab first")
        self.model_combo.setCurrentIndex(1)
        self.model_combo.currentIndexChanged.connect(self._on_model_combo_changed)
        self.data_chooser = DataChooser()
        self.data_combo = self.data_chooser.combo
        self.data_chooser.changed.connect(self._follow_data_kind)
        self.train_size = QSpinBox(minimum=0, maximum=60000, singleStep=100)
        self.train_size.setSpecialValueText("all")
        self.train_size.setToolTip("Training images per epoch (all = every image not held out)")
        self.epochs = QSpinBox(minimum=1, maximum=200, value=3)
        self.batch = QSpinBox(minimum=1, maximum=2048, value=64)
        self.lr = QDoubleSpinBox(decimals=4, minimum=0.0001, maximum=2.0, singleStep=0.01,
                                 value=0.05)
        self.optimizer = QComboBox()
        self.optimizer.addItems(["sgd", "adam"])
        self.optimizer.currentTextChanged.connect(
            lambda o: self.lr.setValue(0.002 if o == "adam" else 0.05))
        self.seed = QSpinBox(minimum=0, maximum=2**31 - 1, value=0)
        self.augment = QCheckBox("Random shifts, rotations and scaling")
        self.augment.setChecked(True)
        self.backend_combo = QComboBox()
        self.backend_combo.addItem("auto", None)
        available = engine.available_backends()
        for name in engine.CHOICES:
            if name == "auto":
                continue
            self.backend_combo.addItem(name, name)
            if name not in available:
                item = self.backend_combo.model().item(self.backend_combo.count() - 1)
                item.setEnabled(False)
                item.setToolTip(f"the {name} backend is not available on this computer")
        form = QFormLayout()
        form.addRow("Model", self.model_combo)
        form.addRow("Data", self.data_chooser)
        form.addRow("Images per epoch", self.train_size)
        form.addRow("Epochs", self.epochs)
        form.addRow("Batch size", self.batch)
        form.addRow("Learning rate", self.lr)
        form.addRow("Optimizer", self.optimizer)
        form.addRow("Seed", self.seed)
        form.addRow("Augmentation", self.augment)
        form.addRow("Backend", self.backend_combo)

        self.start_button = QPushButton("Start")
        self.pause_button = QPushButton("Pause")
        self.stop_button = QPushButton("Stop")
        self.race_button = QPushButton("Race: FCNN vs CNN")
        self.race_button.setToolTip("Train the FCNN and the chosen CNN (LeNet-5 if the FCNN is "
                                    "chosen) on the same digits, one after the other")
        self.start_button.clicked.connect(lambda: self.start())
        self.pause_button.clicked.connect(self.toggle_pause)
        self.stop_button.clicked.connect(self.stop)
        self.race_button.clicked.connect(self.start_race)
        buttons = QHBoxLayout()
        for b in (self.start_button, self.pause_button, self.stop_button):
            buttons.addWidget(b)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setFormat("idle")
        self.progress.setTextVisible(True)
        self.status = QLabel("Choose a model and press Start.")
        self.status.setWordWrap(True)
        self.race_label = QLabel()
        self.race_label.setWordWrap(True)
        self.race_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        relative_font(self.race_label, 1.15)
        export = QHBoxLayout()
        self.csv_button = QPushButton("Export CSV…")
        self.png_button = QPushButton("Export PNG…")
        self.clear_button = QPushButton("Clear curves")
        self.csv_button.clicked.connect(lambda: self._export("csv"))
        self.png_button.clicked.connect(lambda: self._export("png"))
        self.clear_button.clicked.connect(self.curves.clear)
        for b in (self.csv_button, self.png_button, self.clear_button):
            export.addWidget(b)

        settings = QGroupBox("Training")
        sl = QVBoxLayout(settings)
        sl.addLayout(form)
        sl.addLayout(buttons)
        sl.addWidget(self.race_button)
        sl.addWidget(self.progress)
        sl.addWidget(self.status)
        sl.addStretch(1)
        right = QVBoxLayout()
        right.addWidget(self.curves, 1)
        right.addWidget(self.race_label)
        right.addLayout(export)
        scaled_minimum_height(self.curves, 220)
        # beside each other, or the curves under the settings on a narrow screen (scrolling)
        scaled_minimum_width(self.curves, 400)  # two plots side by side, axes unclipped
        self.body, scroll = side_by_side_page([settings, right], [0, 1], full_height=True)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addWidget(scroll)

    # ---- settings -----------------------------------------------------------------------------
    def config(self) -> nn.TrainConfig:
        """The settings on show as a :class:`~playground.nn.TrainConfig` (ValueError if invalid)."""
        size = self.train_size.value()
        return nn.TrainConfig(epochs=self.epochs.value(), batch_size=self.batch.value(),
                              lr=float(self.lr.value()), optimizer=self.optimizer.currentText(),
                              seed=self.seed.value(), augment=self.augment.isChecked(),
                              train_size=size or None, backend=self.backend_combo.currentData())

    @property
    def folder(self) -> str | None:
        """The IDX folder chosen (the data chooser's)."""
        return self.data_chooser.folder

    @folder.setter
    def folder(self, value: str | None) -> None:
        self.data_chooser.folder = value

    def data_spec(self) -> str:
        return self.data_chooser.spec()

    def dataset(self):
        """The chosen training data (loaded once per choice); DataError/ValueError if unusable."""
        return self.data_chooser.dataset()

    def set_dataset(self, data, label: str = "custom", key: str = "custom") -> None:
        """Trains on ``data`` (a Digits) from now on; the collect mode, tests and scripts."""
        self.data_chooser.set_dataset(data, label, key)

    def _follow_data_kind(self) -> None:
        """Augmentation on for digit data, off for others (the user can still change it)."""
        from playground.data.digits import augment_by_default

        try:
            spec = self.data_spec()
        except ValueError:
            return
        if spec == COLLECTED:
            on, why = True, "drawings: small shifts and rotations help them generalise"
        elif spec == "custom":
            return
        else:
            on, why = augment_by_default(spec)
        self.augment.setChecked(on)
        self.augment.setToolTip(f"{'On' if on else 'Off'} by default here: {why}")

    def _on_model_combo_changed(self, _index: int) -> None:
        if self.worker.is_running():
            stopped = self.worker.quit()
            self.status.setText("Training stopped: the model was changed." if stopped else
                                "The old training is still finishing its step in the background.")

    def _designed_item(self):
        return self.model_combo.model().item(self.model_combo.findData(DESIGNED))

    def set_design(self, arch: Arch) -> None:
        """Makes ``arch`` (a valid architecture) the "Designed network" entry and selects it."""
        result = analyse(arch)
        if not result.ok:
            raise ValueError(f"this network cannot be trained: {result.reason}")
        self.design = arch
        item = self._designed_item()
        item.setEnabled(True)
        item.setToolTip(f"{result.params:,} parameters, {result.macs:,} multiply-adds per image")
        self.model_combo.setCurrentIndex(self.model_combo.findData(DESIGNED))

    # ---- control ------------------------------------------------------------------------------
    def start(self, arch: str | None = None) -> bool:
        """Trains the chosen model (or ``arch``); False (reason in ``error``) if it cannot."""
        arch = arch or self.model_combo.currentData()
        return self._launch([(arch, display_name(arch))], race=False)

    def start_race(self) -> bool:
        """Trains the FCNN, then the chosen CNN (LeNet-5 if FCNN is chosen), on the same data."""
        return self._launch(race_runs(self.model_combo.currentData()), race=True)

    def _launch(self, runs: list[tuple[str, str]], race: bool) -> bool:
        self.error = ""
        try:
            cfg = self.config()
            data = self.dataset()
        except (ValueError, OSError) as exc:  # DataError is a ValueError
            self.error = str(exc)
            self.status.setText(f"Cannot start: {exc}")
            return False
        self.worker.quit()  # never two trainers at once
        if any(a == DESIGNED for a, _label in runs) and self.design is None:
            self.error = "design a network first (the Design tab)"
            self.status.setText(f"Cannot start: {self.error}")
            return False
        specs = [RunSpec(a, label, cfg, cfg.seed, self.design if a == DESIGNED else None)
                 for a, label in runs]
        try:
            job = TrainingJob(specs, data)
        except ValueError as exc:  # e.g. a designed layer this engine cannot compute
            self.error = str(exc)
            self.status.setText(f"Cannot start: {exc}")
            return False
        self.job = job
        self.race = race
        self.race_label.clear()
        self.last_result = None
        self._curve_runs = []
        self._shown_run = -1
        self._latest = None
        self.holder.unlink()
        self.holder.training = True
        self.worker.start(self.job.generator)
        self._set_running(True)
        self.training_started.emit(" vs ".join(label for _a, label in runs))
        return True

    def toggle_pause(self) -> None:
        if self.worker.is_paused():
            self.resume()
        else:
            self.pause()

    def pause(self) -> None:
        self.worker.pause()
        self.pause_button.setText("Resume")
        self.status.setText("Paused.")

    def resume(self) -> None:
        self.worker.resume()
        self.pause_button.setText("Pause")
        self.status.setText("Training…")

    def stop(self) -> None:
        """Stops at the next step; the model keeps the weights it has learned so far."""
        self.worker.stop()

    def shutdown(self) -> bool:
        """Stops any training and folder reading and waits for them (at most 2 s each); True
        when no thread is left."""
        reading = self.data_chooser.shutdown()
        return self.worker.quit() and reading

    def is_running(self) -> bool:
        return self.worker.is_running()

    def _set_running(self, running: bool) -> None:
        self.start_button.setEnabled(not running)
        self.race_button.setEnabled(not running)
        self.pause_button.setEnabled(running)
        self.stop_button.setEnabled(running)
        self.pause_button.setText("Pause")
        if running:
            self._timer.start()
        else:
            self._timer.stop()

    # ---- worker events ------------------------------------------------------------------------
    def _on_worker_started(self) -> None:
        self.status.setText("Training…")

    def _on_worker_yielded(self, update: TrainingUpdate) -> None:
        if update.progress is None:  # a run begins: show a fresh copy of its network
            self._curve_runs.append(self.curves.begin_run(update.label, update.params))
            self._shown_run = update.run
            self.holder.set_model(self.job.build(update.run, self.holder.backend), "training…")
            return
        p = update.progress
        run = self._curve_runs[update.run]
        if p.phase == "step":
            self.curves.add_step(run, p.epoch - 1 + p.step / p.steps_per_epoch, p.loss)
        else:
            self.curves.add_epoch(run, p.epoch, p.train_acc, p.val_acc, p.epoch_seconds)
        if update.weights is not None and update.run == self._shown_run:
            self.holder.update_weights(update.weights)
        self._latest = p
        self._latest_label = update.label

    def _on_worker_returned(self, results) -> None:
        self.last_result = results
        last = results[-1] if results else None
        diverged = next((r.diverged for r in results or () if r.diverged), None)
        if diverged:
            kept = last.epochs_completed if last is not None else 0
            self.error = diverged
            self.status.setText(f"Training stopped: {diverged}. The network keeps the weights of "
                                f"epoch {kept}" if kept else f"Training stopped: {diverged}. "
                                "The network keeps its weights from before training")
            self.training_failed.emit(f"The training diverged ({diverged}): lower the learning "
                                      "rate and start again. The network on show keeps its last "
                                      "good weights.")
        elif last is not None:
            val = "n/a" if last.val_acc is None else f"{last.val_acc:.1%}"
            self.status.setText(f"Done: validation accuracy {val}, training accuracy "
                                f"{last.train_acc:.1%}, {last.images_per_s:,.0f} images/s.")

    def _on_worker_errored(self, exc: BaseException) -> None:
        self.error = describe(exc)
        self.status.setText(f"Training failed: {self.error}")
        self.training_failed.emit(f"The training stopped with an error, so the network on show "
                                  f"keeps its last weights.\n\n{self.error}")

    def _on_worker_aborted(self) -> None:
        if not self.error:
            self.status.setText("Stopped. The network keeps what it learned so far.")

    def _on_worker_finished(self) -> None:
        job = self.job
        self._set_running(False)
        self._show_progress()
        self.curves.refresh()
        self.holder.training = False
        completed = self.last_result is not None
        if job is not None and job.done and self._shown_run >= 0:
            model = job.models[self._shown_run]
            self.holder.set_model(model, "trained just now" if completed else "stopped early")
        if self.race and len(self._curve_runs) == 2:
            self.race_label.setText(race_conclusion(self._curve_runs))
        self.progress.setFormat("done" if completed else "stopped")
        self.training_finished.emit(completed)

    def _show_progress(self) -> None:
        p = self._latest
        if p is None:
            return
        self.progress.setValue(int(1000 * p.fraction))
        self.progress.setFormat(progress_line(getattr(self, "_latest_label", ""), p))
        if self.worker.is_running() and not self.worker.is_paused():
            self.status.setText(f"loss {p.loss:.3f}   training accuracy {p.train_acc:.1%}   "
                                f"{p.images_per_s:,.0f} images/s")

    # ---- export -------------------------------------------------------------------------------
    def _export(self, kind: str) -> None:
        from PySide6.QtWidgets import QMessageBox

        caption = "Export curves as CSV" if kind == "csv" else "Export curves as PNG"
        path, _ = QFileDialog.getSaveFileName(self, caption, f"training-curves.{kind}",
                                              f"{kind.upper()} files (*.{kind})")
        if path:
            self.export_curves(kind, path, lambda text: QMessageBox.warning(self, caption, text))

    def export_curves(self, kind: str, path: str, warn=None) -> bool:
        """Writes the curves as ``kind`` (csv or png) to ``path``; says so only once the file is
        in place, else shows why (``warn``: a dialog) and returns False (the old file is kept)."""
        try:
            saved = (self.curves.export_csv if kind == "csv" else self.curves.export_png)(path)
        except OSError as exc:
            self.status.setText(f"Could not export: {exc}")
            if warn is not None:
                warn(f"Could not export: {exc}")
            return False
        self.status.setText(f"Exported to {saved}")
        return True
