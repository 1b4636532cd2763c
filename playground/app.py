"""Qt application wiring: QApplication, org/app names (so QSettings() just works), pyqtgraph.

Also the first-run compile flow.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

ORG_NAME = "ConvPlayground"
APP_NAME = "Convolution Playground"
DESKTOP_NAME = "conv-playground"
"""The .desktop file's name (packaging/linux/conv-playground.desktop) and the X11 WM_CLASS
instance name, so docks and task bars match the window to its launcher and icon."""
ICON_SIZES = (16, 32, 48, 64, 128, 256, 512)
DEFAULT_SIZE = (1600, 1000)


def _import_pyqtgraph():
    """``import pyqtgraph``, without the CUDA runtime bindings its RawImageWidget asks for.

    pyqtgraph imports ``cuda.bindings.runtime`` at import time for the optional GPU path of
    RawImageWidget, a widget the playground never uses: 60-90 ms of every start. The bindings are
    hidden for that one import only (unless something already loaded them); the engine's own CUDA
    backend imports them normally later.
    """
    if "pyqtgraph" in sys.modules or "cuda.bindings" in sys.modules:
        import pyqtgraph

        return pyqtgraph
    sys.modules["cuda.bindings"] = None  # makes "from cuda.bindings import ..." an ImportError
    try:
        import pyqtgraph
    finally:
        if sys.modules.get("cuda.bindings", 0) is None:
            del sys.modules["cuda.bindings"]
    return pyqtgraph


def app_icon():
    """The app's icon (resources/icons): every PNG size, so each place Qt draws it stays sharp."""
    from PySide6.QtGui import QIcon

    from playground.paths import resource_dir

    icon = QIcon()
    folder = resource_dir() / "icons"
    for size in ICON_SIZES:
        path = folder / f"conv-playground-{size}.png"
        if path.is_file():
            icon.addFile(str(path))
    return icon


def make_application(argv: list[str] | None = None):
    """The one QApplication, configured once (names, icon, pyqtgraph row-major images, high DPI).

    Raises :class:`playground.system_libs.MissingSystemLibrary` (one line: the packages to install)
    before Qt would crash on a system that lacks its libraries.
    """
    from playground.system_libs import ensure_qt_can_start

    ensure_qt_can_start()
    pg = _import_pyqtgraph()
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QApplication

    if QApplication.instance() is None:
        QGuiApplication.setHighDpiScaleFactorRoundingPolicy(
            Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
        os.environ.setdefault("RESOURCE_NAME", DESKTOP_NAME)  # X11 WM_CLASS instance name
    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv[:1])
    app.setOrganizationName(ORG_NAME)
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName(APP_NAME)
    QGuiApplication.setDesktopFileName(DESKTOP_NAME)
    if app.windowIcon().isNull():
        app.setWindowIcon(app_icon())
    pg.setConfigOptions(imageAxisOrder="row-major", antialias=True)
    return app


def run_app(args: argparse.Namespace, prepare=None) -> int:
    """Opens the main window; ``--screenshot`` renders it to a PNG instead and exits.
    ``prepare(window)`` runs once the window is built (``open FILE`` shows its file with it).

    The window shows at once: while Numba compiles (first start) or loads (later starts) the fast
    kernels in a worker thread, the playground computes with the NumPy reference backend.
    """
    t0 = time.perf_counter()
    screenshot = getattr(args, "screenshot", None)
    if screenshot:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    elif getattr(args, "lesson", None) and prepare is None:  # checked before a window opens
        prepare = _lesson_starter(args)
    app = make_application()
    window = open_window(restore=not screenshot, backend=getattr(args, "backend", None))
    if screenshot:
        from playground.ui.common.screenshot import render_screenshot

        try:
            window.backend_session.start()
            window.backend_session.wait()
            render_screenshot(window, screenshot, args.size or DEFAULT_SIZE,
                              prepare=screenshot_preparation(args))
        finally:
            _dispose(window)
        return 0
    from playground.ui.common.quit_signals import SignalQuitter

    quitter = SignalQuitter(app)  # SIGTERM/SIGINT/SIGHUP: leave the loop, save, exit 128 + n
    app.aboutToQuit.connect(lambda: _save_session(window))
    try:
        if prepare is not None:
            prepare(window)
        if not window.isVisible():
            window.show()
        app.processEvents()
        window.backend_session.start()  # after the first paint: compiling competes for the GIL
        window.statusBar().showMessage(f"Ready in {time.perf_counter() - t0:.1f} s", 4000)
        if quitter.received is not None:  # arrived before the loop ran: exit() would be lost
            return quitter.exit_code
        return app.exec()
    finally:
        _dispose(window)
        quitter.uninstall()


def screenshot_preparation(args: argparse.Namespace):
    """What ``--screenshot`` shows, as one callable ``prepare(window)``: the UI scale and theme
    asked for, then the demo scene. (``--lesson``/``--scene``/``--presenter`` add their steps.)"""
    scale = getattr(args, "ui_scale", None) or 100
    theme_name = getattr(args, "theme", None)
    done: list[bool] = []

    def prepare(window) -> None:
        window.set_ui_scale(scale)
        if theme_name:
            window.set_theme(theme_name)
        if not done:  # the scene once; the scale and theme again once the window has its size
            window.load_demo()
            if getattr(args, "lesson", None):
                from playground.ui.lesson.controller import show_for_screenshot

                show_for_screenshot(window, args.lesson, args.scene, args.presenter)
            done.append(True)
        if getattr(args, "tab", None):  # again once sized: scrolled to what is laid out then
            from playground.ui.common.screenshot import show_tab

            show_tab(window, args.tab)

    return prepare


def _lesson_starter(args: argparse.Namespace):
    """``--lesson NAME --scene N [--presenter]`` without ``--screenshot``: the checked lesson's
    starter for :func:`run_app` (ValueError now, before any window, when it is bad)."""
    from playground.ui.lesson.controller import checked_lesson

    lesson = checked_lesson(args.lesson, args.scene)

    def start(window) -> None:
        window.lessons.start_lesson(lesson, args.scene - 1)
        if args.presenter:
            window.lessons.presenter.enter()

    return start


def open_window(restore: bool = True, backend: str | None = None):
    """A main window asking for ``backend`` (None: the saved choice), computing on the reference
    backend until ``window.backend_session.start()`` has compiled or loaded the fast kernels."""
    from playground.ui.main_window import MainWindow

    return MainWindow(restore=restore, backend=backend)


def _save_session(window) -> None:
    """Saves the last session now (``aboutToQuit``: the loop is ending, by a signal or a quit)."""
    import shiboken6

    from playground.ui.common import persistence

    if shiboken6.isValid(window) and window.save_on_close:
        persistence.save(window)


def _dispose(window) -> None:
    """Closes and deletes the window now, while Python is still fully alive, and lets every
    worker thread (training, a kernel warm-up) end before Qt objects are torn down."""
    import shiboken6

    from playground.ui.common.worker import stop_all

    if shiboken6.isValid(window):
        window.close()
        shiboken6.delete(window)
    stop_all()
