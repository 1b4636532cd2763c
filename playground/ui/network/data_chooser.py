"""What to train on: bundled digits, the downloaded MNIST, an IDX folder or an image folder.

:class:`DataChooser` is a combo box and a summary line under it (classes, counts, channels and
any warnings). An image folder (one sub-folder per class, see :mod:`playground.data.folder`) is
read in a :class:`~playground.ui.common.worker.GeneratorWorker` with its progress in the summary,
so a large folder never freezes the window; until it is read, :meth:`DataChooser.dataset` says
so instead of waiting. Data handed over by code (the collect mode's drawings, a test's digits)
becomes an entry of its own with :meth:`DataChooser.set_dataset`.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QFileDialog, QLabel, QVBoxLayout, QWidget

from playground.data import DataError, Digits, FolderReport
from playground.ui.common.worker import GeneratorWorker, describe

IMAGES = "images"
"""The combo's key for an image folder."""
IDX = "folder"
"""The combo's key for an IDX folder (kept from before image folders existed)."""
_ABOUT = {"bundled": "5,000 MNIST digits (500 per class), grey 28x28",
          "mnist": "60,000 MNIST digits, grey 28x28, and the 10,000 of its test set",
          IDX: "the four IDX files of MNIST, Fashion-MNIST or KMNIST"}


def describe_digits(data: Digits) -> str:
    """One line for a dataset: size, classes with counts, grey or colour, image size."""
    c, h, w = data.image_shape
    counts = data.class_counts(data.n_classes).tolist()
    if data.class_names:
        classes = ", ".join(f"{n} ({k})" for n, k in zip(data.class_names, counts, strict=False))
    else:
        classes = f"labels 0-{len(counts) - 1}, {min(counts):,} to {max(counts):,} per class"
    kind = "colour" if c == 3 else "grey"
    return f"{len(data):,} images, {data.n_classes} classes, {kind} {h}x{w}: {classes}"


