"""The main window: layout, inputs, menus and shortcuts, UI scale, warm-up, screenshot CLI."""

from __future__ import annotations

import os

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication

from playground.cli import main
from playground.lessons.lecture import CONV_1D as LECTURE_CONV_1D
from playground.ui.common import compile_progress


def _action(window, text):
    for menu in window.menuBar().actions():
        for act in menu.menu().actions():
            if act.text().replace("&", "") == text:
                return act
    raise AssertionError(f"no action {text!r}")


def test_layout_and_lazy_network_tab(window):
    assert [window.tabs.tabText(i) for i in range(window.tabs.count())] == ["Playground", "Network"]
    assert window.network_tab is None  # built on first show, so the window opens quickly
    window.tabs.setCurrentIndex(1)
    assert window.network_tab is not None
    assert window.tabs.currentWidget() is window.network_tab
    assert window.tabs.count() == 2
    assert window.ensure_network_tab() is window.network_tab
    assert "Backend:" in window.backend_label.text()
    assert "compute" in window.timing_label.text()


@pytest.mark.parametrize("text,keys", [
    ("Undo", "Ctrl+Z"), ("Redo", "Ctrl+Shift+Z"), ("Clear canvas", "Ctrl+Backspace"),
    ("Next kernel", "Ctrl+K"), ("Toggle padding same / valid", "Ctrl+P"),
    ("Toggle pooling max / none", "Ctrl+M"), ("Random digit", "Ctrl+R"),
    ("Open image…", "Ctrl+O"), ("Reset to defaults", "Ctrl+Shift+R"), ("Zoom in", "Ctrl++"),
    ("Zoom out", "Ctrl+-"),
])
def test_shortcuts(window, text, keys):
    seqs = [s.toString() for s in _action(window, text).shortcuts()]
    assert QKeySequence(keys).toString() in seqs


