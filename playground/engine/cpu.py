"""The ``cpu`` backend: Numba-compiled loops with the signatures and semantics of :mod:`reference`.

These public wrappers allocate and unpack tuples; the ``@njit`` cores in :mod:`cpu_conv` and
:mod:`cpu_pool` only loop. Batches are split over threads only when the work is large enough to
pay for waking them (``PARALLEL_MIN_WORK``), since a parallel region on a busy two-core machine
can cost far more than the arithmetic it saves.
"""

from __future__ import annotations

import math

import numba
import numpy as np
from numba import njit

from playground.engine import reference as _ref
from playground.engine.cpu_conv import (
    conv_bwd_parallel,
    conv_bwd_serial,
    conv_fwd_parallel,
    conv_fwd_serial,
    conv_one,
    pad_into,
)
from playground.engine.cpu_dilated import conv_bwd_dilated, conv_fwd_dilated
from playground.engine.cpu_fused import relu_maxpool_bwd, relu_maxpool_fwd
from playground.engine.cpu_gemm import conv_bwd_gemm, conv_fwd_gemm
from playground.engine.cpu_jit import FAST, JIT
from playground.engine.cpu_pool import (
    avg_pool_bwd,
    max_pool_bwd,
    pool_planes,
)
from playground.engine.shapes import ConvGeometry, pool2d_output_hw

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

_NO_BIAS = np.zeros(0, f32)


if SINGLE_THREAD_BLAS:
    import scipy.linalg.cython_blas  # noqa: F401  (loads the BLAS that jitted np.dot calls)
    from threadpoolctl import threadpool_limits

    threadpool_limits(1, user_api="blas")


def is_available() -> bool:
    """The CPU backend needs only NumPy and Numba, both required dependencies."""
    return True


# host arrays are this backend's arrays, as for the reference backend
to_device = _ref.to_device
to_host = _ref.to_host
zeros = _ref.zeros


def _threads(work: int, n: int) -> int:
    """Threads to split a batch of ``n`` items costing ``work`` multiply-adds over (1: none)."""
    if n < 2 or work < PARALLEL_MIN_WORK:
        return 1
    return min(numba.get_num_threads(), n)


def _use_gemm(w, stride) -> bool:
    """im2col + BLAS pays once a filter has enough taps to fill the GEMM (LeNet's conv2: 150)."""
    _, cc, fh, fw = w.shape
    return stride == (1, 1) and cc * fh * fw >= GEMM_MIN_TAPS


def _bias(b) -> np.ndarray:
    return _NO_BIAS if b is None else b


def conv2d(x, w, b, geometry: ConvGeometry) -> np.ndarray:
    """``y[n,k,i,j] = sum_{c,u,v} xpad[n,c,i*sh+u*dh,j*sw+v*dw] * w[k,c,u,v] + b[k]``."""
    kk, _, fh, fw = w.shape
    ho, wo = geometry.output_hw(x.shape[2:], (fh, fw))
    y = np.empty((x.shape[0], kk, ho, wo), f32)
    _conv_into(x, w, b, geometry, y)
    return y


def _conv_into(x, w, b, geometry: ConvGeometry, y) -> None:
    """:func:`conv2d` written into ``y`` (N, K, H', W'), GEMM or direct loops by filter size;
    a dilated geometry goes to :mod:`cpu_dilated` (im2col with gaps, then GEMM)."""
    if not geometry.undilated:
        (sh, sw), (dh, dw), (pt, _, pl, _) = geometry.stride, geometry.dilation, geometry.padding
        conv_fwd_dilated(x, w, _bias(b), sh, sw, pt, pl, dh, dw, y, GEMM_CHUNK_FLOATS)
        return
    nb, cc, h, wd = x.shape
    kk, _, fh, fw = w.shape
    sh, sw = geometry.stride
    pt, pb, pl, pr = geometry.padding
    hp, wp = h + pt + pb, wd + pl + pr
    ho, wo = y.shape[2], y.shape[3]
    if _use_gemm(w, (sh, sw)):
        conv_fwd_gemm(x, w, _bias(b), pt, pl, hp, wp, y, GEMM_CHUNK_FLOATS)
        return
    nt = _threads(nb * kk * ho * wo * cc * fh * fw, nb)
    if nt > 1:
        conv_fwd_parallel(x, w, _bias(b), sh, sw, pt, pl, hp, wp, y, nt)
    else:
        conv_fwd_serial(x, w, _bias(b), sh, sw, pt, pl, hp, wp, y)


