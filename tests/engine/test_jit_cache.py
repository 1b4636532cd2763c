"""A damaged Numba cache heals itself: cleared, recompiled, one line said (checked in children)."""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

CHILD = """
import numpy as np
from playground import engine
x = np.linspace(-1, 1, 24, dtype=np.float32).reshape(2, 3, 4)
print("OK" if np.array_equal(engine.relu(x, backend="cpu"), np.maximum(x, 0)) else "WRONG")
"""


def _run(cache: Path, numba_dir: Path | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "NUMBA_CACHE_DIR"}
    env["PLAYGROUND_CACHE_DIR"] = str(cache)
    if numba_dir is not None:
        env["NUMBA_CACHE_DIR"] = str(numba_dir)
    return subprocess.run([sys.executable, "-c", CHILD], capture_output=True, text=True, env=env,
                          timeout=600)


@pytest.fixture(scope="module")
def warm_cache(tmp_path_factory) -> Path:
    cache = tmp_path_factory.mktemp("warm")
    out = _run(cache)
    assert out.returncode == 0 and out.stdout.strip() == "OK", out.stderr
    assert list(cache.rglob("*.nbi")), "the child did not write Numba's cache"
    return cache


def corrupt(root: Path, mode: str, seed: int = 0) -> int:
    """Damages every cache file under ``root`` one way; returns how many were damaged."""
    rng = random.Random(seed)
    files = sorted(root.rglob("*.nb[ic]"))
    for f in files:
        data = f.read_bytes()
        if mode == "truncated":
            f.write_bytes(data[: len(data) // 2])
        elif mode == "random":
            f.write_bytes(rng.randbytes(len(data)))
        elif mode == "bit-flipped":
            i = rng.randrange(len(data))
            f.write_bytes(data[:i] + bytes([data[i] ^ 0xFF]) + data[i + 1:])
        elif mode == "empty":
            f.write_bytes(b"")
        elif mode == "folder":
            f.unlink()
            f.mkdir()
        else:
            raise ValueError(mode)
    return len(files)


def _damaged_copy(warm: Path, tmp_path: Path, mode: str) -> Path:
    cache = tmp_path / "cache"
    shutil.copytree(warm, cache)
    assert corrupt(cache, mode) > 0
    return cache


def _assert_healed(out: subprocess.CompletedProcess) -> None:
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "OK"
    assert "Traceback" not in out.stderr
    lines = [line for line in out.stderr.splitlines() if "cleared" in line]
    assert len(lines) == 1 and "was damaged" in lines[0] and "recompiling" in lines[0]


@pytest.mark.parametrize("mode", ["truncated", "folder"])
def test_damaged_cache_is_cleared_and_recompiled(warm_cache, tmp_path, mode):
    cache = _damaged_copy(warm_cache, tmp_path, mode)
    _assert_healed(_run(cache))
    again = _run(cache)  # the rebuilt cache loads quietly
    assert again.returncode == 0 and again.stdout.strip() == "OK"
    assert "damaged" not in again.stderr


def test_a_users_own_numba_cache_loses_only_the_damaged_files(warm_cache, tmp_path):
    cache = _damaged_copy(warm_cache, tmp_path, "random")
    numba_dir = next(cache.glob("numba"))
    keep = numba_dir / "not-ours.txt"
    keep.write_text("mine")
    _assert_healed(_run(tmp_path / "elsewhere", numba_dir))
    assert keep.read_text() == "mine"


@pytest.mark.fuzz
@pytest.mark.parametrize("mode", ["random", "bit-flipped", "empty"])
def test_more_kinds_of_damage(warm_cache, tmp_path, mode):
    _assert_healed(_run(_damaged_copy(warm_cache, tmp_path, mode)))
