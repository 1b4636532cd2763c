"""The computing core: NumPy + Numba, no Qt. CPU and CUDA backends behind one API.

Conventions: NCHW float32, weights (K, C, fh, fw), cross-correlation (the kernel is not flipped),
zero padding, PyTorch's semantics for stride, padding and pooling.
"""

from playground.engine import config as _config  # noqa: F401  (sets NUMBA_CACHE_DIR first)
from playground.engine.dispatch import (
    BACKENDS,
    CHOICES,
    BackendUnavailable,
    available_backends,
    backend_name,
    get_backend,
    set_backend,
)
from playground.engine.ops import (
    FeatureMaps,
    avg_pool2d,
    avg_pool2d_backward,
    conv1d,
    conv2d,
    conv2d_backward,
    feature_maps,
    linear,
    linear_backward,
    max_pool2d,
    max_pool2d_backward,
    relu,
    relu_backward,
    softmax,
    softmax_cross_entropy,
)
from playground.engine.shapes import output_size, pool_output_size

__all__ = [
    "BACKENDS",
    "CHOICES",
    "BackendUnavailable",
    "FeatureMaps",
    "available_backends",
    "avg_pool2d",
    "avg_pool2d_backward",
    "backend_name",
    "conv1d",
    "conv2d",
    "conv2d_backward",
    "feature_maps",
    "get_backend",
    "linear",
    "linear_backward",
    "max_pool2d",
    "max_pool2d_backward",
    "output_size",
    "pool_output_size",
    "relu",
    "relu_backward",
    "set_backend",
    "softmax",
    "softmax_cross_entropy",
]
