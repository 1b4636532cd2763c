"""Qt application wiring: QApplication, org/app names (so QSettings() just works), pyqtgraph config."""

from __future__ import annotations

import argparse
import sys

ORG_NAME = "ConvPlayground"
APP_NAME = "Convolution Playground"
DEFAULT_SIZE = (1600, 1000)


def make_application(argv: list[str] | None = None):
    """The one QApplication, configured once (names, pyqtgraph row-major images)."""
    import pyqtgraph as pg
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv[:1])
    app.setOrganizationName(ORG_NAME)
    app.setApplicationName(APP_NAME)
    pg.setConfigOptions(imageAxisOrder="row-major", antialias=True)
    return app


def run_app(args: argparse.Namespace) -> int:
    """Opens the main window; ``--screenshot`` renders it to a PNG instead and exits."""
    if args.screenshot:
        import os

        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = make_application()
    from playground.ui.main_window import MainWindow

    window = MainWindow()
    if args.screenshot:
        from playground.ui.screenshot import render_screenshot

        render_screenshot(window, args.screenshot, args.size or DEFAULT_SIZE)
        return 0
    window.resize(*DEFAULT_SIZE)
    window.show()
    return app.exec()
