"""CUDA pooling kernels (max and average), forward and backward, one thread per output."""

from __future__ import annotations

from numba import cuda, float32


@cuda.jit(device=True)
def _argmax_window(x, n, c, r0, q0, kh, kw):
    """Row-major position of the first maximum in ``x[n, c, r0:r0+kh, q0:q0+kw]``."""
    best = x[n, c, r0, q0]
    br, bq = r0, q0
    for u in range(kh):
        for v in range(kw):
            val = x[n, c, r0 + u, q0 + v]
            if val > best:
                best, br, bq = val, r0 + u, q0 + v
    return br, bq


@cuda.jit
def pool_fwd(x, y, kh, kw, sh, sw, is_max):
    """One thread per output: the window's maximum (``is_max``) or mean."""
    idx = cuda.grid(1)
    nb, cc, ho, wo = y.shape
    if idx >= nb * cc * ho * wo:
        return
    j = idx % wo
    i = (idx // wo) % ho
    c = (idx // (wo * ho)) % cc
    n = idx // (wo * ho * cc)
    if is_max:
        r, q = _argmax_window(x, n, c, i * sh, j * sw, kh, kw)
        y[n, c, i, j] = x[n, c, r, q]
    else:
        acc = float32(0.0)
        for u in range(kh):
            for v in range(kw):
                acc += x[n, c, i * sh + u, j * sw + v]
        y[n, c, i, j] = acc / float32(kh * kw)


@cuda.jit
def pool_bwd(x, dy, dx, kh, kw, sh, sw, is_max):
    """One thread per ``dx[n,c,r,q]``: gathers from every window that covers it.

    Max pooling takes a window's gradient only where ``(r, q)`` is that window's first maximum.
    """
    idx = cuda.grid(1)
    nb, cc, h, wd = dx.shape
    if idx >= nb * cc * h * wd:
        return
    q = idx % wd
    r = (idx // wd) % h
    c = (idx // (wd * h)) % cc
    n = idx // (wd * h * cc)
    ho, wo = dy.shape[2], dy.shape[3]
    acc = float32(0.0)
    for i in range(max(0, (r - kh + sh) // sh), min(ho - 1, r // sh) + 1):
        for j in range(max(0, (q - kw + sw) // sw), min(wo - 1, q // sw) + 1):
            if is_max:
                br, bq = _argmax_window(x, n, c, i * sh, j * sw, kh, kw)
                if br == r and bq == q:
                    acc += dy[n, c, i, j]
            else:
                acc += dy[n, c, i, j]
    dx[n, c, r, q] = acc if is_max else acc / float32(kh * kw)
