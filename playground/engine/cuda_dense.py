"""CUDA kernels for the elementwise, dense, softmax and optimiser ops (one thread per item,
the matrix product tiled through shared memory)."""

from __future__ import annotations

import math

from numba import cuda, float32


@cuda.jit
def relu(x, y):
    i = cuda.grid(1)
    if i < x.size:
        y[i] = x[i] if x[i] > float32(0.0) else float32(0.0)


@cuda.jit
def relu_bwd(x, dy, dx):
    i = cuda.grid(1)
    if i < x.size:
        dx[i] = dy[i] if x[i] > float32(0.0) else float32(0.0)


@cuda.jit
def matmul(a, b, c, ta, tb, bias, has_bias):
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


@cuda.jit
def softmax_rows(z, labels, with_loss, p, loss):
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


@cuda.jit
def sgd(p, g, v, lr, momentum, weight_decay):
    i = cuda.grid(1)
    if i < p.size:
        vi = momentum * v[i] + (g[i] + weight_decay * p[i])
        v[i] = vi
        p[i] -= lr * vi


@cuda.jit
def adam(p, g, m, v, lr, beta1, one_m_beta1, beta2, one_m_beta2, eps, bc1, bc2):
    i = cuda.grid(1)
    if i < p.size:
        gi = g[i]
        mi = beta1 * m[i] + one_m_beta1 * gi
        vi = beta2 * v[i] + one_m_beta2 * gi * gi
        m[i] = mi
        v[i] = vi
        p[i] -= lr * (mi / bc1) / (math.sqrt(vi / bc2) + eps)
