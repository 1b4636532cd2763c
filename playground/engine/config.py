"""Engine tunables in one place, so tests can patch them (e.g. tiny CUDA blocks, simulator)."""

from __future__ import annotations

import functools
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


def _cache_dir() -> Path:
    """Numba's cache folder: ``$NUMBA_CACHE_DIR`` if set, else ``numba`` in the user cache."""
    current = os.environ.get("NUMBA_CACHE_DIR")
    if current:
        return Path(current)
    from playground.paths import user_cache_dir

    return user_cache_dir(create=False) / "numba"


# Numba reads NUMBA_CACHE_DIR once, when it is first imported, so the path is chosen here; the
# folder is created and probed only when the first cached kernel needs it (numba_cache_usable).
os.environ.setdefault("NUMBA_CACHE_DIR", str(_cache_dir()))


@functools.cache
def numba_cache_usable() -> bool:
    """Whether Numba's cache folder can be created and written; False compiles without a cache.

    Asked (once) by the cpu backend when it defines its jitted functions, not at import: a probe
    file written just by importing the engine would touch the disk for nothing.
    """
    path = Path(os.environ["NUMBA_CACHE_DIR"])
    try:
        path.mkdir(parents=True, exist_ok=True)
        probe = path / ".write-test"
        probe.write_text("ok")
        probe.unlink()
    except OSError:
        return False
    return True


def __getattr__(attr: str):
    """``NUMBA_CACHE``: the older spelling of :func:`numba_cache_usable`, computed on first use."""
    if attr == "NUMBA_CACHE":
        return numba_cache_usable()
    raise AttributeError(f"module {__name__!r} has no attribute {attr!r}")
