"""CUDA backend: ``@cuda.jit`` kernels and thin host wrappers over numba device arrays.

Same signatures and semantics as :mod:`playground.engine.reference`; arrays in and out are numba
device arrays (host NumPy arrays are accepted and copied over), so a training step stays on the GPU.
The wrappers validate nothing (``ops`` does that): they allocate outputs and size grids from
``config.CUDA_THREADS_1D`` / ``config.CUDA_THREADS_2D``, read at call time so tests can shrink them.
Only :mod:`playground.engine.dispatch` imports this module, and only when CUDA (or the simulator)
is present. Kernels gather rather than scatter: every output element is written by one thread,
and reductions (``dw``, ``db``) use one block per output with a shared-memory tree sum.
"""

from __future__ import annotations

import math
import warnings

import numpy as np

if not hasattr(np, "row_stack"):  # numba-cuda <= 0.30 still calls it; NumPy 2.5 removed it
    np.row_stack = np.vstack
warnings.filterwarnings("ignore", message=r".*GPU under-utilization")  # tiny previews are fine

from numba import cuda, float32  # noqa: E402

from playground.engine import config  # noqa: E402

name = "cuda"
f32 = np.float32


def is_available() -> bool:
    """True when a CUDA GPU (or Numba's simulator) can run kernels."""
    try:
        return bool(cuda.is_available())
    except Exception:
        return False


def _dev(a):
    """``a`` as a float32 device array; host arrays are copied over, device arrays pass through."""
    if isinstance(a, np.ndarray):
        return cuda.to_device(np.ascontiguousarray(a, dtype=f32))
    if hasattr(a, "__cuda_array_interface__") and not hasattr(a, "copy_to_host"):
        return cuda.as_cuda_array(a)  # e.g. CuPy or PyTorch tensors
    return a


def to_device(a):
    """A float32 device copy of the host array ``a`` (device arrays are returned as they are)."""
    return _dev(a)


def to_host(a) -> np.ndarray:
    """A host NumPy copy of the device array ``a``."""
    return np.asarray(a) if isinstance(a, np.ndarray) else a.copy_to_host()


def _blocks(n: int, tpb: int) -> int:
    return (n + tpb - 1) // tpb


def _launch1d(kernel, n: int, *args) -> None:
    """One thread per item; no launch at all for ``n == 0``."""
    if n > 0:
        tpb = int(config.CUDA_THREADS_1D)
        kernel[_blocks(n, tpb), tpb](*args)


def _launch_reduce(kernel, n_outputs: int, *args) -> None:
    """One block per output, its threads summing through ``tpb`` floats of dynamic shared memory."""
    if n_outputs > 0:
        tpb = int(config.CUDA_THREADS_1D)
        kernel[n_outputs, tpb, 0, tpb * 4](*args)


@cuda.jit
def _fill(out, value):
    i = cuda.grid(1)
    if i < out.size:
        out[i] = value


def zeros(shape: tuple[int, ...]):
    """A zero-filled float32 device array."""
    out = cuda.device_array(shape, dtype=f32)
    _launch1d(_fill, out.size, out.reshape(out.size), f32(0))
    return out


@cuda.jit(device=True)
def _block_sum(buf, value):
    """Sum of ``value`` over the block's threads (every thread must call it); all get the sum."""
    tid = cuda.threadIdx.x
    n = cuda.blockDim.x
    buf[tid] = value
    cuda.syncthreads()
    half = 1
    while half < n:
        half *= 2
    half //= 2
    while half > 0:
        if tid < half and tid + half < n:
            buf[tid] += buf[tid + half]
        cuda.syncthreads()
        half //= 2
    return buf[0]


# --- convolution ------------------------------------------------------------------------------


