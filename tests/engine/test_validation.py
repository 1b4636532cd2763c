"""Bad input is refused with a ValueError naming the shapes or the rule; PyTorch agrees with us."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from playground import engine
from playground.engine.validate import all_finite

BACKENDS = ["reference", "cpu"]


@pytest.fixture(params=BACKENDS)
def backend(request):
    return request.param


def test_channel_mismatch_names_both_shapes(backend):
    with pytest.raises(ValueError, match=r"channel mismatch.*\(4, 2, 3, 3\).*3"):
        engine.conv2d(np.ones((3, 8, 8)), np.ones((4, 2, 3, 3)), backend=backend)


def test_kernel_larger_than_padded_input(backend):
    with pytest.raises(ValueError, match=r"kernel 7x7 is larger than the padded input 6x6"):
        engine.conv2d(np.ones((4, 4)), np.ones((7, 7)), padding=1, backend=backend)
    with pytest.raises(ValueError, match=r"pooling window 3x3 is larger than the feature map 2x2"):
        engine.max_pool2d(np.ones((2, 2)), 3, backend=backend)


@pytest.mark.parametrize("stride", [0, -1, (1, 0)])
def test_stride_below_one(backend, stride):
    with pytest.raises(ValueError, match="stride must be >= 1"):
        engine.conv2d(np.ones((5, 5)), np.ones((3, 3)), stride=stride, backend=backend)
    with pytest.raises(ValueError, match="stride must be >= 1"):
        engine.max_pool2d(np.ones((5, 5)), 2, stride, backend=backend)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
@pytest.mark.parametrize("where", ["input", "weights", "bias"])
def test_nan_and_infinity_are_refused(backend, bad, where):
    x, w = np.ones((5, 5), np.float32), np.ones((2, 1, 3, 3), np.float32)
    b = np.ones(2, np.float32)
    {"input": x, "weights": w, "bias": b}[where].flat[-1] = bad
    with pytest.raises(ValueError, match=f"{where} contains NaN or infinity"):
        engine.conv2d(x, w, b, backend=backend)
    with pytest.raises(ValueError, match=f"{where} contains NaN or infinity"):
        engine.feature_maps(x, w, b, backend=backend)


def test_finite_check_fast_path_and_its_overflow_fallback():
    assert all_finite(np.ones((3, 4), np.float32))
    assert all_finite(np.zeros(0, np.float32))
    huge = np.full(10, 3e38, np.float32)  # products with zero cannot overflow
    assert all_finite(huge)
    huge[3] = np.inf
    assert not all_finite(huge)
    nan = np.zeros((2, 2), np.float32)
    nan[1, 1] = np.nan
    assert not all_finite(nan)
    assert all_finite(np.ones(5000, np.float32))  # longer than the zero buffer: it grows
    big = np.ones(5000, np.float32)
    big[-1] = np.nan
    assert not all_finite(big)
    assert all_finite(np.ones(3, np.float64)) and not all_finite(np.array([np.inf]))


@pytest.mark.parametrize("value", [np.array(["a", "b"]), np.array([1 + 2j]), np.array([None, 1])])
def test_non_numeric_dtype(backend, value):
    with pytest.raises(ValueError, match="must hold real numbers, got dtype"):
        engine.relu(value, backend=backend)
    with pytest.raises(ValueError, match="input must hold real numbers"):
        engine.conv2d(value, np.ones((1, 1)), backend=backend)


def test_wrong_bias_length(backend):
    rule = r"bias must have one value per filter \(3\), got shape \(2,\)"
    with pytest.raises(ValueError, match=rule):
        engine.conv2d(np.ones((5, 5)), np.ones((3, 1, 2, 2)), np.ones(2), backend=backend)


def test_wrong_dimensions_and_settings(backend):
    with pytest.raises(ValueError, match=r"input must be \(H, W\), \(C, H, W\) or \(N, C, H, W\)"):
        engine.conv2d(np.ones(5), np.ones((1, 1)), backend=backend)
    with pytest.raises(ValueError, match="padding must be 'valid', 'same'"):
        engine.conv2d(np.ones((5, 5)), np.ones((3, 3)), padding="full", backend=backend)
    with pytest.raises(ValueError, match="activation must be one of 'relu', 'none', got"):
        engine.feature_maps(np.ones((5, 5)), np.ones((3, 3)), activation="tanh", backend=backend)
    with pytest.raises(ValueError, match="pool must be one of 'max', 'avg', 'none', got"):
        engine.feature_maps(np.ones((5, 5)), np.ones((3, 3)), pool="min", backend=backend)
    with pytest.raises(ValueError, match="feature_maps takes one image"):
        engine.feature_maps(np.ones((2, 1, 5, 5)), np.ones((3, 3)), backend=backend)
    with pytest.raises(ValueError, match=r"dy must have the output's shape"):
        engine.conv2d_backward(np.ones((1, 1, 5, 5)), np.ones((1, 1, 3, 3)), np.ones((1, 1, 2, 2)),
                               backend=backend)


def test_feature_maps_settings_cache_accepts_lists_and_rejects_bools():
    img, w = np.ones((6, 6), np.float32), np.ones((2, 3, 3), np.float32)[:, None]
    a = engine.feature_maps(img, w, padding=[1, 1], pool_size=[2, 2], backend="cpu")
    b = engine.feature_maps(img, w, padding=(1, 1), pool_size=2, backend="cpu")
    np.testing.assert_array_equal(a.pooled, b.pooled)
    engine.feature_maps(img, w, stride=1, backend="cpu")
    with pytest.raises(ValueError, match="stride must be an int or a pair"):
        engine.feature_maps(img, w, stride=True, backend="cpu")


# ---------------------------------------------------------------- PyTorch as a second opinion


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize(("kernel", "stride", "padding"), [
    ((3, 3), 1, 0), ((5, 5), 1, "same"), ((3, 3), 2, 1), ((3, 2), (2, 1), (1, 0)),
    ((3, 3), 1, "same"),
])
def test_conv2d_agrees_with_torch(backend, kernel, stride, padding):
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 3, 9, 8)).astype(np.float32)
    w = rng.standard_normal((4, 3, *kernel)).astype(np.float32)
    b = rng.standard_normal(4).astype(np.float32)
    ours = engine.conv2d(x, w, b, stride=stride, padding=padding, backend=backend)
    tpad = padding if isinstance(padding, (int, str)) else tuple(padding)
    theirs = F.conv2d(torch.from_numpy(x), torch.from_numpy(w), torch.from_numpy(b),
                      stride=stride, padding=tpad).numpy()
    np.testing.assert_allclose(ours, theirs, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("backend", BACKENDS)
def test_even_kernel_same_padding_agrees_with_torch(backend):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(1)
    x = rng.standard_normal((1, 2, 7, 6)).astype(np.float32)
    w = rng.standard_normal((3, 2, 4, 2)).astype(np.float32)
    ours = engine.conv2d(x, w, padding="same", backend=backend)
    # PyTorch's padding="same" also puts the extra row/column after
    with warnings.catch_warnings():  # torch warns (once per process) that it copies
        warnings.simplefilter("ignore", UserWarning)
        theirs = torch.nn.functional.conv2d(torch.from_numpy(x), torch.from_numpy(w),
                                            padding="same").numpy()
    np.testing.assert_allclose(ours, theirs, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize(("size", "stride"), [(2, None), (3, 2), ((2, 3), (1, 2))])
def test_pools_and_gradients_agree_with_torch(backend, size, stride):
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    rng = np.random.default_rng(2)
    x = rng.integers(-3, 4, (2, 3, 8, 7)).astype(np.float32)  # ties: first maximum wins in both
    xt = torch.from_numpy(x).requires_grad_(True)
    ref_y = F.max_pool2d(xt, size, stride)
    dy = rng.standard_normal(tuple(ref_y.shape)).astype(np.float32)
    ref_y.backward(torch.from_numpy(dy))
    np.testing.assert_array_equal(engine.max_pool2d(x, size, stride, backend=backend),
                                  ref_y.detach().numpy())
    np.testing.assert_allclose(engine.max_pool2d_backward(x, dy, size, stride, backend=backend),
                               xt.grad.numpy(), rtol=1e-6, atol=1e-6)
    avg = F.avg_pool2d(torch.from_numpy(x), size, stride).numpy()
    np.testing.assert_allclose(engine.avg_pool2d(x, size, stride, backend=backend), avg,
                               rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("backend", BACKENDS)
def test_conv2d_gradients_agree_with_torch(backend):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(3)
    x = rng.standard_normal((2, 2, 7, 7)).astype(np.float32)
    w = rng.standard_normal((3, 2, 3, 3)).astype(np.float32)
    xt, wt = (torch.from_numpy(a).requires_grad_(True) for a in (x, w))
    y = torch.nn.functional.conv2d(xt, wt, stride=2, padding=1)
    dy = rng.standard_normal(tuple(y.shape)).astype(np.float32)
    y.backward(torch.from_numpy(dy))
    dx, dw, _ = engine.conv2d_backward(x, w, dy, stride=2, padding=1, backend=backend)
    np.testing.assert_allclose(dx, xt.grad.numpy(), rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(dw, wt.grad.numpy(), rtol=1e-4, atol=1e-4)


def test_registries_list_what_the_engine_computes_with_display_names():
    from playground.engine.registry import ACTIVATIONS, POOLS

    assert ACTIVATIONS.keys() == ("relu", "none") and POOLS.keys() == ("max", "avg", "none")
    assert POOLS.label("avg") == "average pooling" and "max" in POOLS
    img, w = np.ones((6, 6), np.float32), np.ones((1, 1, 3, 3), np.float32)
    for act in ACTIVATIONS:
        for pool in POOLS:  # every registered choice is one the engine accepts
            engine.feature_maps(img, w, activation=act, pool=pool, backend="reference")
    with pytest.raises(ValueError, match="pool must be one of"):
        POOLS.check("median")
