"""Where one output cell looks in the input: its window and the padded patch under it (no Qt).

Shared by the feature maps, the step-through and the channels view, so every widget outlines and
reads a cell's window the same way.
"""

from __future__ import annotations

import numpy as np

from playground.engine import shapes


def padded_window(image: np.ndarray, pads: shapes.Pads, kernel_hw: tuple[int, int],
                  stride: tuple[int, int], i: int, j: int,
                  dilation: tuple[int, int] = (1, 1)) -> np.ndarray:
    """The ``(C, fh, fw)`` input values output cell (i, j) multiplies; zeros where it is padding.

    With dilation ``d`` these are every ``d``-th row and column of the window, not a block.
    """
    x = image[None] if image.ndim == 2 else image
    pt, _pb, pl, _pr = pads
    (fh, fw), (sh, sw), (dh, dw) = kernel_hw, stride, dilation
    rows = i * sh - pt + dh * np.arange(fh)
    cols = j * sw - pl + dw * np.arange(fw)
    patch = np.zeros((x.shape[0], fh, fw), np.float32)
    r_in = (rows >= 0) & (rows < x.shape[1])
    c_in = (cols >= 0) & (cols < x.shape[2])
    if r_in.any() and c_in.any():
        ri, ci = np.ix_(np.flatnonzero(r_in), np.flatnonzero(c_in))
        patch[:, ri, ci] = x[:, rows[r_in]][:, :, cols[c_in]]
    return patch


def receptive_field(pads: shapes.Pads, kernel_hw: tuple[int, int], stride: tuple[int, int],
                    i: int, j: int, dilation: tuple[int, int] = (1, 1),
                    ) -> tuple[int, int, int, int]:
    """``(row, col, height, width)`` of output cell (i, j)'s window in input coordinates.

    Height and width are the dilated extent ``d(f - 1) + 1``. Row/col may be negative (the
    window starts in the top/left zero padding).
    """
    (fh, fw), (sh, sw), (dh, dw) = kernel_hw, stride, dilation
    return i * sh - pads[0], j * sw - pads[2], dh * (fh - 1) + 1, dw * (fw - 1) + 1


def tap_cells(pads: shapes.Pads, kernel_hw: tuple[int, int], stride: tuple[int, int],
              i: int, j: int, dilation: tuple[int, int] = (1, 1)) -> list[tuple[int, int]]:
    """``(row, col)`` in input coordinates of every cell output (i, j)'s kernel touches, row-major.

    ``fh x fw`` cells ``d`` apart: with dilation the gaps between them are not read.
    """
    r0, c0, _, _ = receptive_field(pads, kernel_hw, stride, i, j, dilation)
    (fh, fw), (dh, dw) = kernel_hw, dilation
    return [(r0 + u * dh, c0 + v * dw) for u in range(fh) for v in range(fw)]
