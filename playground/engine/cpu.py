"""The ``cpu`` backend: Numba-compiled loops with the signatures and semantics of :mod:`reference`.

Public wrappers allocate and unpack tuples; private ``@njit`` cores only loop. Stride-1
convolutions use the "flat shift" layout: on a zero-padded image of width ``Wp`` the output
pixel ``(i, j)`` sits at ``p = i*Wp + j`` and its tap ``(u, v)`` reads ``p + u*Wp + v``, so every
tap is one long contiguous multiply-add that LLVM vectorises (the ``Wp - W'`` columns per row
that fall outside the output are computed and dropped). Batches are split over threads only
when the work is large enough to pay for waking them (``PARALLEL_MIN_WORK``), since a parallel
region on a busy two-core machine can cost far more than the arithmetic it saves.
"""

from __future__ import annotations

import math

import numba
import numpy as np
from numba import njit, prange

from playground.engine import config
from playground.engine import reference as _ref
from playground.engine.shapes import Pads

name = "cpu"
f32 = np.float32

PARALLEL_MIN_WORK = 200_000_000
"""Multiply-adds (per call) from which a batch is split over Numba's threads; patchable in tests.

High on purpose: on the two-core development machine, with the other core busy, splitting
LeNet-5's batch of 64 (7.5 M multiply-adds in conv1) made a training step 13x slower."""

GEMM_MIN_TAPS = 64
"""Filters with at least this many taps (C*fh*fw) run as im2col + GEMM; smaller ones directly."""

GEMM_CHUNK_FLOATS = 65_536
"""im2col buffer size (floats) per chunk of images: ~256 KiB, a few images per GEMM, was fastest."""

SINGLE_THREAD_BLAS = True
"""Run BLAS (SciPy's OpenBLAS, which compiled code calls, and NumPy's) on one thread. The engine's
GEMMs are small: on a busy two-core machine OpenBLAS's threads, competing with Numba's, made a
LeNet step ~20x slower (173 ms against 7.5 ms)."""

_JIT = {"cache": config.NUMBA_CACHE, "nogil": True}
# reassociation lets LLVM vectorise float sums; no nnan/ninf, so NaN and inf still propagate
_FAST = {**_JIT, "fastmath": {"reassoc", "contract", "nsz", "arcp"}}
_PAR = {**_FAST, "parallel": True}
_NO_BIAS = np.zeros(0, f32)


if SINGLE_THREAD_BLAS:
    import scipy.linalg.cython_blas  # noqa: F401  (loads the BLAS that jitted np.dot calls)
    from threadpoolctl import threadpool_limits

    threadpool_limits(1, user_api="blas")


def is_available() -> bool:
    """The CPU backend needs only NumPy and Numba, both required dependencies."""
    return True


def to_device(a: np.ndarray) -> np.ndarray:
    """Host arrays are this backend's arrays (made C-contiguous float32)."""
    return np.ascontiguousarray(a, dtype=f32)


def to_host(a: np.ndarray) -> np.ndarray:
    """Host arrays are this backend's arrays."""
    return np.asarray(a)


def zeros(shape: tuple[int, ...]) -> np.ndarray:
    """A zero-filled float32 array."""
    return np.zeros(shape, f32)


def _threads(work: int, n: int) -> int:
    """Threads to split a batch of ``n`` items costing ``work`` multiply-adds over (1: none)."""
    if n < 2 or work < PARALLEL_MIN_WORK:
        return 1
    return min(numba.get_num_threads(), n)


# ---------------------------------------------------------------- convolution, one image


@njit(**_FAST)
def _pad_into(x, n, pt, pl, xp):
    """Copies image ``x[n]`` into the interior of the zero-bordered ``xp`` (C, Hp, Wp)."""
    for c in range(x.shape[1]):
        for r in range(x.shape[2]):
            for s in range(x.shape[3]):
                xp[c, pt + r, pl + s] = x[n, c, r, s]


