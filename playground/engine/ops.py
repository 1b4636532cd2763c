"""The public, backend-neutral engine functions: validate, normalise shapes, call the backend.

Arrays are NCHW float32 (``(H, W)`` and ``(C, H, W)`` are accepted and the matching shape is
returned), weights ``(K, C, fh, fw)``, cross-correlation, zero padding, PyTorch's semantics.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from playground.engine import shapes
from playground.engine.dispatch import get_backend
from playground.engine.registry import ACTIVATIONS, POOLS
from playground.engine.validate import (
    as_bias,
    as_float32,
    as_labels,
    as_nchw,
    as_weights,
    check_dy,
    check_logits,
    check_size,
    restore,
)


def _run(backend: str | None, op: str, *args):
    be = get_backend(backend)
    fn = getattr(be, op)
    dev = [be.to_device(a) if isinstance(a, np.ndarray) else a for a in args]
    out = fn(*dev)
    if isinstance(out, tuple):
        return tuple(be.to_host(o) if not isinstance(o, float) else o for o in out)
    return be.to_host(out)


def _conv_setup(x4: np.ndarray, w4: np.ndarray, stride, padding, dilation):
    """The call's :class:`~shapes.ConvGeometry` and output ``(H', W')``; ValueError if none fits
    or the output or work buffer would be too large to allocate."""
    geometry = shapes.ConvGeometry.resolve(w4.shape[2:], stride, padding, dilation)
    ho, wo = geometry.output_hw(x4.shape[2:], w4.shape[2:])
    check_size((x4.shape[0], w4.shape[0], ho, wo), "conv2d's output")
    check_size((x4.shape[0], ho, wo, w4.shape[1], *w4.shape[2:]), "conv2d's work buffer")
    return geometry, (ho, wo)


def conv2d(x, w, b=None, stride: int | Sequence[int] = 1, padding=0,
           dilation: int | Sequence[int] = 1, *, backend: str | None = None):
    """2-D cross-correlation of ``x`` with filters ``w`` plus bias ``b``.

    Parameters
    ----------
    x : (N, C, H, W), (C, H, W) or (H, W) array
    w : (K, C, fh, fw) or (fh, fw) array
    b : (K,) array or None
    stride : int or (sh, sw), each >= 1
    padding : int, (ph, pw), "valid" or "same" (even kernels pad the extra row/column after)
    dilation : int or (dh, dw), each >= 1: taps ``d`` rows/columns apart (every backend)

    Returns
    -------
    (N, K, H', W') float32, or without the axes the input lacked.

    Notes
    -----
    ``H' = floor((H + 2p - d(fh - 1) - 1) / s) + 1`` (see :mod:`playground.engine.shapes`).
    """
    x4, nd = as_nchw(x)
    w4, _ = as_weights(w, x4.shape[1])
    b1 = as_bias(b, w4.shape[0])
    geometry, (ho, wo) = _conv_setup(x4, w4, stride, padding, dilation)
    if x4.size == 0:  # an empty batch: an empty result, as PyTorch gives
        return restore(np.zeros((x4.shape[0], w4.shape[0], ho, wo), np.float32), nd)
    return restore(_run(backend, "conv2d", x4, w4, b1, geometry), nd)


def conv2d_backward(x, w, dy, stride=1, padding=0, dilation=1, *, backend: str | None = None):
    """Gradients ``(dx, dw, db)`` of :func:`conv2d` (4-D arrays) given the upstream ``dy``."""
    x4, _ = as_nchw(x)
    w4, _ = as_weights(w, x4.shape[1])
    geometry, (ho, wo) = _conv_setup(x4, w4, stride, padding, dilation)
    dy4 = as_float32(dy, "dy")
    expected = (x4.shape[0], w4.shape[0], ho, wo)
    check_dy(dy4, expected)
    if x4.size == 0:
        return (np.zeros(x4.shape, np.float32), np.zeros(w4.shape, np.float32),
                np.zeros(w4.shape[0], np.float32))
    return _run(backend, "conv2d_backward", x4, w4, dy4, geometry)


def conv1d(x, w, stride: int = 1, padding: int | str = 0, *, backend: str | None = None):
    """1-D cross-correlation: ``[1,2,3,4,5,6] ⊛ [1,2] = [5,8,11,14,17]``.

    x is (L,), (C, L) or (N, C, L); w is (f,) or (K, C, f). Returns the matching shape.
    """
    xa = as_float32(x, "input")
    wa = as_float32(w, "weights")
    nd = xa.ndim
    if nd not in (1, 2, 3):
        raise ValueError(f"input must be (L,), (C, L) or (N, C, L), got shape {xa.shape}")
    x4 = xa.reshape((1,) * (3 - nd) + xa.shape)[:, :, None, :]
    if wa.ndim == 1:
        wa = wa[None, None]
    if wa.ndim != 3:
        raise ValueError(f"weights must be (f,) or (K, C, f), got shape {wa.shape}")
    pad2 = padding if isinstance(padding, str) else (0, shapes.pair(padding, "padding")[0])
    w4 = wa[:, :, None, :]
    if isinstance(pad2, str) and pad2.lower() == "same":
        pads = (0, 0, *shapes.same_padding(wa.shape[2]))
    else:
        pads = pad2
    y = conv2d(x4, w4, None, (1, int(stride)) if np.ndim(stride) == 0 else stride,
               pads, backend=backend)[:, :, 0, :]
    if nd == 1:
        return y[0, 0] if y.shape[1] == 1 else y[0]
    return y[0] if nd == 2 else y


def _pool_setup(x4: np.ndarray, size, stride):
    sz = shapes.pair(size, "pool size")
    st = sz if stride is None else shapes.resolve_stride(stride)
    ho, wo = shapes.pool2d_output_hw(x4.shape[2:], sz, st)
    return sz, st, (*x4.shape[:2], ho, wo)


def _pool(backend, op: str, x, size, stride) -> np.ndarray:
    x4, nd = as_nchw(x)
    sz, st, out = _pool_setup(x4, size, stride)
    if x4.size == 0:
        return restore(np.zeros(out, np.float32), nd)
    return restore(_run(backend, op, x4, sz, st), nd)


def _pool_backward(backend, op: str, x, dy, size, stride) -> np.ndarray:
    x4, nd = as_nchw(x)
    sz, st, out = _pool_setup(x4, size, stride)
    dy4 = as_float32(dy, "dy")
    check_dy(dy4, out if dy4.ndim == 4 else out[4 - nd:])
    if x4.size == 0:
        return restore(np.zeros(x4.shape, np.float32), nd)
    return restore(_run(backend, op, x4, dy4.reshape(out), sz, st), nd)


def max_pool2d(x, size: int | Sequence[int] = 2, stride=None, *, backend: str | None = None):
    """Maximum over each ``size`` window (stride defaults to size; floor mode, no padding).

    Notes
    -----
    ``H' = floor((H - K) / s) + 1``.
    """
    return _pool(backend, "max_pool2d", x, size, stride)


def max_pool2d_backward(x, dy, size=2, stride=None, *, backend: str | None = None):
    """Gradient of :func:`max_pool2d`: each output's gradient goes to its window's first maximum."""
    return _pool_backward(backend, "max_pool2d_backward", x, dy, size, stride)


def avg_pool2d(x, size: int | Sequence[int] = 2, stride=None, *, backend: str | None = None):
    """Mean over each ``size`` window (stride defaults to size; floor mode, no padding)."""
    return _pool(backend, "avg_pool2d", x, size, stride)


def avg_pool2d_backward(x, dy, size=2, stride=None, *, backend: str | None = None):
    """Gradient of :func:`avg_pool2d`: each output's gradient spread evenly over its window."""
    return _pool_backward(backend, "avg_pool2d_backward", x, dy, size, stride)


