"""The lecture's worked examples, through the public API, on every CPU backend."""

from __future__ import annotations

import numpy as np
import pytest

from playground import engine

BACKENDS = ["reference", "cpu"]
PRONG = np.array([[0, 0, -1, 0, 0], [0, -1, -2, -1, 0], [-1, -2, 16, -2, -1],
                  [0, -1, -2, -1, 0], [0, 0, -1, 0, 0]], np.float32)


@pytest.mark.parametrize("backend", BACKENDS)
def test_conv1d_1_to_6_with_1_2(backend):
    y = engine.conv1d([1, 2, 3, 4, 5, 6], [1, 2], backend=backend)
    np.testing.assert_array_equal(y, [5, 8, 11, 14, 17])


@pytest.mark.parametrize("backend", BACKENDS)
def test_2d_3x3_with_2x2_gives_the_lectures_c_entries(backend):
    a = np.array([[2, 3, 5], [7, 11, 13], [17, 19, 23]], np.float32)  # a11 .. a33
    w = np.array([[1, 10], [100, 1000]], np.float32)  # w11 .. w22
    c = engine.conv2d(a, w, backend=backend)
    assert c.shape == (2, 2)
    assert c[0, 0] == a[0, 0] * w[0, 0] + a[0, 1] * w[0, 1] + a[1, 0] * w[1, 0] + a[1, 1] * w[1, 1]
    assert c[0, 1] == a[0, 1] * w[0, 0] + a[0, 2] * w[0, 1] + a[1, 1] * w[1, 0] + a[1, 2] * w[1, 1]
    assert c[1, 0] == a[1, 0] * w[0, 0] + a[1, 1] * w[0, 1] + a[2, 0] * w[1, 0] + a[2, 1] * w[1, 1]
    assert c[1, 1] == a[1, 1] * w[0, 0] + a[1, 2] * w[0, 1] + a[2, 1] * w[1, 0] + a[2, 2] * w[1, 1]


@pytest.mark.parametrize("backend", BACKENDS)
def test_same_padding_3x3_is_the_5x5_padded_example(backend):
    a = np.arange(1, 10, dtype=np.float32).reshape(3, 3)
    w = np.array([[1, 2, 3], [4, 5, 6], [7, 8, 9]], np.float32) / 10
    c = engine.conv2d(a, w, padding="same", backend=backend)
    padded = np.zeros((5, 5), np.float32)
    padded[1:4, 1:4] = a
    assert c.shape == (3, 3)
    np.testing.assert_allclose(c, engine.conv2d(padded, w, backend=backend), rtol=1e-6)
    # c11 sees only a11, a12, a21, a22 (the boxed corner): the zeros contribute nothing
    assert c[0, 0] == pytest.approx(a[0, 0] * w[1, 1] + a[0, 1] * w[1, 2]
                                    + a[1, 0] * w[2, 1] + a[1, 1] * w[2, 2], rel=1e-6)


@pytest.mark.parametrize("backend", BACKENDS)
def test_max_pool_1_to_9_window_2_stride_1(backend):
    a = np.arange(1, 10, dtype=np.float32).reshape(3, 3)
    np.testing.assert_array_equal(engine.max_pool2d(a, 2, 1, backend=backend), [[5, 6], [8, 9]])


@pytest.mark.parametrize("backend", BACKENDS)
def test_prong_filter_on_an_image(backend):
    img = np.zeros((12, 12), np.float32)
    img[6, 5] = 1.0  # a single bright pixel: the (symmetric) prong filter is stamped around it
    y = engine.conv2d(img, PRONG, padding="same", backend=backend)
    assert y.shape == (12, 12)
    np.testing.assert_array_equal(y[4:9, 3:8], PRONG)
    flat = engine.conv2d(np.full((9, 9), 0.7, np.float32), PRONG, backend=backend)
    np.testing.assert_allclose(flat, 0.0, atol=1e-5)  # its weights sum to 0: flat areas vanish
    maps = engine.feature_maps(img, PRONG, padding="same", backend=backend)
    assert maps.conv.shape == (1, 12, 12) and maps.pooled.shape == (1, 6, 6)  # (K, H, W)
    assert maps.pooled.max() == 16.0


@pytest.mark.parametrize("backend", BACKENDS)
def test_ten_filters_5x5x3_on_32x32_same(backend):
    rng = np.random.default_rng(0)
    x = rng.random((3, 32, 32)).astype(np.float32)
    w = rng.standard_normal((10, 3, 5, 5)).astype(np.float32)
    b = np.zeros(10, np.float32)
    assert engine.conv2d(x, w, b, padding="same", backend=backend).shape == (10, 32, 32)


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize(("x_shape", "w_shape", "out_shape"), [
    ((6, 7), (3, 3), (4, 5)),
    ((6, 7), (2, 1, 3, 3), (2, 4, 5)),
    ((2, 6, 7), (4, 2, 3, 3), (4, 4, 5)),
    ((3, 2, 6, 7), (4, 2, 3, 3), (3, 4, 4, 5)),
])
def test_accepted_shapes_return_matching_shapes(backend, x_shape, w_shape, out_shape):
    x = np.ones(x_shape, np.float32)
    assert engine.conv2d(x, np.ones(w_shape, np.float32), backend=backend).shape == out_shape
    pooled = engine.max_pool2d(x, 2, backend=backend)
    assert pooled.shape == (*x_shape[:-2], 3, 3)