@cuda.jit
def _conv2d_fwd(x, w, b, has_bias, y, sh, sw, pt, pl):
    """One thread per output ``y[n,k,i,j]``: a dot product over ``C x fh x fw`` (zero padding)."""
    idx = cuda.grid(1)
    nb, kk, ho, wo = y.shape
    if idx >= nb * kk * ho * wo:
        return
    j = idx % wo
    i = (idx // wo) % ho
    k = (idx // (wo * ho)) % kk
    n = idx // (wo * ho * kk)
    c_in, h, wd = x.shape[1], x.shape[2], x.shape[3]
    fh, fw = w.shape[2], w.shape[3]
    acc = float32(0.0)
    for c in range(c_in):
        for u in range(fh):
            r = i * sh + u - pt
            if 0 <= r < h:
                for v in range(fw):
                    q = j * sw + v - pl
                    if 0 <= q < wd:
                        acc += x[n, c, r, q] * w[k, c, u, v]
    if has_bias:
        acc += b[k]
    y[n, k, i, j] = acc


@cuda.jit
def _conv2d_dx(dy, w, dx, sh, sw, pt, pl):
    """One thread per ``dx[n,c,r,q]``: gathers ``dy * w`` over the output positions that saw it."""
    idx = cuda.grid(1)
    nb, c_in, h, wd = dx.shape
    if idx >= nb * c_in * h * wd:
        return
    q = idx % wd
    r = (idx // wd) % h
    c = (idx // (wd * h)) % c_in
    n = idx // (wd * h * c_in)
    kk, ho, wo = dy.shape[1], dy.shape[2], dy.shape[3]
    fh, fw = w.shape[2], w.shape[3]
    rp, qp = r + pt, q + pl  # position in the padded input
    i_lo, i_hi = max(0, (rp - fh + sh) // sh), min(ho - 1, rp // sh)
    j_lo, j_hi = max(0, (qp - fw + sw) // sw), min(wo - 1, qp // sw)
    acc = float32(0.0)
    for k in range(kk):
        for i in range(i_lo, i_hi + 1):
            u = rp - i * sh
            for j in range(j_lo, j_hi + 1):
                acc += dy[n, k, i, j] * w[k, c, u, qp - j * sw]
    dx[n, c, r, q] = acc


@cuda.jit
def _conv2d_dw(x, dy, dw, sh, sw, pt, pl):
    """One block per weight ``dw[k,c,u,v]``: its threads share the ``N x H' x W'`` sum."""
    buf = cuda.shared.array(0, dtype=float32)
    widx = cuda.blockIdx.x
    c_in, fh, fw = dw.shape[1], dw.shape[2], dw.shape[3]
    v = widx % fw
    u = (widx // fw) % fh
    c = (widx // (fw * fh)) % c_in
    k = widx // (fw * fh * c_in)
    nb, ho, wo = dy.shape[0], dy.shape[2], dy.shape[3]
    h, wd = x.shape[2], x.shape[3]
    acc = float32(0.0)
    t = cuda.threadIdx.x
    while t < nb * ho * wo:
        j = t % wo
        i = (t // wo) % ho
        n = t // (wo * ho)
        r = i * sh + u - pt
        q = j * sw + v - pl
        if 0 <= r < h and 0 <= q < wd:
            acc += dy[n, k, i, j] * x[n, c, r, q]
        t += cuda.blockDim.x
    total = _block_sum(buf, acc)
    if cuda.threadIdx.x == 0:
        dw[k, c, u, v] = total


@cuda.jit
def _channel_sum(a, out):
    """One block per channel: ``out[k] = a[:, k, :].sum()`` for ``a`` of shape ``(N, K, M)``."""
    buf = cuda.shared.array(0, dtype=float32)
    k = cuda.blockIdx.x
    nb, m = a.shape[0], a.shape[2]
    acc = float32(0.0)
    t = cuda.threadIdx.x
    while t < nb * m:
        acc += a[t // m, k, t % m]
        t += cuda.blockDim.x
    total = _block_sum(buf, acc)
    if cuda.threadIdx.x == 0:
        out[k] = total


def _flag_bias(b):
    if b is None:
        return cuda.device_array(1, dtype=f32), False
    return _dev(b), True


def conv2d(x, w, b, stride: tuple[int, int], pads: tuple[int, int, int, int]):
    """``y[n,k,i,j] = sum_{c,u,v} xpad[n,c,i*sh+u,j*sw+v] * w[k,c,u,v] + b[k]`` on the device."""
    x, w = _dev(x), _dev(w)
    bias, has_bias = _flag_bias(b)
    (sh, sw), (pt, pb, pl, pr) = stride, pads
    n, _, h, wd = x.shape
    k, _, fh, fw = w.shape
    ho, wo = (h + pt + pb - fh) // sh + 1, (wd + pl + pr - fw) // sw + 1
    y = cuda.device_array((n, k, ho, wo), dtype=f32)
    _launch1d(_conv2d_fwd, y.size, x, w, bias, has_bias, y, sh, sw, pt, pl)
    return y


def conv2d_backward(x, w, dy, stride: tuple[int, int], pads: tuple[int, int, int, int],
                    need_dx: bool = True):
    """Gradients ``(dx, dw, db)`` of :func:`conv2d` as device arrays (``dx`` None if not needed)."""
    x, w, dy = _dev(x), _dev(w), _dev(dy)
    (sh, sw), (pt, _, pl, _) = stride, pads
    dx = None
    dw = cuda.device_array(w.shape, dtype=f32)
    db = cuda.device_array((w.shape[0],), dtype=f32)
    if need_dx:
        dx = cuda.device_array(x.shape, dtype=f32)
        _launch1d(_conv2d_dx, dx.size, dy, w, dx, sh, sw, pt, pl)
    _launch_reduce(_conv2d_dw, dw.size, x, dy, dw, sh, sw, pt, pl)
    n, k, ho, wo = dy.shape
    _launch_reduce(_channel_sum, k, dy.reshape(n, k, ho * wo), db)
    return dx, dw, db


# --- pooling ----------------------------------------------------------------------------------


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
def _pool_fwd(x, y, kh, kw, sh, sw, is_max):
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
def _pool_bwd(x, dy, dx, kh, kw, sh, sw, is_max):
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


def _pool(x, size, stride, is_max: bool):
    x = _dev(x)
    (kh, kw), (sh, sw) = size, stride
    n, c, h, wd = x.shape
    y = cuda.device_array((n, c, (h - kh) // sh + 1, (wd - kw) // sw + 1), dtype=f32)
    _launch1d(_pool_fwd, y.size, x, y, kh, kw, sh, sw, is_max)
    return y


def _pool_backward(x, dy, size, stride, is_max: bool):
    x, dy = _dev(x), _dev(dy)
    (kh, kw), (sh, sw) = size, stride
    dx = cuda.device_array(x.shape, dtype=f32)
    _launch1d(_pool_bwd, dx.size, x, dy, dx, kh, kw, sh, sw, is_max)
    return dx


def max_pool2d(x, size: tuple[int, int], stride: tuple[int, int]):
    """Maximum over each ``size`` window, windows ``stride`` apart (floor mode, no padding)."""
    return _pool(x, size, stride, True)


def max_pool2d_backward(x, dy, size: tuple[int, int], stride: tuple[int, int]):
    """Routes each output gradient to its window's first maximum (row-major), as PyTorch does."""
    return _pool_backward(x, dy, size, stride, True)


def avg_pool2d(x, size: tuple[int, int], stride: tuple[int, int]):
    """Mean over each ``size`` window, windows ``stride`` apart (floor mode, no padding)."""
    return _pool(x, size, stride, False)


def avg_pool2d_backward(x, dy, size: tuple[int, int], stride: tuple[int, int]):
    """Spreads each output gradient evenly over its window."""
    return _pool_backward(x, dy, size, stride, False)


# --- elementwise ------------------------------------------------------------------------------


@cuda.jit
def _relu(x, y):
    i = cuda.grid(1)
    if i < x.size:
        y[i] = x[i] if x[i] > float32(0.0) else float32(0.0)


@cuda.jit
def _relu_bwd(x, dy, dx):
    i = cuda.grid(1)
    if i < x.size:
        dx[i] = dy[i] if x[i] > float32(0.0) else float32(0.0)


def _flat(a):
    return a.reshape(a.size)


def relu(x):
    """``max(0, x)`` elementwise, any shape."""
    x = _dev(x)
    y = cuda.device_array(x.shape, dtype=f32)
    _launch1d(_relu, x.size, _flat(x), _flat(y))
    return y


def relu_backward(x, dy):
    """Passes the gradient where the input was positive."""
    x, dy = _dev(x), _dev(dy)
    dx = cuda.device_array(x.shape, dtype=f32)
    _launch1d(_relu_bwd, x.size, _flat(x), _flat(dy), _flat(dx))
    return dx


# --- fully connected --------------------------------------------------------------------------


@cuda.jit
def _matmul(a, b, c, ta, tb, bias, has_bias):
    """Tiled ``c = op(a) @ op(b) (+ bias)``, ``op`` transposing when ``ta`` / ``tb``.

    A ``(bh, bw)`` block computes a ``bh x bw`` tile of ``c``, stepping along the inner axis
    ``bw`` at a time through two tiles in dynamic shared memory: ``op(a)`` ``bh x bw`` then
    ``op(b)`` ``bw x bw``.
    """
    buf = cuda.shared.array(0, dtype=float32)
    tx, ty = cuda.threadIdx.x, cuda.threadIdx.y
    bw, bh = cuda.blockDim.x, cuda.blockDim.y
    i = cuda.blockIdx.y * bh + ty
    j = cuda.blockIdx.x * bw + tx
    m, n = c.shape
    inner = a.shape[0] if ta else a.shape[1]
    off = bh * bw
    acc = float32(0.0)
    for k0 in range(0, inner, bw):
        kk = k0 + tx
        val = float32(0.0)
        if i < m and kk < inner:
            val = a[kk, i] if ta else a[i, kk]
        buf[ty * bw + tx] = val
        r = ty
        while r < bw:
            kk = k0 + r
            val = float32(0.0)
            if j < n and kk < inner:
                val = b[j, kk] if tb else b[kk, j]
            buf[off + r * bw + tx] = val
            r += bh
        cuda.syncthreads()
        for t in range(bw):
            acc += buf[ty * bw + t] * buf[off + t * bw + tx]
        cuda.syncthreads()
    if i < m and j < n:
        if has_bias:
            acc += bias[j]
        c[i, j] = acc


def _mm(a, b, ta: bool, tb: bool, bias=None):
    m = a.shape[1] if ta else a.shape[0]
    n = b.shape[0] if tb else b.shape[1]
    c = cuda.device_array((m, n), dtype=f32)
    if m and n:
        bh, bw = (int(t) for t in config.CUDA_THREADS_2D)
        dummy, has_bias = _flag_bias(bias)
        grid = (_blocks(n, bw), _blocks(m, bh))
        _matmul[grid, (bw, bh), 0, (bh * bw + bw * bw) * 4](a, b, c, ta, tb, dummy, has_bias)
    return c


def linear(x, w, b):
    """``y = x @ w.T + b`` with x ``(N, F)``, w ``(O, F)``, b ``(O,)``."""
    return _mm(_dev(x), _dev(w), False, True, b)


def linear_backward(x, w, dy):
    """Gradients ``(dx, dw, db)`` of :func:`linear`: ``dy @ w``, ``dy.T @ x``, ``dy.sum(0)``."""
    x, w, dy = _dev(x), _dev(w), _dev(dy)
    n, o = dy.shape
    db = cuda.device_array((o,), dtype=f32)
    _launch_reduce(_channel_sum, o, dy.reshape(n, o, 1), db)
    return _mm(dy, w, False, False), _mm(dy, x, True, False), db


# --- softmax and loss -------------------------------------------------------------------------


@cuda.jit
def _softmax_rows(z, labels, with_loss, p, loss):
    """One thread per row: probabilities, or with ``with_loss`` the row's loss and ``dlogits``."""
    n = cuda.grid(1)
    rows, cols = z.shape
    if n >= rows:
        return
    zmax = z[n, 0]
    for c in range(1, cols):
        zmax = max(zmax, z[n, c])
    total = float32(0.0)
    for c in range(cols):
        total += math.exp(z[n, c] - zmax)
    if with_loss:
        y = labels[n]
        loss[n] = math.log(total) - (z[n, y] - zmax)
        for c in range(cols):
            g = math.exp(z[n, c] - zmax) / total - (float32(1.0) if c == y else float32(0.0))
            p[n, c] = g / float32(rows)
    else:
        for c in range(cols):
            p[n, c] = math.exp(z[n, c] - zmax) / total


def softmax_cross_entropy(logits, labels) -> tuple[float, object]:
    """Mean cross-entropy of softmax(logits) against integer labels, and its gradient (device).

    ``labels`` may be a host integer array or a device array; the loss comes back as a float.
    """
    z = _dev(logits)
    if isinstance(labels, np.ndarray):
        labels = cuda.to_device(np.ascontiguousarray(labels, dtype=np.int64))
    rows = z.shape[0]
    grad = cuda.device_array(z.shape, dtype=f32)
    losses = cuda.device_array((rows,), dtype=f32)
    _launch1d(_softmax_rows, rows, z, labels, True, grad, losses)
    return float(losses.copy_to_host().astype(np.float64).mean()) if rows else float("nan"), grad


def softmax(logits):
    """Row-wise softmax probabilities."""
    z = _dev(logits)
    p = cuda.device_array(z.shape, dtype=f32)
    _launch1d(_softmax_rows, z.shape[0], z, cuda.device_array(1, dtype=np.int64), False, p,
              cuda.device_array(1, dtype=f32))
    return p


# --- optimisers (in place) --------------------------------------------------------------------


@cuda.jit
def _sgd(p, g, v, lr, momentum, weight_decay):
    i = cuda.grid(1)
    if i < p.size:
        vi = momentum * v[i] + (g[i] + weight_decay * p[i])
        v[i] = vi
        p[i] -= lr * vi


@cuda.jit
def _adam(p, g, m, v, lr, beta1, one_m_beta1, beta2, one_m_beta2, eps, bc1, bc2):
    i = cuda.grid(1)
    if i < p.size:
        gi = g[i]
        mi = beta1 * m[i] + one_m_beta1 * gi
        vi = beta2 * v[i] + one_m_beta2 * gi * gi
        m[i] = mi
        v[i] = vi
        p[i] -= lr * (mi / bc1) / (math.sqrt(vi / bc2) + eps)


def _in_place(kernel, p, g, state, *scalars) -> None:
    """Runs an elementwise update on device views; host ``p`` and ``state`` get the results back."""
    mutated = (p, *state)
    devs = [_dev(a) for a in mutated]
    _launch1d(kernel, devs[0].size, _flat(devs[0]), _flat(_dev(g)), *(_flat(d) for d in devs[1:]),
              *(f32(s) for s in scalars))
    for host, dev in zip(mutated, devs, strict=True):
        if isinstance(host, np.ndarray):
            dev.copy_to_host(host)


def sgd_update(p, g, v, lr: float, momentum: float, weight_decay: float = 0.0) -> None:
    """In place: ``v = momentum*v + g + wd*p; p -= lr*v`` (PyTorch's SGD)."""
    _in_place(_sgd, p, g, (v,), lr, momentum, weight_decay)


def adam_update(p, g, m, v, lr: float, beta1: float, beta2: float, eps: float, t: int) -> None:
    """In place: one Adam step (bias-corrected, PyTorch's defaults and order of operations)."""
    _in_place(_adam, p, g, (m, v), lr, beta1, 1 - beta1, beta2, 1 - beta2, eps,
              1 - beta1**t, 1 - beta2**t)
