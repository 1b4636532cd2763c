"""Numba options shared by the cpu backend's modules."""

from __future__ import annotations

from playground.engine import config

JIT = {"cache": config.numba_cache_usable(), "nogil": True}
# reassociation lets LLVM vectorise float sums; no nnan/ninf, so NaN and inf still propagate
FAST = {**JIT, "fastmath": {"reassoc", "contract", "nsz", "arcp"}}
PAR = {**FAST, "parallel": True}
