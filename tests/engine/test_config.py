"""Numba's on-disk cache goes to the per-user cache folder; a folder that cannot be created falls
back to one under the temporary folder, and with no writable place at all kernels compile without
a cache instead of failing at import."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

PROBE = (
    "import json, os; from playground.engine import config, conv2d;"
    "y = conv2d([[1.0, 2.0], [3.0, 4.0]], [[1.0]], backend='cpu');"
    "print(json.dumps({'cache': config.NUMBA_CACHE, 'dir': os.environ.get('NUMBA_CACHE_DIR'),"
    " 'y': y.tolist()}))"
)


def _probe(cache_dir: str, tmpdir: str | None = None) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "NUMBA_CACHE_DIR"}
    env["PLAYGROUND_CACHE_DIR"] = cache_dir
    if tmpdir is not None:
        env["TMPDIR"] = tmpdir
    out = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True, text=True,
                         timeout=300, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_numba_cache_goes_to_the_user_cache_dir(tmp_path):
    got = _probe(str(tmp_path))
    assert got["cache"] is True
    assert got["dir"] == str(tmp_path / "numba")
    assert any((tmp_path / "numba").rglob("*.nbi")), "compiled kernels were not cached"
    assert got["y"] == [[1.0, 2.0], [3.0, 4.0]]


def test_unwritable_cache_dir_falls_back_to_a_temporary_folder(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be")
    (tmp_path / "tmp").mkdir()
    got = _probe(str(blocker / "cache"), str(tmp_path / "tmp"))
    assert got["cache"] is True
    assert got["dir"].startswith(str(tmp_path / "tmp"))
    assert got["y"] == [[1.0, 2.0], [3.0, 4.0]]


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="the fallback folder is named by uid")
def test_no_writable_folder_at_all_compiles_without_cache(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be")
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    (tmp / f"ConvPlayground-cache-{os.getuid()}").write_text("and one where the fallback goes")
    got = _probe(str(blocker / "cache"), str(tmp))
    assert got["cache"] is False
    assert got["y"] == [[1.0, 2.0], [3.0, 4.0]]