def relu(x, *, backend: str | None = None) -> np.ndarray:
    """``max(0, x)`` elementwise, any shape."""
    return _run(backend, "relu", as_float32(x, "input"))


def relu_backward(x, dy, *, backend: str | None = None) -> np.ndarray:
    """Gradient of :func:`relu`: ``dy`` where ``x > 0``, else 0."""
    xa, dya = as_float32(x, "input"), as_float32(dy, "dy")
    check_dy(dya, xa.shape)
    return _run(backend, "relu_backward", xa, dya)


def _linear_check(x2: np.ndarray, w2: np.ndarray) -> None:
    if x2.ndim != 2 or w2.ndim != 2 or x2.shape[1] != w2.shape[1]:
        raise ValueError(
            f"linear needs x (N, F) and w (O, F) with the same F, got {x2.shape} and {w2.shape}"
        )


def linear(x, w, b=None, *, backend: str | None = None) -> np.ndarray:
    """Fully connected layer ``x @ w.T + b``: x (N, F), w (O, F), b (O,) -> (N, O)."""
    x2, w2 = as_float32(x, "input"), as_float32(w, "weights")
    _linear_check(x2, w2)
    check_size((x2.shape[0], w2.shape[0]), "linear's output")
    return _run(backend, "linear", x2, w2, as_bias(b, w2.shape[0]))


