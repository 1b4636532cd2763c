"""Numba's on-disk cache goes to the per-user cache folder, and a folder that cannot be written
falls back to compiling without a cache instead of failing at import."""

from __future__ import annotations

import json
import os
import subprocess
import sys

PROBE = (
    "import json, os; from playground.engine import config, conv2d;"
    "y = conv2d([[1.0, 2.0], [3.0, 4.0]], [[1.0]], backend='cpu');"
    "print(json.dumps({'cache': config.NUMBA_CACHE, 'dir': os.environ.get('NUMBA_CACHE_DIR'),"
    " 'y': y.tolist()}))"
)


def _probe(cache_dir: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "NUMBA_CACHE_DIR"}
    env["PLAYGROUND_CACHE_DIR"] = cache_dir
    out = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True, text=True,
                         timeout=300, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_numba_cache_goes_to_the_user_cache_dir(tmp_path):
    got = _probe(str(tmp_path))
    assert got["cache"] is True
    assert got["dir"] == str(tmp_path / "numba")
    assert any((tmp_path / "numba").rglob("*.nbi")), "compiled kernels were not cached"
    assert got["y"] == [[1.0, 2.0], [3.0, 4.0]]


def test_unwritable_cache_dir_compiles_without_cache(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be")
    got = _probe(str(blocker / "cache"))
    assert got["cache"] is False
    assert got["y"] == [[1.0, 2.0], [3.0, 4.0]]