def conv2d_backward(x, w, dy, geometry: ConvGeometry, need_dx: bool = True):
    """Gradients ``(dx, dw, db)`` of :func:`conv2d`; ``dx`` is None when not ``need_dx``."""
    return _conv_backward(x, w, dy, geometry, need_dx, None)


def _conv_backward(x, w, dy, geometry: ConvGeometry, need_dx: bool, dx_buf):
    """:func:`conv2d_backward`, writing ``dx`` into ``dx_buf`` when it has ``x``'s shape."""
    nb, cc, h, wd = x.shape
    kk, _, fh, fw = w.shape
    _, _, ho, wo = dy.shape
    sh, sw = geometry.stride
    pt, pb, pl, pr = geometry.padding
    dx = _buffer(dx_buf, x.shape) if need_dx else np.empty((0, 0, 0, 0), f32)
    dw = np.zeros(w.shape, f32)
    db = np.zeros(kk, f32)
    if not geometry.undilated:  # cpu_dilated: dY @ cols.T and col2im of W.T @ dY
        dh, dwl = geometry.dilation
        conv_bwd_dilated(x, w, dy, sh, sw, pt, pl, dh, dwl, dx, dw, db, need_dx,
                         GEMM_CHUNK_FLOATS)
        return (dx if need_dx else None), dw, db
    if _use_gemm(w, (sh, sw)):
        hp, wp = h + pt + pb, wd + pl + pr
        conv_bwd_gemm(x, w, dy, pt, pl, hp, wp, dx, dw, db, need_dx, GEMM_CHUNK_FLOATS)
        return (dx if need_dx else None), dw, db
    nt = _threads(2 * nb * kk * ho * wo * cc * fh * fw, nb)
    wflip = np.ascontiguousarray(w.transpose(1, 0, 2, 3)[:, :, ::-1, ::-1])
    args = (x, w, wflip, dy, sh, sw, pt, pl, h + pt + pb, wd + pl + pr, dx, dw, db, need_dx)
    if nt > 1:
        conv_bwd_parallel(*args, nt)
    else:
        conv_bwd_serial(*args)
    return (dx if need_dx else None), dw, db


def _pooled(x, size, stride):
    n, c, h, wd = x.shape
    return np.empty((n, c, *pool2d_output_hw((h, wd), size, stride)), f32)


def _buffer(buf, shape):
    """``buf`` when it is a float32 array of ``shape`` (reused), else a new one."""
    if (isinstance(buf, np.ndarray) and buf.shape == tuple(shape) and buf.dtype == f32
            and buf.flags.c_contiguous):
        return buf
    return np.empty(shape, f32)


def conv_relu_maxpool(x, w, b, geometry: ConvGeometry, size: tuple[int, int],
                      stride: tuple[int, int], act=None, pooled=None):
    """Conv (+bias) -> ReLU -> max pool in two compiled passes: ``(pooled, act)``.

    ``act`` (N, K, H', W'), the ReLU's output that :func:`conv_relu_maxpool_backward` needs, and
    ``pooled`` are written into the arrays given when their shapes fit (buffers kept between
    steps: no allocation, and no page faults, inside a training step), else made new.
    """
    kk, _, fh, fw = w.shape
    ho, wo = geometry.output_hw(x.shape[2:], (fh, fw))
    act = _buffer(act, (x.shape[0], kk, ho, wo))
    _conv_into(x, w, b, geometry, act)
    n, c, h, wd = act.shape
    pooled = _buffer(pooled, (n, c, *pool2d_output_hw((h, wd), size, stride)))
    relu_maxpool_fwd(act, pooled, size[0], size[1], stride[0], stride[1])
    return pooled, act


def conv_relu_maxpool_backward(x, w, act, dpool, geometry: ConvGeometry, size: tuple[int, int],
                               stride: tuple[int, int], need_dx: bool = True, dact=None,
                               dx=None):
    """``(dx, dw, db)`` of :func:`conv_relu_maxpool` from the kept ``act`` and ``dL/dpooled``;
    ``dact`` (``act``'s shape) and ``dx`` (``x``'s) are optional buffers, used when they fit."""
    dact = _buffer(dact, act.shape)
    relu_maxpool_bwd(act, dpool, size[0], size[1], stride[0], stride[1], dact)
    return _conv_backward(x, w, dact, geometry, need_dx, dx)


def max_pool2d(x, size: tuple[int, int], stride: tuple[int, int]) -> np.ndarray:
    """Maximum over each ``size`` window, windows ``stride`` apart (floor mode, no padding)."""
    y = _pooled(x, size, stride)
    pool_planes(x, y, 1, size[0], size[1], stride[0], stride[1])
    return y


