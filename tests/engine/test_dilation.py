"""Dilation in the specification: a dilated kernel equals its zero-stuffed undilated twin."""

from __future__ import annotations

import numpy as np
import pytest

from playground import engine
from playground.engine import reference as ref
from playground.engine.shapes import ConvGeometry, UnsupportedGeometry
from tests.engine.helpers import assert_close, numeric_grad, rand


def _stuffed(w: np.ndarray, d: tuple[int, int]) -> np.ndarray:
    """``w`` with ``d - 1`` zeros between its taps: the undilated kernel of the same extent."""
    k, c, fh, fw = w.shape
    out = np.zeros((k, c, d[0] * (fh - 1) + 1, d[1] * (fw - 1) + 1), np.float32)
    out[:, :, :: d[0], :: d[1]] = w
    return out


@pytest.mark.parametrize(("stride", "pads", "dilation"), [
    ((1, 1), (0, 0, 0, 0), (2, 2)), ((2, 1), (1, 2, 0, 1), (2, 3)), ((1, 2), (2, 2, 2, 2), (3, 1)),
])
def test_dilated_reference_equals_the_zero_stuffed_kernel(stride, pads, dilation):
    rng = np.random.default_rng(4)
    x, w, b = rand(rng, 2, 2, 9, 8), rand(rng, 3, 2, 3, 2), rand(rng, 3)
    dilated = ConvGeometry(stride, pads, dilation)
    plain = ConvGeometry(stride, pads)
    y = ref.conv2d(x, w, b, dilated)
    assert_close(y, ref.conv2d(x, _stuffed(w, dilation), b, plain))
    dy = rand(rng, *y.shape)
    dx, dw, db = ref.conv2d_backward(x, w, dy, dilated)
    sdx, sdw, sdb = ref.conv2d_backward(x, _stuffed(w, dilation), dy, plain)
    assert_close(dx, sdx, what="dx")
    assert_close(dw, sdw[:, :, :: dilation[0], :: dilation[1]], what="dw")
    assert_close(db, sdb, what="db")


def test_dilated_reference_gradient_matches_finite_differences():
    rng = np.random.default_rng(9)
    x, w = rand(rng, 1, 1, 7, 7), rand(rng, 2, 1, 2, 3)
    geom = ConvGeometry(1, (1, 0, 1, 1), 2)
    r = rng.standard_normal(ref.conv2d(x, w, None, geom).shape)
    dx, dw, _ = ref.conv2d_backward(x, w, r.astype(np.float32), geom)

    def loss():
        return float(np.sum(ref.conv2d(x, w, None, geom).astype(np.float64) * r))

    np.testing.assert_allclose(dw, numeric_grad(loss, w), rtol=1e-2, atol=1e-2)
    np.testing.assert_allclose(dx, numeric_grad(loss, x), rtol=1e-2, atol=1e-2)


def test_public_conv2d_takes_dilation_and_the_fast_backends_refuse_it():
    img = np.arange(49, dtype=np.float32).reshape(7, 7)
    w = np.ones((3, 3), np.float32)
    y = engine.conv2d(img, w, dilation=2, backend="reference")
    assert y.shape == (3, 3)
    assert y[0, 0] == img[0:5:2, 0:5:2].sum()
    with pytest.raises(UnsupportedGeometry, match="cpu backend"):
        engine.conv2d(img, w, dilation=2, backend="cpu")
    assert np.array_equal(engine.conv2d(img, w, dilation=1, backend="cpu"),
                          engine.conv2d(img, w, backend="reference"))
