"""Engine tunables in one place, so tests can patch them (e.g. tiny CUDA blocks, simulator)."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

import numpy as np

DTYPE = np.float32
"""Every array the engine computes on is C-contiguous float32."""

CUDA_THREADS_1D = 256
"""Threads per block for 1-D CUDA launches."""

CUDA_THREADS_2D = (16, 16)
"""Threads per block for 2-D CUDA launches (rows, cols)."""

BACKEND_ENV = "PLAYGROUND_BACKEND"
"""Environment variable that picks the backend: auto, cpu, cuda or reference."""


def _writable(path: Path) -> bool:
    try:
        path.mkdir(parents=True, exist_ok=True)
        probe = path / f".write-test-{os.getpid()}"
        probe.write_text("ok")
        probe.unlink()
    except OSError:
        return False
    return True


def _cache_dir_usable() -> bool:
    """Point Numba's cache at a writable per-user folder; False when none is writable.

    ``$NUMBA_CACHE_DIR`` is kept when set; otherwise ``user_cache_dir()/numba``, else a folder
    under the system's temporary folder (a read-only home keeps its fast kernels cached there).
    """
    current = os.environ.get("NUMBA_CACHE_DIR")
    if current:
        return _writable(Path(current))
    from playground.paths import NotWritableError, _fallback_cache_dir, user_cache_dir

    candidates = []
    with contextlib.suppress(NotWritableError):
        candidates.append(user_cache_dir() / "numba")
    candidates.append(_fallback_cache_dir() / "numba")
    for path in candidates:
        if _writable(path):
            os.environ["NUMBA_CACHE_DIR"] = str(path)
            global OWN_CACHE_DIR
            OWN_CACHE_DIR = path
            return True
    return False


OWN_CACHE_DIR: Path | None = None
"""The Numba cache folder this app chose (and may clear when corrupt); None if the user set one."""

NUMBA_CACHE = _cache_dir_usable()
"""Whether jitted kernels are cached on disk (set before Numba is first imported)."""