def linear_backward(x, w, dy, *, backend: str | None = None):
    """Gradients ``(dx, dw, db)`` of :func:`linear`."""
    x2, w2, dy2 = as_float32(x, "input"), as_float32(w, "weights"), as_float32(dy, "dy")
    _linear_check(x2, w2)
    check_dy(dy2, (x2.shape[0], w2.shape[0]))
    return _run(backend, "linear_backward", x2, w2, dy2)


def softmax_cross_entropy(logits, labels, *, backend: str | None = None):
    """Mean cross-entropy of softmax(logits) (N, C) against integer labels (N,), and dlogits."""
    z = as_float32(logits, "logits")
    check_logits(z)
    y = as_labels(labels, z.shape[0], z.shape[1])
    if z.shape[0] == 0:
        raise ValueError("softmax_cross_entropy needs at least one row of logits, got (0, C)")
    be = get_backend(backend)
    loss, grad = be.softmax_cross_entropy(be.to_device(z), y)
    return float(loss), be.to_host(grad)


def softmax(logits, *, backend: str | None = None) -> np.ndarray:
    """Row-wise softmax probabilities of (N, C) logits."""
    z = as_float32(logits, "logits")
    check_logits(z)
    if z.shape[0] == 0:
        return np.zeros(z.shape, np.float32)
    return _run(backend, "softmax", z)


@functools.lru_cache(maxsize=256, typed=True)
def _preview_setup(xshape, wshape, stride, padding, activation, pool, pool_size, pool_stride,
                   dilation=1):
    """Checks and resolves the preview's settings; cached, as a dragged kernel keeps them fixed."""
    geometry = shapes.ConvGeometry.resolve(wshape[2:], stride, padding, dilation)
    hw = geometry.output_hw(xshape[2:], wshape[2:])
    ACTIVATIONS.check(activation)
    POOLS.check(pool)
    sz = shapes.pair(pool_size, "pool size")
    pst = sz if pool_stride is None else shapes.resolve_stride(pool_stride)
    if pool != "none":
        shapes.pool2d_output_hw(hw, sz, pst)
    return geometry, sz, pst


@dataclass(frozen=True)
class FeatureMaps:
    """One conv layer's maps for a single image: before and after activation, and pooled."""

    conv: np.ndarray
    activated: np.ndarray
    pooled: np.ndarray | None


def feature_maps(
    image,
    w,
    b=None,
    stride=1,
    padding="same",
    activation: str = "relu",
    pool: str = "max",
    pool_size=2,
    pool_stride=None,
    dilation: int | Sequence[int] = 1,
    *,
    backend: str | None = None,
) -> FeatureMaps:
    """Live-preview step: conv (+bias) -> activation -> pooling of one (C, H, W) or (H, W) image.

    Returns (K, H', W') maps; ``pooled`` is None when ``pool == "none"``. ``dilation`` spreads
    the kernel's taps as in :func:`conv2d`.
    """
    x4, _ = as_nchw(image)
    if x4.shape[0] != 1:
        raise ValueError(f"feature_maps takes one image, got a batch of {x4.shape[0]}")
    w4, _ = as_weights(w, x4.shape[1])
    b1 = as_bias(b, w4.shape[0])
    key = (x4.shape, w4.shape, stride, padding, activation, pool, pool_size, pool_stride,
           dilation)
    try:
        geometry, sz, pst = _preview_setup(*key)
    except TypeError:  # unhashable settings (lists): same checks, uncached
        geometry, sz, pst = _preview_setup.__wrapped__(*key)
    hw = geometry.output_hw(x4.shape[2:], w4.shape[2:])
    check_size((w4.shape[0], *hw), "feature maps")
    check_size((*hw, *w4.shape[1:]), "feature maps' work buffer")
    be = get_backend(backend)
    fused = getattr(be, "feature_maps", None)
    if fused is not None:
        conv, act, pooled = fused(x4, w4, b1, geometry, activation == "relu", pool, sz, pst)
    else:
        conv = be.conv2d(be.to_device(x4), be.to_device(w4), b1 if b1 is None else be.to_device(b1),
                         geometry)
        act = be.relu(conv) if activation == "relu" else conv
        pooled = None
        if pool == "max":
            pooled = be.max_pool2d(act, sz, pst)
        elif pool == "avg":
            pooled = be.avg_pool2d(act, sz, pst)
        conv, act = be.to_host(conv), be.to_host(act)
        pooled = None if pooled is None else be.to_host(pooled)
    return FeatureMaps(conv[0], act[0], None if pooled is None else pooled[0])
