"""Test-wide setup: offscreen Qt before any QApplication, private cache dir, no dangling threads."""

from __future__ import annotations

import os
import tempfile
import threading

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("PLAYGROUND_CACHE_DIR", tempfile.mkdtemp(prefix="playground-test-cache-"))

import pytest


@pytest.fixture(autouse=True)
def _no_dangling_threads():
    """Fails a test that leaves a Python thread running (Qt threads are checked in tests/ui)."""
    before = set(threading.enumerate())
    yield
    left = [t for t in threading.enumerate() if t not in before and t.is_alive() and not t.daemon]
    for t in left:
        t.join(timeout=2.0)
    still = [t.name for t in left if t.is_alive()]
    assert not still, f"test left threads running: {still}"
