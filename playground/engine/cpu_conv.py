"""The cpu backend's convolution cores: Numba loops that only loop (``cpu`` allocates and checks).

Stride-1 convolutions use the "flat shift" layout: on a zero-padded image of width ``Wp`` the
output pixel ``(i, j)`` sits at ``p = i*Wp + j`` and its tap ``(u, v)`` reads ``p + u*Wp + v``, so
every tap is one long contiguous multiply-add that LLVM vectorises (the ``Wp - W'`` columns per
row that fall outside the output are computed and dropped). Filters with many taps run as
im2col + BLAS GEMM instead.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from playground.engine.cpu_jit import FAST, JIT, PAR

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
def conv_one(xp, w, b, sh, sw, acc, y, n):
    """``y[n] = conv(xp, w) + b`` for one padded image ``xp``; ``acc``: scratch of Hp*Wp floats."""
    kk, cc, fh, fw = w.shape
    hp, wp = xp.shape[1], xp.shape[2]
    ho, wo = y.shape[2], y.shape[3]
    has_b = b.shape[0] > 0
    if sh == 1 and sw == 1:
        xf = xp.reshape((cc, hp * wp))
        span = (ho - 1) * wp + wo
        for k in range(kk):
            for p in range(span):
                acc[p] = 0.0
            for c in range(cc):
                _corr_flat(xf[c], w[k, c], wp, span, acc)
            bk = b[k] if has_b else f32(0.0)
            for i in range(ho):
                for j in range(wo):
                    y[n, k, i, j] = acc[i * wp + j] + bk
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
            for c in range(cc):
                _corr_grad(xf[c], dyw[k, front:], wp, span, dw[k, c])
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
    acc = np.zeros(hp * wp, np.float32)
    for n in range(x.shape[0]):
        pad_into(x, n, pt, pl, xp)
        conv_one(xp, w, b, sh, sw, acc, y, n)


@njit(**PAR)
def conv_fwd_parallel(x, w, b, sh, sw, pt, pl, hp, wp, y, nt):
    nb = x.shape[0]
    per = (nb + nt - 1) // nt
    for t in prange(nt):
        xp = np.zeros((x.shape[1], hp, wp), np.float32)
        acc = np.zeros(hp * wp, np.float32)
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


# ---------------------------------------------------------------- convolution as im2col + GEMM


@njit(**FAST)
def _cols_flat(x, n0, n1, pt, pl, fh, fw, span, xp, cols):
    """im2col in the flat-shift layout (stride 1): row ``(c*fh+u)*fw+v`` of image ``n``'s block is
    the padded image's flat plane ``c`` from ``u*Wp+v`` on, ``span`` floats, one contiguous copy."""
    cc, wp = xp.shape[0], xp.shape[2]
    xf = xp.reshape((cc, xp.shape[1] * wp))
    for n in range(n0, n1):
        pad_into(x, n, pt, pl, xp)
        base = (n - n0) * span
        for c in range(cc):
            for u in range(fh):
                for v in range(fw):
                    src = xf[c, u * wp + v : u * wp + v + span]
                    dst = cols[(c * fh + u) * fw + v, base : base + span]
                    for p in range(span):
                        dst[p] = src[p]


@njit(**JIT)
def _chunk(taps, span, nb, chunk_floats):
    return min(nb, max(1, chunk_floats // (taps * span)))


@njit(**FAST)
def conv_fwd_gemm(x, w, b, pt, pl, hp, wp, y, chunk_floats):
    """Stride-1 convolution as ``W (K, C*fh*fw) @ cols`` per chunk of images (BLAS sgemm)."""
    nb = x.shape[0]
    kk, cc, fh, fw = w.shape
    ho, wo = y.shape[2], y.shape[3]
    span = (ho - 1) * wp + wo
    taps = cc * fh * fw
    w2 = w.reshape((kk, taps))
    per = _chunk(taps, span, nb, chunk_floats)
    xp = np.zeros((cc, hp, wp), np.float32)
    has_b = b.shape[0] > 0
    for n0 in range(0, nb, per):
        n1 = min(nb, n0 + per)
        cols = np.empty((taps, (n1 - n0) * span), np.float32)
        _cols_flat(x, n0, n1, pt, pl, fh, fw, span, xp, cols)
        res = np.dot(w2, cols)
        for n in range(n0, n1):
            base = (n - n0) * span
            for k in range(kk):
                bk = b[k] if has_b else f32(0.0)
                for i in range(ho):
                    for j in range(wo):
                        y[n, k, i, j] = res[k, base + i * wp + j] + bk


@njit(**FAST)
def conv_bwd_gemm(x, w, dy, pt, pl, hp, wp, dx, dw, db, need_dx, chunk_floats):
    """Stride-1 gradients: ``dW.T += cols @ dYw.T`` and ``dcols = W.T @ dYw`` scattered back.

    The weight gradient is formed transposed, ``(taps, K) = cols (taps, m) @ dYwT (m, K)`` with
    ``dYwT`` written contiguous: OpenBLAS runs that shape ~2.7x faster than ``dYw @ cols.T``
    (a long reduction into a small transposed-operand product), measured at LeNet's conv2.
    """
    nb = x.shape[0]
    kk, cc, fh, fw = w.shape
    ho, wo = dy.shape[2], dy.shape[3]
    span = (ho - 1) * wp + wo
    taps = cc * fh * fw
    w2t = np.ascontiguousarray(w.reshape((kk, taps)).T)
    dwt = np.zeros((taps, kk), np.float32)
    per = _chunk(taps, span, nb, chunk_floats)
    xp = np.zeros((cc, hp, wp), np.float32)
    dxp = np.empty((cc, hp, wp), np.float32)
    dxf = dxp.reshape((cc, hp * wp))
    cols_all = np.empty((taps, per * span), np.float32)
    dywt_all = np.zeros((per * span, kk), np.float32)
    dyw_all = np.zeros((kk, per * span if need_dx else 0), np.float32)
    for n0 in range(0, nb, per):
        n1 = min(nb, n0 + per)
        m = (n1 - n0) * span
        cols = cols_all[:, :m] if m < per * span else cols_all
        dywt = dywt_all[:m]
        _cols_flat(x, n0, n1, pt, pl, fh, fw, span, xp, cols)
        for n in range(n0, n1):
            base = (n - n0) * span
            for k in range(kk):
                s = f32(0.0)
                for i in range(ho):
                    for j in range(wo):
                        g = dy[n, k, i, j]
                        dywt[base + i * wp + j, k] = g
                        s += g
                db[k] += s
        dwt += np.dot(np.ascontiguousarray(cols), dywt)
        if not need_dx:
            continue
        dyw = dyw_all[:, :m]
        for q in range(m):
            for k in range(kk):
                dyw[k, q] = dywt[q, k]
        dcols = np.dot(w2t, np.ascontiguousarray(dyw))
        for n in range(n0, n1):
            base = (n - n0) * span
            dxp[:] = 0.0
            for c in range(cc):
                for u in range(fh):
                    for v in range(fw):
                        src = dcols[(c * fh + u) * fw + v, base : base + span]
                        dst = dxf[c, u * wp + v : u * wp + v + span]
                        for p in range(span):
                            dst[p] += src[p]
            _crop_into(dxp, n, pt, pl, dx)
    dw2 = dw.reshape((kk, taps))
    for k in range(kk):
        for t in range(taps):
            dw2[k, t] += dwt[t, k]
