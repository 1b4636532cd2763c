"""One rule for widening and narrowing kernels between channel counts."""

from __future__ import annotations

import numpy as np
import pytest

from playground import engine
from playground.engine.channels import match_channels


def test_widening_divides_so_an_rgb_copy_of_a_grey_image_responds_like_the_grey_one():
    rng = np.random.default_rng(0)
    grey = rng.random((9, 9), dtype=np.float32)
    k = rng.standard_normal((2, 1, 3, 3)).astype(np.float32)
    wide = match_channels(k, 3)
    assert wide.shape == (2, 3, 3, 3) and wide.dtype == np.float32
    np.testing.assert_allclose(wide, np.repeat(k, 3, axis=1) / 3)
    rgb = np.repeat(grey[None], 3, axis=0)
    np.testing.assert_allclose(engine.conv2d(rgb, wide, backend="reference"),
                               engine.conv2d(grey[None], k, backend="reference"), rtol=1e-5)


def test_narrowing_sums_and_round_trips():
    k = np.arange(2 * 3 * 2 * 2, dtype=np.float32).reshape(2, 3, 2, 2)
    np.testing.assert_array_equal(match_channels(k, 1), k.sum(axis=1, keepdims=True))
    one = np.ones((1, 1, 2, 2), np.float32)
    np.testing.assert_allclose(match_channels(match_channels(one, 3), 1), one)


def test_same_count_is_a_copy_and_bad_input_is_refused():
    k = np.ones((1, 3, 2, 2), np.float32)
    out = match_channels(k, 3)
    assert out is not k and np.array_equal(out, k)
    with pytest.raises(ValueError, match="K, C, fh, fw"):
        match_channels(np.ones((3, 3)), 1)
    with pytest.raises(ValueError, match="channels"):
        match_channels(k, 0)
