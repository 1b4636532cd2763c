"""Shared helpers for the engine tests: seeded arrays, conv settings and closeness checks."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

from playground.engine import shapes

f32 = np.float32


def rand(rng: np.random.Generator, *shape: int) -> np.ndarray:
    """Standard-normal float32 array of ``shape``."""
    return rng.standard_normal(shape).astype(f32)


def distinct(rng: np.random.Generator, *shape: int, gap: float = 0.05) -> np.ndarray:
    """Float32 values at least ``gap`` apart (no ties: max-pool gradients are well defined)."""
    n = int(np.prod(shape))
    return (rng.permutation(n).astype(np.float64) * gap - n * gap / 2).reshape(shape).astype(f32)


def assert_close(actual, expected, rtol: float = 2e-5, what: str = "") -> None:
    """Closeness scaled by the expected values' magnitude (float32 sums of many terms)."""
    actual, expected = np.asarray(actual), np.asarray(expected)
    assert actual.shape == expected.shape, f"{what}: shape {actual.shape} != {expected.shape}"
    assert actual.dtype == np.float32, f"{what}: dtype {actual.dtype}"
    scale = max(1.0, float(np.abs(expected).max(initial=0.0)))
    np.testing.assert_allclose(actual, expected, rtol=rtol, atol=rtol * scale * 10, err_msg=what)


@st.composite
def conv_cases(draw, max_batch: int = 3, max_hw: int = 9):
    """(x shape, w shape, stride, padding spec, resolved pads) that give a non-empty output."""
    n = draw(st.integers(1, max_batch))
    c = draw(st.integers(1, 3))
    k = draw(st.integers(1, 4))
    fh, fw = draw(st.integers(1, 5)), draw(st.integers(1, 5))
    h, w = draw(st.integers(1, max_hw)), draw(st.integers(1, max_hw))
    stride = draw(st.sampled_from([1, 2, 3, (1, 2), (2, 1)]))
    padding = draw(st.sampled_from([0, 1, 2, (0, 1), (2, 0), "valid", "same"]))
    st_ = shapes.resolve_stride(stride)
    pads = shapes.resolve_padding(padding, (fh, fw))
    ho = shapes.output_size(h, fh, (pads[0], pads[1]), st_[0])
    wo = shapes.output_size(w, fw, (pads[2], pads[3]), st_[1])
    if ho < 1 or wo < 1:
        h, w = fh, fw  # the kernel fits once the input is as large as it
    return (n, c, h, w), (k, c, fh, fw), st_, padding, pads


def numeric_grad(fn, x: np.ndarray, eps: float = 1e-2) -> np.ndarray:
    """Central differences of the scalar ``fn()`` with respect to every element of ``x``."""
    g = np.zeros(x.shape, np.float64)
    for idx in np.ndindex(x.shape):
        keep = x[idx]
        x[idx] = keep + eps
        up = fn()
        x[idx] = keep - eps
        down = fn()
        x[idx] = keep
        g[idx] = (up - down) / (2 * eps)
    return g
