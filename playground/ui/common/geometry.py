"""Where one output cell looks in the input: its window and the padded patch under it (no Qt).

Shared by the feature maps, the step-through and the channels view, so every widget outlines and
reads a cell's window the same way.
"""

from __future__ import annotations

import numpy as np

from playground.engine import shapes


def padded_window(image: np.ndarray, pads: shapes.Pads, kernel_hw: tuple[int, int],
                  stride: tuple[int, int], i: int, j: int) -> np.ndarray:
    """The ``(C, fh, fw)`` input patch under output cell (i, j); zeros where it is padding."""
    x = image[None] if image.ndim == 2 else image
    pt, _pb, pl, _pr = pads
    (fh, fw), (sh, sw) = kernel_hw, stride
    r0, c0 = i * sh - pt, j * sw - pl
    patch = np.zeros((x.shape[0], fh, fw), np.float32)
    rs, re = max(r0, 0), min(r0 + fh, x.shape[1])
    cs, ce = max(c0, 0), min(c0 + fw, x.shape[2])
    if rs < re and cs < ce:
        patch[:, rs - r0 : re - r0, cs - c0 : ce - c0] = x[:, rs:re, cs:ce]
    return patch


def receptive_field(pads: shapes.Pads, kernel_hw: tuple[int, int], stride: tuple[int, int],
                    i: int, j: int) -> tuple[int, int, int, int]:
    """``(row, col, height, width)`` of output cell (i, j)'s window in input coordinates.

    Row/col may be negative (the window starts in the top/left zero padding).
    """
    (fh, fw), (sh, sw) = kernel_hw, stride
    return i * sh - pads[0], j * sw - pads[2], fh, fw
