"""Undo never crashes the process: values beyond float32 are refused at the cell, and an undo
command that fails reports it instead of raising into Qt (which crashed ``QUndoStack.setIndex``).

The crash sequences run in a subprocess, so a segfault fails the test instead of killing pytest.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from PySide6.QtGui import QUndoStack

from playground.ui.common.undo import UndoableState
from playground.ui.playground.state import PlaygroundState

PRELUDE = """
import os, sys, faulthandler
faulthandler.enable()
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication
from playground.app import make_application
app = QApplication([])
make_application()
QSettings.setDefaultFormat(QSettings.Format.IniFormat)
QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, sys.argv[1])
from playground import engine
engine.set_backend("reference")
"""


def run_script(body: str, tmp_path) -> subprocess.CompletedProcess:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PLAYGROUND_BACKEND="reference")
    code = PRELUDE + textwrap.dedent(body)
    return subprocess.run([sys.executable, "-c", code, str(tmp_path / "settings")], env=env,
                          capture_output=True, text=True, timeout=240)


@pytest.mark.slow
@pytest.mark.parametrize("text", ["1e39", "3.5e38", "1e38/1e-38"])
def test_the_reported_crash_sequence_survives(tmp_path, text):
    """Type a value beyond float32, toggle padding five times, undo to an earlier index (on
    fcacbfe: inf stored, the thumbnail raised on every redraw and setIndex segfaulted)."""
    proc = run_script(f"""
        from playground.ui.main_window import MainWindow
        win = MainWindow(); win.show(); app.processEvents()
        m = win.kernel_editor.model
        assert not m.setData(m.index(0, 0), {text!r})
        import numpy as np
        assert np.isfinite(win.state.kernels).all() and win.state.kernels[0, 0, 0, 0] != np.inf
        assert "float32" in win.kernel_editor.error.text(), win.kernel_editor.error.text()
        sp = win.settings_panel
        for _ in range(5):
            sp.padding.setCurrentIndex((sp.padding.currentIndex() + 1) % 2)
            app.processEvents()
        assert win.undo_stack.count() == 5, win.undo_stack.count()
        win.undo_stack.setIndex(1); app.processEvents()
        assert win.state.scene() == win.undo_stack.command(0).after.scene.replace(
            view=win.state.view, shared_scale=win.state.shared_scale)
        win.undo_stack.setIndex(0); app.processEvents()
        print("SURVIVED")
    """, tmp_path)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "SURVIVED" in proc.stdout


@pytest.mark.slow
def test_failing_undo_commands_never_raise_into_qt(tmp_path):
    """The mechanism: several failing undo() calls inside one QUndoStack.setIndex (a raise from
    each crashed PySide) are logged and reported, and the process lives."""
    proc = run_script("""
        from PySide6.QtGui import QUndoStack
        from playground.ui.common.undo import UndoableState
        from playground.ui.playground.state import PlaygroundState
        state = PlaygroundState()
        undo = UndoableState(state, QUndoStack())
        for k in range(2, 7):
            undo.run(f"count {k}", lambda k=k: state.set_kernel_count(k))
        reports = []
        undo.rejected.connect(reports.append)
        def broken(*_a, **_k):
            raise IndexError("a view failed")
        state.apply = broken
        undo.stack.setIndex(1)
        undo.stack.setIndex(5)
        assert len(reports) == 8 and all("a view failed" in r for r in reports), reports
        print("SURVIVED")
    """, tmp_path)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "SURVIVED" in proc.stdout


def test_a_failing_view_does_not_make_undo_drift(qapp):
    """A listener that raises after the state changed: the change is still recorded, so undo
    brings the state back (on fcacbfe the step was lost and undo restored an older one)."""
    state = PlaygroundState()
    undo = UndoableState(state, QUndoStack())
    calls = []

    def fragile(what):
        calls.append(what)
        if len(calls) == 1:
            raise IndexError("thumbnail failed")

    state.changed.connect(fragile)
    reports = []
    undo.rejected.connect(reports.append)
    assert not undo.run("count 3", lambda: state.set_kernel_count(3))
    assert reports == ["thumbnail failed"]
    assert state.kernels.shape[0] == 3 and undo.stack.count() == 1
    undo.stack.undo()
    assert state.kernels.shape[0] == 6


@pytest.mark.parametrize("value", [1e39, 3.5e38, float("inf"), float("nan")])
def test_state_refuses_values_beyond_float32(state, value):
    before = state.scene()
    for change in (lambda: state.set_kernel_cell(0, 0, 0, 0, value),
                   lambda: state.set_bias(0, value),
                   lambda: state.set_kernels(np.full((2, 3, 3), value))):
        with pytest.raises(ValueError, match=r"float32|finite"):
            change()
    assert state.scene() == before


def test_stepper_vectors_refuse_values_beyond_float32():
    from playground.ui.playground.conv1d_stepper import parse_vector

    for text in ("1, 1e39", "3.5e38", "1, nan", "1, 1/0"):
        with pytest.raises(ValueError):
            parse_vector(text)
    assert parse_vector("1, 3e38").tolist() == [1.0, np.float32(3e38)]


def test_stepper_products_beyond_float32_are_refused(qtbot):
    """Each number fits float32 but their products do not: a message, the old example stays
    (the conv1d overflow warning escaped the slot before)."""
    from playground.ui.playground.conv1d_stepper import Conv1DStepper

    s = Conv1DStepper()
    qtbot.addWidget(s)
    s.vector_edit.setText("3e38, 3e38, 1")
    s.kernel_edit.setText("3e38, 2")
    assert "too large for float32" in s.message.text()
    assert np.isfinite(s._y).all()


def test_huge_but_valid_weights_draw_everywhere(window, qtbot):
    """Weights of ±3e38 on a white image: maps overflow to ±inf, and every view still draws
    (warnings are errors here, so an overflow warning in any view fails the test)."""
    window.state.set_image(np.ones((28, 28), np.float32))
    m = window.kernel_editor.model
    for r in range(3):
        for c in range(3):
            assert m.setData(m.index(r, c), "3e38" if (r + c) % 2 else "-3e38")
    for i in range(window.lower_tabs.count()):
        window.lower_tabs.setCurrentIndex(i)
        qtbot.wait(5)
    window.tabs.setCurrentIndex(1)
    qtbot.wait(20)
    assert not window.grab().isNull() and window.state.result is not None
    window.save_on_close = False
