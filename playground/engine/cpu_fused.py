"""The cpu backend's fused ReLU + max-pool cores, forward and backward (Numba loops only).

After a convolution, ``act = relu(conv)`` is taken in place and pooled in the same pass; the
backward pass routes each pooled gradient to its window's first maximum (row-major, as PyTorch
and :mod:`reference` do) only where that maximum is positive, which is the max-pool backward
followed by the ReLU backward, in one pass and with no intermediate array.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from playground.engine.cpu_jit import FAST
from playground.engine.cpu_pool import _max_pool_plane

f32 = np.float32


@njit(**FAST)
def _relu_plane(src):
    for r in range(src.shape[0]):
        row = src[r]
        for s in range(src.shape[1]):
            v = row[s]
            row[s] = v if v > 0 else f32(0.0)


@njit(**FAST)
def relu_maxpool_fwd(act, pooled, kh, kw, sh, sw):
    """In place ``act = max(act, 0)``; ``pooled = max_pool(act)`` (floor mode, no padding)."""
    fast = kh == 2 and kw == 2 and sh == 2 and sw == 2
    for n in range(act.shape[0]):
        for c in range(act.shape[1]):
            src = act[n, c]
            dst = pooled[n, c]
            _relu_plane(src)
            if fast:
                for i in range(dst.shape[0]):
                    r0, r1 = src[2 * i], src[2 * i + 1]
                    d = dst[i]
                    for j in range(dst.shape[1]):
                        d[j] = max(max(r0[2 * j], r0[2 * j + 1]), max(r1[2 * j], r1[2 * j + 1]))
            else:
                _max_pool_plane(src, dst, kh, kw, sh, sw)


@njit(**FAST)
def _bwd_2x2_plane(src, g, dst):
    ho, wo = g.shape
    for r in range(2 * ho, dst.shape[0]):  # rows and columns no window covers (floor mode)
        for s in range(dst.shape[1]):
            dst[r, s] = 0.0
    for r in range(2 * ho):
        for s in range(2 * wo, dst.shape[1]):
            dst[r, s] = 0.0
    for i in range(ho):
        r0, r1 = src[2 * i], src[2 * i + 1]
        d0, d1 = dst[2 * i], dst[2 * i + 1]
        gi = g[i]
        for j in range(wo):
            a, b = r0[2 * j], r0[2 * j + 1]
            e, h = r1[2 * j], r1[2 * j + 1]
            m = max(max(a, b), max(e, h))
            gj = gi[j] if m > 0 else f32(0.0)  # ReLU: no gradient where the maximum is 0
            ta = a == m
            tb = (b == m) & (a != m)
            te = (e == m) & (a != m) & (b != m)
            th = (h == m) & (a != m) & (b != m) & (e != m)
            d0[2 * j] = gj if ta else f32(0.0)
            d0[2 * j + 1] = gj if tb else f32(0.0)
            d1[2 * j] = gj if te else f32(0.0)
            d1[2 * j + 1] = gj if th else f32(0.0)


@njit(**FAST)
def relu_maxpool_bwd(act, dpool, kh, kw, sh, sw, dact):
    """``dact``: the gradient at the convolution's output, from ``dpool`` and the kept ``act``."""
    fast = kh == 2 and kw == 2 and sh == 2 and sw == 2
    for n in range(act.shape[0]):
        for c in range(act.shape[1]):
            src, g, dst = act[n, c], dpool[n, c], dact[n, c]
            if fast:
                _bwd_2x2_plane(src, g, dst)
                continue
            for r in range(dst.shape[0]):
                for s in range(dst.shape[1]):
                    dst[r, s] = 0.0
            for i in range(g.shape[0]):
                for j in range(g.shape[1]):
                    bu, bv = 0, 0
                    best = src[i * sh, j * sw]
                    for u in range(kh):
                        for v in range(kw):
                            val = src[i * sh + u, j * sw + v]
                            if val > best:  # strict: the first maximum in row-major order wins
                                best = val
                                bu, bv = u, v
                    if best > 0:
                        dst[i * sh + bu, j * sw + bv] += g[i, j]
