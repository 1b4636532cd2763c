"""The cpu backend's fused conv -> ReLU -> max pool (training's fast path) against the reference."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from playground.engine import cpu
from playground.engine import reference as ref
from playground.engine.shapes import ConvGeometry, pool2d_output_hw
from tests.engine.helpers import assert_close, conv_cases, rand

SETTINGS = settings(max_examples=30, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture(params=["direct", "gemm"])
def conv_path(request, monkeypatch):
    """Both convolution paths under the fused ops: direct loops and im2col + GEMM."""
    monkeypatch.setattr(cpu, "GEMM_MIN_TAPS", 1 if request.param == "gemm" else 10**9)
    return request.param


def _chain(x, w, b, geom, size, stride, dpool):
    """The reference layer by layer: conv, ReLU, max pool, and back."""
    conv = ref.conv2d(x, w, b, geom)
    act = ref.relu(conv)
    pooled = ref.max_pool2d(act, size, stride)
    dact = ref.relu_backward(act, ref.max_pool2d_backward(act, dpool, size, stride))
    return pooled, act, ref.conv2d_backward(x, w, dact, geom)


@st.composite
def fused_cases(draw):
    xs, ws, stride, _, pads = draw(conv_cases(max_hw=11))
    _, _, h, wd = xs
    ho = (h + pads[0] + pads[1] - ws[2]) // stride[0] + 1
    wo = (wd + pads[2] + pads[3] - ws[3]) // stride[1] + 1
    kh, kw = draw(st.integers(1, min(3, ho))), draw(st.integers(1, min(3, wo)))
    ps = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    k = draw(st.sampled_from([ws[0], 6, 7]))  # 6 and 7: two blocks of three filters (+ one)
    return xs, (k, *ws[1:]), stride, pads, (kh, kw), ps


@given(case=fused_cases(), seed=st.integers(0, 2**16))
@SETTINGS
def test_fused_forward_and_backward_match_the_layer_chain(conv_path, case, seed):
    xs, ws, stride, pads, size, pstride = case
    rng = np.random.default_rng(seed)
    x, w, b = rand(rng, *xs), rand(rng, *ws), rand(rng, ws[0])
    geom = ConvGeometry(stride, pads)
    pooled, act = cpu.conv_relu_maxpool(x, w, b, geom, size, pstride)
    dpool = rand(rng, *pooled.shape)
    want_pooled, want_act, want_grads = _chain(x, w, b, geom, size, pstride, dpool)
    assert_close(pooled, want_pooled, what="pooled")
    assert_close(act, want_act, what="act")
    got = cpu.conv_relu_maxpool_backward(x, w, act, dpool, geom, size, pstride)
    for g, want, what in zip(got, want_grads, ("dx", "dw", "db"), strict=True):
        assert_close(g, want, rtol=1e-4, what=what)
    dx, dw, _ = cpu.conv_relu_maxpool_backward(x, w, act, dpool, geom, size, pstride,
                                               need_dx=False)
    assert dx is None
    assert_close(dw, want_grads[1], rtol=1e-4, what="dw without dx")


def test_buffers_are_reused_for_one_shape_and_remade_for_another():
    rng = np.random.default_rng(3)
    w, b = rand(rng, 6, 1, 5, 5), rand(rng, 6)
    geom = ConvGeometry((1, 1), (2, 2, 2, 2))
    x64 = rand(rng, 4, 1, 28, 28)
    _, act = cpu.conv_relu_maxpool(x64, w, b, geom, (2, 2), (2, 2))
    _, again = cpu.conv_relu_maxpool(x64, w, b, geom, (2, 2), (2, 2), act)
    assert again is act  # the same buffer, rewritten
    x3 = rand(rng, 3, 1, 28, 28)  # a smaller last batch: a fresh buffer of its shape
    pooled3, act3 = cpu.conv_relu_maxpool(x3, w, b, geom, (2, 2), (2, 2), act)
    assert act3 is not act and act3.shape == (3, 6, 28, 28)
    want, _, _ = _chain(x3, w, b, geom, (2, 2), (2, 2), np.zeros_like(pooled3))
    assert_close(pooled3, want, what="pooled after a shape change")
    dact = np.full(act.shape, np.nan, np.float32)  # stale scratch of the wrong shape is ignored
    grads = cpu.conv_relu_maxpool_backward(x3, w, act3, np.ones_like(pooled3), geom, (2, 2),
                                           (2, 2), True, dact)
    _, _, want_grads = _chain(x3, w, b, geom, (2, 2), (2, 2), np.ones_like(pooled3))
    for g, want in zip(grads, want_grads, strict=True):
        assert_close(g, want, rtol=1e-4)


def test_odd_maps_leave_uncovered_rows_without_gradient():
    """Floor-mode pooling of a 7x7 map: the last row and column get no gradient, even when the
    scratch buffer held something before."""
    rng = np.random.default_rng(5)
    x, w = rand(rng, 2, 1, 9, 9), rand(rng, 3, 1, 3, 3)
    geom = ConvGeometry((1, 1), (0, 0, 0, 0))
    pooled, act = cpu.conv_relu_maxpool(x, w, None, geom, (2, 2), (2, 2))
    assert pooled.shape == (2, 3, *pool2d_output_hw((7, 7), (2, 2), (2, 2)))
    dact = np.full(act.shape, 7.0, np.float32)
    cpu.conv_relu_maxpool_backward(x, w, act, np.ones_like(pooled), geom, (2, 2), (2, 2),
                                   False, dact)
    assert (dact[:, :, 6, :] == 0).all() and (dact[:, :, :, 6] == 0).all()
