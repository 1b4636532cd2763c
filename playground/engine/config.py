"""Engine tunables in one place, so tests can patch them (e.g. tiny CUDA blocks, simulator)."""

from __future__ import annotations

import contextlib
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


def _writable(path: Path) -> bool:
    try:
        path.mkdir(parents=True, exist_ok=True)
        probe = path / f".write-test-{os.getpid()}"
        probe.write_text("ok")
        probe.unlink()
    except OSError:
        return False
    return True


def _cache_dir() -> Path:
    """Numba's cache folder: ``$NUMBA_CACHE_DIR`` if set, else ``numba`` in the user cache."""
    current = os.environ.get("NUMBA_CACHE_DIR")
    if current:
        return Path(current)
    from playground.paths import user_cache_dir

    return user_cache_dir(create=False) / "numba"


_USER_CHOSE = bool(os.environ.get("NUMBA_CACHE_DIR"))
# Numba reads NUMBA_CACHE_DIR once, when it is first imported, so the path is chosen here; the
# folder is created and probed only when the first cached kernel needs it (numba_cache_usable).
os.environ.setdefault("NUMBA_CACHE_DIR", str(_cache_dir()))

OWN_CACHE_DIR: Path | None = None
"""The Numba cache folder this app chose (and may clear when corrupt); None if the user set one."""


@functools.cache
def numba_cache_usable() -> bool:
    """Whether jitted kernels are cached on disk; False compiles without a cache.

    Asked (once) by the cpu backend when it defines its jitted functions, not at import: a probe
    file written just by importing the engine would touch the disk for nothing. ``$NUMBA_CACHE_DIR``
    is kept when the user set it; otherwise ``user_cache_dir()/numba``, else a folder under the
    system's temporary folder (a read-only home keeps its fast kernels cached there).
    """
    global OWN_CACHE_DIR
    chosen = Path(os.environ["NUMBA_CACHE_DIR"])
    if _USER_CHOSE:
        return _writable(chosen)
    from playground.paths import NotWritableError, _fallback_cache_dir, user_cache_dir

    candidates = [chosen]
    with contextlib.suppress(NotWritableError):
        candidates.append(user_cache_dir() / "numba")
    candidates.append(_fallback_cache_dir() / "numba")
    for path in dict.fromkeys(candidates):
        if _writable(path):
            _point_numba_at(path)
            OWN_CACHE_DIR = path
            return True
    return False


def _point_numba_at(path: Path) -> None:
    """Numba may already have read ``$NUMBA_CACHE_DIR``: set its config too."""
    os.environ["NUMBA_CACHE_DIR"] = str(path)
    import sys

    numba_config = sys.modules.get("numba.core.config")
    if numba_config is not None:
        numba_config.CACHE_DIR = str(path)


def __getattr__(attr: str):
    """``NUMBA_CACHE``: the older spelling of :func:`numba_cache_usable`, computed on first use."""
    if attr == "NUMBA_CACHE":
        return numba_cache_usable()
    raise AttributeError(f"module {__name__!r} has no attribute {attr!r}")