def max_pool2d_backward(x, dy, size: tuple[int, int], stride: tuple[int, int]) -> np.ndarray:
    """Routes each output gradient to its window's first maximum (row-major), as PyTorch does."""
    dx = np.zeros(x.shape, f32)
    max_pool_bwd(x, dy, size[0], size[1], stride[0], stride[1], dx)
    return dx


def avg_pool2d(x, size: tuple[int, int], stride: tuple[int, int]) -> np.ndarray:
    """Mean over each ``size`` window, windows ``stride`` apart (floor mode, no padding)."""
    y = _pooled(x, size, stride)
    pool_planes(x, y, 2, size[0], size[1], stride[0], stride[1])
    return y


def avg_pool2d_backward(x, dy, size: tuple[int, int], stride: tuple[int, int]) -> np.ndarray:
    """Spreads each output gradient evenly over its window."""
    dx = np.zeros(x.shape, f32)
    avg_pool_bwd(dy, size[0], size[1], stride[0], stride[1], dx)
    return dx


# ---------------------------------------------------------------- elementwise, dense, losses


@njit(**FAST)
def _relu_flat(x, y):
    for i in range(x.shape[0]):
        v = x[i]
        y[i] = v if v > 0 else f32(0.0)


@njit(**FAST)
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


@njit(**JIT)
def _linear(x, w, b):
    y = np.dot(x, w.T)
    if b.shape[0] > 0:
        for i in range(y.shape[0]):
            for o in range(y.shape[1]):
                y[i, o] += b[o]
    return y


@njit(**JIT)
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


@njit(**JIT)
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


@njit(**JIT)
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


@njit(**JIT)
def _sgd(p, g, v, lr, momentum, wd):
    for i in range(p.shape[0]):
        gi = g[i] + wd * p[i]
        vi = momentum * v[i] + gi
        v[i] = vi
        p[i] -= lr * np.float32(vi)


@njit(**JIT)
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


@njit(**FAST)
def _feature_maps_core(x, w, b, sh, sw, pt, pl, hp, wp, do_relu, pool, kh, kw, psh, psw,
                       conv, act, pooled):
    xp = np.zeros((x.shape[1], hp, wp), np.float32)
    acc = np.empty(3 * hp * wp, np.float32)
    pad_into(x, 0, pt, pl, xp)
    conv_one(xp, w, b, sh, sw, acc, conv, 0)
    if do_relu:
        _relu_flat(conv.reshape(conv.size), act.reshape(act.size))
    if pool != 0:
        pool_planes(act, pooled, pool, kh, kw, psh, psw)


_POOLS = {"none": 0, "max": 1, "avg": 2}


def feature_maps(x4, w4, b1, geometry: ConvGeometry, relu: bool, pool: str, size, pool_stride):
    """Conv (+bias) -> optional ReLU -> optional pooling for one image in a single compiled call.

    Returns ``(conv, act, pooled)`` as (1, K, H', W') arrays (``act is conv`` without ReLU;
    ``pooled`` is None when ``pool == "none"``; a dilated geometry runs as separate calls).
    """
    if not geometry.undilated:
        conv = conv2d(x4, w4, b1, geometry)
        act = conv
        if relu:  # the parameter shadows relu(): the flat core does the same
            act = np.empty(conv.shape, f32)
            _relu_flat(conv.reshape(-1), act.reshape(-1))
        pooled = None
        if pool != "none":
            pooled = _pooled(act, size, pool_stride)
            pool_planes(act, pooled, _POOLS[pool], size[0], size[1], *pool_stride)
        return conv, act, pooled
    _, _, h, wd = x4.shape
    kk, _, fh, fw = w4.shape
    sh, sw = geometry.stride
    pt, pb, pl, pr = geometry.padding
    hp, wp = h + pt + pb, wd + pl + pr
    ho, wo = geometry.output_hw((h, wd), (fh, fw))
    conv = np.empty((1, kk, ho, wo), f32)
    act = np.empty((1, kk, ho, wo), f32) if relu else conv
    code = _POOLS[pool]
    (kh, kw), (psh, psw) = size, pool_stride
    pooled = (np.empty((1, kk, *pool2d_output_hw((ho, wo), size, pool_stride)), f32) if code
              else conv)
    _feature_maps_core(x4, w4, _NO_BIAS if b1 is None else b1, sh, sw, pt, pl, hp, wp,
                       relu, code, kh, kw, psh, psw, conv, act, pooled)
    return conv, act, (pooled if code else None)
