"""The cpu backend's pooling cores (max and average, forward and backward): Numba loops only."""

from __future__ import annotations

import numpy as np
from numba import njit

from playground.engine.cpu_jit import FAST

f32 = np.float32


# ---------------------------------------------------------------- pooling


@njit(**FAST)
def _max_pool_plane(src, dst, kh, kw, sh, sw):
    for i in range(dst.shape[0]):
        for j in range(dst.shape[1]):
            best = src[i * sh, j * sw]
            for u in range(kh):
                for v in range(kw):
                    val = src[i * sh + u, j * sw + v]
                    if val > best:
                        best = val
            dst[i, j] = best


@njit(**FAST)
def _max_pool_plane_2x2(src, dst):
    for i in range(dst.shape[0]):
        for j in range(dst.shape[1]):
            dst[i, j] = max(
                max(src[2 * i, 2 * j], src[2 * i, 2 * j + 1]),
                max(src[2 * i + 1, 2 * j], src[2 * i + 1, 2 * j + 1]),
            )


@njit(**FAST)
def _avg_pool_plane(src, dst, kh, kw, sh, sw):
    inv = f32(1.0 / (kh * kw))
    for i in range(dst.shape[0]):
        for j in range(dst.shape[1]):
            s = f32(0.0)
            for u in range(kh):
                for v in range(kw):
                    s += src[i * sh + u, j * sw + v]
            dst[i, j] = s * inv


@njit(**FAST)
def pool_planes(x, y, kind, kh, kw, sh, sw):
    """``kind`` 1: max, 2: average, over every (n, c) plane."""
    fast = kh == 2 and kw == 2 and sh == 2 and sw == 2
    for n in range(x.shape[0]):
        for c in range(x.shape[1]):
            if kind == 1:
                if fast:
                    _max_pool_plane_2x2(x[n, c], y[n, c])
                else:
                    _max_pool_plane(x[n, c], y[n, c], kh, kw, sh, sw)
            else:
                _avg_pool_plane(x[n, c], y[n, c], kh, kw, sh, sw)


@njit(**FAST)
def _max_pool_bwd_2x2(x, dy, dx):
    """2x2 windows, stride 2 (they do not overlap): branch-free first-maximum selection."""
    for n in range(x.shape[0]):
        for c in range(x.shape[1]):
            for i in range(dy.shape[2]):
                r0, r1 = x[n, c, 2 * i], x[n, c, 2 * i + 1]
                d0, d1 = dx[n, c, 2 * i], dx[n, c, 2 * i + 1]
                g = dy[n, c, i]
                for j in range(dy.shape[3]):
                    a, b = r0[2 * j], r0[2 * j + 1]
                    e, h = r1[2 * j], r1[2 * j + 1]
                    m = max(max(a, b), max(e, h))
                    gj = g[j]
                    ta = a == m
                    tb = (b == m) & (a != m)
                    te = (e == m) & (a != m) & (b != m)
                    th = (h == m) & (a != m) & (b != m) & (e != m)
                    d0[2 * j] = gj if ta else f32(0.0)
                    d0[2 * j + 1] = gj if tb else f32(0.0)
                    d1[2 * j] = gj if te else f32(0.0)
                    d1[2 * j + 1] = gj if th else f32(0.0)


@njit(**FAST)
def max_pool_bwd(x, dy, kh, kw, sh, sw, dx):
    if kh == 2 and kw == 2 and sh == 2 and sw == 2:
        _max_pool_bwd_2x2(x, dy, dx)
        return
    for n in range(x.shape[0]):
        for c in range(x.shape[1]):
            src = x[n, c]
            dst = dx[n, c]
            for i in range(dy.shape[2]):
                for j in range(dy.shape[3]):
                    bu, bv = 0, 0
                    best = src[i * sh, j * sw]
                    for u in range(kh):
                        for v in range(kw):
                            val = src[i * sh + u, j * sw + v]
                            if val > best:  # strict: the first maximum in row-major order wins
                                best = val
                                bu, bv = u, v
                    dst[i * sh + bu, j * sw + bv] += dy[n, c, i, j]


@njit(**FAST)
def avg_pool_bwd(dy, kh, kw, sh, sw, dx):
    inv = f32(1.0 / (kh * kw))
    for n in range(dy.shape[0]):
        for c in range(dy.shape[1]):
            dst = dx[n, c]
            for i in range(dy.shape[2]):
                for j in range(dy.shape[3]):
                    g = dy[n, c, i, j] * inv
                    for u in range(kh):
                        for v in range(kw):
                            dst[i * sh + u, j * sw + v] += g
