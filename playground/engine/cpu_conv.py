"""The cpu backend's convolution cores: Numba loops that only loop (``cpu`` allocates and checks).

Stride-1 convolutions use the "flat shift" layout: on a zero-padded image of width ``Wp`` the
output pixel ``(i, j)`` sits at ``p = i*Wp + j`` and its tap ``(u, v)`` reads ``p + u*Wp + v``, so
every tap is one long contiguous multiply-add that LLVM vectorises (the ``Wp - W'`` columns per
row that fall outside the output are computed and dropped). Filters with many taps run as
im2col + BLAS GEMM instead (:mod:`cpu_gemm`).
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from playground.engine.cpu_jit import FAST, JIT, PAR
from playground.engine.cpu_taps import corr_flat3, corr_grad3

f32 = np.float32


# ---------------------------------------------------------------- convolution, one image


@njit(**FAST)
def pad_into(x, n, pt, pl, xp):
    """Copies image ``x[n]`` into the interior of the zero-bordered ``xp`` (C, Hp, Wp)."""
    for c in range(x.shape[1]):
        for r in range(x.shape[2]):
            for s in range(x.shape[3]):
                xp[c, pt + r, pl + s] = x[n, c, r, s]


@njit(**FAST)
def _corr_flat(src, wk, wp, span, acc):
    """``acc[p] += sum_{u,v} wk[u,v] * src[p + u*wp + v]`` for ``p < span`` (flat-shift layout).

    The taps of a kernel row are applied in groups of up to five per pass, so each pass loads
    and stores ``acc`` once for several multiply-adds.
    """
    fh, fw = wk.shape
    a = acc[:span]
    for u in range(fh):
        v = 0
        while v < fw:
            s = src[u * wp + v :]
            r = fw - v
            if r >= 5:
                w0, w1, w2 = wk[u, v], wk[u, v + 1], wk[u, v + 2]
                w3, w4 = wk[u, v + 3], wk[u, v + 4]
                for p in range(span):
                    a[p] += (w0 * s[p] + w1 * s[p + 1] + w2 * s[p + 2]
                             + w3 * s[p + 3] + w4 * s[p + 4])
                v += 5
            elif r >= 3:
                w0, w1, w2 = wk[u, v], wk[u, v + 1], wk[u, v + 2]
                for p in range(span):
                    a[p] += w0 * s[p] + w1 * s[p + 1] + w2 * s[p + 2]
                v += 3
            elif r == 2:
                w0, w1 = wk[u, v], wk[u, v + 1]
                for p in range(span):
                    a[p] += w0 * s[p] + w1 * s[p + 1]
                v += 2
            else:
                w0 = wk[u, v]
                for p in range(span):
                    a[p] += w0 * s[p]
                v += 1


@njit(**FAST)
def _corr_grad(src, d, wp, span, dwk):
    """``dwk[u,v] += sum_p d[p] * src[p + u*wp + v]`` for ``p < span``, taps grouped as above."""
    fh, fw = dwk.shape
    g = d[:span]
    for u in range(fh):
        v = 0
        while v < fw:
            s = src[u * wp + v :]
            r = fw - v
            if r >= 5:
                a0 = a1 = a2 = a3 = a4 = f32(0.0)
                for p in range(span):
                    gp = g[p]
                    a0 += gp * s[p]
                    a1 += gp * s[p + 1]
                    a2 += gp * s[p + 2]
                    a3 += gp * s[p + 3]
                    a4 += gp * s[p + 4]
                dwk[u, v] += a0
                dwk[u, v + 1] += a1
                dwk[u, v + 2] += a2
                dwk[u, v + 3] += a3
                dwk[u, v + 4] += a4
                v += 5
            elif r >= 3:
                a0 = a1 = a2 = f32(0.0)
                for p in range(span):
                    gp = g[p]
                    a0 += gp * s[p]
                    a1 += gp * s[p + 1]
                    a2 += gp * s[p + 2]
                dwk[u, v] += a0
                dwk[u, v + 1] += a1
                dwk[u, v + 2] += a2
                v += 3
            elif r == 2:
                a0 = a1 = f32(0.0)
                for p in range(span):
                    gp = g[p]
                    a0 += gp * s[p]
                    a1 += gp * s[p + 1]
                dwk[u, v] += a0
                dwk[u, v + 1] += a1
                v += 2
            else:
                a0 = f32(0.0)
                for p in range(span):
                    a0 += g[p] * s[p]
                dwk[u, v] += a0
                v += 1


@njit(**FAST)
def _emit(a, b, has_b, y, n, k, wp):
    """``y[n, k] = a`` (flat-shift layout, row pitch ``wp``) ``+ b[k]``."""
    bk = b[k] if has_b else f32(0.0)
    for i in range(y.shape[2]):
        for j in range(y.shape[3]):
            y[n, k, i, j] = a[i * wp + j] + bk


@njit(**FAST)
def conv_one(xp, w, b, sh, sw, acc, y, n):
    """``y[n] = conv(xp, w) + b`` for one padded image ``xp``; ``acc``: 3*Hp*Wp scratch floats."""
    kk, cc, fh, fw = w.shape
    hp, wp = xp.shape[1], xp.shape[2]
    ho, wo = y.shape[2], y.shape[3]
    has_b = b.shape[0] > 0
    if sh == 1 and sw == 1:
        xf = xp.reshape((cc, hp * wp))
        span = (ho - 1) * wp + wo
        q = hp * wp
        a0, a1, a2 = acc[:q], acc[q:2 * q], acc[2 * q:3 * q]
        k = 0
        while k + 3 <= kk:  # three filters per pass (cpu_taps), then one at a time
            a0[:span] = 0.0
            a1[:span] = 0.0
            a2[:span] = 0.0
            for c in range(cc):
                corr_flat3(xf[c], w[k, c], w[k + 1, c], w[k + 2, c], wp, span, a0, a1, a2)
            _emit(a0, b, has_b, y, n, k, wp)
            _emit(a1, b, has_b, y, n, k + 1, wp)
            _emit(a2, b, has_b, y, n, k + 2, wp)
            k += 3
        while k < kk:
            a0[:span] = 0.0
            for c in range(cc):
                _corr_flat(xf[c], w[k, c], wp, span, a0)
            _emit(a0, b, has_b, y, n, k, wp)
            k += 1
    else:
        for k in range(kk):
            bk = b[k] if has_b else f32(0.0)
            for i in range(ho):
                for j in range(wo):
                    acc[j] = 0.0
                for c in range(cc):
                    for u in range(fh):
                        r = i * sh + u
                        for v in range(fw):
                            wv = w[k, c, u, v]
                            for j in range(wo):
                                acc[j] += wv * xp[c, r, j * sw + v]
                for j in range(wo):
                    y[n, k, i, j] = acc[j] + bk


@njit(**FAST)
def _conv_bwd_one(xp, w, wflip, dy, n, sh, sw, dyw, dxp, dw, db, need_dx):
    """Accumulates image ``n``'s ``dw``, ``db``; writes its padded input gradient into ``dxp``
    (stride 1: only when ``need_dx``).

    Stride 1: ``dyw`` (K, F + Hp*Wp) holds ``dy`` in the flat-shift layout after ``F`` leading
    zeros (``F = (fh-1)*Wp + fw-1``) and must be zero elsewhere; the input gradient is then the
    correlation of ``dyw`` with the flipped kernels ``wflip`` (C, K, fh, fw).
    """
    kk, cc, fh, fw = w.shape
    hp, wp = xp.shape[1], xp.shape[2]
    ho, wo = dy.shape[2], dy.shape[3]
    if sh == 1 and sw == 1:
        xf = xp.reshape((cc, hp * wp))
        dxf = dxp.reshape((cc, hp * wp))
        span = (ho - 1) * wp + wo
        front = (fh - 1) * wp + fw - 1
        for k in range(kk):
            s = f32(0.0)
            for i in range(ho):
                for j in range(wo):
                    g = dy[n, k, i, j]
                    dyw[k, front + i * wp + j] = g
                    s += g
            db[k] += s
        k = 0
        while k + 3 <= kk:  # three filters' gradients per pass (cpu_taps)
            for c in range(cc):
                corr_grad3(xf[c], dyw[k, front:], dyw[k + 1, front:], dyw[k + 2, front:], wp,
                           span, dw[k, c], dw[k + 1, c], dw[k + 2, c])
            k += 3
        while k < kk:
            for c in range(cc):
                _corr_grad(xf[c], dyw[k, front:], wp, span, dw[k, c])
            k += 1
        for c in range(cc if need_dx else 0):
            d = dxf[c]
            for q in range(hp * wp):
                d[q] = 0.0
            for k in range(kk):
                _corr_flat(dyw[k], wflip[c, k], wp, hp * wp, d)
    else:
        dxf = dxp.reshape(cc * hp * wp)
        for q in range(dxf.shape[0]):
            dxf[q] = 0.0
        for k in range(kk):
            s = f32(0.0)
            for i in range(ho):
                for j in range(wo):
                    s += dy[n, k, i, j]
            db[k] += s
            for c in range(cc):
                for u in range(fh):
                    for v in range(fw):
                        wv = w[k, c, u, v]
                        a = f32(0.0)
                        for i in range(ho):
                            r = i * sh + u
                            for j in range(wo):
                                g = dy[n, k, i, j]
                                a += g * xp[c, r, j * sw + v]
                                dxp[c, r, j * sw + v] += wv * g
                        dw[k, c, u, v] += a


@njit(**FAST)
def _crop_into(dxp, n, pt, pl, dx):
    for c in range(dx.shape[1]):
        for r in range(dx.shape[2]):
            for s in range(dx.shape[3]):
                dx[n, c, r, s] = dxp[c, pt + r, pl + s]


# ---------------------------------------------------------------- convolution, batch drivers


@njit(**JIT)
def _front(w, wp):
    return (w.shape[2] - 1) * wp + w.shape[3] - 1


@njit(**FAST)
def conv_fwd_serial(x, w, b, sh, sw, pt, pl, hp, wp, y):
    xp = np.zeros((x.shape[1], hp, wp), np.float32)
    acc = np.zeros(3 * hp * wp, np.float32)
    for n in range(x.shape[0]):
        pad_into(x, n, pt, pl, xp)
        conv_one(xp, w, b, sh, sw, acc, y, n)


@njit(**PAR)
def conv_fwd_parallel(x, w, b, sh, sw, pt, pl, hp, wp, y, nt):
    nb = x.shape[0]
    per = (nb + nt - 1) // nt
    for t in prange(nt):
        xp = np.zeros((x.shape[1], hp, wp), np.float32)
        acc = np.zeros(3 * hp * wp, np.float32)
        for n in range(t * per, min(nb, (t + 1) * per)):
            pad_into(x, n, pt, pl, xp)
            conv_one(xp, w, b, sh, sw, acc, y, n)


@njit(**FAST)
def conv_bwd_serial(x, w, wflip, dy, sh, sw, pt, pl, hp, wp, dx, dw, db, need_dx):
    xp = np.zeros((x.shape[1], hp, wp), np.float32)
    dxp = np.empty((x.shape[1], hp, wp), np.float32)
    dyw = np.zeros((w.shape[0], _front(w, wp) + hp * wp), np.float32)
    for n in range(x.shape[0]):
        pad_into(x, n, pt, pl, xp)
        _conv_bwd_one(xp, w, wflip, dy, n, sh, sw, dyw, dxp, dw, db, need_dx)
        if need_dx:
            _crop_into(dxp, n, pt, pl, dx)


@njit(**PAR)
def conv_bwd_parallel(x, w, wflip, dy, sh, sw, pt, pl, hp, wp, dx, dw, db, need_dx, nt):
    nb = x.shape[0]
    per = (nb + nt - 1) // nt
    dwt = np.zeros((nt, w.shape[0], w.shape[1], w.shape[2], w.shape[3]), np.float32)
    dbt = np.zeros((nt, w.shape[0]), np.float32)
    for t in prange(nt):
        xp = np.zeros((x.shape[1], hp, wp), np.float32)
        dxp = np.empty((x.shape[1], hp, wp), np.float32)
        dyw = np.zeros((w.shape[0], _front(w, wp) + hp * wp), np.float32)
        for n in range(t * per, min(nb, (t + 1) * per)):
            pad_into(x, n, pt, pl, xp)
            _conv_bwd_one(xp, w, wflip, dy, n, sh, sw, dyw, dxp, dwt[t], dbt[t], need_dx)
            if need_dx:
                _crop_into(dxp, n, pt, pl, dx)
    for t in range(nt):
        dw += dwt[t]
        db += dbt[t]
