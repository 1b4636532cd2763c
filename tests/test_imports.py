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


def _run_json(code: str, env_extra: dict[str, str]) -> dict:
    import json
    import os

    env = {k: v for k, v in os.environ.items() if k != "NUMBA_CACHE_DIR"}
    env.update(env_extra)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, env=env, timeout=300)
    return json.loads(out.stdout.strip().splitlines()[-1])


_FILTERS_AND_FILES = (
    "import json, os, warnings, numpy; before = list(warnings.filters);"
    "import {module};"
    "root = os.environ['PLAYGROUND_CACHE_DIR'];"
    "files = [os.path.join(d, f) for d, _, fs in os.walk(root) for f in fs] + "
    "[d for d, _, _ in os.walk(root)];"
    "print(json.dumps({{'filters_same': warnings.filters == before, 'touched': files}}))"
)


@pytest.mark.parametrize("module", ["playground.engine", "playground.nn", "playground.data"])
def test_importing_changes_no_warning_filter_and_writes_no_file(module, tmp_path):
    cache = tmp_path / "cache"
    got = _run_json(_FILTERS_AND_FILES.format(module=module), {"PLAYGROUND_CACHE_DIR": str(cache)})
    assert got["filters_same"], "importing set a process-wide warning filter"
    assert got["touched"] == [], "importing created files or folders in the cache dir"


def test_the_cache_dir_is_made_when_the_cpu_backend_first_needs_it(tmp_path):
    cache = tmp_path / "cache"
    code = ("import json, os; from playground.engine import get_backend; get_backend('cpu');"
            "print(json.dumps({'made': os.path.isdir(os.environ['NUMBA_CACHE_DIR'])}))")
    assert _run_json(code, {"PLAYGROUND_CACHE_DIR": str(cache)}) == {"made": True}


def test_cuda_backend_import_leaves_numpy_and_warnings_as_they_were(tmp_path):
    """NumPy 2.5 has no ``row_stack``: importing the backend must not put one back for good."""
    code = (
        "import json, warnings, numpy as np\n"
        "had = hasattr(np, 'row_stack')\n"
        "if had: del np.row_stack\n"
        "before = list(warnings.filters)\n"
        "import playground.engine.cuda as cu\n"
        "print(json.dumps({'row_stack': hasattr(np, 'row_stack'), "
        "'filters_same': warnings.filters == before, 'name': cu.name}))\n"
    )
    got = _run_json(code, {"NUMBA_ENABLE_CUDASIM": "1", "PLAYGROUND_CACHE_DIR": str(tmp_path)})
    assert got == {"row_stack": False, "filters_same": True, "name": "cuda"}
