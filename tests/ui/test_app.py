"""The application object: its icon, desktop file name, and a clean quit on SIGTERM."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QSize
from PySide6.QtGui import QGuiApplication

from playground.app import ICON_SIZES, app_icon, make_application


def test_the_app_has_its_own_icon_in_every_size():
    icon = app_icon()
    assert not icon.isNull()
    assert {s.width() for s in icon.availableSizes()} == set(ICON_SIZES)
    assert make_application().windowIcon().availableSizes() == icon.availableSizes()


def test_the_window_shows_the_icon(make_window):
    win = make_window()
    assert not win.windowIcon().isNull()
    assert win.windowIcon().actualSize(QSize(64, 64)) == QSize(64, 64)


def test_the_desktop_file_name_matches_the_desktop_entry():
    make_application()
    assert QGuiApplication.desktopFileName() == "conv-playground"
    root = Path(__file__).resolve().parents[2]
    desktop = root / "packaging" / "linux" / "conv-playground.desktop"
    if desktop.is_file():  # an sdist without packaging/ still tests the name
        assert "StartupWMClass=conv-playground\n" in desktop.read_text()


READY = """
from PySide6.QtCore import QTimer
from playground import app
made = app.make_application
def make(*args):
    qapp = made(*args)
    QTimer.singleShot(0, lambda: print("ready", flush=True))  # fires once the window's loop runs
    return qapp
app.make_application = make
from playground.cli import main
raise SystemExit(main([]))
"""


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="no SIGTERM to send on Windows")
def test_sigterm_saves_the_session_and_exits_cleanly(tmp_path):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path),
           "XDG_CONFIG_HOME": str(tmp_path / "config"), "PLAYGROUND_BACKEND": "reference"}
    settings = tmp_path / "config" / "ConvPlayground" / "Convolution Playground.conf"
    with subprocess.Popen([sys.executable, "-c", READY], env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True) as proc:
        try:
            assert proc.stdout.readline().strip() == "ready", proc.stderr.read()
            assert not settings.exists()
            time.sleep(0.2)
            proc.send_signal(signal.SIGTERM)
            _, err = proc.communicate(timeout=120)
        finally:
            proc.kill()
    assert proc.returncode == 128 + signal.SIGTERM, err
    text = settings.read_text()
    assert "[window]" in text and "geometry=" in text
    assert "state=" in text
