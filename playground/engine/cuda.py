"""CUDA backend: thin host wrappers over numba device arrays, launching the ``@cuda.jit`` kernels.

Same signatures and semantics as :mod:`playground.engine.reference` (checked against
:class:`playground.engine.backend.Backend`); arrays in and out are numba device arrays (host NumPy
arrays are accepted and copied over), so a training step stays on the GPU. The wrappers validate
nothing (``ops`` does that): they allocate outputs, sized by :mod:`playground.engine.shapes`, and
size grids from ``config.CUDA_THREADS_1D`` / ``config.CUDA_THREADS_2D``, read at call time so
tests can shrink them. Kernels live by kind in :mod:`cuda_conv`, :mod:`cuda_pool` and
:mod:`cuda_dense` (launch helpers in :mod:`cuda_launch`); they gather rather than scatter: every
output element is written by one thread, and reductions (``dw``, ``db``) use one block per output
with a shared-memory tree sum. Only :mod:`playground.engine.dispatch` imports this module, and only
when CUDA (or the simulator) is present.
"""

from __future__ import annotations

import numpy as np

from playground.engine.cuda_compat import numpy_row_stack_alias

with numpy_row_stack_alias():  # numba-cuda 0.30 registers an overload of np.row_stack on import
    from numba import cuda

    from playground.engine import config
    from playground.engine import cuda_dense as dk
    from playground.engine.cuda_conv import conv2d_dw, conv2d_dx, conv2d_fwd
    from playground.engine.cuda_launch import blocks, channel_sum, fill, launch1d, launch_reduce
    from playground.engine.cuda_pool import pool_bwd, pool_fwd
    from playground.engine.shapes import ConvGeometry, pool2d_output_hw

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


def zeros(shape: tuple[int, ...]):
    """A zero-filled float32 device array."""
    out = cuda.device_array(shape, dtype=f32)
    launch1d(fill, out.size, out.reshape(out.size), f32(0))
    return out


# --- convolution ------------------------------------------------------------------------------


def _flag_bias(b):
    if b is None:
        return cuda.device_array(1, dtype=f32), False
    return _dev(b), True


def conv2d(x, w, b, geometry: ConvGeometry):
    """``y[n,k,i,j] = sum_{c,u,v} xpad[n,c,i*sh+u*dh,j*sw+v*dw] * w[k,c,u,v] + b[k]`` (device)."""
    x, w = _dev(x), _dev(w)
    bias, has_bias = _flag_bias(b)
    (sh, sw), (pt, _, pl, _) = geometry.stride, geometry.padding
    dh, dw = geometry.dilation
    ho, wo = geometry.output_hw(x.shape[2:], w.shape[2:])
    y = cuda.device_array((x.shape[0], w.shape[0], ho, wo), dtype=f32)
    launch1d(conv2d_fwd, y.size, x, w, bias, has_bias, y, sh, sw, pt, pl, dh, dw)
    return y


def conv2d_backward(x, w, dy, geometry: ConvGeometry, need_dx: bool = True):
    """Gradients ``(dx, dw, db)`` of :func:`conv2d` as device arrays (``dx`` None if not needed)."""
    x, w, dy = _dev(x), _dev(w), _dev(dy)
    (sh, sw), (pt, _, pl, _) = geometry.stride, geometry.padding
    dh, dl = geometry.dilation
    dx = None
    dw = cuda.device_array(w.shape, dtype=f32)
    db = cuda.device_array((w.shape[0],), dtype=f32)
    if need_dx:
        dx = cuda.device_array(x.shape, dtype=f32)
        launch1d(conv2d_dx, dx.size, dy, w, dx, sh, sw, pt, pl, dh, dl)
    launch_reduce(conv2d_dw, dw.size, x, dy, dw, sh, sw, pt, pl, dh, dl)
    n, k, ho, wo = dy.shape
    launch_reduce(channel_sum, k, dy.reshape(n, k, ho * wo), db)
    return dx, dw, db


# --- pooling ----------------------------------------------------------------------------------


def _pool(x, size, stride, is_max: bool):
    x = _dev(x)
    (kh, kw), (sh, sw) = size, stride
    n, c, h, wd = x.shape
    y = cuda.device_array((n, c, *pool2d_output_hw((h, wd), size, stride)), dtype=f32)
    launch1d(pool_fwd, y.size, x, y, kh, kw, sh, sw, is_max)
    return y


