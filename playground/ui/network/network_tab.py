"""The Network tab: train, look inside, edit conv1, test shifts, evaluate, save, load, export.

``NetworkTab(state)`` owns one :class:`~playground.ui.network.model_holder.ModelHolder` (the network
on show, starting with the bundled pre-trained LeNet-5) and puts its views in sub-tabs under a
header with the model's name, its live prediction for the drawing, and Save / Load buttons.
``request_kernel_editor`` asks the window to show the Playground tab after conv1's filters were put
into the kernel editor.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMenu,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from playground import nn
from playground.nn.arch import arch_of
from playground.ui.common.reflow import CurrentPageTabs
from playground.ui.common.side_by_side import page_overflow
from playground.ui.common.theme import relative_font
from playground.ui.network.collect import CollectPanel
from playground.ui.network.designer import DesignerView
from playground.ui.network.evaluation_view import EvaluationView
from playground.ui.network.invariance_view import InvarianceView
from playground.ui.network.model_export import FILTERS, FORMATS, TITLES, ModelExporter, available
from playground.ui.network.model_holder import ModelHolder
from playground.ui.network.network_view import NetworkView
from playground.ui.network.training_panel import TrainingPanel
from playground.ui.playground.prediction_view import PredictionView
from playground.ui.playground.state import PlaygroundState


class NetworkTab(QWidget):
    """Everything about the trained network, for one playground state."""

    request_kernel_editor = Signal()
    """conv1's filters are now in the playground's kernel editor: show it."""

    def __init__(self, state: PlaygroundState, parent: QWidget | None = None,
                 holder: ModelHolder | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.holder = holder if holder is not None else ModelHolder(state, self)
        self.error_box: QMessageBox | None = None
        self.model_label = QLabel()
        relative_font(self.model_label, 1.2, bold=True)  # follows the UI scale both ways
        self.model_label.setWordWrap(True)  # a long model name wraps instead of widening the tab
        self.message_label = QLabel()
        self.message_label.setWordWrap(True)
        self._show_message(self.holder.notice)
        self.save_button = QPushButton("Save model…")
        self.load_button = QPushButton("Load model…")
        self.bundled_button = QPushButton("Back to bundled model")
        self.bundled_button.setToolTip("Show the pre-trained network bundled with the app again "
                                       "(an edited or trained one is set aside)")
        self.save_button.clicked.connect(self._on_save_clicked)
        self.load_button.clicked.connect(self._on_load_clicked)
        self.bundled_button.clicked.connect(self.holder.back_to_bundled)
        self.exporter = ModelExporter(self.holder, self)
        self.exporter.exported.connect(lambda path: self._show_message(f"Exported to {path}"))
        self.exporter.failed.connect(lambda text: self._error("Export model", text))
        self.export_button = QPushButton("Export model")
        self.export_button.setToolTip("Write the model on show as a self-contained PyTorch "
                                      "script or as ONNX, for use outside the app")
        self.export_actions = {}
        menu = QMenu(self.export_button)
        for fmt in FORMATS:
            act = menu.addAction(f"{TITLES[fmt]}…")
            act.triggered.connect(lambda _=False, f=fmt: self.export_dialog(f))
            ok, why = available(fmt)
            act.setEnabled(ok)
            act.setToolTip(why or f"Save the model as {TITLES[fmt]}")
            self.export_actions[fmt] = act
        menu.setToolTipsVisible(True)
        self.export_button.setMenu(menu)
        self.prediction_view = PredictionView(self.holder)
        self.prediction_view.setMaximumHeight(150)
        self.prediction_view.setMinimumWidth(320)
        info = QVBoxLayout()
        info.addWidget(self.model_label)
        info.addWidget(self.message_label)
        files = QHBoxLayout()
        files.addWidget(self.save_button)
        files.addWidget(self.load_button)
        files.addWidget(self.bundled_button)
        files.addWidget(self.export_button)
        files.addStretch(1)
        info.addLayout(files)
        header = QHBoxLayout()
        header.addLayout(info, 1)
        header.addWidget(self.prediction_view)

        self.training_panel = TrainingPanel(self.holder)
        self.network_view = NetworkView(self.holder)
        self.invariance_view = InvarianceView(state, self.holder)
        self.evaluation_view = EvaluationView(self.holder)
        self.designer = DesignerView()
        self.collect = CollectPanel(self.holder, self.training_panel)
        self.sub_tabs = CurrentPageTabs()  # sized by the page on show, not the largest page
        self.sub_tabs.addTab(self.network_view, "Inside the network")
        self.sub_tabs.addTab(self.designer, "Design")
        self.sub_tabs.addTab(self.training_panel, "Train")
        self.sub_tabs.addTab(self.collect, "Your classes")
        self.sub_tabs.addTab(self.invariance_view, "Shift the digit")
        self.sub_tabs.addTab(self.evaluation_view, "Evaluate")
        self.invariance_view.take_arrows_from(self.sub_tabs)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addLayout(header)
        lay.addWidget(self.sub_tabs, 1)

        self.holder.model_changed.connect(self._on_holder_model_changed)
        self.holder.message.connect(self._show_message)
        self.network_view.edit_requested.connect(self.edit_in_kernel_editor)
        self.network_view.revert_requested.connect(self.holder.revert_conv1)
        self.training_panel.training_started.connect(self._on_training_started)
        self.training_panel.training_finished.connect(self._on_training_finished)
        self.designer.train_requested.connect(self.train_design)
        self.designer.current_model_requested.connect(
            lambda: self.designer.set_arch(arch_of(self.holder.model),
                                             text="Start from the network on show"))
        self.training_panel.training_failed.connect(
            lambda text: self._error("Training failed", text))
        self._on_holder_model_changed(self.holder.model)

    # ---- actions ------------------------------------------------------------------------------
    def edit_in_kernel_editor(self, index: int = 0) -> bool:
        """Links conv1 to the playground's kernels (``index`` selected) and asks to show them."""
        try:
            self.holder.link_conv1(index)
        except ValueError as exc:
            self._show_message(str(exc))
            return False
        self._show_message(f"conv1 is in the Playground's kernel editor. You edit a copy, "
                           f"{self.holder.title}; the original stays as it was (Back to "
                           "bundled model brings the bundled one back).")
        self.request_kernel_editor.emit()
        return True

    def train_design(self, arch) -> bool:
        """Hands the designer's network to the Train tab and starts it; False (why shown) if not."""
        try:
            self.training_panel.set_design(arch)
        except ValueError as exc:
            self._show_message(str(exc))
            return False
        self.sub_tabs.setCurrentWidget(self.training_panel)
        if self.training_panel.is_running():
            self._show_message("Stop the running training first; the designed network is "
                               "selected in the Train tab.")
            return False
        return self.training_panel.start()

    def save_model_file(self, path: str | Path) -> bool:
        """Saves the current model; False (message shown) if it cannot."""
        if self.training_panel.is_running():
            self._error("Save model", "Stop the training first: the model is still changing.")
            return False
        try:
            saved = self.holder.save(path)
        except (ValueError, OSError) as exc:
            self._error("Save model", f"Could not save the model:\n{exc}")
            return False
        self._show_message(f"Saved to {saved}")
        return True

    def load_model_file(self, path: str | Path) -> bool:
        """Loads a model file; on a bad file shows why and keeps the current model."""
        if self.training_panel.is_running():
            self._error("Load model", "Stop the training before loading another model.")
            return False
        try:
            self.holder.load(path)
        except nn.ModelFileError as exc:
            self._error("Load model", f"This file cannot be used, so the current model stays.\n\n"
                                      f"{exc}")
            return False
        self._show_message(f"Loaded {Path(path).name}.")
        return True

    def export_model_file(self, path: str | Path, fmt: str) -> bool:
        """Starts exporting the model on show (``fmt`` pytorch or onnx); False (why shown) if it
        cannot start. The result comes as a message (or an error box) when the file is written."""
        if self.training_panel.is_running():
            self._error("Export model", "Stop the training first: the model is still changing.")
            return False
        return self.exporter.export(path, fmt)

    def export_dialog(self, fmt: str) -> None:
        """Asks where to export the model on show as ``fmt`` (pytorch or onnx), then exports."""
        ok, why = available(fmt)
        if not ok:
            self._error("Export model", why)
            return
        suffix = FORMATS[fmt]
        name = f"{self.holder.model.name.replace('-', '_')}{suffix}"
        path, _ = QFileDialog.getSaveFileName(self, f"Export model as {TITLES[fmt]}", name,
                                              FILTERS[fmt])
        if path:
            self.export_model_file(path if path.endswith(suffix) else path + suffix, fmt)

    def set_tall_enough(self, tall: bool) -> None:
        """Whether the window has the height for the header's extras (the width is checked
        here, on every resize: a lesson dock beside the tab takes some)."""
        self._tall_enough = tall
        self._fit_header()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit_header()

    def _fit_header(self) -> None:
        self.show_header_extras(getattr(self, "_tall_enough", True)
                                and self.width() >= self.header_width())

    def header_width(self) -> int:
        """The width the file buttons and the prediction need beside the model's name."""
        buttons = (self.save_button, self.load_button, self.bundled_button, self.export_button)
        spacing = max(0, self.layout().spacing())
        return (sum(b.sizeHint().width() + spacing for b in buttons)
                + self.prediction_view.minimumWidth() + 2 * spacing + 8)

    def show_header_extras(self, on: bool) -> None:
        """The model-file buttons and the prediction beside them, left out (``on`` False) when
        the window is too short or the tab too narrow for them and the sub-pages (a projector);
        File ▸ Save / Load model and Export model stay in the menu."""
        for w in (self.save_button, self.load_button, self.bundled_button, self.export_button,
                  self.prediction_view):
            w.setVisible(on)

    def overflow(self) -> list[str]:
        """What the sub-page on show cuts off sideways in its scroll areas (empty: it fits)."""
        page = self.sub_tabs.currentWidget()
        title = self.sub_tabs.tabText(self.sub_tabs.currentIndex())
        return [f"{title}: {p}" for p in page_overflow(page)] if page is not None else []

    def shutdown(self) -> bool:
        """Stops training, evaluation and an export (waiting at most 2 s each); True when no
        thread is left."""
        a = self.training_panel.shutdown()
        b = self.evaluation_view.shutdown()
        c = self.exporter.shutdown()
        self.collect.shutdown()  # unsaved examples are kept for the next start
        return a and b and c

    def closeEvent(self, event) -> None:
        self.shutdown()
        super().closeEvent(event)

    # ---- internals ----------------------------------------------------------------------------
    def _show_message(self, text: str) -> None:
        self.message_label.setText(text)
        self.message_label.setVisible(bool(text))

    def _error(self, title: str, text: str) -> None:
        self._show_message(text.replace("\n\n", " ").replace("\n", " "))
        if self.error_box is not None:
            self.error_box.close()
        box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok,
                          self)
        self.error_box = box
        box.open()  # window-modal but not blocking

    def _on_save_clicked(self) -> None:
        name = f"{self.holder.model.name}.npz"
        path, _ = QFileDialog.getSaveFileName(self, "Save model", name, "Models (*.npz)")
        if path:
            self.save_model_file(path if path.endswith(".npz") else path + ".npz")

    def _on_load_clicked(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Load model", "", "Models (*.npz)")
        if path:
            self.load_model_file(path)

    def _on_holder_model_changed(self, model) -> None:
        self.model_label.setText(f"{self.holder.title} — {self.holder.source} — "
                                 f"{model.n_params():,} parameters")
        self.bundled_button.setEnabled(not self.holder.is_bundled and not self.holder.training)

    def _on_training_started(self, _label: str) -> None:
        self.save_button.setEnabled(False)
        self.load_button.setEnabled(False)
        self.bundled_button.setEnabled(False)
        self.export_button.setEnabled(False)

    def _on_training_finished(self, _completed: bool) -> None:
        self.save_button.setEnabled(True)
        self.load_button.setEnabled(True)
        self.export_button.setEnabled(True)
        self.bundled_button.setEnabled(not self.holder.is_bundled)
