"""Benchmark child processes start from a frozen app too (it takes no ``-m`` or ``-c``)."""

from __future__ import annotations

import os
import stat
import subprocess
import sys

import pytest

from playground.bench import child
from playground.bench.child import CHILD_FLAG, child_command


def test_from_python_the_child_is_python_dash_m():
    cmd = child_command("playground.bench.train", "{}", frozen=False, executable="/venv/python")
    assert cmd == ["/venv/python", "-m", "playground.bench.train", "{}"]


def test_from_a_frozen_app_the_child_is_the_app_with_a_hidden_flag():
    cmd = child_command("playground.bench.ui", frozen=True, executable="/opt/app/conv-playground")
    assert cmd == ["/opt/app/conv-playground", CHILD_FLAG, "playground.bench.ui"]


def test_only_benchmark_modules_run_as_children(capsys):
    with pytest.raises(ValueError, match="not a benchmark module"):
        child_command("os")
    from playground.cli import main

    assert main([CHILD_FLAG, "http.server"]) == 2
    assert "needs a playground.bench module" in capsys.readouterr().err


def test_the_child_flag_runs_the_module_as_main(monkeypatch, capsys):
    ran = []
    monkeypatch.setattr(child.runpy, "run_module",
                        lambda name, run_name, alter_sys: ran.append((name, run_name, sys.argv)))
    from playground.cli import main

    assert main([CHILD_FLAG, "playground.bench.engine", "preview", "cpu", "0"]) == 0
    assert ran == [("playground.bench.engine", "__main__",
                    ["playground.bench.engine", "preview", "cpu", "0"])]


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="a shebang launcher stands in for the app")
def test_bench_ui_warm_start_works_from_a_frozen_app(tmp_path, monkeypatch):
    """A stand-in for the frozen executable passes its whole command line to ``cli.main``, as
    PyInstaller's bootloader does, so ``-c`` (what bench ui used to spawn) is refused there."""
    app = tmp_path / "conv-playground"
    app.write_text(f"#!{sys.executable}\nimport sys\nfrom playground.cli import main\n"
                   "raise SystemExit(main())\n")
    app.chmod(app.stat().st_mode | stat.S_IXUSR)
    refused = subprocess.run([str(app), "-c", "print(1)"], capture_output=True, text=True)
    assert refused.returncode == 2
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", str(app))
    monkeypatch.setitem(os.environ, "PLAYGROUND_BACKEND", "reference")
    from playground.bench.ui import warm_start_seconds

    assert 0.0 < warm_start_seconds(runs=1) < 120.0
