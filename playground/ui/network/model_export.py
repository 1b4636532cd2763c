"""Export of the model on show as a PyTorch script or ONNX, written off the GUI thread.

The first ONNX export imports the ``onnx`` package (most of a second), so the writing runs in a
:class:`~playground.ui.common.worker.GeneratorWorker`. What it writes is an
:func:`~playground.nn.export.export_plan` taken in the GUI thread when asked: a copy of the
weights, so the model may change meanwhile without tearing the file.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal

from playground.nn.export import FORMATS, ExportError, export_model, export_plan
from playground.nn.export_onnx import INSTALL_HINT, onnx_available
from playground.ui.common.worker import GeneratorWorker, describe
from playground.ui.network.model_holder import ModelHolder

TITLES = {"pytorch": "PyTorch script", "onnx": "ONNX"}
FILTERS = {"pytorch": "Python scripts (*.py)", "onnx": "ONNX models (*.onnx)"}


def available(fmt: str) -> tuple[bool, str]:
    """Whether ``fmt`` can be written here, and why not (the install line for ONNX)."""
    if fmt == "onnx" and not onnx_available():
        return False, f"ONNX export needs the onnx package: {INSTALL_HINT}"
    return True, ""


def _write(plan, path: str, fmt: str, source: str):
    yield fmt  # the run has started; the work is the return value
    return str(export_model(plan, path, fmt, source))


class ModelExporter(QObject):
    """Writes one export at a time; says ``exported(path)`` or ``failed(message)``."""

    exported = Signal(str)
    failed = Signal(str)

    def __init__(self, holder: ModelHolder, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.holder = holder
        self.worker = GeneratorWorker(self, "model-export")
        self.worker.returned.connect(self._on_worker_returned)
        self.worker.errored.connect(self._on_worker_errored)

    def export(self, path: str | Path, fmt: str) -> bool:
        """Starts writing the model on show to ``path``; False (``failed`` emitted) if it cannot
        start: an unknown format, ONNX without its package, a layer with no counterpart."""
        if fmt not in FORMATS:
            self.failed.emit(f"Unknown export format {fmt!r}.")
            return False
        ok, why = available(fmt)
        if not ok:
            self.failed.emit(why)
            return False
        if self.worker.is_running():
            self.failed.emit("An export is still being written; try again in a moment.")
            return False
        try:
            plan = export_plan(self.holder.model)
        except ExportError as exc:
            self.failed.emit(f"This model cannot be exported: {exc}")
            return False
        source = str(self.holder.source)
        self.worker.start(lambda: _write(plan, str(path), fmt, source))
        return True

    def is_running(self) -> bool:
        """Whether an export is being written."""
        return self.worker.is_running()

    def wait(self, timeout_ms: int = 10_000) -> bool:
        """Blocks until the export being written is done (scripts and tests)."""
        return self.worker.wait(timeout_ms)

    def shutdown(self) -> bool:
        """Stops an export being written (waiting up to 2 s); True when no thread is left."""
        return self.worker.quit()

    def _on_worker_returned(self, path) -> None:
        self.exported.emit(str(path))

    def _on_worker_errored(self, exc: BaseException) -> None:
        text = str(exc) if isinstance(exc, (ExportError, OSError)) else describe(exc)
        self.failed.emit(f"Could not export the model:\n{text}")
