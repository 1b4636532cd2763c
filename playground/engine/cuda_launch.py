"""Launch helpers and shared device code for the CUDA backend's kernels.

Grids are sized from ``config.CUDA_THREADS_1D``, read at call time so tests can shrink blocks and
cover the multi-block paths under ``NUMBA_ENABLE_CUDASIM=1``.
"""

from __future__ import annotations

from numba import cuda, float32

from playground.engine import config


def blocks(n: int, tpb: int) -> int:
    """Blocks of ``tpb`` threads that cover ``n`` items."""
    return (n + tpb - 1) // tpb


def launch1d(kernel, n: int, *args) -> None:
    """One thread per item; no launch at all for ``n == 0``."""
    if n > 0:
        tpb = int(config.CUDA_THREADS_1D)
        kernel[blocks(n, tpb), tpb](*args)


def launch_reduce(kernel, n_outputs: int, *args) -> None:
    """One block per output, its threads summing through ``tpb`` floats of dynamic shared memory."""
    if n_outputs > 0:
        tpb = int(config.CUDA_THREADS_1D)
        kernel[n_outputs, tpb, 0, tpb * 4](*args)


@cuda.jit
def fill(out, value):
    """``out[:] = value`` for a flat ``out``."""
    i = cuda.grid(1)
    if i < out.size:
        out[i] = value


@cuda.jit(device=True)
def block_sum(buf, value):
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


@cuda.jit
def channel_sum(a, out):
    """One block per channel: ``out[k] = a[:, k, :].sum()`` for ``a`` of shape ``(N, K, M)``."""
    buf = cuda.shared.array(0, dtype=float32)
    k = cuda.blockIdx.x
    nb, m = a.shape[0], a.shape[2]
    acc = float32(0.0)
    t = cuda.threadIdx.x
    while t < nb * m:
        acc += a[t // m, k, t % m]
        t += cuda.blockDim.x
    total = block_sum(buf, acc)
    if cuda.threadIdx.x == 0:
        out[k] = total
