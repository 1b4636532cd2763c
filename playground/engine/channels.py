"""Kernels moved between channel counts, one rule for every caller (the playground, conv1 links).

A 1-channel kernel widened to ``C`` channels is divided by ``C``: on an RGB copy of a grey image
(the same values in every channel) the widened kernel then gives exactly the grey response, so
opening a colour version of a digit does not multiply the feature maps by 3. Going the other way,
``C`` channels are summed into one, which again keeps the grey image's response.
"""

from __future__ import annotations

import numpy as np


def match_channels(kernels: np.ndarray, channels: int) -> np.ndarray:
    """``(K, C, fh, fw)`` kernels as ``(K, channels, fh, fw)`` float32 (a copy).

    Same count: copied. Otherwise the channels are summed to one and spread evenly over
    ``channels`` (``1 -> C`` divides by ``C``; ``C -> 1`` sums), so the response to an image
    with the same values in every channel does not change.
    """
    k = np.asarray(kernels, np.float32)
    if k.ndim != 4:
        raise ValueError(f"kernels must be (K, C, fh, fw), got shape {k.shape}")
    if channels < 1:
        raise ValueError(f"channels must be >= 1, got {channels}")
    if k.shape[1] == channels:
        return k.copy()
    one = k.sum(axis=1, keepdims=True)
    return np.ascontiguousarray(np.repeat(one, channels, axis=1) / np.float32(channels),
                                np.float32)
