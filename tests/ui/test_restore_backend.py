"""A saved backend choice restored at start: never a compile on the GUI thread, and a backend
that cannot run here (``cuda`` without a GPU) falls back to ``auto`` with a message."""

from __future__ import annotations

import threading

import numba.core.dispatcher
import pytest

from playground import engine
from playground.engine import dispatch
from playground.ui.common import compile_progress, persistence
from playground.ui.common.persistence import Session


class _Saved:
    """Just enough of the window for :func:`persistence.save`."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def session(self) -> Session:
        return self._session


def save_backend(state, name: str) -> None:
    persistence.save(_Saved(Session(scene=state.scene().replace(backend=name))))


@pytest.fixture
def main_thread_compiles(monkeypatch):
    """Names of the Numba functions compiled (or loaded from the cache) on the GUI thread."""
    seen: list[str] = []
    original = numba.core.dispatcher.Dispatcher.compile

    def spy(self, sig):
        if threading.current_thread() is threading.main_thread():
            seen.append(self.py_func.__name__)
        return original(self, sig)

    monkeypatch.setattr(numba.core.dispatcher.Dispatcher, "compile", spy)
    return seen


def test_saved_cpu_backend_warms_in_the_background(qtbot, make_window, state, monkeypatch,
                                                   main_thread_compiles):
    """On fcacbfe a saved ``cpu`` with a cold cache compiled 41 kernels on the GUI thread before
    the window appeared (7.9 s instead of 0.8 s); now the window is up and computing on the
    reference while a (deliberately slow) warm-up is still running."""
    save_backend(state, "cpu")
    release = threading.Event()
    seen_while_warming: list[bool] = []
    window_box: list = []

    def slow_job() -> None:
        assert release.wait(30), "the test never released the warm-up"
        seen_while_warming.append(window_box[0].isVisible())
        raise RuntimeError("fake compiler stopped")  # so nothing compiles for real afterwards

    monkeypatch.setattr(compile_progress, "warmup_jobs", lambda name: [("slow", slow_job)])
    win = make_window()
    window_box.append(win)
    win.show()
    qtbot.waitExposed(win)
    assert win.state.backend == "cpu" and engine.backend_name() == "reference"
    assert win.state.result is not None  # maps on show, computed by the reference
    session = win.backend_session
    with qtbot.waitSignal(session.warmup_done, timeout=60_000):
        session.start()
        assert win.warming and win.isVisible()
        release.set()
    assert seen_while_warming == [True]
    assert main_thread_compiles == []
    assert engine.backend_name() == "reference"
    assert "warm-up failed" in win.statusBar().currentMessage()


def test_saved_cuda_backend_without_a_gpu_falls_back(qtbot, make_window, state, monkeypatch):
    """A session saved on a GPU machine, opened where there is none: ``auto``, and the status
    bar says why (fcacbfe restored ``cuda`` and failed on it)."""
    monkeypatch.setattr(dispatch, "cuda_present", lambda: False)
    save_backend(state, "cuda")
    win = make_window()
    assert win.state.backend == "auto"
    message = win.statusBar().currentMessage()
    assert "cuda" in message and "auto" in message, message
    assert engine.backend_name() in ("reference", "cpu")
    win.undo_stack.clear()
    win.kernel_editor.model.setData(win.kernel_editor.model.index(0, 0), "0.5")
    assert win.state.kernels[win.state.selected, 0, 0, 0] == 0.5  # the window works