@njit(**_FAST)
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


@njit(**_FAST)
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


@njit(**_FAST)
def _conv_one(xp, w, b, sh, sw, acc, y, n):
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


@njit(**_FAST)
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


@njit(**_FAST)
def _crop_into(dxp, n, pt, pl, dx):
    for c in range(dx.shape[1]):
        for r in range(dx.shape[2]):
            for s in range(dx.shape[3]):
                dx[n, c, r, s] = dxp[c, pt + r, pl + s]


# ---------------------------------------------------------------- convolution, batch drivers


@njit(**_JIT)
def _front(w, wp):
    return (w.shape[2] - 1) * wp + w.shape[3] - 1


@njit(**_FAST)
def _conv_fwd_serial(x, w, b, sh, sw, pt, pl, hp, wp, y):
    xp = np.zeros((x.shape[1], hp, wp), np.float32)
    acc = np.zeros(hp * wp, np.float32)
    for n in range(x.shape[0]):
        _pad_into(x, n, pt, pl, xp)
        _conv_one(xp, w, b, sh, sw, acc, y, n)


@njit(**_PAR)
def _conv_fwd_parallel(x, w, b, sh, sw, pt, pl, hp, wp, y, nt):
    nb = x.shape[0]
    per = (nb + nt - 1) // nt
    for t in prange(nt):
        xp = np.zeros((x.shape[1], hp, wp), np.float32)
        acc = np.zeros(hp * wp, np.float32)
        for n in range(t * per, min(nb, (t + 1) * per)):
            _pad_into(x, n, pt, pl, xp)
            _conv_one(xp, w, b, sh, sw, acc, y, n)


@njit(**_FAST)
def _conv_bwd_serial(x, w, wflip, dy, sh, sw, pt, pl, hp, wp, dx, dw, db, need_dx):
    xp = np.zeros((x.shape[1], hp, wp), np.float32)
    dxp = np.empty((x.shape[1], hp, wp), np.float32)
    dyw = np.zeros((w.shape[0], _front(w, wp) + hp * wp), np.float32)
    for n in range(x.shape[0]):
        _pad_into(x, n, pt, pl, xp)
        _conv_bwd_one(xp, w, wflip, dy, n, sh, sw, dyw, dxp, dw, db, need_dx)
        if need_dx:
            _crop_into(dxp, n, pt, pl, dx)


@njit(**_PAR)
def _conv_bwd_parallel(x, w, wflip, dy, sh, sw, pt, pl, hp, wp, dx, dw, db, need_dx, nt):
    nb = x.shape[0]
    per = (nb + nt - 1) // nt
    dwt = np.zeros((nt, w.shape[0], w.shape[1], w.shape[2], w.shape[3]), np.float32)
    dbt = np.zeros((nt, w.shape[0]), np.float32)
    for t in prange(nt):
        xp = np.zeros((x.shape[1], hp, wp), np.float32)
        dxp = np.empty((x.shape[1], hp, wp), np.float32)
        dyw = np.zeros((w.shape[0], _front(w, wp) + hp * wp), np.float32)
        for n in range(t * per, min(nb, (t + 1) * per)):
            _pad_into(x, n, pt, pl, xp)
            _conv_bwd_one(xp, w, wflip, dy, n, sh, sw, dyw, dxp, dwt[t], dbt[t], need_dx)
            if need_dx:
                _crop_into(dxp, n, pt, pl, dx)
    for t in range(nt):
        dw += dwt[t]
        db += dbt[t]


# ---------------------------------------------------------------- convolution as im2col + GEMM


