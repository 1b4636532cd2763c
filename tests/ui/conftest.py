"""Qt fixtures: a fresh state, a main window, QSettings in tmp_path, and no QThread left running."""

from __future__ import annotations

import weakref

import pytest
import shiboken6
from PySide6.QtCore import QSettings, QThread

from playground import engine


@pytest.fixture(autouse=True)
def _app_config(qapp):
    """The app's names and pyqtgraph's row-major images, as the real app sets them."""
    from playground.app import make_application

    make_application()
    from playground.ui.common import theme
    theme.theme().set_scale(100)
    if theme.theme().name != "light":
        theme.theme().set_theme("light")
    yield


@pytest.fixture(autouse=True)
def _isolated_settings(tmp_path, monkeypatch):
    """QSettings write INI files under tmp_path, and the app data folder (the collect mode's
    autosave) is there too: tests never see or touch the user's settings or data."""
    monkeypatch.setenv("PLAYGROUND_DATA_DIR", str(tmp_path / "data"))
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    for scope in (QSettings.Scope.UserScope, QSettings.Scope.SystemScope):
        QSettings.setPath(QSettings.Format.IniFormat, scope, str(tmp_path / "settings"))
    yield tmp_path / "settings"


@pytest.fixture(autouse=True)
def _reference_backend():
    """UI tests compute with the NumPy reference backend (no compile wait); restored after."""
    before = engine.backend_name()
    engine.set_backend("reference")
    yield
    engine.set_backend(before)


@pytest.fixture(autouse=True)
def _no_dangling_qthreads(monkeypatch):
    """Fails a test that leaves a QThread running (like napari's ``_dangling_qthreads``)."""
    started: list[weakref.ref] = []
    original = QThread.start

    def tracking_start(self, *args, **kwargs):
        started.append(weakref.ref(self))
        return original(self, *args, **kwargs)

    monkeypatch.setattr(QThread, "start", tracking_start)
    yield
    running = []
    for ref in started:
        thread = ref()
        try:
            if thread is not None and thread.isRunning() and not thread.wait(2000):
                running.append(thread.objectName() or repr(thread))
        except RuntimeError:  # the C++ object is gone: not running
            pass
    assert not running, f"test left QThreads running: {running}"


@pytest.fixture
def state():
    """A fresh playground state (blank 28x28 input, the lecture's 6 kernels)."""
    from playground.ui.playground.state import PlaygroundState

    return PlaygroundState()


@pytest.fixture
def make_window(qtbot):
    """Builds main windows (settings from the isolated QSettings); deletes them after the test,
    so later tests' theme changes do not reach (and rebuild) windows nobody looks at."""
    from playground.ui.main_window import MainWindow

    made = []

    def make(**kwargs):
        win = MainWindow(**kwargs)
        made.append(win)
        return win

    yield make
    for win in made:
        if shiboken6.isValid(win):
            win.close()
            shiboken6.delete(win)


@pytest.fixture
def window(qtbot, make_window):
    """A shown main window with a fresh state, at a desktop's size (the offscreen screen is
    800x600: at its default size the window would take the small-screen layout, in which the
    side panels are tabs behind the maps; the layout tests choose their sizes themselves)."""
    win = make_window()
    win.resize(1600, 1000)
    win.show()
    qtbot.waitExposed(win)
    return win
