"""The CUDA backend against the reference, forward and backward, on tiny seeded shapes.

Runs under Numba's simulator (``NUMBA_ENABLE_CUDASIM=1``) or on a real GPU; threads per block are
patched small so every kernel takes its multi-block path. Without either, only the last test runs:
asking for CUDA then fails with a clear message.
"""

from __future__ import annotations

import importlib
import os
import subprocess
import sys

import numpy as np
import pytest

from playground import engine
from playground.engine import config, dispatch
from playground.engine import reference as ref
from playground.engine.backend import Backend, conformance_problems
from playground.engine.shapes import ConvGeometry

try:
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st
except ImportError:  # a bare GPU image may lack it: the seeded cases still run
    given = None

# numba-cuda warns about small grids and moved NumbaPerformanceWarning out of numba.core.errors
pytestmark = [
    pytest.mark.filterwarnings("ignore:.*GPU under-utilization:Warning"),
    pytest.mark.filterwarnings("ignore:.*Host array used in CUDA kernel:Warning"),
]

_needs_cuda = pytest.mark.skipif(
    not dispatch.cuda_present(),
    reason="needs an NVIDIA GPU or Numba's CUDA simulator (set NUMBA_ENABLE_CUDASIM=1)",
)


def cuda_only(test):
    """Marks a test ``cuda`` and skips it, with the reason, where no CUDA device can run it."""
    return pytest.mark.cuda(_needs_cuda(test))


@pytest.fixture
def cu(monkeypatch):
    """The cuda backend module, with blocks small enough that every launch spans several."""
    monkeypatch.setattr(config, "CUDA_THREADS_1D", 4)
    monkeypatch.setattr(config, "CUDA_THREADS_2D", (2, 3))
    return importlib.import_module("playground.engine.cuda")


def rand(rng, *shape):
    return rng.standard_normal(shape).astype(np.float32)


def close(got, want, tol=1e-5):
    host = got if isinstance(got, np.ndarray) else got.copy_to_host()
    assert host.dtype == np.float32
    np.testing.assert_allclose(host, want, rtol=tol, atol=tol)


def on_device(a) -> bool:
    return not isinstance(a, np.ndarray) and hasattr(a, "copy_to_host")


@cuda_only
def test_cuda_backend_conforms_to_the_backend_protocol(cu):
    assert cu.name == "cuda" and cu.is_available()
    assert isinstance(cu, Backend)
    assert conformance_problems(cu) == []
    a = np.arange(6, dtype=np.float64).reshape(2, 3)
    dev = cu.to_device(a)
    assert on_device(dev) and cu.to_device(dev) is dev
    back = cu.to_host(dev)
    assert back.dtype == np.float32 and np.array_equal(back, a)
    z = cu.zeros((2, 3, 4))
    assert on_device(z) and np.array_equal(cu.to_host(z), np.zeros((2, 3, 4), np.float32))


CONV_CASES = [
    # (N, C, H, W), (K, fh, fw), stride, pads (top, bottom, left, right), bias
    ((1, 1, 5, 5), (1, 3, 3), (1, 1), (0, 0, 0, 0), True),
    ((2, 2, 6, 7), (3, 2, 2), (1, 1), (0, 1, 0, 1), True),  # "same" for an even kernel
    ((2, 1, 7, 6), (2, 3, 2), (2, 1), (1, 1, 0, 1), False),
    ((1, 2, 5, 6), (2, 3, 3), (2, 3), (1, 2, 2, 0), True),  # asymmetric, stride not dividing
    ((2, 2, 4, 4), (3, 1, 1), (1, 2), (0, 0, 0, 0), True),  # 1x1 kernel
    ((1, 2, 3, 4), (2, 3, 4), (1, 1), (0, 0, 0, 0), True),  # kernel covers the whole input
]


@pytest.mark.parametrize("case", CONV_CASES)
@cuda_only
def test_conv2d_forward_and_backward(cu, case):
    xs, (k, fh, fw), stride, pads, with_bias = case
    rng = np.random.default_rng(sum(xs) + k * fh * fw)
    x, w = rand(rng, *xs), rand(rng, k, xs[1], fh, fw)
    b = rand(rng, k) if with_bias else None
    geom = ConvGeometry(stride, pads)
    want = ref.conv2d(x, w, b, geom)
    bd = None if b is None else cu.to_device(b)
    y = cu.conv2d(cu.to_device(x), cu.to_device(w), bd, geom)
    assert on_device(y)
    close(y, want)
    dy = rand(rng, *want.shape)
    got = cu.conv2d_backward(cu.to_device(x), cu.to_device(w), cu.to_device(dy), geom)
    for g, r in zip(got, ref.conv2d_backward(x, w, dy, geom), strict=True):
        assert on_device(g)
        close(g, r, 1e-4)
    dx, dw, db = cu.conv2d_backward(cu.to_device(x), cu.to_device(w), cu.to_device(dy), geom,
                                    need_dx=False)
    assert dx is None
    close(dw, got[1], 1e-6)
    close(db, got[2], 1e-6)