class DataChooser(QWidget):
    """The training data choice and its summary.

    Signals
    -------
    changed
        Another entry was chosen (or its data arrived): follow it (augmentation, summary).
    loaded(object)
        An image folder was read: the :class:`~playground.data.FolderReport`.
    failed(str)
        An image folder cannot be used: why.
    """

    changed = Signal()
    loaded = Signal(object)
    failed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.combo = QComboBox()
        self.combo.addItem("Bundled digits (5,000)", "bundled")
        self.combo.addItem("Full MNIST (60,000)", "mnist")
        self.combo.addItem("IDX folder…", IDX)
        self.combo.addItem("Image folder…", IMAGES)
        self.combo.setItemData(3, "A folder with one sub-folder of images per class (PNG, "
                                  "JPEG, BMP, GIF; any size, grey or colour)",
                               Qt.ItemDataRole.ToolTipRole)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.folder: str | None = None
        """The IDX folder chosen (None: none yet)."""
        self.image_folder: str | None = None
        self.report: FolderReport | None = None
        self.error = ""
        self._datasets: dict[str, Digits] = {}
        self._worker = GeneratorWorker(self, "image-folder")
        self._worker.yielded.connect(self._on_worker_yielded)
        self._worker.returned.connect(self._on_worker_returned)
        self._worker.errored.connect(self._on_worker_errored)
        self.combo.activated.connect(self._on_combo_activated)
        self.combo.currentIndexChanged.connect(lambda _i: self._on_choice_changed())
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.combo)
        lay.addWidget(self.summary)
        self.mnist_available()
        self._on_choice_changed()

    # ---- the choice ---------------------------------------------------------------------------
    def mnist_available(self) -> bool:
        """Enables the full-MNIST entry when it is downloaded (its tooltip says how if not)."""
        from playground.data import find_idx_file, mnist_cache_dir
        from playground.data.idx import STANDARD_FILES

        why = "not downloaded yet: run `conv-playground download`"
        try:
            for stem in STANDARD_FILES.values():
                find_idx_file(mnist_cache_dir(), stem)
            ok = True
        except DataError:
            ok = False
        except OSError as exc:  # no usable cache folder (read-only home, a file in its place)
            ok, why = False, f"the cache folder cannot be used: {exc}"
        item = self.combo.model().item(1)
        item.setEnabled(ok)
        item.setToolTip("" if ok else why)
        return ok

    def key(self) -> str:
        return self.combo.currentData()

    def spec(self) -> str:
        """``bundled``, ``mnist``, a folder path or the key of data set by code (ValueError when
        a folder entry has no folder yet)."""
        key = self.key()
        if key == IDX:
            if not self.folder:
                raise ValueError("choose an IDX folder first")
            return self.folder
        if key == IMAGES:
            if not self.image_folder:
                raise ValueError("choose an image folder first (one sub-folder per class)")
            return self.image_folder
        return key

    def dataset(self) -> Digits:
        """The chosen training data (read once per choice); DataError/ValueError if unusable or
        (an image folder) not read yet."""
        from playground.data import load_dataset

        spec = self.spec()
        if self.key() == IMAGES:
            if spec in self._datasets:
                return self._datasets[spec]
            if self._worker.is_running():
                raise ValueError("the image folder is still being read; start when it is done")
            raise ValueError(self.error or "the image folder could not be read")
        if spec not in self._datasets:
            self._datasets[spec] = load_dataset(spec)[0]
        return self._datasets[spec]

    def set_dataset(self, data: Digits, label: str = "custom", key: str = "custom") -> None:
        """Makes ``data`` an entry ``label`` (replacing an older one of ``key``) and chooses it."""
        self._datasets[key] = data
        index = self.combo.findData(key)
        if index < 0:
            self.combo.addItem(label, key)
            index = self.combo.count() - 1
        self.combo.setItemText(index, label)
        if self.combo.currentIndex() == index:
            self._on_choice_changed()
        self.combo.setCurrentIndex(index)

    def open_image_folder(self, folder: str | Path) -> None:
        """Chooses ``folder`` and reads it in the background (``loaded`` or ``failed`` follow)."""
        from playground.data.folder import load_steps

        self.image_folder = str(folder)
        self.report = None
        self.error = ""
        self._datasets.pop(self.image_folder, None)
        index = self.combo.findData(IMAGES)
        self.combo.setItemText(index, f"Image folder: {Path(folder).name}")
        self.combo.setCurrentIndex(index)
        self.summary.setText(f"Reading {Path(folder).name}…")
        self._worker.start(lambda: load_steps(folder))

    def shutdown(self) -> bool:
        """Stops reading a folder (waits at most 2 s); True when no thread is left."""
        return self._worker.quit()

    def is_loading(self) -> bool:
        return self._worker.is_running()

    # ---- events -------------------------------------------------------------------------------
    def _on_combo_activated(self, index: int) -> None:
        key = self.combo.itemData(index)
        if key == IDX:
            folder = QFileDialog.getExistingDirectory(self, "Folder of IDX files")
            if folder:
                self.folder = folder
                self.combo.setItemText(index, f"IDX folder: {Path(folder).name}")
            elif not self.folder:
                self.combo.setCurrentIndex(0)
        elif key == IMAGES:
            folder = QFileDialog.getExistingDirectory(
                self, "Folder with one sub-folder of images per class")
            if folder:
                self.open_image_folder(folder)
            elif not self.image_folder:
                self.combo.setCurrentIndex(0)
        self._on_choice_changed()

    def _on_choice_changed(self) -> None:
        key = self.key()
        if key == IMAGES:
            if self.report is not None and self.image_folder in self._datasets:
                self.summary.setText(self.report.summary().replace("\n", "\n⚠ "))
            elif self.error:
                self.summary.setText(f"Cannot use this folder: {self.error}")
        elif key in _ABOUT and key not in self._datasets:
            about = _ABOUT[key] if key != IDX or not self.folder else f"IDX files in {self.folder}"
            self.summary.setText(about)
        elif key in self._datasets:
            self.summary.setText(describe_digits(self._datasets[key]))
        self.changed.emit()

    def _on_worker_yielded(self, step) -> None:
        done, total = step
        self.summary.setText(f"Reading {Path(self.image_folder or '').name}… {done:,}/{total:,}")

    def _on_worker_returned(self, value) -> None:
        data, report = value
        self._datasets[self.image_folder] = data
        self.report = report
        self._on_choice_changed()
        self.loaded.emit(report)

    def _on_worker_errored(self, exc: BaseException) -> None:
        self.error = str(exc) if isinstance(exc, (DataError, ValueError)) else describe(exc)
        self.summary.setText(f"Cannot use this folder: {self.error}")
        self.failed.emit(self.error)
        self.changed.emit()