def test_keyboard_undo_redo_and_toggles(window, qtbot):
    st = window.state
    qtbot.keyClick(window, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    assert st.settings.padding_mode == "valid"
    qtbot.keyClick(window, Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier)
    assert st.settings.pool == "none"
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert st.settings.pool == "max"
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier
                   | Qt.KeyboardModifier.ShiftModifier)
    assert st.settings.pool == "none"
    qtbot.keyClick(window, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    assert st.selected == 1


def test_random_digit_of_a_class(window):
    digits = window.input_panel.digits()
    for label in (0, 3, 7):
        got = window.input_panel.random_digit(label)
        assert got == label
        assert window.state.image.shape == (28, 28) and window.state.image.max() <= 1.0
        assert any(np.allclose(window.state.image, im / 255.0)
                   for im in digits.by_class(label).images[:2000])
    assert window.undo_stack.undoText() == "MNIST digit 7"


def test_open_image_files(window, tmp_path):
    gray = np.zeros((60, 40), np.uint8)
    gray[10:50, 18:24] = 255
    Image.fromarray(gray).save(tmp_path / "one.png")
    assert window.input_panel.open_file(str(tmp_path / "one.png"))
    assert window.state.image.shape == (28, 28) and window.state.image.any()
    rgb = np.random.default_rng(0).integers(0, 255, (100, 80, 3), dtype=np.uint8)
    Image.fromarray(rgb).save(tmp_path / "colour.jpg")
    assert window.input_panel.open_file(str(tmp_path / "colour.jpg"), rgb=True)
    assert window.state.image.shape == (3, 32, 26)
    assert window.state.kernels.shape[1] == 3 and not window.kernel_editor.channels.isHidden()
    assert window.lower_tabs.currentWidget() is window.channels_view


def test_bad_image_file_is_reported_and_changes_nothing(window, tmp_path):
    bad = tmp_path / "bad.png"
    bad.write_bytes(b"not a png at all")
    before = window.state.image.copy()
    assert not window.input_panel.open_file(str(bad))
    error = window.input_panel.error
    assert error.isVisible() and "Could not open" in error.text()
    np.testing.assert_array_equal(window.state.image, before)
    assert not window.input_panel.open_file(str(tmp_path / "missing.png"))


def test_lecture_examples(window):
    assert window.input_panel.load_matrix_a()
    st = window.state
    np.testing.assert_array_equal(st.result.conv[0], [[12, 16], [24, 28]])
    assert window.input_panel.load_vector_example()
    np.testing.assert_allclose(st.result.conv[0, 0], LECTURE_CONV_1D)
    assert window.lower_tabs.currentWidget() is window.stepper_1d
    assert window.stepper_1d.outputs() == list(LECTURE_CONV_1D)
    window.undo_stack.undo()
    window.undo_stack.undo()
    assert st.image.shape == (28, 28)


def test_about_credits_mnist(window):
    text = window.about_text()
    for needle in ("Yann LeCun", "Corinna Cortes", "Christopher J.C. Burges", "CC BY-SA 3.0",
                   "PySide6", "pyqtgraph", "NumPy"):
        assert needle in text


def test_ui_scale(window, qtbot):
    window.resize(1600, 1000)
    window.show()
    qtbot.waitExposed(window)
    table = window.kernel_editor.table
    header = table.horizontalHeader()
    cell = header.defaultSectionSize()
    font = QApplication.font().pointSizeF()
    window.set_ui_scale(150)
    # cells resize on the next event-loop turn, once the new font has reached the headers
    qtbot.waitUntil(lambda: header.defaultSectionSize() == round(cell * 1.5), timeout=2000)
    qtbot.wait(50)
    assert table.horizontalScrollBar().maximum() == 0  # the 5x5 grid still fits, no scrolling
    assert table.verticalScrollBar().maximum() == 0
    assert QApplication.font().pointSizeF() == pytest.approx(font * 1.5)
    window.zoom(1)
    assert window.ui_scale == 200 and window.scale_actions[200].isChecked()
    window.zoom(1)
    assert window.ui_scale == 200
    window.zoom(-1)
    assert window.ui_scale == 150
    with pytest.raises(ValueError):
        window.set_ui_scale(90)


def test_reset_to_defaults_is_undoable(window):
    window.input_panel.random_digit(5)
    window.kernel_editor.count.setValue(2)
    window.reset_to_defaults()
    assert window.state.kernels.shape[0] == 6 and not window.state.image.any()
    window.undo_stack.undo()
    assert window.state.kernels.shape[0] == 2 and window.state.image.any()


def test_warmup_runs_in_a_thread_and_finishes(qtbot):
    warm = compile_progress.EngineWarmup(["reference"])
    with qtbot.waitSignal(warm.done, timeout=30_000) as blocker:
        warm.start()
        assert warm.is_running() or blocker.signal_triggered
    seconds, error = blocker.args
    assert error == "" and seconds >= 0 and not warm.is_running()


def test_window_switches_backend_after_warmup(qtbot, make_window, monkeypatch):
    from playground import engine

    monkeypatch.setattr(compile_progress, "warmup_jobs", lambda name: [("quick", lambda: None)])
    win = make_window(backend="cpu")
    session = win.backend_session
    assert win.state.backend == "cpu" and engine.backend_name() == "reference"
    assert "cpu (reference)" in win.backend_label.text()
    assert "reference until the cpu kernels are ready" in win.settings_panel.note.text()
    said: list[str] = []
    session.message.connect(lambda text, _ms: said.append(text))
    with qtbot.waitSignal(session.warmup_done, timeout=30_000):
        session.start()
        assert win.warming
    assert not win.warming and session.computing == "cpu"
    assert engine.backend_name() == "cpu" and win.state.preview_backend() == "cpu"
    assert win.backend_label.text() == "Backend: cpu"
    assert win.settings_panel.note.text() == "Computing on: cpu"
    # what the session told the status bar (a busy machine may show a later message by now)
    assert any("Fast kernels ready" in text for text in said), said
    win.close()


def test_backend_reference_on_the_command_line_stays_reference(tmp_path, monkeypatch, qapp):
    """``conv-playground --backend reference`` used to compute on cpu once the warm-up was done."""
    from playground import engine
    from playground.ui.common import screenshot

    monkeypatch.delenv("PLAYGROUND_BACKEND", raising=False)  # restored after, whatever cli does
    seen = []

    def record(window, path, size, prepare=None):
        seen.append((engine.backend_name(), window.state.preview_backend(),
                     window.backend_session.asked))

    monkeypatch.setattr(screenshot, "render_screenshot", record)
    assert main(["--backend", "reference", "--screenshot", str(tmp_path / "shot.png")]) == 0
    assert seen == [("reference", "reference", "reference")]
    assert engine.backend_name() == "reference"
    assert "PLAYGROUND_BACKEND" not in os.environ  # the choice reaches the window as an argument


def test_screenshot_cli(tmp_path, monkeypatch, qapp):
    from playground.ui.common import backend_session

    monkeypatch.setattr(backend_session, "backends_to_warm", lambda asked: [])
    out = tmp_path / "shot.png"
    assert main(["--screenshot", str(out), "--size", "1280x800"]) == 0
    img = Image.open(out)
    assert img.size == (1280, 800)
    assert np.asarray(img.convert("L")).std() > 10  # not a blank picture
    assert main(["--screenshot", str(tmp_path / "shot.txt")]) == 2


@pytest.mark.parametrize(("size", "scale", "theme"), [("1280x720", "150", "dark"),
                                                      ("1024x768", "200", "high-contrast")])
def test_screenshot_is_exactly_the_size_asked(tmp_path, monkeypatch, qapp, size, scale, theme):
    from playground.ui.common import backend_session

    monkeypatch.setattr(backend_session, "backends_to_warm", lambda asked: [])
    out = tmp_path / "shot.png"
    assert main(["--screenshot", str(out), "--size", size, "--ui-scale", scale,
                 "--theme", theme]) == 0
    img = Image.open(out)
    assert img.size == tuple(int(v) for v in size.split("x"))
    if theme != "light":  # mostly dark pixels
        assert np.median(np.asarray(img.convert("L"))) < 80


def test_screenshot_refuses_a_size_the_window_cannot_fit(tmp_path, monkeypatch, qapp, capsys):
    from playground.ui.common import backend_session

    monkeypatch.setattr(backend_session, "backends_to_warm", lambda asked: [])
    out = tmp_path / "shot.png"
    assert main(["--screenshot", str(out), "--size", "200x200", "--ui-scale", "200"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "200x200" in err[0]
    assert "is too small" in err[0] or "not everything fits" in err[0]  # the window, or a page
    assert not out.exists()


def test_shifting_the_drawing_is_one_undo_step(window):
    window.load_demo()
    before = window.state.image.copy()
    view = window.ensure_network_tab().invariance_view
    view.move(0, 3)
    view.move(2, 0)
    assert view.offset == (2, 3)
    moved = window.state.image.copy()
    assert not np.array_equal(moved, before)
    window.undo_stack.undo()
    np.testing.assert_array_equal(window.state.image, before)
    window.undo_stack.redo()
    np.testing.assert_array_equal(window.state.image, moved)
