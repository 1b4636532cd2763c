"""Layer gradients against central finite differences, through the reference backend."""

from __future__ import annotations

import numpy as np
import pytest

from playground.engine.dispatch import get_backend
from playground.nn import AvgPool2d, Conv2d, Flatten, Linear, MaxPool2d, Model, ReLU
from playground.nn.init import initialize
from playground.nn.layers import Dropout, Sigmoid, Tanh, layer_from_spec
from playground.nn.losses import cross_entropy
from tests.engine.helpers import numeric_grad

REF = get_backend("reference")




def check_layer(layer, x: np.ndarray, seed: int = 0, rtol: float = 2e-2) -> None:
    """d(sum(r * layer(x)))/d(x and params) against finite differences."""
    layer.bind(REF)
    if layer.params():
        rng = np.random.default_rng(seed)
        layer.set_weights(rng.normal(size=layer.weight.shape),
                          rng.normal(size=layer.bias.shape))
    y = layer.forward(x, train=True)
    r = np.random.default_rng(seed + 1).normal(size=y.shape).astype(np.float32)
    dx = layer.backward(r)

    def f() -> float:
        return float(np.sum(layer.forward(x).astype(np.float64) * r))

    np.testing.assert_allclose(dx, numeric_grad(f, x), rtol=rtol, atol=2e-3)
    for p in layer.params():
        np.testing.assert_allclose(p.grad, numeric_grad(f, p.data), rtol=rtol, atol=2e-3)


def spread(shape, seed=0) -> np.ndarray:
    """Distinct values at least 0.05 apart (no ties or kinks within a finite-difference step)."""
    n = int(np.prod(shape))
    vals = (np.random.default_rng(seed).permutation(n) - n / 2 + 0.5) * 0.05
    return vals.reshape(shape).astype(np.float32)


@pytest.mark.parametrize(("stride", "padding"), [(1, 0), (1, "same"), (2, 1), ((1, 2), (0, 1))])
def test_conv2d_gradients(stride, padding):
    x = np.random.default_rng(3).normal(size=(2, 2, 5, 6)).astype(np.float32)
    check_layer(Conv2d(2, 3, 3, stride=stride, padding=padding), x)


def test_linear_gradients():
    x = np.random.default_rng(4).normal(size=(3, 5)).astype(np.float32)
    check_layer(Linear(5, 4), x)


def test_relu_gradient():
    check_layer(ReLU(), spread((2, 3, 4)))


@pytest.mark.parametrize(("size", "stride"), [(2, None), (3, 2), ((2, 3), (1, 2))])
def test_maxpool_gradient(size, stride):
    check_layer(MaxPool2d(size, stride), spread((2, 2, 6, 7)))


@pytest.mark.parametrize(("size", "stride"), [(2, None), (3, 2)])
def test_avgpool_gradient(size, stride):
    check_layer(AvgPool2d(size, stride), spread((2, 2, 6, 7)))


def test_flatten_round_trip():
    layer = Flatten()
    layer.bind(REF)
    x = spread((2, 3, 4, 5))
    y = layer.forward(x, train=True)
    assert y.shape == (2, 60)
    np.testing.assert_array_equal(y[1], x[1].ravel())
    assert layer.backward(y).shape == x.shape
    check_layer(Flatten(), x)


def test_whole_model_gradient_through_loss():
    layers = [Conv2d(1, 2, 3, padding=1), ReLU(), MaxPool2d(2), Conv2d(2, 3, 3), ReLU(),
              AvgPool2d(2), Flatten(), Linear(3, 4), ReLU(), Linear(4, 3)]
    model = Model(layers, "tiny", backend="reference", input_shape=(1, 8, 8))
    initialize(model.layers, 5)
    x = np.random.default_rng(6).random((3, 1, 8, 8)).astype(np.float32)
    labels = np.array([0, 2, 1])
    _, dlogits = cross_entropy(REF, model.forward(x, train=True), labels)
    model.backward(dlogits)

    def f() -> float:
        return cross_entropy(REF, model.forward(x), labels)[0]

    for p in (model.layers[0].weight, model.layers[3].bias, model.layers[9].weight):
        np.testing.assert_allclose(p.grad, numeric_grad(f, p.data, 1e-3), rtol=5e-2, atol=1e-3)


def test_backward_frees_the_cache():
    layer = Conv2d(1, 2, 3)
    layer.bind(REF)
    x = np.ones((1, 1, 4, 4), np.float32)
    layer.forward(x)
    assert layer._x is None  # inference keeps nothing
    y = layer.forward(x, train=True)
    layer.backward(np.ones_like(y))
    assert layer._x is None


def test_specs_round_trip_and_reject_unknown():
    for layer in (Conv2d(1, 6, 5, padding="same"), Conv2d(2, 3, (3, 5), stride=2, padding=(1, 2)),
                  MaxPool2d(3, 2), AvgPool2d(2), Flatten(), ReLU(), Linear(4, 2), Tanh(),
                  Sigmoid(), Dropout(0.25)):
        again = layer_from_spec(layer.spec())
        assert again.spec() == layer.spec()
        assert repr(again) == repr(layer)
    with pytest.raises(ValueError, match="unknown layer"):
        layer_from_spec({"kind": "batchnorm"})
    with pytest.raises(ValueError, match="bad layer spec"):
        layer_from_spec({"kind": "linear", "width": 3})


def test_set_weights_checks_shape_and_copies():
    layer = Linear(3, 2)
    layer.bind(REF)
    w = np.ones((2, 3), np.float32)
    layer.set_weights(w)
    w[0, 0] = 5
    assert layer.get_weights()["weight"][0, 0] == 1
    with pytest.raises(ValueError, match="shape"):
        layer.set_weights(np.ones((3, 2)))
    with pytest.raises(ValueError, match="finite"):
        layer.set_weights(np.full((2, 3), np.nan))


@pytest.mark.parametrize("cls", [Tanh, Sigmoid])
def test_tanh_and_sigmoid_gradients(cls):
    check_layer(cls(), np.random.default_rng(5).normal(size=(2, 3, 4)).astype(np.float32) * 2)


def test_sigmoid_saturates_without_overflow():
    layer = Sigmoid()
    layer.bind(REF)
    y = layer.forward(np.array([[-1e4, 0.0, 1e4]], np.float32))
    np.testing.assert_allclose(y, [[0.0, 0.5, 1.0]], atol=1e-7)


def test_dropout_gradient_uses_the_same_mask():
    layer = Dropout(0.4)
    layer.bind(REF)
    x = spread((4, 50))
    y = layer.forward(x, train=True)
    kept = y != 0
    assert 0.45 < kept.mean() < 0.75
    np.testing.assert_allclose(y[kept], x[kept] / 0.6, rtol=1e-6)
    dx = layer.backward(np.ones_like(x))
    np.testing.assert_allclose(dx, kept / np.float32(0.6), rtol=1e-6)


def test_dropout_is_the_identity_at_test_time():
    layer = Dropout(0.5)
    layer.bind(REF)
    x = spread((3, 7))
    assert layer.forward(x) is x
    with pytest.raises(ValueError, match="dropout p"):
        Dropout(1.0)
    assert layer_from_spec(layer.spec()).p == 0.5
