"""``--self-test`` with a home whose cache folder cannot be made (a regular file in its place):
it passes, using the fallback cache (on fcacbfe it failed with an uncaught OSError)."""

from __future__ import annotations

import pytest

from playground import paths


def _pretrained_present() -> bool:
    try:
        paths.resource_path("lenet5.npz")
    except FileNotFoundError:
        return False
    return True


@pytest.mark.slow
@pytest.mark.skipif(not _pretrained_present(), reason="the bundled LeNet-5 is not built yet")
def test_self_test_passes_with_a_home_that_is_a_file(qtbot, capsys, monkeypatch, tmp_path):
    from playground.cli import main

    home = tmp_path / "home"
    home.write_text("a regular file where the home folder should be")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("PLAYGROUND_CACHE_DIR", raising=False)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setattr(paths, "_fallback_cache_dir", lambda: tmp_path / "fallback")
    assert main(["--self-test"]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert out[-1].startswith("self-test OK"), out
