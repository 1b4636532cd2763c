"""Weight initialisation from a seeded NumPy ``Generator``: He before a ReLU, else Glorot.

Biases start at zero. ``fan_in`` is ``C*fh*fw`` for a conv layer and ``in`` for a linear layer;
``fan_out`` is ``K*fh*fw`` and ``out``.
"""

from __future__ import annotations

import numpy as np


def fans(shape: tuple[int, ...]) -> tuple[int, int]:
    """``(fan_in, fan_out)`` of a weight array ``(out, in)`` or ``(K, C, fh, fw)``."""
    receptive = int(np.prod(shape[2:])) if len(shape) > 2 else 1
    return shape[1] * receptive, shape[0] * receptive


def he_normal(shape: tuple[int, ...], rng: np.random.Generator) -> np.ndarray:
    """Normal with standard deviation ``sqrt(2 / fan_in)`` (He et al., 2015), float32."""
    fan_in, _ = fans(shape)
    return (rng.standard_normal(shape) * np.sqrt(2.0 / fan_in)).astype(np.float32)


def glorot_uniform(shape: tuple[int, ...], rng: np.random.Generator) -> np.ndarray:
    """Uniform on ``±sqrt(6 / (fan_in + fan_out))`` (Glorot & Bengio, 2010), float32."""
    fan_in, fan_out = fans(shape)
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, shape).astype(np.float32)


def initialize(layers, seed: int | np.random.Generator = 0) -> None:
    """Fills every layer's weights in order (He before a ReLU, Glorot otherwise), zero biases."""
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    for i, layer in enumerate(layers):
        if not layer.params():
            continue
        nxt = layers[i + 1].kind if i + 1 < len(layers) else None
        shape = layer.weight.shape
        w = he_normal(shape, rng) if nxt == "relu" else glorot_uniform(shape, rng)
        layer.set_weights(w, np.zeros(layer.bias.shape, np.float32))