if given is not None:

    @cuda_only
    @settings(max_examples=4, deadline=None, derandomize=True,
              suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(
        n=st.integers(1, 2), c=st.integers(1, 2), k=st.integers(1, 2),
        h=st.integers(3, 6), w=st.integers(3, 6), fh=st.integers(1, 3), fw=st.integers(1, 3),
        sh=st.integers(1, 3), sw=st.integers(1, 3), pads=st.tuples(*[st.integers(0, 2)] * 4),
    )
    def test_conv2d_random_shapes(cu, n, c, k, h, w, fh, fw, sh, sw, pads):
        rng = np.random.default_rng(n * 1000 + h * 10 + w)
        x, wt, b = rand(rng, n, c, h, w), rand(rng, k, c, fh, fw), rand(rng, k)
        want = ref.conv2d(x, wt, b, ConvGeometry((sh, sw), pads))
        close(cu.conv2d(x, wt, b, ConvGeometry((sh, sw), pads)), want)
        dy = rand(rng, *want.shape)
        for g, r in zip(cu.conv2d_backward(x, wt, dy, ConvGeometry((sh, sw), pads)),
                        ref.conv2d_backward(x, wt, dy, ConvGeometry((sh, sw), pads)), strict=True):
            close(g, r, 1e-4)


POOL_CASES = [
    ((1, 1, 4, 4), (2, 2), (2, 2)),
    ((2, 2, 5, 7), (2, 2), (2, 2)),  # floor mode drops the last row and column
    ((1, 2, 6, 5), (3, 2), (1, 2)),  # overlapping rows
    ((2, 1, 5, 5), (3, 3), (2, 2)),  # overlapping both ways
    ((1, 1, 4, 6), (1, 3), (2, 1)),
]


@pytest.mark.parametrize("kind", ["max", "avg"])
@pytest.mark.parametrize("case", POOL_CASES)
@cuda_only
def test_pooling_forward_and_backward(cu, case, kind):
    shape, size, stride = case
    rng = np.random.default_rng(sum(shape) + size[0])
    x = rand(rng, *shape)
    fwd, bwd = f"{kind}_pool2d", f"{kind}_pool2d_backward"
    want = getattr(ref, fwd)(x, size, stride)
    y = getattr(cu, fwd)(cu.to_device(x), size, stride)
    assert on_device(y)
    close(y, want)
    dy = rand(rng, *want.shape)
    close(getattr(cu, bwd)(cu.to_device(x), cu.to_device(dy), size, stride),
          getattr(ref, bwd)(x, dy, size, stride))


@cuda_only
def test_max_pool_ties_go_to_the_first_maximum(cu):
    rng = np.random.default_rng(3)
    x = rng.integers(0, 2, (2, 2, 5, 5)).astype(np.float32)  # many ties
    x[0, 0] = 1.0  # a whole map of equal values
    for size, stride in (((2, 2), (2, 2)), ((3, 3), (1, 1)), ((2, 3), (1, 2))):
        want = ref.max_pool2d(x, size, stride)
        dy = rng.standard_normal(want.shape).astype(np.float32)
        close(cu.max_pool2d_backward(x, dy, size, stride),
              ref.max_pool2d_backward(x, dy, size, stride))


@cuda_only
def test_relu_any_shape(cu):
    rng = np.random.default_rng(4)
    for shape in ((7,), (3, 5), (2, 2, 3, 3)):
        x = rand(rng, *shape)
        x.flat[::3] = 0.0  # the gradient at exactly 0 is 0, as in PyTorch
        dy = rand(rng, *shape)
        y = cu.relu(cu.to_device(x))
        assert on_device(y) and y.shape == shape
        close(y, ref.relu(x), 0)
        close(cu.relu_backward(cu.to_device(x), cu.to_device(dy)), ref.relu_backward(x, dy), 0)


@pytest.mark.parametrize("threads_2d", [(2, 3), (3, 2), (4, 4)])
@cuda_only
def test_linear_tiled_matmul(cu, monkeypatch, threads_2d):
    monkeypatch.setattr(config, "CUDA_THREADS_2D", threads_2d)
    rng = np.random.default_rng(sum(threads_2d))
    x, w, b, dy = rand(rng, 3, 7), rand(rng, 5, 7), rand(rng, 5), rand(rng, 3, 5)
    close(cu.linear(cu.to_device(x), cu.to_device(w), cu.to_device(b)), ref.linear(x, w, b))
    close(cu.linear(x, w, None), ref.linear(x, w, None))
    got = cu.linear_backward(cu.to_device(x), cu.to_device(w), cu.to_device(dy))
    for g, r in zip(got, ref.linear_backward(x, w, dy), strict=True):
        assert on_device(g)
        close(g, r)


@cuda_only
def test_softmax_and_cross_entropy(cu):
    rng = np.random.default_rng(6)
    z = rand(rng, 5, 4) * 3
    z[0] += 50.0  # large logits must not overflow
    labels = np.array([0, 3, 1, 1, 2], np.int64)
    close(cu.softmax(cu.to_device(z)), ref.softmax(z))
    want_loss, want_grad = ref.softmax_cross_entropy(z, labels)
    from numba import cuda

    for lab in (labels, cuda.to_device(labels)):  # host or device (int64) labels
        loss, grad = cu.softmax_cross_entropy(cu.to_device(z), lab)
        assert isinstance(loss, float) and on_device(grad)
        assert loss == pytest.approx(want_loss, rel=1e-5)
        close(grad, want_grad)


@cuda_only
def test_optimiser_updates_in_place(cu):
    rng = np.random.default_rng(7)
    p0, v0 = rand(rng, 2, 3, 2), rand(rng, 2, 3, 2)
    grads = [rand(rng, 2, 3, 2) for _ in range(3)]
    p, v = p0.copy(), v0.copy()
    pd, vd = cu.to_device(p0), cu.to_device(v0)
    ph, vh = p0.copy(), v0.copy()  # host arrays through the cuda backend
    for g in grads:
        ref.sgd_update(p, g, v, 0.1, 0.9, 1e-2)
        cu.sgd_update(pd, cu.to_device(g), vd, 0.1, 0.9, 1e-2)
        cu.sgd_update(ph, g, vh, 0.1, 0.9, 1e-2)
    for got in (pd, ph):
        close(got, p, 1e-6)
    close(vd, v, 1e-6)
    p, m, v = p0.copy(), np.zeros_like(p0), np.zeros_like(p0)
    pd, md, vd = cu.to_device(p0), cu.zeros(p0.shape), cu.zeros(p0.shape)
    for t, g in enumerate(grads, start=1):
        ref.adam_update(p, g, m, v, 1e-2, 0.9, 0.999, 1e-8, t)
        cu.adam_update(pd, cu.to_device(g), md, vd, 1e-2, 0.9, 0.999, 1e-8, t)
    close(pd, p, 1e-6)
    close(md, m, 1e-6)
    close(vd, v, 1e-6)


@cuda_only
def test_public_api_with_cuda_backend(cu):
    got = engine.conv1d([1, 2, 3, 4, 5, 6], [1, 2], backend="cuda")
    np.testing.assert_array_equal(got, [5, 8, 11, 14, 17])
    grid = np.arange(1, 10, dtype=np.float32).reshape(3, 3)
    np.testing.assert_array_equal(engine.max_pool2d(grid, 2, 1, backend="cuda"), [[5, 6], [8, 9]])
    rng = np.random.default_rng(8)
    img, w = rand(rng, 6, 6), rand(rng, 2, 1, 2, 2)
    got = engine.conv2d(img, w, padding="same", backend="cuda")
    want = engine.conv2d(img, w, padding="same", backend="reference")
    assert isinstance(got, np.ndarray) and got.shape == (2, 6, 6)
    close(got, want)
    maps = engine.feature_maps(img, w, [0.1, -0.2], backend="cuda")
    ref_maps = engine.feature_maps(img, w, [0.1, -0.2], backend="reference")
    for a, b in ((maps.conv, ref_maps.conv), (maps.activated, ref_maps.activated),
                 (maps.pooled, ref_maps.pooled)):
        close(a, b)
    z, labels = rand(rng, 3, 4), np.array([2, 0, 3])
    loss, grad = engine.softmax_cross_entropy(z, labels, backend="cuda")
    want_loss, want_grad = engine.softmax_cross_entropy(z, labels, backend="reference")
    assert loss == pytest.approx(want_loss, rel=1e-5)
    close(grad, want_grad)


def _train(be, steps: int, optimiser: str):
    """conv(same) -> relu -> max pool -> linear -> cross-entropy, all arrays kept in ``be``."""
    rng = np.random.default_rng(9)
    x = be.to_device(rand(rng, 2, 1, 6, 6))
    labels = np.array([1, 2], np.int64)
    params = [rand(rng, 2, 1, 3, 3) * 0.5, rand(rng, 2) * 0.1, rand(rng, 3, 18) * 0.3,
              rand(rng, 3) * 0.1]
    params = [be.to_device(p) for p in params]
    state = [[be.zeros(p.shape) for p in params] for _ in range(2)]
    losses = []
    for t in range(1, steps + 1):
        wc, bc, wl, bl = params
        conv = be.conv2d(x, wc, bc, ConvGeometry(1, 1))
        act = be.relu(conv)
        pooled = be.max_pool2d(act, (2, 2), (2, 2))
        flat = pooled.reshape(2, 18)
        loss, dz = be.softmax_cross_entropy(be.linear(flat, wl, bl), labels)
        losses.append(loss)
        dflat, dwl, dbl = be.linear_backward(flat, wl, dz)
        dact = be.max_pool2d_backward(act, dflat.reshape(*pooled.shape), (2, 2), (2, 2))
        _, dwc, dbc = be.conv2d_backward(x, wc, be.relu_backward(conv, dact), ConvGeometry(1, 1))
        for i, g in enumerate((dwc, dbc, dwl, dbl)):
            if optimiser == "sgd":
                be.sgd_update(params[i], g, state[0][i], 0.1, 0.9, 1e-3)
            else:
                be.adam_update(params[i], g, state[0][i], state[1][i], 0.05, 0.9, 0.999, 1e-8, t)
    return losses, [be.to_host(p) for p in params]


@pytest.mark.parametrize("optimiser", ["sgd", "adam"])
@cuda_only
def test_training_steps_on_device_match_reference(cu, optimiser):
    want_losses, want_params = _train(ref, 3, optimiser)
    losses, params = _train(cu, 3, optimiser)
    np.testing.assert_allclose(losses, want_losses, rtol=1e-4)
    assert losses[-1] < losses[0]  # it learns
    for got, want in zip(params, want_params, strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-5)


@pytest.mark.gpu
@pytest.mark.cuda
@pytest.mark.skipif(not dispatch.real_gpu_present(), reason="needs a real NVIDIA GPU")
def test_default_blocks_on_lenet_sized_layers():
    """Config's own 1-D / 2-D block sizes on shapes larger than one block or tile."""
    cu = importlib.import_module("playground.engine.cuda")
    rng = np.random.default_rng(10)
    x, w, b = rand(rng, 4, 3, 20, 20), rand(rng, 8, 3, 5, 5), rand(rng, 8)
    y = ref.conv2d(x, w, b, ConvGeometry(1, 2))
    close(cu.conv2d(x, w, b, ConvGeometry(1, 2)), y, 1e-4)
    dy = rand(rng, *y.shape)
    for g, r in zip(cu.conv2d_backward(x, w, dy, ConvGeometry(1, 2)),
                    ref.conv2d_backward(x, w, dy, ConvGeometry(1, 2)), strict=True):
        close(g, r, 1e-3)
    close(cu.max_pool2d(y, (2, 2), (2, 2)), ref.max_pool2d(y, (2, 2), (2, 2)))
    xl, wl, bl, dyl = rand(rng, 40, 300), rand(rng, 70, 300), rand(rng, 70), rand(rng, 40, 70)
    close(cu.linear(xl, wl, bl), ref.linear(xl, wl, bl), 1e-4)
    for g, r in zip(cu.linear_backward(xl, wl, dyl), ref.linear_backward(xl, wl, dyl), strict=True):
        close(g, r, 1e-4)
    labels = rng.integers(0, 70, 40)
    loss, grad = cu.softmax_cross_entropy(dyl, labels)
    want_loss, want_grad = ref.softmax_cross_entropy(dyl, labels)
    assert loss == pytest.approx(want_loss, rel=1e-5)
    close(grad, want_grad)


def test_cuda_unavailable_is_a_clear_error():
    """Without a GPU and without the simulator, asking for CUDA raises BackendUnavailable."""
    code = (
        "import sys\n"
        "from playground import engine\n"
        "from playground.engine import dispatch\n"
        "if dispatch.cuda_present():\n"
        "    print('GPU'); sys.exit(0)\n"
        "try:\n"
        "    engine.set_backend('cuda')\n"
        "except dispatch.BackendUnavailable as exc:\n"
        "    print('UNAVAILABLE', exc)\n"
        "print('cuda in modules:', 'playground.engine.cuda' in sys.modules)\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "NUMBA_ENABLE_CUDASIM"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                         check=True, timeout=120).stdout
    if out.startswith("GPU"):
        pytest.skip("a real CUDA GPU is present here")
    assert "UNAVAILABLE" in out, out
    assert "NVIDIA GPU" in out and "--backend cpu" in out
    assert "cuda in modules: False" in out
