"""Layering: the computing packages load without Qt, and the engine without numba.cuda."""

from __future__ import annotations

import subprocess
import sys

import pytest


def _modules_after(statement: str) -> set[str]:
    code = f"import sys; {statement}; print('\\n'.join(sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(out.stdout.split())


@pytest.mark.parametrize("package", ["playground", "playground.engine", "playground.nn",
                                     "playground.data"])
def test_no_qt_when_importing(package):
    loaded = _modules_after(f"import {package}")
    assert "PySide6" not in loaded
    assert "pyqtgraph" not in loaded


def test_engine_import_loads_neither_qt_nor_cuda():
    loaded = _modules_after("import playground.engine")
    assert "numba.cuda" not in loaded
    assert "PySide6" not in loaded


def test_package_import_loads_no_numba():
    assert "numba" not in _modules_after("import playground")
