"""The backend session: asked for / ready / computing on, one warm-up, the engine switched once."""

from __future__ import annotations

import pytest

from playground import engine
from playground.ui.common import compile_progress
from playground.ui.common.backend_session import BackendSession


@pytest.fixture
def quick_warmup(monkeypatch):
    """Warm-ups that run no kernels (the switching logic is what is tested here)."""
    calls = []

    def jobs(name):
        calls.append(name)
        return [("quick", lambda: None)]

    monkeypatch.setattr(compile_progress, "warmup_jobs", jobs)
    return calls


def test_nothing_is_warmed_before_start(quick_warmup):
    session = BackendSession("cpu")
    assert session.asked == "cpu" and session.computing == "reference"
    assert not session.warming and quick_warmup == []
    assert engine.backend_name() == "reference"


def test_reference_needs_no_warmup_and_stays_reference(qtbot, quick_warmup):
    session = BackendSession("reference")
    session.start()
    assert not session.warming and quick_warmup == []
    assert session.computing == "reference" and engine.backend_name() == "reference"


def test_switches_once_the_asked_backend_is_ready(qtbot, quick_warmup):
    session = BackendSession("cpu")
    with qtbot.waitSignal(session.changed, timeout=30_000) as switched:
        session.start()
        assert session.warming and engine.backend_name() == "reference"
    assert switched.args == ["cpu"] and quick_warmup == ["cpu"]
    assert session.ready == {"reference", "cpu"} and engine.backend_name() == "cpu"
    session.request("reference")  # ready already: at once, no second warm-up
    assert engine.backend_name() == "reference" and quick_warmup == ["cpu"]
    session.request("cpu")
    assert engine.backend_name() == "cpu" and not session.warming


def test_a_later_choice_wins_over_a_running_warmup(qtbot, quick_warmup):
    session = BackendSession("cpu")
    with qtbot.waitSignal(session.warmup_done, timeout=30_000):
        session.start()
        session.request("reference")
    assert session.asked == "reference" and engine.backend_name() == "reference"
    assert "cpu" in session.ready


def test_a_failed_warmup_keeps_the_reference_and_says_why(qtbot, monkeypatch):
    def broken():
        raise RuntimeError("no compiler")

    monkeypatch.setattr(compile_progress, "warmup_jobs", lambda name: [("broken", broken)])
    session = BackendSession("cpu")
    with qtbot.waitSignal(session.message, timeout=30_000) as said:
        session.start()
    text, _ms = said.args
    assert "failed" in text and "no compiler" in text
    assert session.computing == "reference" and engine.backend_name() == "reference"
    session.start()  # a failed backend is not warmed again and again
    assert not session.warming


def test_an_unknown_or_absent_backend_is_refused_and_the_choice_kept(quick_warmup):
    session = BackendSession("reference")
    with pytest.raises(ValueError):
        session.request("tpu")
    if "cuda" not in engine.available_backends():
        with pytest.raises(engine.BackendUnavailable):
            session.request("cuda")
    assert session.asked == "reference"


def test_the_warmup_covers_the_playground_and_the_networks():
    names = [what for what, _job in compile_progress.warmup_jobs("reference")]
    assert any("pooling" in n for n in names)
    assert {"network lenet5", "network lenet5-small", "network fcnn"} <= set(names)
    assert compile_progress.backends_to_warm("reference") == []
    assert compile_progress.backends_to_warm("cpu") == ["cpu"]


def test_opening_the_window_compiles_and_imports_nothing_fast():
    """The compiled backends (Numba) are imported by the warm-up thread, never before the window
    is shown: importing Numba on the GUI thread costs about a second of every start."""
    import subprocess
    import sys

    code = ("import os, sys; os.environ['QT_QPA_PLATFORM'] = 'offscreen';"
            "from playground.app import make_application, open_window;"
            "app = make_application(); w = open_window(restore=False); w.save_on_close = False;"
            "w.show(); app.processEvents();"
            "print(w.backend_session.computing, 'numba' in sys.modules); w.close()")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                         check=True)
    assert out.stdout.split() == ["reference", "False"]