@njit(**_FAST)
def _cols_flat(x, n0, n1, pt, pl, fh, fw, span, xp, cols):
    """im2col in the flat-shift layout (stride 1): row ``(c*fh+u)*fw+v`` of image ``n``'s block is
    the padded image's flat plane ``c`` from ``u*Wp+v`` on, ``span`` floats, one contiguous copy."""
    cc, wp = xp.shape[0], xp.shape[2]
    xf = xp.reshape((cc, xp.shape[1] * wp))
    for n in range(n0, n1):
        _pad_into(x, n, pt, pl, xp)
        base = (n - n0) * span
        for c in range(cc):
            for u in range(fh):
                for v in range(fw):
                    src = xf[c, u * wp + v : u * wp + v + span]
                    dst = cols[(c * fh + u) * fw + v, base : base + span]
                    for p in range(span):
                        dst[p] = src[p]


@njit(**_JIT)
def _chunk(taps, span, nb, chunk_floats):
    return min(nb, max(1, chunk_floats // (taps * span)))


@njit(**_FAST)
def _conv_fwd_gemm(x, w, b, pt, pl, hp, wp, y, chunk_floats):
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


@njit(**_FAST)
def _conv_bwd_gemm(x, w, dy, pt, pl, hp, wp, dx, dw, db, need_dx, chunk_floats):
    """Stride-1 gradients: ``dW += dYw @ cols.T`` and ``dcols = W.T @ dYw`` scattered back."""
    nb = x.shape[0]
    kk, cc, fh, fw = w.shape
    ho, wo = dy.shape[2], dy.shape[3]
    span = (ho - 1) * wp + wo
    taps = cc * fh * fw
    w2t = np.ascontiguousarray(w.reshape((kk, taps)).T)
    dw2 = dw.reshape((kk, taps))
    per = _chunk(taps, span, nb, chunk_floats)
    xp = np.zeros((cc, hp, wp), np.float32)
    dxp = np.empty((cc, hp, wp), np.float32)
    dxf = dxp.reshape((cc, hp * wp))
    for n0 in range(0, nb, per):
        n1 = min(nb, n0 + per)
        m = (n1 - n0) * span
        cols = np.empty((taps, m), np.float32)
        _cols_flat(x, n0, n1, pt, pl, fh, fw, span, xp, cols)
        dyw = np.zeros((kk, m), np.float32)
        for n in range(n0, n1):
            base = (n - n0) * span
            for k in range(kk):
                s = f32(0.0)
                for i in range(ho):
                    for j in range(wo):
                        g = dy[n, k, i, j]
                        dyw[k, base + i * wp + j] = g
                        s += g
                db[k] += s
        dw2 += np.dot(dyw, cols.T)
        if not need_dx:
            continue
        dcols = np.dot(w2t, dyw)
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


def _use_gemm(w, stride) -> bool:
    """im2col + BLAS pays once a filter has enough taps to fill the GEMM (LeNet's conv2: 150)."""
    _, cc, fh, fw = w.shape
    return stride == (1, 1) and cc * fh * fw >= GEMM_MIN_TAPS


def _bias(b) -> np.ndarray:
    return _NO_BIAS if b is None else b


def conv2d(x, w, b, stride: tuple[int, int], pads: Pads) -> np.ndarray:
    """``y[n,k,i,j] = sum_{c,u,v} xpad[n,c,i*sh+u,j*sw+v] * w[k,c,u,v] + b[k]``."""
    nb, cc, h, wd = x.shape
    kk, _, fh, fw = w.shape
    sh, sw = stride
    pt, pb, pl, pr = pads
    hp, wp = h + pt + pb, wd + pl + pr
    ho, wo = (hp - fh) // sh + 1, (wp - fw) // sw + 1
    y = np.empty((nb, kk, ho, wo), f32)
    if _use_gemm(w, (sh, sw)):
        _conv_fwd_gemm(x, w, _bias(b), pt, pl, hp, wp, y, GEMM_CHUNK_FLOATS)
        return y
    nt = _threads(nb * kk * ho * wo * cc * fh * fw, nb)
    if nt > 1:
        _conv_fwd_parallel(x, w, _bias(b), sh, sw, pt, pl, hp, wp, y, nt)
    else:
        _conv_fwd_serial(x, w, _bias(b), sh, sw, pt, pl, hp, wp, y)
    return y


def conv2d_backward(x, w, dy, stride: tuple[int, int], pads: Pads, need_dx: bool = True):
    """Gradients ``(dx, dw, db)`` of :func:`conv2d`; ``dx`` is None when not ``need_dx``."""
    nb, cc, h, wd = x.shape
    kk, _, fh, fw = w.shape
    _, _, ho, wo = dy.shape
    sh, sw = stride
    pt, pb, pl, pr = pads
    dx = np.empty(x.shape if need_dx else (0, 0, 0, 0), f32)
    dw = np.zeros(w.shape, f32)
    db = np.zeros(kk, f32)
    if _use_gemm(w, (sh, sw)):
        hp, wp = h + pt + pb, wd + pl + pr
        _conv_bwd_gemm(x, w, dy, pt, pl, hp, wp, dx, dw, db, need_dx, GEMM_CHUNK_FLOATS)
        return (dx if need_dx else None), dw, db
    nt = _threads(2 * nb * kk * ho * wo * cc * fh * fw, nb)
    wflip = np.ascontiguousarray(w.transpose(1, 0, 2, 3)[:, :, ::-1, ::-1])
    args = (x, w, wflip, dy, sh, sw, pt, pl, h + pt + pb, wd + pl + pr, dx, dw, db, need_dx)
    if nt > 1:
        _conv_bwd_parallel(*args, nt)
    else:
        _conv_bwd_serial(*args)
    return (dx if need_dx else None), dw, db


# ---------------------------------------------------------------- pooling


@njit(**_FAST)
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


@njit(**_FAST)
def _max_pool_plane_2x2(src, dst):
    for i in range(dst.shape[0]):
        for j in range(dst.shape[1]):
            dst[i, j] = max(
                max(src[2 * i, 2 * j], src[2 * i, 2 * j + 1]),
                max(src[2 * i + 1, 2 * j], src[2 * i + 1, 2 * j + 1]),
            )


@njit(**_FAST)
def _avg_pool_plane(src, dst, kh, kw, sh, sw):
    inv = f32(1.0 / (kh * kw))
    for i in range(dst.shape[0]):
        for j in range(dst.shape[1]):
            s = f32(0.0)
            for u in range(kh):
                for v in range(kw):
                    s += src[i * sh + u, j * sw + v]
            dst[i, j] = s * inv


@njit(**_FAST)
def _pool_planes(x, y, kind, kh, kw, sh, sw):
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


@njit(**_FAST)
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


@njit(**_FAST)
def _max_pool_bwd(x, dy, kh, kw, sh, sw, dx):
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


@njit(**_FAST)
def _avg_pool_bwd(dy, kh, kw, sh, sw, dx):
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


def _pooled(x, size, stride):
    (kh, kw), (sh, sw) = size, stride
    n, c, h, wd = x.shape
    return np.empty((n, c, (h - kh) // sh + 1, (wd - kw) // sw + 1), f32)


def max_pool2d(x, size: tuple[int, int], stride: tuple[int, int]) -> np.ndarray:
    """Maximum over each ``size`` window, windows ``stride`` apart (floor mode, no padding)."""
    y = _pooled(x, size, stride)
    _pool_planes(x, y, 1, size[0], size[1], stride[0], stride[1])
    return y


def max_pool2d_backward(x, dy, size: tuple[int, int], stride: tuple[int, int]) -> np.ndarray:
    """Routes each output gradient to its window's first maximum (row-major), as PyTorch does."""
    dx = np.zeros(x.shape, f32)
    _max_pool_bwd(x, dy, size[0], size[1], stride[0], stride[1], dx)
    return dx


def avg_pool2d(x, size: tuple[int, int], stride: tuple[int, int]) -> np.ndarray:
    """Mean over each ``size`` window, windows ``stride`` apart (floor mode, no padding)."""
    y = _pooled(x, size, stride)
    _pool_planes(x, y, 2, size[0], size[1], stride[0], stride[1])
    return y


def avg_pool2d_backward(x, dy, size: tuple[int, int], stride: tuple[int, int]) -> np.ndarray:
    """Spreads each output gradient evenly over its window."""
    dx = np.zeros(x.shape, f32)
    _avg_pool_bwd(dy, size[0], size[1], stride[0], stride[1], dx)
    return dx


# ---------------------------------------------------------------- elementwise, dense, losses


@njit(**_FAST)
def _relu_flat(x, y):
    for i in range(x.shape[0]):
        v = x[i]
        y[i] = v if v > 0 else f32(0.0)


@njit(**_FAST)
def _relu_bwd_flat(x, dy, dx):
    for i in range(x.shape[0]):
        dx[i] = dy[i] if x[i] > 0 else f32(0.0)


def relu(x) -> np.ndarray:
    """``max(0, x)`` elementwise."""
    y = np.empty(x.shape, f32)
    _relu_flat(x.reshape(-1), y.reshape(-1))
    return y


def relu_backward(x, dy) -> np.ndarray:
    """Passes the gradient where the input was positive."""
    dx = np.empty(x.shape, f32)
    _relu_bwd_flat(x.reshape(-1), dy.reshape(-1), dx.reshape(-1))
    return dx


@njit(**_JIT)
def _linear(x, w, b):
    y = np.dot(x, w.T)
    if b.shape[0] > 0:
        for i in range(y.shape[0]):
            for o in range(y.shape[1]):
                y[i, o] += b[o]
    return y


@njit(**_JIT)
def _linear_bwd(x, w, dy):
    db = np.zeros(dy.shape[1], np.float32)
    for i in range(dy.shape[0]):
        for o in range(dy.shape[1]):
            db[o] += dy[i, o]
    return np.dot(dy, w), np.dot(dy.T, x), db


def linear(x, w, b) -> np.ndarray:
    """``y = x @ w.T + b`` with x ``(N, F)``, w ``(O, F)``, b ``(O,)`` (SciPy's BLAS sgemm)."""
    return _linear(x, w, _bias(b))


def linear_backward(x, w, dy):
    """Gradients ``(dx, dw, db)`` of :func:`linear`."""
    return _linear_bwd(x, w, dy)


@njit(**_JIT)
def _softmax_ce(z, labels, grad):
    n, k = z.shape
    total = 0.0
    for i in range(n):
        m = z[i, 0]
        for j in range(1, k):
            m = max(m, z[i, j])
        s = 0.0
        for j in range(k):
            s += math.exp(float(z[i, j]) - m)
        lse = math.log(s)
        total -= float(z[i, labels[i]]) - m - lse
        for j in range(k):
            grad[i, j] = math.exp(float(z[i, j]) - m - lse) / n
        grad[i, labels[i]] -= 1.0 / n
    return total / n if n else math.nan


@njit(**_JIT)
def _softmax(z, out):
    n, k = z.shape
    for i in range(n):
        m = z[i, 0]
        for j in range(1, k):
            m = max(m, z[i, j])
        s = 0.0
        for j in range(k):
            s += math.exp(float(z[i, j]) - m)
        for j in range(k):
            out[i, j] = math.exp(float(z[i, j]) - m) / s


def softmax_cross_entropy(logits, labels) -> tuple[float, np.ndarray]:
    """Mean cross-entropy of softmax(logits) against integer labels, and its gradient."""
    grad = np.empty(logits.shape, f32)
    loss = _softmax_ce(logits, np.ascontiguousarray(labels, np.int64), grad)
    return float(loss), grad


def softmax(logits) -> np.ndarray:
    """Row-wise softmax probabilities."""
    out = np.empty(logits.shape, f32)
    _softmax(logits, out)
    return out


# ---------------------------------------------------------------- optimisers (in place)


@njit(**_JIT)
def _sgd(p, g, v, lr, momentum, wd):
    for i in range(p.shape[0]):
        gi = g[i] + wd * p[i]
        vi = momentum * v[i] + gi
        v[i] = vi
        p[i] -= lr * np.float32(vi)


@njit(**_JIT)
def _adam(p, g, m, v, lr, b1, b2, eps, c1, c2):
    for i in range(p.shape[0]):
        gi = float(g[i])
        mi = np.float32(b1 * m[i] + (1.0 - b1) * gi)
        vi = np.float32(b2 * v[i] + (1.0 - b2) * gi * gi)
        m[i] = mi
        v[i] = vi
        p[i] -= np.float32(lr * (mi / c1) / (math.sqrt(vi / c2) + eps))


def _flat_views(*arrays):
    if all(a.flags.c_contiguous and a.dtype == f32 for a in arrays):
        return [a.reshape(-1) for a in arrays]
    return None


def sgd_update(p, g, v, lr: float, momentum: float, weight_decay: float = 0.0) -> None:
    """In place: ``v = momentum*v + g + wd*p; p -= lr*v`` (PyTorch's SGD)."""
    flat = _flat_views(p, g, v)
    if flat is None:  # strided views: the NumPy specification updates them in place
        _ref.sgd_update(p, g, v, lr, momentum, weight_decay)
        return
    _sgd(*flat, float(lr), float(momentum), float(weight_decay))


def adam_update(p, g, m, v, lr: float, beta1: float, beta2: float, eps: float, t: int) -> None:
    """In place: one Adam step (bias-corrected, PyTorch's defaults and order of operations)."""
    flat = _flat_views(p, g, m, v)
    if flat is None:
        _ref.adam_update(p, g, m, v, lr, beta1, beta2, eps, t)
        return
    c1, c2 = 1.0 - beta1**t, 1.0 - beta2**t
    _adam(*flat, float(lr), float(beta1), float(beta2), float(eps), c1, c2)


# ---------------------------------------------------------------- the fused live-preview step


@njit(**_FAST)
def _feature_maps_core(x, w, b, sh, sw, pt, pl, hp, wp, do_relu, pool, kh, kw, psh, psw,
                       conv, act, pooled):
    xp = np.zeros((x.shape[1], hp, wp), np.float32)
    acc = np.empty(hp * wp, np.float32)
    _pad_into(x, 0, pt, pl, xp)
    _conv_one(xp, w, b, sh, sw, acc, conv, 0)
    if do_relu:
        _relu_flat(conv.reshape(conv.size), act.reshape(act.size))
    if pool != 0:
        _pool_planes(act, pooled, pool, kh, kw, psh, psw)


_POOLS = {"none": 0, "max": 1, "avg": 2}


def feature_maps(x4, w4, b1, stride, pads, relu: bool, pool: str, size, pool_stride):
    """Conv (+bias) -> optional ReLU -> optional pooling for one image in a single compiled call.

    Returns ``(conv, act, pooled)`` as (1, K, H', W') arrays (``act is conv`` without ReLU;
    ``pooled`` is None when ``pool == "none"``).
    """
    _, _, h, wd = x4.shape
    kk, _, fh, fw = w4.shape
    sh, sw = stride
    pt, pb, pl, pr = pads
    hp, wp = h + pt + pb, wd + pl + pr
    ho, wo = (hp - fh) // sh + 1, (wp - fw) // sw + 1
    conv = np.empty((1, kk, ho, wo), f32)
    act = np.empty((1, kk, ho, wo), f32) if relu else conv
    code = _POOLS[pool]
    (kh, kw), (psh, psw) = size, pool_stride
    pooled = np.empty((1, kk, (ho - kh) // psh + 1, (wo - kw) // psw + 1), f32) if code else conv
    _feature_maps_core(x4, w4, _NO_BIAS if b1 is None else b1, sh, sw, pt, pl, hp, wp,
                       relu, code, kh, kw, psh, psw, conv, act, pooled)
    return conv, act, (pooled if code else None)
