"""The command line's top-level behaviour: version, help, clear errors with exit code 2."""

from __future__ import annotations

import subprocess
import sys

import pytest

from playground import __version__
from playground.cli import main


def test_version(capsys):
    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0
    assert __version__ in capsys.readouterr().out


def test_unknown_backend_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as info:
        main(["--backend", "tpu"])
    assert info.value.code == 2


def test_module_entry_point_runs():
    out = subprocess.run([sys.executable, "-m", "playground", "--version"],
                         capture_output=True, text=True, check=True)
    assert __version__ in out.stdout


def test_self_test_flag_runs_the_bench_driver_not_the_app(monkeypatch):
    """``--self-test`` runs cli -> bench.self_test (bench is above app; app never imports it)."""
    import playground.bench.self_test as self_test
    from playground.cli import main

    monkeypatch.setattr(self_test, "run_self_test", lambda: 7)
    assert main(["--self-test"]) == 7
