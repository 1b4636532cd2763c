"""The cpu backend's dilated convolutions: im2col with gaps between the taps, then BLAS GEMM.

A filter of ``fh x fw`` taps ``dh`` rows and ``dw`` columns apart reads the padded input at
``(i*sh + u*dh, j*sw + v*dw)``. Column ``(n, i, j)`` of the im2col matrix holds the ``C*fh*fw``
values one output position multiplies (zeros where a tap falls in the padding), so the forward
pass is ``W (K, C*fh*fw) @ cols``, ``dW = dY @ cols.T`` and the input gradient is
``W.T @ dY`` scattered back (col2im). Any stride and dilation take this one path; the undilated
convolutions keep the faster special cases in :mod:`cpu_conv`. Work goes in chunks of images so
the ``cols`` buffer stays near ``chunk_floats`` floats. The public wrappers in :mod:`cpu` allocate
and dispatch here only when ``dilation > 1``.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from playground.engine.cpu_jit import FAST, JIT

f32 = np.float32


@njit(**JIT)
def _per_chunk(taps, positions, nb, chunk_floats):
    """Images per chunk so that ``cols`` (taps x images*positions) stays near ``chunk_floats``."""
    return max(1, min(nb, chunk_floats // max(1, taps * positions)))


@njit(**FAST)
def _im2col(x, n0, n1, sh, sw, pt, pl, dh, dw, fh, fw, ho, wo, cols):
    """``cols[(c*fh+u)*fw+v, (n-n0)*H'W' + i*W' + j] = xpad[n, c, i*sh+u*dh, j*sw+v*dw]``."""
    cc, h, wd = x.shape[1], x.shape[2], x.shape[3]
    hw = ho * wo
    for n in range(n0, n1):
        base = (n - n0) * hw
        for c in range(cc):
            for u in range(fh):
                for v in range(fw):
                    row = cols[(c * fh + u) * fw + v]
                    for i in range(ho):
                        r = i * sh + u * dh - pt
                        at = base + i * wo
                        if r < 0 or r >= h:
                            for j in range(wo):
                                row[at + j] = 0.0
                            continue
                        for j in range(wo):
                            q = j * sw + v * dw - pl
                            row[at + j] = x[n, c, r, q] if 0 <= q < wd else f32(0.0)


@njit(**FAST)
def _col2im(dcols, n0, n1, sh, sw, pt, pl, dh, dw, fh, fw, ho, wo, dx):
    """Adds each column of ``dcols`` back onto the input pixels it was read from."""
    cc, h, wd = dx.shape[1], dx.shape[2], dx.shape[3]
    hw = ho * wo
    for n in range(n0, n1):
        base = (n - n0) * hw
        for c in range(cc):
            for u in range(fh):
                for v in range(fw):
                    row = dcols[(c * fh + u) * fw + v]
                    for i in range(ho):
                        r = i * sh + u * dh - pt
                        if r < 0 or r >= h:
                            continue
                        at = base + i * wo
                        for j in range(wo):
                            q = j * sw + v * dw - pl
                            if 0 <= q < wd:
                                dx[n, c, r, q] += row[at + j]


@njit(**FAST)
def conv_fwd_dilated(x, w, b, sh, sw, pt, pl, dh, dw, y, chunk_floats):
    """``y = conv(x, w) + b`` for any stride and dilation, as im2col + GEMM per chunk of images."""
    nb = x.shape[0]
    kk, cc, fh, fw = w.shape
    ho, wo = y.shape[2], y.shape[3]
    hw = ho * wo
    taps = cc * fh * fw
    w2 = np.ascontiguousarray(w.reshape((kk, taps)))
    per = _per_chunk(taps, hw, nb, chunk_floats)
    has_b = b.shape[0] > 0
    for n0 in range(0, nb, per):
        n1 = min(nb, n0 + per)
        cols = np.empty((taps, (n1 - n0) * hw), np.float32)
        _im2col(x, n0, n1, sh, sw, pt, pl, dh, dw, fh, fw, ho, wo, cols)
        res = np.dot(w2, cols)
        for n in range(n0, n1):
            base = (n - n0) * hw
            for k in range(kk):
                bk = b[k] if has_b else f32(0.0)
                for i in range(ho):
                    for j in range(wo):
                        y[n, k, i, j] = res[k, base + i * wo + j] + bk


@njit(**FAST)
def conv_bwd_dilated(x, w, dy, sh, sw, pt, pl, dh, dw, dx, dwt, db, need_dx, chunk_floats):
    """Accumulates ``dwt`` and ``db`` (zeroed by the caller) and writes ``dx`` when ``need_dx``."""
    nb = x.shape[0]
    kk, cc, fh, fw = w.shape
    ho, wo = dy.shape[2], dy.shape[3]
    hw = ho * wo
    taps = cc * fh * fw
    w2t = np.ascontiguousarray(w.reshape((kk, taps)).T)
    dw2 = dwt.reshape((kk, taps))
    per = _per_chunk(taps, hw, nb, chunk_floats)
    if need_dx:
        dx[:] = 0.0
    for n0 in range(0, nb, per):
        n1 = min(nb, n0 + per)
        m = (n1 - n0) * hw
        cols = np.empty((taps, m), np.float32)
        _im2col(x, n0, n1, sh, sw, pt, pl, dh, dw, fh, fw, ho, wo, cols)
        dyc = np.empty((kk, m), np.float32)
        for n in range(n0, n1):
            base = (n - n0) * hw
            for k in range(kk):
                s = f32(0.0)
                for i in range(ho):
                    for j in range(wo):
                        g = dy[n, k, i, j]
                        dyc[k, base + i * wo + j] = g
                        s += g
                db[k] += s
        dw2 += np.dot(dyc, cols.T)
        if need_dx:
            dcols = np.dot(w2t, dyc)
            _col2im(dcols, n0, n1, sh, sw, pt, pl, dh, dw, fh, fw, ho, wo, dx)
