"""First-run compile as progress, not a frozen window.

Numba compiles the CPU (or CUDA) kernels the first time they run, which takes seconds; later starts
load them from the on-disk cache. :class:`WarmupWorker` runs every code path the app uses once
(``engine.feature_maps`` for the playground, a prediction and a trace of each network), in a
``QThread``, while the window is already up and computes with the NumPy reference;
:class:`WarmupIndicator` says "Preparing fast kernels (first start only)…" in the status bar if that
takes a while. :class:`~playground.ui.common.backend_session.BackendSession` decides what to warm
and switches the engine once it is done.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

import numpy as np
from PySide6.QtCore import QEventLoop, QObject, QThread, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QWidget

from playground import engine

log = logging.getLogger(__name__)
MESSAGE = "Preparing fast kernels (first start only)…"
DIALOG_DELAY_MS = 400
"""The indicator appears only if warming takes longer than this."""


def warmup_cases() -> list[tuple[str, dict]]:
    """One ``feature_maps`` call per code path: activation x pooling, gray and RGB, plus conv2d."""
    x1 = np.random.default_rng(0).random((28, 28), np.float32)
    x3 = np.random.default_rng(1).random((3, 12, 12), np.float32)
    w1 = np.ones((6, 1, 5, 5), np.float32) / 25
    w3 = np.ones((2, 3, 3, 3), np.float32) / 27
    b = np.zeros(6, np.float32)
    cases = []
    for act in ("relu", "none"):
        for pool in ("max", "avg", "none"):
            cases.append((f"convolution, {act}, {pool} pooling",
                          {"image": x1, "w": w1, "b": b, "padding": "same", "activation": act,
                           "pool": pool, "pool_size": 2, "pool_stride": 2}))
    cases.append(("colour channels", {"image": x3, "w": w3, "b": b[:2], "padding": "valid",
                                      "activation": "relu", "pool": "max", "pool_size": 2}))
    cases.append(("strided convolution", {"image": x1, "w": w1, "b": b, "stride": (2, 1),
                                          "padding": (1, 2), "activation": "relu",
                                          "pool": "avg", "pool_size": (2, 3),
                                          "pool_stride": (1, 2)}))
    return cases


class WarmupWorker(QObject):
    """Runs every warm-up case on ``backends`` (call :meth:`run` in a worker thread)."""

    progress = Signal(int, int, str)
    """(done, total, what): one case compiled/loaded."""
    finished = Signal(float, str)
    """(seconds, error message or "")."""

    def __init__(self, backends: list[str]) -> None:
        super().__init__()
        self.backends = backends

    def run(self) -> None:
        start = time.perf_counter()
        error = ""
        jobs = [(name, what, job) for name in self.backends for what, job in warmup_jobs(name)]
        try:
            for done, (name, what, job) in enumerate(jobs, 1):
                job()
                self.progress.emit(done, len(jobs), f"{name}: {what}")
        except Exception as exc:  # a broken backend must not stop the app from starting
            log.warning("engine warm-up failed", exc_info=True)
            error = f"{type(exc).__name__}: {exc}"
        self.finished.emit(time.perf_counter() - start, error)


def warmup_jobs(backend: str) -> list[tuple[str, Callable[[], None]]]:
    """Every warm-up call on ``backend``: the playground's cases, then each network's
    prediction and trace (what the Network tab and the Playground's prediction run)."""
    jobs: list[tuple[str, Callable[[], None]]] = [
        (what, lambda kw=kwargs: engine.feature_maps(**kw, backend=backend))
        for what, kwargs in warmup_cases()]
    for arch in ("lenet5", "lenet5-small", "fcnn"):
        jobs.append((f"network {arch}", lambda a=arch: _warm_network(a, backend)))
    return jobs


def _warm_network(arch: str, backend: str) -> None:
    from playground import nn

    blank = np.zeros((28, 28), np.float32)
    model = nn.build_model(arch, backend=backend)
    model.predict_proba(blank)
    model.forward_trace(blank)


def backends_to_warm(asked: str) -> list[str]:
    """The compiled backends a choice needs: its own, and for ``auto`` also the CPU one (where
    the small live preview runs). Empty for ``reference`` (nothing to compile)."""
    from playground.engine import dispatch

    target = dispatch.resolve(asked)
    names = [target]
    if asked == "auto" and target != "cpu" and "cpu" in engine.available_backends():
        names.append("cpu")
    return [n for n in names if n != "reference"]


class EngineWarmup(QObject):
    """Owns the worker thread; ``done(seconds, error)`` when it has finished and the thread quit."""

    done = Signal(float, str)
    progress = Signal(int, int, str)

    def __init__(self, backends: list[str], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.backends = list(backends)
        self.seconds = 0.0
        self.error = ""
        self._thread: QThread | None = None
        self._worker: WarmupWorker | None = None

    def start(self) -> None:
        """Starts warming in a new thread (``done`` is emitted at once when nothing needs it)."""
        if not self.backends:
            QTimer.singleShot(0, lambda: self.done.emit(0.0, ""))
            return
        self._thread = QThread()
        self._thread.setObjectName("engine-warmup")
        self._worker = WarmupWorker(self.backends)
        self._worker.moveToThread(self._thread)
        self._thread.started.connect(self._worker.run)
        self._worker.progress.connect(self.progress)
        self._worker.finished.connect(self._on_worker_finished)
        self._thread.start()

    def _on_worker_finished(self, seconds: float, error: str) -> None:
        self.seconds, self.error = seconds, error
        self._thread.quit()
        self._thread.wait()
        self._thread = self._worker = None
        self.done.emit(seconds, error)

    def is_running(self) -> bool:
        """True while the worker thread runs."""
        return self._thread is not None and self._thread.isRunning()

    def wait(self, ms: int = 300_000) -> bool:
        """Blocks (processing events) until finished; False on timeout."""
        if self._thread is None:
            return True
        loop = QEventLoop()
        self.done.connect(loop.quit)
        QTimer.singleShot(ms, loop.quit)
        if self._thread is not None:
            loop.exec()
        return self._thread is None


class WarmupIndicator(QWidget):
    """Status-bar progress: appears only if warming takes a while (a warm cache is quick)."""

    def __init__(self, parent: QWidget | None = None, delay_ms: int = DIALOG_DELAY_MS) -> None:
        super().__init__(parent)
        self.label = QLabel(MESSAGE)
        self.bar = QProgressBar()
        self.bar.setRange(0, 0)
        self.bar.setMaximumWidth(160)
        self.bar.setTextVisible(False)
        self.setToolTip("Numba compiles the fast kernels the first time they run and caches "
                        "them;\nmeanwhile the playground computes with the NumPy reference.")
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.label)
        row.addWidget(self.bar)
        self.hide()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(delay_ms)
        self._timer.timeout.connect(self.show)

    def attach(self, warm: EngineWarmup) -> None:
        """Follows ``warm``: shows itself after the delay, tracks progress, hides when done."""
        warm.progress.connect(self._on_progress)
        warm.done.connect(self._on_done)
        self._timer.start()

    def _on_progress(self, done: int, total: int, what: str) -> None:
        self.bar.setRange(0, total)
        self.bar.setValue(done)
        self.label.setText(f"{MESSAGE} {what}")

    def _on_done(self, _seconds: float, _error: str) -> None:
        self._timer.stop()
        self.hide()
