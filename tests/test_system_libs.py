"""Missing Qt system libraries give one line naming the packages (exit 2), never a crash.

The unit tests feed the checks a fake importer and loader; the subprocess tests make the real
``conv-playground`` meet the failure (an ``import PySide6.QtGui`` that fails as it does without
libGL; xcb libraries that do not load) and check its exit code and its one line.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from playground import system_libs

GL_MISSING = "libGL.so.1: cannot open shared object file: No such file or directory"


def _fail_with(message: str):
    def importer(name: str):
        raise ImportError(message)

    return importer


@pytest.mark.parametrize(("message", "package"), [
    (GL_MISSING, "libgl1"),
    ("libEGL.so.1: cannot open shared object file: No such file or directory", "libegl1"),
    ("libxkbcommon.so.0: cannot open shared object file: No such file or directory",
     "libxkbcommon0"),
    ("libfontconfig.so.1: cannot open shared object file: No such file or directory",
     "libfontconfig1"),
    ("/lib/x86_64-linux-gnu/libGL.so.1: file too short", "libgl1"),
])
def test_a_missing_library_names_its_package(message, package):
    line = system_libs.qt_import_problem(_fail_with(message))
    assert line is not None and "\n" not in line
    assert f"sudo apt-get install {package}" in line


def test_an_unknown_library_is_named():
    line = system_libs.qt_import_problem(_fail_with("libfoo.so.3: cannot open shared object file"))
    assert "libfoo.so.3" in line


def test_qt_that_loads_is_no_problem():
    assert system_libs.qt_import_problem(lambda name: None) is None


@pytest.mark.parametrize(("env", "platform", "xcb"), [
    ({"DISPLAY": ":0"}, "linux", True),
    ({"DISPLAY": ":0", "QT_QPA_PLATFORM": "xcb"}, "linux", True),
    ({"QT_QPA_PLATFORM": "xcb"}, "linux", True),
    ({"DISPLAY": ":0", "QT_QPA_PLATFORM": "offscreen"}, "linux", False),
    ({"DISPLAY": ":0", "WAYLAND_DISPLAY": "wayland-0"}, "linux", False),
    ({}, "linux", False),
    ({"DISPLAY": ":0"}, "darwin", False),
])
def test_when_the_xcb_plugin_is_used(env, platform, xcb):
    assert system_libs.uses_xcb(env, platform) is xcb


def test_missing_xcb_libraries_name_their_packages():
    line = system_libs.xcb_problem({"DISPLAY": ":0"}, "linux",
                                   can_load=lambda lib: lib != "libxcb-cursor.so.0")
    assert "libxcb-cursor.so.0" in line and "sudo apt-get install libxcb-cursor0" in line
    assert "libxcb-shape0" not in line


def test_xcb_libraries_that_load_are_no_problem():
    assert system_libs.xcb_problem({"DISPLAY": ":0"}, "linux", can_load=lambda lib: True) is None


def _run(code: str, **env: str) -> subprocess.CompletedProcess:
    full = {**os.environ, **env}
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, env=full)


def test_the_app_without_libgl_says_what_to_install():
    code = f"""
import sys
class NoGL:
    def find_spec(self, name, path=None, target=None):
        if name in ("PySide6.QtGui", "PySide6.QtWidgets"):
            raise ImportError({GL_MISSING!r})
sys.meta_path.insert(0, NoGL())
from playground.cli import main
raise SystemExit(main(["--screenshot", "never.png"]))
"""
    out = _run(code, QT_QPA_PLATFORM="offscreen")
    assert out.returncode == 2, out.stderr
    assert out.stderr.strip().splitlines() == [
        "conv-playground: error: Qt cannot load libGL.so.1 (system libraries missing); on "
        "Debian/Ubuntu install them with: sudo apt-get install libgl1"]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the xcb plugin is Linux's")
def test_the_app_without_xcb_libraries_says_what_to_install():
    code = """
import ctypes
real = ctypes.CDLL
def cdll(name, *args, **kwargs):
    if name == "libxcb-cursor.so.0":
        raise OSError(name + ": cannot open shared object file: No such file or directory")
    return real(name, *args, **kwargs)
ctypes.CDLL = cdll
import playground.system_libs as s
s.XCB_LIBRARIES = {"libxcb-cursor.so.0": "libxcb-cursor0"}  # the others may be absent here
from playground.cli import main
raise SystemExit(main([]))
"""
    out = _run(code, QT_QPA_PLATFORM="xcb", DISPLAY=":97")  # Qt would abort (SIGABRT) here
    assert out.returncode == 2, out.stderr
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and "sudo apt-get install libxcb-cursor0" in lines[0]
