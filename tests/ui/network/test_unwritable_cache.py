"""A read-only home or a cache path that is a regular file: the Network tab still opens and says
what cannot be used (on fcacbfe an uncaught OSError reached Qt and the tab never opened)."""

from __future__ import annotations

import os
import stat

import pytest

from playground import paths
from playground.ui.network.network_tab import NetworkTab


@pytest.fixture
def a_file(tmp_path):
    path = tmp_path / "not-a-folder"
    path.write_text("a regular file where a folder should be")
    return path


def open_network_tab(window, qtbot) -> NetworkTab:
    window.tabs.setCurrentIndex(1)
    qtbot.wait(10)
    tab = window.tabs.currentWidget()
    assert isinstance(tab, NetworkTab)
    return tab


def mnist_item(tab: NetworkTab):
    return tab.training_panel.data_combo.model().item(1)


@pytest.mark.parametrize("where", ["PLAYGROUND_CACHE_DIR", "HOME", "read-only HOME"])
def test_network_tab_opens_with_a_bad_cache_folder(window, qtbot, monkeypatch, tmp_path, a_file,
                                                   where):
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    if where == "PLAYGROUND_CACHE_DIR":
        monkeypatch.setenv("PLAYGROUND_CACHE_DIR", str(a_file))
    else:
        monkeypatch.delenv("PLAYGROUND_CACHE_DIR", raising=False)
        home = a_file
        if where == "read-only HOME":
            home = tmp_path / "home"
            home.mkdir()
            home.chmod(stat.S_IRUSR | stat.S_IXUSR)
        monkeypatch.setenv("HOME", str(home))
    monkeypatch.setattr(paths, "_fallback_cache_dir", lambda: tmp_path / "fallback")
    tab = open_network_tab(window, qtbot)
    assert not mnist_item(tab).isEnabled()  # no MNIST in the (fallback) cache
    if os.geteuid() != 0 or where != "read-only HOME":  # root writes into a 0o500 folder anyway
        assert (tmp_path / "fallback").is_dir()


def test_network_tab_opens_when_no_cache_folder_is_usable(window, qtbot, monkeypatch, a_file):
    """Neither the cache folder nor the temporary fallback can be made: the tab opens, and the
    MNIST choice is disabled with the reason as its tooltip."""
    monkeypatch.setenv("PLAYGROUND_CACHE_DIR", str(a_file))
    monkeypatch.setattr(paths, "_fallback_cache_dir", lambda: a_file / "fallback")
    with pytest.raises(paths.NotWritableError):
        paths.user_cache_dir()
    tab = open_network_tab(window, qtbot)
    item = mnist_item(tab)
    assert not item.isEnabled() and "cache folder cannot be used" in item.toolTip()


def test_a_network_tab_that_cannot_open_says_so(window, qtbot, monkeypatch):
    """Any OSError while building the tab is caught at the UI boundary with a message."""
    def broken(*_args, **_kwargs):
        raise PermissionError(13, "Permission denied", "/somewhere")

    monkeypatch.setattr(NetworkTab, "__init__", broken)
    window.tabs.setCurrentIndex(1)
    assert window.network_tab is None
    assert "Network tab could not be opened" in window.statusBar().currentMessage()
