"""Numba options shared by the cpu backend's modules (and the self-healing cache they use)."""

from __future__ import annotations

from playground.engine import config, jit_cache

jit_cache.install()

JIT = {"cache": config.numba_cache_usable(), "nogil": True}
# reassociation lets LLVM vectorise float sums; no nnan/ninf, so NaN and inf still propagate
FAST = {**JIT, "fastmath": {"reassoc", "contract", "nsz", "arcp"}}
PAR = {**FAST, "parallel": True}