def _pool_backward(x, dy, size, stride, is_max: bool):
    x, dy = _dev(x), _dev(dy)
    (kh, kw), (sh, sw) = size, stride
    dx = cuda.device_array(x.shape, dtype=f32)
    launch1d(pool_bwd, dx.size, x, dy, dx, kh, kw, sh, sw, is_max)
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


def _flat(a):
    return a.reshape(a.size)


def relu(x):
    """``max(0, x)`` elementwise, any shape."""
    x = _dev(x)
    y = cuda.device_array(x.shape, dtype=f32)
    launch1d(dk.relu, x.size, _flat(x), _flat(y))
    return y


def relu_backward(x, dy):
    """Passes the gradient where the input was positive."""
    x, dy = _dev(x), _dev(dy)
    dx = cuda.device_array(x.shape, dtype=f32)
    launch1d(dk.relu_bwd, x.size, _flat(x), _flat(dy), _flat(dx))
    return dx


# --- fully connected --------------------------------------------------------------------------


def _mm(a, b, ta: bool, tb: bool, bias=None):
    m = a.shape[1] if ta else a.shape[0]
    n = b.shape[0] if tb else b.shape[1]
    c = cuda.device_array((m, n), dtype=f32)
    if m and n:
        bh, bw = (int(t) for t in config.CUDA_THREADS_2D)
        dummy, has_bias = _flag_bias(bias)
        grid = (blocks(n, bw), blocks(m, bh))
        dk.matmul[grid, (bw, bh), 0, (bh * bw + bw * bw) * 4](a, b, c, ta, tb, dummy, has_bias)
    return c


def linear(x, w, b):
    """``y = x @ w.T + b`` with x ``(N, F)``, w ``(O, F)``, b ``(O,)``."""
    return _mm(_dev(x), _dev(w), False, True, b)


def linear_backward(x, w, dy):
    """Gradients ``(dx, dw, db)`` of :func:`linear`: ``dy @ w``, ``dy.T @ x``, ``dy.sum(0)``."""
    x, w, dy = _dev(x), _dev(w), _dev(dy)
    n, o = dy.shape
    db = cuda.device_array((o,), dtype=f32)
    launch_reduce(channel_sum, o, dy.reshape(n, o, 1), db)
    return _mm(dy, w, False, False), _mm(dy, x, True, False), db


# --- softmax and loss -------------------------------------------------------------------------


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
    launch1d(dk.softmax_rows, rows, z, labels, True, grad, losses)
    return float(losses.copy_to_host().astype(np.float64).mean()) if rows else float("nan"), grad


def softmax(logits):
    """Row-wise softmax probabilities."""
    z = _dev(logits)
    p = cuda.device_array(z.shape, dtype=f32)
    launch1d(dk.softmax_rows, z.shape[0], z, cuda.device_array(1, dtype=np.int64), False, p,
              cuda.device_array(1, dtype=f32))
    return p


# --- optimisers (in place) --------------------------------------------------------------------


def _in_place(kernel, p, g, state, *scalars) -> None:
    """Runs an elementwise update on device views; host ``p`` and ``state`` get the results back."""
    mutated = (p, *state)
    devs = [_dev(a) for a in mutated]
    launch1d(kernel, devs[0].size, _flat(devs[0]), _flat(_dev(g)), *(_flat(d) for d in devs[1:]),
              *(f32(s) for s in scalars))
    for host, dev in zip(mutated, devs, strict=True):
        if isinstance(host, np.ndarray):
            dev.copy_to_host(host)


def sgd_update(p, g, v, lr: float, momentum: float, weight_decay: float = 0.0) -> None:
    """In place: ``v = momentum*v + g + wd*p; p -= lr*v`` (PyTorch's SGD)."""
    _in_place(dk.sgd, p, g, (v,), lr, momentum, weight_decay)


def adam_update(p, g, m, v, lr: float, beta1: float, beta2: float, eps: float, t: int) -> None:
    """In place: one Adam step (bias-corrected, PyTorch's defaults and order of operations)."""
    _in_place(dk.adam, p, g, (m, v), lr, beta1, 1 - beta1, beta2, 1 - beta2, eps,
              1 - beta1**t, 1 - beta2**t)
