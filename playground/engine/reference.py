"""The specification: naive NumPy loops, slow and obviously right.

Every other backend is tested against these functions. Arrays are NCHW float32, weights
``(K, C, fh, fw)``, cross-correlation (the kernel is not flipped); a convolution's stride, zero
padding ``(top, bottom, left, right)`` and dilation come as one :class:`ConvGeometry`; PyTorch's
semantics throughout. This backend alone also computes dilated convolutions (the specification
the fast kernels will be tested against once they do).
"""

from __future__ import annotations

import numpy as np

from playground.engine.shapes import ConvGeometry, Pads, pool2d_output_hw

name = "reference"
f32 = np.float32


def is_available() -> bool:
    """The reference backend needs nothing but NumPy."""
    return True


def to_device(a: np.ndarray) -> np.ndarray:
    """Host arrays are this backend's arrays."""
    return np.ascontiguousarray(a, dtype=f32)


def to_host(a: np.ndarray) -> np.ndarray:
    """Host arrays are this backend's arrays."""
    return np.asarray(a)


def zeros(shape: tuple[int, ...]) -> np.ndarray:
    """A zero-filled float32 array."""
    return np.zeros(shape, f32)


def _pad(x: np.ndarray, pads: Pads) -> np.ndarray:
    pt, pb, pl, pr = pads
    return np.pad(x, ((0, 0), (0, 0), (pt, pb), (pl, pr)))


def _taps(start: int, f: int, d: int) -> slice:
    """The padded rows (or columns) that ``f`` taps ``d`` apart from ``start`` multiply."""
    return slice(start, start + d * (f - 1) + 1, d)


def conv2d(x, w, b, geometry: ConvGeometry) -> np.ndarray:
    """``y[n,k,i,j] = sum_{c,u,v} xpad[n,c,i*sh+u*dh,j*sw+v*dw] * w[k,c,u,v] + b[k]``."""
    n, _, h, wd = x.shape
    k, _, fh, fw = w.shape
    (sh, sw), (dh, dw) = geometry.stride, geometry.dilation
    ho, wo = geometry.output_hw((h, wd), (fh, fw))
    xp = _pad(x.astype(np.float64), geometry.padding)
    y = np.zeros((n, k, ho, wo))
    for ni in range(n):
        for ki in range(k):
            for i in range(ho):
                for j in range(wo):
                    patch = xp[ni, :, _taps(i * sh, fh, dh), _taps(j * sw, fw, dw)]
                    y[ni, ki, i, j] = np.sum(patch * w[ki]) + (0.0 if b is None else b[ki])
    return y.astype(f32)


def conv2d_backward(x, w, dy, geometry: ConvGeometry, need_dx: bool = True):
    """Gradients ``(dx, dw, db)`` of :func:`conv2d` for the upstream gradient ``dy``.

    ``need_dx=False`` (a network's first layer) returns ``None`` for ``dx``.
    """
    n, _, h, wd = x.shape
    k, _, fh, fw = w.shape
    (sh, sw), (dh, dwl) = geometry.stride, geometry.dilation
    _, _, ho, wo = dy.shape
    pt, _, pl, _ = geometry.padding
    xp = _pad(x.astype(np.float64), geometry.padding)
    dxp = np.zeros_like(xp)
    dw = np.zeros(w.shape)
    for ni in range(n):
        for ki in range(k):
            for i in range(ho):
                for j in range(wo):
                    g = float(dy[ni, ki, i, j])
                    rows = _taps(i * sh, fh, dh)
                    cols = _taps(j * sw, fw, dwl)
                    dw[ki] += g * xp[ni, :, rows, cols]
                    dxp[ni, :, rows, cols] += g * w[ki]
    dx = dxp[:, :, pt : pt + h, pl : pl + wd]
    db = dy.astype(np.float64).sum(axis=(0, 2, 3))
    return (dx.astype(f32) if need_dx else None), dw.astype(f32), db.astype(f32)


def max_pool2d(x, size: tuple[int, int], stride: tuple[int, int]) -> np.ndarray:
    """Maximum over each ``size`` window, windows ``stride`` apart (floor mode, no padding)."""
    n, c, h, wd = x.shape
    (kh, kw), (sh, sw) = size, stride
    ho, wo = pool2d_output_hw((h, wd), size, stride)
    y = np.empty((n, c, ho, wo), f32)
    for i in range(ho):
        for j in range(wo):
            y[:, :, i, j] = x[:, :, i * sh : i * sh + kh, j * sw : j * sw + kw].max(axis=(2, 3))
    return y


