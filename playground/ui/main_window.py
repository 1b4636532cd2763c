"""The main window."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QMainWindow

from playground import __version__


class MainWindow(QMainWindow):
    """Top-level window of the playground."""

    def __init__(self) -> None:
        super().__init__()
        self.setWindowTitle(f"Convolution Playground {__version__}")
        self.setCentralWidget(QLabel("Convolution Playground"))
