"""The ``cpu`` backend against the NumPy specification, op by op, forward and backward."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from playground import engine
from playground.engine import cpu, shapes
from playground.engine import reference as ref
from playground.engine.shapes import ConvGeometry
from tests.engine.helpers import assert_close, conv_cases, rand

SETTINGS = settings(max_examples=40, deadline=None, derandomize=True)
# conv_path only patches module constants, identical for every generated example
PATH_SETTINGS = settings(SETTINGS, max_examples=25,
                         suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture(params=["direct", "gemm", "gemm-chunked", "threads"])
def conv_path(request, monkeypatch):
    """Every code path of the cpu convolution: direct loops, im2col + GEMM (also in chunks of one
    image) and the batch split over threads."""
    if request.param.startswith("gemm"):
        monkeypatch.setattr(cpu, "GEMM_MIN_TAPS", 1)
    else:
        monkeypatch.setattr(cpu, "GEMM_MIN_TAPS", 10**9)
    if request.param == "gemm-chunked":
        monkeypatch.setattr(cpu, "GEMM_CHUNK_FLOATS", 1)
    if request.param == "threads":
        monkeypatch.setattr(cpu, "PARALLEL_MIN_WORK", 0)
    return request.param


def test_cpu_backend_is_available_and_allocates_float32():
    assert cpu.name == "cpu" and cpu.is_available()
    assert cpu.zeros((2, 3)).dtype == np.float32


@given(case=conv_cases(), seed=st.integers(0, 2**16))
@PATH_SETTINGS
def test_conv2d_forward_and_backward_match_reference(conv_path, case, seed):
    xs, ws, stride, _, pads = case
    rng = np.random.default_rng(seed)
    x, w, b = rand(rng, *xs), rand(rng, *ws), rand(rng, ws[0])
    geom = ConvGeometry(stride, pads)
    y = cpu.conv2d(x, w, b, geom)
    assert_close(y, ref.conv2d(x, w, b, geom), what="y")
    assert_close(cpu.conv2d(x, w, None, geom), ref.conv2d(x, w, None, geom))
    dy = rand(rng, *y.shape)
    for got, want, what in zip(cpu.conv2d_backward(x, w, dy, geom),
                               ref.conv2d_backward(x, w, dy, geom), ("dx", "dw", "db"),
                               strict=True):
        assert_close(got, want, what=what)
    dx, dw, db = cpu.conv2d_backward(x, w, dy, geom, need_dx=False)
    assert dx is None
    _, want_dw, want_db = ref.conv2d_backward(x, w, dy, geom)
    assert_close(dw, want_dw, what="dw without dx")
    assert_close(db, want_db, what="db without dx")


@pytest.mark.parametrize("kernel", [(2, 2), (4, 4), (2, 3), (3, 2), (1, 4), (5, 5), (3, 3)])
def test_same_padding_even_and_non_square_kernels(conv_path, kernel):
    rng = np.random.default_rng(7)
    x, w = rand(rng, 2, 3, 7, 6), rand(rng, 4, 3, *kernel)
    geom = ConvGeometry(1, shapes.resolve_padding("same", kernel))
    y = cpu.conv2d(x, w, None, geom)
    assert y.shape == (2, 4, 7, 6)
    assert_close(y, ref.conv2d(x, w, None, geom))
    dy = rand(rng, *y.shape)
    for got, want in zip(cpu.conv2d_backward(x, w, dy, geom),
                         ref.conv2d_backward(x, w, dy, geom), strict=True):
        assert_close(got, want)


def test_lenet_sized_layers_match_reference(conv_path):
    rng = np.random.default_rng(3)
    for xs, ws, pads in (((3, 1, 28, 28), (6, 1, 5, 5), (2, 2, 2, 2)),
                         ((3, 6, 14, 14), (16, 6, 5, 5), (0, 0, 0, 0))):
        x, w, b = rand(rng, *xs), rand(rng, *ws), rand(rng, ws[0])
        geom = ConvGeometry(1, pads)
        y = cpu.conv2d(x, w, b, geom)
        assert_close(y, ref.conv2d(x, w, b, geom))
        dy = rand(rng, *y.shape)
        for got, want in zip(cpu.conv2d_backward(x, w, dy, geom),
                             ref.conv2d_backward(x, w, dy, geom), strict=True):
            assert_close(got, want)


@st.composite
def pool_cases(draw):
    n, c = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    kh, kw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    sh, sw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    h, w = draw(st.integers(kh, 9)), draw(st.integers(kw, 9))
    return (n, c, h, w), (kh, kw), (sh, sw)


@given(case=pool_cases(), seed=st.integers(0, 2**16), ties=st.booleans())
@SETTINGS
def test_pools_forward_and_backward_match_reference(case, seed, ties):
    xs, size, stride = case
    rng = np.random.default_rng(seed)
    # integer values make ties common: the gradient must go to the first maximum, row-major
    x = rng.integers(-2, 3, xs).astype(np.float32) if ties else rand(rng, *xs)
    y = cpu.max_pool2d(x, size, stride)
    np.testing.assert_array_equal(y, ref.max_pool2d(x, size, stride))
    dy = rand(rng, *y.shape)
    assert_close(cpu.max_pool2d_backward(x, dy, size, stride),
                 ref.max_pool2d_backward(x, dy, size, stride))
    assert_close(cpu.avg_pool2d(x, size, stride), ref.avg_pool2d(x, size, stride))
    assert_close(cpu.avg_pool2d_backward(x, dy, size, stride),
                 ref.avg_pool2d_backward(x, dy, size, stride))


def test_max_pool_backward_routes_to_first_maximum():
    x = np.array([[[[1, 3, 3, 0], [3, 2, 0, 0], [5, 5, 1, 1], [5, 5, 1, 1]]]], np.float32)
    dy = np.array([[[[10, 20], [30, 40]]]], np.float32)
    want = np.zeros_like(x)
    want[0, 0, 0, 1], want[0, 0, 0, 2] = 10, 20
    want[0, 0, 2, 0], want[0, 0, 2, 2] = 30, 40
    np.testing.assert_array_equal(cpu.max_pool2d_backward(x, dy, (2, 2), (2, 2)), want)
    # overlapping windows add up where they share their first maximum
    got = cpu.max_pool2d_backward(x, dy, (3, 3), (1, 1))
    np.testing.assert_array_equal(got, ref.max_pool2d_backward(x, dy, (3, 3), (1, 1)))
    assert got[0, 0, 2, 0] == 10 + 30


@given(shape=st.lists(st.integers(1, 6), min_size=1, max_size=4), seed=st.integers(0, 2**16))
@SETTINGS
def test_relu_matches_reference(shape, seed):
    rng = np.random.default_rng(seed)
    x, dy = rand(rng, *shape), rand(rng, *shape)
    x.flat[0] = 0.0  # the kink passes no gradient
    np.testing.assert_array_equal(cpu.relu(x), ref.relu(x))
    np.testing.assert_array_equal(cpu.relu_backward(x, dy), ref.relu_backward(x, dy))


@given(n=st.integers(1, 5), f=st.integers(1, 7), o=st.integers(1, 6), seed=st.integers(0, 2**16),
       bias=st.booleans())
@SETTINGS
def test_linear_matches_reference(n, f, o, seed, bias):
    rng = np.random.default_rng(seed)
    x, w, b = rand(rng, n, f), rand(rng, o, f), rand(rng, o) if bias else None
    assert_close(cpu.linear(x, w, b), ref.linear(x, w, b))
    dy = rand(rng, n, o)
    pairs = zip(cpu.linear_backward(x, w, dy), ref.linear_backward(x, w, dy), strict=True)
    for got, want in pairs:
        assert_close(got, want)


@given(n=st.integers(1, 6), k=st.integers(1, 10), seed=st.integers(0, 2**16),
       scale=st.sampled_from([1.0, 30.0]))
@SETTINGS
def test_softmax_and_cross_entropy_match_reference(n, k, seed, scale):
    rng = np.random.default_rng(seed)
    z = (rand(rng, n, k) * scale).astype(np.float32)
    labels = rng.integers(0, k, n)
    loss, grad = cpu.softmax_cross_entropy(z, labels)
    rloss, rgrad = ref.softmax_cross_entropy(z, labels)
    assert isinstance(loss, float)
    assert loss == pytest.approx(rloss, rel=1e-6, abs=1e-6)
    assert_close(grad, rgrad)
    assert_close(cpu.softmax(z), ref.softmax(z))


@pytest.mark.parametrize("shape", [(5,), (3, 4), (2, 3, 2, 2)])
def test_optimizer_updates_match_reference(shape):
    rng = np.random.default_rng(11)
    p, g = rand(rng, *shape), rand(rng, *shape)
    state = {b: [p.copy(), np.zeros(shape, np.float32)] for b in ("cpu", "ref")}
    for _ in range(3):
        cpu.sgd_update(state["cpu"][0], g, state["cpu"][1], 0.1, 0.9, 1e-3)
        ref.sgd_update(state["ref"][0], g, state["ref"][1], 0.1, 0.9, 1e-3)
    assert_close(state["cpu"][0], state["ref"][0])
    assert_close(state["cpu"][1], state["ref"][1])
    a = {b: [p.copy(), np.zeros(shape, np.float32), np.zeros(shape, np.float32)]
         for b in ("cpu", "ref")}
    for t in range(1, 4):
        cpu.adam_update(a["cpu"][0], g, a["cpu"][1], a["cpu"][2], 1e-2, 0.9, 0.999, 1e-8, t)
        ref.adam_update(a["ref"][0], g, a["ref"][1], a["ref"][2], 1e-2, 0.9, 0.999, 1e-8, t)
    for got, want in zip(a["cpu"], a["ref"], strict=True):
        assert_close(got, want, rtol=1e-5)


def test_optimizer_updates_strided_views_in_place():
    rng = np.random.default_rng(12)
    base = rand(rng, 4, 6)
    p, g, v = base[:, ::2], rand(rng, 4, 3), np.zeros((4, 3), np.float32)
    want = p.copy()
    ref.sgd_update(want, g, np.zeros((4, 3), np.float32), 0.5, 0.0)
    cpu.sgd_update(p, g, v, 0.5, 0.0)
    assert_close(base[:, ::2], want)


@pytest.mark.parametrize("relu", [True, False])
@pytest.mark.parametrize("pool", ["max", "avg", "none"])
@pytest.mark.parametrize(("kernel", "stride", "padding", "psize", "pstride"),
                         [((5, 5), 1, "same", 2, None), ((4, 3), (1, 2), "same", 3, 1),
                          ((3, 3), 2, 1, (2, 1), (1, 2))])
def test_fused_feature_maps_match_the_unfused_reference(relu, pool, kernel, stride, padding,
                                                        psize, pstride):
    rng = np.random.default_rng(5)
    img, w, b = rand(rng, 2, 13, 12), rand(rng, 3, 2, *kernel), rand(rng, 3)
    kw = {"stride": stride, "padding": padding, "activation": "relu" if relu else "none",
          "pool": pool, "pool_size": psize, "pool_stride": pstride}
    got = engine.feature_maps(img, w, b, backend="cpu", **kw)
    want = engine.feature_maps(img, w, b, backend="reference", **kw)
    assert_close(got.conv, want.conv)
    assert_close(got.activated, want.activated)
    if pool == "none":
        assert got.pooled is None and want.pooled is None
    else:
        assert_close(got.pooled, want.pooled)


def test_public_api_dispatches_to_cpu():
    rng = np.random.default_rng(9)
    x, w = rand(rng, 2, 8, 8), rand(rng, 3, 2, 3, 3)
    assert_close(engine.conv2d(x, w, padding="same", backend="cpu"),
                 engine.conv2d(x, w, padding="same", backend="reference"))
    assert_close(engine.max_pool2d(x, 2, backend="cpu"),
                 engine.max_pool2d(x, 2, backend="reference"))
