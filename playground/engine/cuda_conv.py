"""CUDA convolution kernels: forward, ``dx`` and ``dw``, gathering (one writer per output).

Host wrappers live in :mod:`playground.engine.cuda`; geometry (stride, top/left padding and
dilation) arrives as plain ints so the kernels stay simple to launch. Tap ``(u, v)`` of output
``(i, j)`` reads the padded input at ``(i*sh + u*dh, j*sw + v*dw)``.
"""

from __future__ import annotations

from numba import cuda, float32

from playground.engine.cuda_launch import block_sum


@cuda.jit
def conv2d_fwd(x, w, b, has_bias, y, sh, sw, pt, pl, dh, dw):
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
            r = i * sh + u * dh - pt
            if 0 <= r < h:
                for v in range(fw):
                    q = j * sw + v * dw - pl
                    if 0 <= q < wd:
                        acc += x[n, c, r, q] * w[k, c, u, v]
    if has_bias:
        acc += b[k]
    y[n, k, i, j] = acc


@cuda.jit
def conv2d_dx(dy, w, dx, sh, sw, pt, pl, dh, dw):
    """One thread per ``dx[n,c,r,q]``: gathers ``dy * w`` over the taps that read it.

    Tap ``u`` reads padded row ``rp`` for output row ``i = (rp - u*dh) / sh`` when that divides
    and lies in ``[0, H')``; the same along the columns.
    """
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
    acc = float32(0.0)
    for u in range(fh):
        ti = rp - u * dh
        if ti < 0:
            break
        if ti % sh != 0 or ti // sh >= ho:
            continue
        i = ti // sh
        for v in range(fw):
            tj = qp - v * dw
            if tj < 0:
                break
            if tj % sw != 0 or tj // sw >= wo:
                continue
            j = tj // sw
            for k in range(kk):
                acc += dy[n, k, i, j] * w[k, c, u, v]
    dx[n, c, r, q] = acc


@cuda.jit
def conv2d_dw(x, dy, dw, sh, sw, pt, pl, dh, dl):
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
        r = i * sh + u * dh - pt
        q = j * sw + v * dl - pl
        if 0 <= r < h and 0 <= q < wd:
            acc += dy[n, k, i, j] * x[n, c, r, q]
        t += cuda.blockDim.x
    total = block_sum(buf, acc)
    if cuda.threadIdx.x == 0:
        dw[k, c, u, v] = total
