"""Engine tunables in one place, so tests can patch them (e.g. tiny CUDA blocks, simulator)."""

from __future__ import annotations

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


def _cache_dir_usable() -> bool:
    """Point Numba's cache at a writable per-user folder; False when none is writable."""
    current = os.environ.get("NUMBA_CACHE_DIR")
    try:
        if current:
            path = Path(current)
        else:
            from playground.paths import user_cache_dir

            path = user_cache_dir() / "numba"
        path.mkdir(parents=True, exist_ok=True)
        probe = path / ".write-test"
        probe.write_text("ok")
        probe.unlink()
    except OSError:
        return False
    os.environ["NUMBA_CACHE_DIR"] = str(path)
    return True


NUMBA_CACHE = _cache_dir_usable()
"""Whether jitted kernels are cached on disk (set before Numba is first imported)."""