def max_pool2d_backward(x, dy, size: tuple[int, int], stride: tuple[int, int]) -> np.ndarray:
    """Routes each output gradient to its window's first maximum (row-major), as PyTorch does."""
    n, c, _, _ = x.shape
    (kh, kw), (sh, sw) = size, stride
    _, _, ho, wo = dy.shape
    dx = np.zeros(x.shape, np.float64)
    for ni in range(n):
        for ci in range(c):
            for i in range(ho):
                for j in range(wo):
                    win = x[ni, ci, i * sh : i * sh + kh, j * sw : j * sw + kw]
                    u, v = np.unravel_index(int(np.argmax(win)), win.shape)
                    dx[ni, ci, i * sh + u, j * sw + v] += dy[ni, ci, i, j]
    return dx.astype(f32)


def avg_pool2d(x, size: tuple[int, int], stride: tuple[int, int]) -> np.ndarray:
    """Mean over each ``size`` window, windows ``stride`` apart (floor mode, no padding)."""
    n, c, h, wd = x.shape
    (kh, kw), (sh, sw) = size, stride
    ho, wo = pool2d_output_hw((h, wd), size, stride)
    y = np.empty((n, c, ho, wo), f32)
    for i in range(ho):
        for j in range(wo):
            win = x[:, :, i * sh : i * sh + kh, j * sw : j * sw + kw].astype(np.float64)
            y[:, :, i, j] = win.mean(axis=(2, 3))
    return y


def avg_pool2d_backward(x, dy, size: tuple[int, int], stride: tuple[int, int]) -> np.ndarray:
    """Spreads each output gradient evenly over its window."""
    (kh, kw), (sh, sw) = size, stride
    _, _, ho, wo = dy.shape
    dx = np.zeros(x.shape, np.float64)
    for i in range(ho):
        for j in range(wo):
            g = dy[:, :, i, j].astype(np.float64)[:, :, None, None] / (kh * kw)
            dx[:, :, i * sh : i * sh + kh, j * sw : j * sw + kw] += g
    return dx.astype(f32)


def relu(x) -> np.ndarray:
    """``max(0, x)`` elementwise."""
    return np.where(x > 0, x, f32(0)).astype(f32)


def relu_backward(x, dy) -> np.ndarray:
    """Passes the gradient where the input was positive."""
    return np.where(x > 0, dy, f32(0)).astype(f32)


def linear(x, w, b) -> np.ndarray:
    """``y = x @ w.T + b`` with x ``(N, F)``, w ``(O, F)``, b ``(O,)``."""
    n, o = x.shape[0], w.shape[0]
    y = np.zeros((n, o))
    for ni in range(n):
        for oi in range(o):
            y[ni, oi] = np.dot(x[ni].astype(np.float64), w[oi]) + (0.0 if b is None else b[oi])
    return y.astype(f32)


def linear_backward(x, w, dy):
    """Gradients ``(dx, dw, db)`` of :func:`linear`."""
    x64, w64, dy64 = x.astype(np.float64), w.astype(np.float64), dy.astype(np.float64)
    return (dy64 @ w64).astype(f32), (dy64.T @ x64).astype(f32), dy64.sum(axis=0).astype(f32)


def softmax_cross_entropy(logits, labels) -> tuple[float, np.ndarray]:
    """Mean cross-entropy of softmax(logits) against integer labels, and its gradient."""
    z = logits.astype(np.float64)
    z = z - z.max(axis=1, keepdims=True)
    logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    n = z.shape[0]
    loss = -logp[np.arange(n), labels].mean()
    grad = np.exp(logp)
    grad[np.arange(n), labels] -= 1.0
    return float(loss), (grad / n).astype(f32)


def softmax(logits) -> np.ndarray:
    """Row-wise softmax probabilities."""
    z = logits.astype(np.float64)
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return (e / e.sum(axis=1, keepdims=True)).astype(f32)


def sgd_update(p, g, v, lr: float, momentum: float, weight_decay: float = 0.0) -> None:
    """In place: ``v = momentum*v + g + wd*p; p -= lr*v`` (PyTorch's SGD)."""
    g = g + weight_decay * p
    v *= momentum
    v += g
    p -= f32(lr) * v


def adam_update(p, g, m, v, lr: float, beta1: float, beta2: float, eps: float, t: int) -> None:
    """In place: one Adam step (bias-corrected, PyTorch's defaults and order of operations)."""
    m *= beta1
    m += (1 - beta1) * g
    v *= beta2
    v += (1 - beta2) * g * g
    mhat = m / (1 - beta1**t)
    vhat = v / (1 - beta2**t)
    p -= (lr * mhat / (np.sqrt(vhat) + eps)).astype(f32)
