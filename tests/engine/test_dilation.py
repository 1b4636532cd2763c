"""Dilation: the specification against its zero-stuffed twin, the cpu backend against both.

A kernel with ``d - 1`` zeros stuffed between its taps is the undilated kernel of the same extent,
which pins the reference down independently; the cpu backend (im2col with gaps) is then checked
against the reference on random shapes, strides, paddings and dilations 1..4, and its gradients
against finite differences. The CUDA kernels' twin tests live in ``test_cuda_dilation.py``.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from playground import engine
from playground.engine import cpu, shapes
from playground.engine import reference as ref
from playground.engine.shapes import ConvGeometry
from tests.engine.helpers import assert_close, numeric_grad, rand


def stuffed(w: np.ndarray, d: tuple[int, int]) -> np.ndarray:
    """``w`` with ``d - 1`` zeros between its taps: the undilated kernel of the same extent."""
    k, c, fh, fw = w.shape
    out = np.zeros((k, c, d[0] * (fh - 1) + 1, d[1] * (fw - 1) + 1), np.float32)
    out[:, :, :: d[0], :: d[1]] = w
    return out


@st.composite
def dilated_cases(draw, max_hw: int = 12):
    """(x shape, w shape, geometry) with dilation 1..4 per axis and a non-empty output."""
    n, c, k = draw(st.integers(1, 3)), draw(st.integers(1, 3)), draw(st.integers(1, 3))
    fh, fw = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    dil = (draw(st.integers(1, 4)), draw(st.integers(1, 4)))
    stride = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    padding = draw(st.sampled_from([0, 1, 2, (0, 3), (2, 1), "valid", "same"]))
    geom = ConvGeometry.resolve((fh, fw), stride, padding, dil)
    pt, pb, pl, pr = geom.padding
    ext_h, ext_w = dil[0] * (fh - 1) + 1, dil[1] * (fw - 1) + 1
    h = draw(st.integers(max(1, ext_h - pt - pb), max(ext_h, max_hw)))
    w = draw(st.integers(max(1, ext_w - pl - pr), max(ext_w, max_hw)))
    return (n, c, h, w), (k, c, fh, fw), geom


@pytest.mark.parametrize(("stride", "pads", "dilation"), [
    ((1, 1), (0, 0, 0, 0), (2, 2)), ((2, 1), (1, 2, 0, 1), (2, 3)), ((1, 2), (2, 2, 2, 2), (3, 1)),
])
def test_dilated_reference_equals_the_zero_stuffed_kernel(stride, pads, dilation):
    rng = np.random.default_rng(4)
    x, w, b = rand(rng, 2, 2, 9, 8), rand(rng, 3, 2, 3, 2), rand(rng, 3)
    dilated = ConvGeometry(stride, pads, dilation)
    plain = ConvGeometry(stride, pads)
    y = ref.conv2d(x, w, b, dilated)
    assert_close(y, ref.conv2d(x, stuffed(w, dilation), b, plain))
    dy = rand(rng, *y.shape)
    dx, dw, db = ref.conv2d_backward(x, w, dy, dilated)
    sdx, sdw, sdb = ref.conv2d_backward(x, stuffed(w, dilation), dy, plain)
    assert_close(dx, sdx, what="dx")
    assert_close(dw, sdw[:, :, :: dilation[0], :: dilation[1]], what="dw")
    assert_close(db, sdb, what="db")


@pytest.mark.parametrize("backend", [ref, cpu])
def test_dilated_gradients_match_finite_differences(backend):
    rng = np.random.default_rng(9)
    x, w = rand(rng, 2, 2, 8, 7), rand(rng, 2, 2, 2, 3)
    geom = ConvGeometry((2, 1), (1, 0, 1, 2), (2, 3))
    r = rng.standard_normal(ref.conv2d(x, w, None, geom).shape)
    dx, dw, db = backend.conv2d_backward(x, w, r.astype(np.float32), geom)

    def loss():
        return float(np.sum(backend.conv2d(x, w, None, geom).astype(np.float64) * r))

    np.testing.assert_allclose(dw, numeric_grad(loss, w), rtol=1e-2, atol=1e-2)
    np.testing.assert_allclose(dx, numeric_grad(loss, x), rtol=1e-2, atol=1e-2)
    np.testing.assert_allclose(db, r.sum(axis=(0, 2, 3)), rtol=1e-5, atol=1e-5)


@settings(max_examples=60, deadline=None, derandomize=True)
@given(case=dilated_cases(), bias=st.booleans())
def test_cpu_dilated_conv_matches_the_reference(case, bias):
    xs, ws, geom = case
    rng = np.random.default_rng(sum(xs) * 7 + sum(ws))
    x, w = rand(rng, *xs), rand(rng, *ws)
    b = rand(rng, ws[0]) if bias else None
    want = ref.conv2d(x, w, b, geom)
    assert_close(cpu.conv2d(x, w, b, geom), want, what="y")
    dy = rand(rng, *want.shape)
    got = cpu.conv2d_backward(x, w, dy, geom)
    for g, r, what in zip(got, ref.conv2d_backward(x, w, dy, geom), ["dx", "dw", "db"],
                          strict=True):
        assert_close(g, r, rtol=1e-4, what=what)
    no_dx = cpu.conv2d_backward(x, w, dy, geom, need_dx=False)
    assert no_dx[0] is None
    assert_close(no_dx[1], got[1], what="dw without dx")


def test_cpu_dilated_chunks_agree_with_one_chunk(monkeypatch):
    """A batch split into several im2col chunks sums dw over all of them."""
    rng = np.random.default_rng(2)
    x, w, dy_geom = rand(rng, 5, 2, 9, 9), rand(rng, 3, 2, 3, 3), ConvGeometry(1, 2, 2)
    dy = rand(rng, 5, 3, *dy_geom.output_hw((9, 9), (3, 3)))
    whole = cpu.conv2d(x, w, None, dy_geom), *cpu.conv2d_backward(x, w, dy, dy_geom)
    monkeypatch.setattr(cpu, "GEMM_CHUNK_FLOATS", 1)  # one image per chunk
    split = cpu.conv2d(x, w, None, dy_geom), *cpu.conv2d_backward(x, w, dy, dy_geom)
    for a, b in zip(whole, split, strict=True):
        assert_close(a, b, rtol=1e-5)


@pytest.mark.parametrize("backend", ["reference", "cpu"])
@pytest.mark.parametrize(("f", "d"), [(3, 2), (3, 4), (5, 2), (2, 3), (4, 3)])
def test_same_padding_with_dilation_keeps_the_size(backend, f, d):
    """``"same"`` pads ``d(f-1)/2`` per side (odd extent), the extra one after for an even one."""
    geom = ConvGeometry.resolve((f, f), 1, "same", d)
    extent = d * (f - 1) + 1
    if extent % 2:
        assert geom.padding == (d * (f - 1) // 2,) * 4
    assert sum(geom.padding[:2]) == extent - 1
    img = np.random.default_rng(f * d).standard_normal((13, 11)).astype(np.float32)
    y = engine.conv2d(img, np.ones((f, f), np.float32), padding="same", dilation=d,
                      backend=backend)
    assert y.shape == img.shape


def test_public_conv2d_dilation_by_hand_on_both_host_backends():
    img = np.arange(49, dtype=np.float32).reshape(7, 7)
    w = np.ones((3, 3), np.float32)
    for backend in ("reference", "cpu"):
        y = engine.conv2d(img, w, dilation=2, backend=backend)
        assert y.shape == (3, 3) == (shapes.output_size(7, 3, 0, 1, 2),) * 2
        assert y[0, 0] == img[0:5:2, 0:5:2].sum()
        assert y[2, 1] == img[2:7:2, 1:6:2].sum()
    assert np.array_equal(engine.conv2d(img, w, dilation=1, backend="cpu"),
                          engine.conv2d(img, w, backend="reference"))


@pytest.mark.parametrize("pool", ["none", "max", "avg"])
def test_feature_maps_with_dilation_match_separate_calls(pool):
    rng = np.random.default_rng(5)
    img, w, b = rand(rng, 1, 16, 16), rand(rng, 3, 1, 3, 3), rand(rng, 3)
    for backend in ("reference", "cpu"):
        fm = engine.feature_maps(img, w, b, 1, "same", "relu", pool, 2, None, dilation=2,
                                 backend=backend)
        conv = ref.conv2d(img[None], w, b, ConvGeometry.resolve((3, 3), 1, "same", 2))
        assert_close(fm.conv, conv[0], what="conv")
        assert_close(fm.activated, np.maximum(conv[0], 0), what="relu")
        if pool == "none":
            assert fm.pooled is None
        else:
            want = (ref.max_pool2d if pool == "max" else ref.avg_pool2d)(
                np.maximum(conv, 0), (2, 2), (2, 2))
            assert_close(fm.pooled, want[0], what="pooled")
    with pytest.raises(ValueError, match="dilated to 9x9"):
        engine.feature_maps(img[:, :8, :8], w, b, 1, 0, "relu", "none", dilation=4)


def test_dilation_refuses_nonsense():
    img = np.ones((7, 7), np.float32)
    for bad in (0, -1, (1, 0), True):
        with pytest.raises(ValueError, match="dilation"):
            engine.conv2d(img, np.ones((3, 3), np.float32), dilation=bad, backend="cpu")


@pytest.mark.parametrize("backend", [ref, cpu])
@pytest.mark.parametrize(("stride", "padding", "dilation"),
                         [(1, 0, 2), (2, (1, 3), (3, 2)), ((1, 2), 2, 4), (1, "same", 3)])
def test_dilated_conv_agrees_with_pytorch(backend, stride, padding, dilation):
    """Forward and all three gradients against ``torch.nn.functional.conv2d`` (where installed)."""
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(11)
    x, w, b = rand(rng, 2, 3, 15, 14), rand(rng, 4, 3, 3, 3), rand(rng, 4)
    geom = ConvGeometry.resolve((3, 3), stride, padding, dilation)
    pt, pb, pl, pr = geom.padding
    tx = torch.tensor(np.pad(x, ((0, 0), (0, 0), (pt, pb), (pl, pr))), requires_grad=True)
    tw, tb = torch.tensor(w, requires_grad=True), torch.tensor(b, requires_grad=True)
    ty = torch.nn.functional.conv2d(tx, tw, tb, stride=geom.stride, dilation=geom.dilation)
    y = backend.conv2d(x, w, b, geom)
    assert_close(y, ty.detach().numpy(), rtol=1e-4, what="y")
    dy = rand(rng, *y.shape)
    ty.backward(torch.tensor(dy))
    dx, dw, db = backend.conv2d_backward(x, w, dy, geom)
    assert_close(dx, tx.grad.numpy()[:, :, pt : pt + 15, pl : pl + 14], rtol=1e-4, what="dx")
    assert_close(dw, tw.grad.numpy(), rtol=1e-4, what="dw")
    assert_close(db, tb.grad.numpy(), rtol=1e-4, what="db")


@pytest.mark.parametrize("reuse", [False, True])
def test_the_fused_training_path_computes_dilated_blocks(reuse):
    """conv -> ReLU -> max pool fused (the cpu training path) with dilation, against the chain."""
    rng = np.random.default_rng(8)
    x, w, b = rand(rng, 3, 2, 16, 15), rand(rng, 5, 2, 3, 3), rand(rng, 5)
    geom = ConvGeometry.resolve((3, 3), 1, "same", 2)
    conv = ref.conv2d(x, w, b, geom)
    act = ref.relu(conv)
    want_pooled = ref.max_pool2d(act, (2, 2), (2, 2))
    dpool = rand(rng, *want_pooled.shape)
    dact = ref.relu_backward(act, ref.max_pool2d_backward(act, dpool, (2, 2), (2, 2)))
    want = ref.conv2d_backward(x, w, dact, geom)
    bufs = [rand(rng, *act.shape), rand(rng, *x.shape)] if reuse else [None, None]  # stale
    pooled, got_act = cpu.conv_relu_maxpool(x, w, b, geom, (2, 2), (2, 2))
    assert_close(pooled, want_pooled, what="pooled")
    assert_close(got_act, act, what="act")
    got = cpu.conv_relu_maxpool_backward(x, w, got_act, dpool, geom, (2, 2), (2, 2), True, *bufs)
    for g, r, what in zip(got, want, ("dx", "dw", "db"), strict=True):
        assert_close(g, r, rtol=1e-4, what=what)
