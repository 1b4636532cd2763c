"""A scoped NumPy 2.5 shim for numba-cuda, applied only while numba-cuda loads.

numba-cuda 0.30.4 (the newest release when this was written) registers an overload of
``np.row_stack`` when ``numba.cuda``'s array support is imported (``numba/cuda/np/arrayobj.py``:
``overload(np.row_stack)``, for any NumPy >= 2.0). NumPy 2.5 removed ``row_stack`` (deprecated
since 2.0; an alias of ``vstack``), so that import fails with an AttributeError. Numba itself
(0.68) already guards it. The alias is put in place for the import only and taken away after, so
importing the cuda backend leaves NumPy as it found it; with NumPy < 2.5 nothing is touched.
"""

from __future__ import annotations

import contextlib
import importlib
from collections.abc import Iterator

import numpy as np

from playground.engine.dispatch import simulator_enabled


@contextlib.contextmanager
def numpy_row_stack_alias() -> Iterator[None]:
    """Inside the block ``np.row_stack`` exists (as ``np.vstack``); after it, NumPy is as before.

    Also imports numba-cuda's array overloads inside the block (on a real GPU; the simulator
    compiles nothing), as they would otherwise load, without the alias, at the first kernel launch.
    """
    if hasattr(np, "row_stack"):
        yield
        return
    np.row_stack = np.vstack
    try:
        yield
        if not simulator_enabled():
            importlib.import_module("numba.cuda.np.arrayobj")
    finally:
        del np.row_stack
