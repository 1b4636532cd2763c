"""Runs a plain generator off the GUI thread (superqt's ``GeneratorWorker``, cut to what we need).

:class:`GeneratorWorker` lives in the GUI thread and owns at most one running generator. Each
:meth:`~GeneratorWorker.start` makes a fresh :class:`QThread` that drives ``next()``; between two
yields it honours :meth:`~GeneratorWorker.pause`, :meth:`~GeneratorWorker.resume` and
:meth:`~GeneratorWorker.stop` (which closes the generator, so its ``finally`` blocks run). Signals
are queued to the GUI thread:

``started`` -> ``yielded(value)``* -> ``returned(value)`` | ``errored(exception)`` | ``aborted``
-> ``finished``

An exception raised by the generator is logged with its traceback (``logging``, in the worker
thread) and handed to ``errored`` as the exception object; :func:`describe` gives its one line.

Values cross threads as they are yielded, so a generator must yield copies (frozen snapshots,
``state_dict()`` copies), never arrays it keeps writing to; NumPy arrays yielded directly are copied
here as a safety net. Starting again stops the old run first (never two at once). A thread that
does not stop within the wait (a very long step) is kept alive in :data:`_LIVE` until it ends, so
Qt never destroys a running thread; it can no longer reach the worker.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
import traceback
import warnings
from collections.abc import Callable, Generator, Iterator
from typing import Any

import numpy as np
from PySide6.QtCore import QCoreApplication, QObject, QThread, Signal

log = logging.getLogger(__name__)

STOP_WAIT_MS = 2000
"""How long stopping waits for the generator to reach its next yield."""

_LIVE: set[_GeneratorThread] = set()
"""Every thread started and not yet reaped: Python keeps them alive, so Qt never destroys a
running thread even when its worker (or the window owning it) is gone."""


def describe(exc: BaseException) -> str:
    """One line for the user: ``ValueError: boom`` (the traceback went to the log)."""
    return traceback.format_exception_only(type(exc), exc)[-1].strip()


def _copy(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        return value.copy()
    return value


class _GeneratorThread(QThread):
    """Drives one generator; talks to the worker only through its (queued) signals."""

    started_run = Signal()
    yielded = Signal(object)
    returned = Signal(object)
    errored = Signal(object)
    aborted = Signal()
    ended = Signal(object)
    """Emitted last, from the thread, with the thread itself (queued to the GUI thread)."""

    def __init__(self, source: Callable[[], Iterator] | Iterator, name: str) -> None:
        super().__init__()
        self.setObjectName(name)
        self._source = source
        self._stop = threading.Event()
        self._running = threading.Event()  # set = not paused
        self._running.set()
        self.parked = threading.Event()  # set while paused and waiting

    # called from the GUI thread -------------------------------------------------------------
    def request_stop(self) -> None:
        self._stop.set()
        self._running.set()  # a paused run must wake up to see the stop

    def set_paused(self, paused: bool) -> None:
        if paused:
            self._running.clear()
        else:
            self._running.set()

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    # the worker thread ----------------------------------------------------------------------
    def run(self) -> None:
        gen: Iterator | None = None
        try:
            gen = self._source() if callable(self._source) else self._source
            self.started_run.emit()
            while True:
                if not self._running.is_set():
                    self.parked.set()
                    self._running.wait()
                    self.parked.clear()
                if self._stop.is_set():
                    self.aborted.emit()
                    return
                try:
                    value = next(gen)
                except StopIteration as done:
                    self.returned.emit(_copy(done.value))
                    return
                self.yielded.emit(_copy(value))
        except Exception as exc:  # reported, never raised into Qt
            log.error("%s failed: %s", self.objectName(), describe(exc), exc_info=exc)
            self.errored.emit(exc)
        finally:
            close = getattr(gen, "close", None)
            if close is not None:
                # a generator that misbehaves on close: there is nobody left to tell
                with contextlib.suppress(Exception):
                    close()
            self._source = None
            self.ended.emit(self)


class _Reaper(QObject):
    """Lives in the GUI thread; forgets a thread once it has really ended."""

    def reap(self, thread: _GeneratorThread) -> None:
        thread.wait()
        _LIVE.discard(thread)
        thread.deleteLater()


_reaper: _Reaper | None = None


def _the_reaper() -> _Reaper:
    global _reaper
    if _reaper is None:
        _reaper = _Reaper()
        app = QCoreApplication.instance()
        if app is not None:
            _reaper.moveToThread(app.thread())
    return _reaper


def live_threads() -> int:
    """How many worker threads are still running (for the self-test and benchmarks)."""
    return sum(1 for t in list(_LIVE) if t.isRunning())


def stop_all(timeout_ms: int = 30_000) -> bool:
    """Stops every worker thread and waits for them (at exit: a QThread must not be destroyed
    while it runs, and a kernel compile cannot be interrupted); True when none is left."""
    deadline = time.monotonic() + timeout_ms / 1000
    threads = list(_LIVE)
    for thread in threads:
        thread.request_stop()
    for thread in threads:
        thread.wait(max(0, int((deadline - time.monotonic()) * 1000)))
    return live_threads() == 0


class GeneratorWorker(QObject):
    """Runs one generator at a time in a worker thread and reports what it yields.

    Parameters
    ----------
    parent : QObject, optional
        Qt parent. When the worker is destroyed (its window closed) a running generator is
        stopped; :meth:`quit` also runs when the application is about to quit.
    name : str
        Thread name (shows in debuggers and in the dangling-thread test fixture).
    """

    started = Signal()
    yielded = Signal(object)
    returned = Signal(object)
    errored = Signal(object)
    """The generator raised (the exception; its traceback is already logged)."""
    aborted = Signal()
    finished = Signal()

    def __init__(self, parent: QObject | None = None, name: str = "generator-worker") -> None:
        super().__init__(parent)
        self.name = name
        self._thread: _GeneratorThread | None = None
        self._paused = False
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.quit)

    # ---- control ---------------------------------------------------------------------------
    def start(self, source: Callable[[], Generator] | Generator) -> None:
        """Runs ``source`` (a generator, or a function returning one, called in the thread).

        A run already going is stopped first (waiting up to :data:`STOP_WAIT_MS`).
        """
        self.quit()
        thread = _GeneratorThread(source, self.name)
        thread.started_run.connect(self._on_thread_started)
        thread.yielded.connect(self._on_thread_yielded)
        thread.returned.connect(self._on_thread_returned)
        thread.errored.connect(self._on_thread_errored)
        thread.aborted.connect(self._on_thread_aborted)
        thread.ended.connect(self._on_thread_ended)
        thread.ended.connect(_the_reaper().reap)
        self.destroyed.connect(thread.request_stop)
        _LIVE.add(thread)
        self._thread = thread
        self._paused = False
        thread.start()

    def pause(self) -> None:
        """Holds the generator before its next step (no-op when not running)."""
        if self.is_running():
            self._paused = True
            self._thread.set_paused(True)

    def resume(self) -> None:
        """Lets a paused generator go on."""
        if self._thread is not None:
            self._paused = False
            self._thread.set_paused(False)

    def stop(self) -> None:
        """Asks the generator to stop at its next yield (returns at once; ``aborted`` follows)."""
        if self._thread is not None:
            self._paused = False
            self._thread.request_stop()

    def quit(self, timeout_ms: int = STOP_WAIT_MS) -> bool:
        """Stops the run and waits up to ``timeout_ms``; True when no thread is left running.

        Signals still queued from the stopped run are dropped; ``aborted`` and ``finished`` are
        emitted here, so listeners see the run end. The worker is idle when this returns.
        """
        thread = self._thread
        if thread is None:
            return True
        thread.request_stop()
        done = thread.wait(timeout_ms)
        self._detach(thread)
        self.aborted.emit()
        self.finished.emit()
        return done

    # ---- status ----------------------------------------------------------------------------
    def is_running(self) -> bool:
        """True from :meth:`start` until the run's thread has ended."""
        return self._thread is not None

    def is_paused(self) -> bool:
        return self.is_running() and self._paused

    def is_parked(self) -> bool:
        """True when a paused run has reached its next yield and is waiting (nothing in flight)."""
        return self._thread is not None and self._thread.parked.is_set()

    def wait(self, timeout_ms: int = STOP_WAIT_MS) -> bool:
        """Blocks until the current run's thread ends (for scripts; the GUI uses ``finished``)."""
        return self._thread is None or self._thread.wait(timeout_ms)

    # ---- internals -------------------------------------------------------------------------
    def _from_current_run(self) -> bool:
        """Whether the signal being delivered comes from the current run's thread. A stopped
        run's signals may still be queued when the next run starts (disconnecting does not
        cancel them); they are dropped here, so listeners never mix two runs' updates."""
        return self._thread is not None and self.sender() is self._thread

    def _on_thread_started(self) -> None:
        if self._from_current_run():
            self.started.emit()

    def _on_thread_yielded(self, value: Any) -> None:
        if self._from_current_run() and not self._thread.stopping:
            self.yielded.emit(value)

    def _on_thread_returned(self, value: Any) -> None:
        if self._from_current_run():
            self.returned.emit(value)

    def _on_thread_errored(self, exc: BaseException) -> None:
        if self._from_current_run():
            self.errored.emit(exc)

    def _on_thread_aborted(self) -> None:
        if self._from_current_run():
            self.aborted.emit()

    def _on_thread_ended(self, thread: _GeneratorThread) -> None:
        if thread is self._thread:
            self._detach(thread)
            self.finished.emit()

    def _detach(self, thread: _GeneratorThread) -> None:
        for sig, slot in ((thread.started_run, self._on_thread_started),
                          (thread.yielded, self._on_thread_yielded),
                          (thread.returned, self._on_thread_returned),
                          (thread.errored, self._on_thread_errored),
                          (thread.aborted, self._on_thread_aborted),
                          (thread.ended, self._on_thread_ended)):
            with warnings.catch_warnings(), contextlib.suppress(RuntimeError, TypeError):
                warnings.simplefilter("ignore")
                sig.disconnect(slot)
        if thread is self._thread:
            self._thread = None
            self._paused = False
