"""Backward passes of the reference and cpu backends against central finite differences.

Each check takes a random projection ``L = sum(op(inputs) * r)`` and compares its analytic
gradient with ``(L(x + e) - L(x - e)) / 2e``; the projection is summed in float64.
"""

from __future__ import annotations

import numpy as np
import pytest

from playground.engine import cpu
from playground.engine import reference as ref
from playground.engine.shapes import ConvGeometry
from tests.engine.helpers import distinct, numeric_grad, rand

BACKENDS = [pytest.param(ref, id="reference"), pytest.param(cpu, id="cpu")]




def check(analytic, numeric, tol: float = 2e-2) -> None:
    scale = max(1.0, float(np.abs(numeric).max()))
    np.testing.assert_allclose(analytic, numeric, rtol=tol, atol=tol * scale)


def project(y, r) -> float:
    return float(np.sum(np.asarray(y, np.float64) * r))


@pytest.mark.parametrize("be", BACKENDS)
@pytest.mark.parametrize(("xs", "ws", "stride", "pads"), [
    ((2, 2, 5, 4), (3, 2, 3, 2), (1, 1), (1, 1, 0, 1)),
    ((1, 1, 6, 6), (2, 1, 2, 2), (2, 1), (0, 1, 0, 1)),
    ((1, 2, 7, 5), (2, 2, 3, 3), (2, 2), (1, 1, 1, 1)),
])
def test_conv2d_gradients(be, xs, ws, stride, pads):
    rng = np.random.default_rng(0)
    x, w, b = rand(rng, *xs), rand(rng, *ws), rand(rng, ws[0])
    geom = ConvGeometry(stride, pads)
    r = rng.standard_normal(be.conv2d(x, w, b, geom).shape)
    dy = r.astype(np.float32)
    dx, dw, db = be.conv2d_backward(x, w, dy, geom)

    def loss():
        return project(be.conv2d(x, w, b, geom), r)

    check(dx, numeric_grad(loss, x))
    check(dw, numeric_grad(loss, w))
    check(db, numeric_grad(loss, b))


@pytest.mark.parametrize("be", BACKENDS)
@pytest.mark.parametrize(("size", "stride"), [((2, 2), (2, 2)), ((3, 2), (1, 2)), ((2, 2), (1, 1))])
def test_pool_gradients(be, size, stride):
    rng = np.random.default_rng(1)
    x = distinct(rng, 2, 2, 5, 6)  # values 0.05 apart: a step of 0.01 never changes the argmax
    y = be.max_pool2d(x, size, stride)
    r = rng.standard_normal(y.shape)
    check(be.max_pool2d_backward(x, r.astype(np.float32), size, stride),
          numeric_grad(lambda: project(be.max_pool2d(x, size, stride), r), x))
    check(be.avg_pool2d_backward(x, r.astype(np.float32), size, stride),
          numeric_grad(lambda: project(be.avg_pool2d(x, size, stride), r), x))


@pytest.mark.parametrize("be", BACKENDS)
def test_relu_gradient(be):
    rng = np.random.default_rng(2)
    x = distinct(rng, 3, 7)
    x[np.abs(x) < 0.05] = 0.5  # keep away from the kink
    r = rng.standard_normal(x.shape)
    check(be.relu_backward(x, r.astype(np.float32)),
          numeric_grad(lambda: project(be.relu(x), r), x))


@pytest.mark.parametrize("be", BACKENDS)
def test_linear_gradients(be):
    rng = np.random.default_rng(3)
    x, w, b = rand(rng, 3, 5), rand(rng, 4, 5), rand(rng, 4)
    r = rng.standard_normal((3, 4))
    dx, dw, db = be.linear_backward(x, w, r.astype(np.float32))

    def loss():
        return project(be.linear(x, w, b), r)

    check(dx, numeric_grad(loss, x))
    check(dw, numeric_grad(loss, w))
    check(db, numeric_grad(loss, b))


@pytest.mark.parametrize("be", BACKENDS)
def test_softmax_cross_entropy_gradient(be):
    rng = np.random.default_rng(4)
    z, labels = rand(rng, 4, 5), rng.integers(0, 5, 4)
    _, grad = be.softmax_cross_entropy(z, labels)
    check(grad, numeric_grad(lambda: be.softmax_cross_entropy(z, labels)[0], z, eps=1e-3), 1e-2)


@pytest.mark.parametrize("be", BACKENDS)
def test_lenet_like_chain_gradient(be):
    """conv -> relu -> max pool -> linear -> cross-entropy: the backward passes compose."""
    rng = np.random.default_rng(5)
    x, w, b = rand(rng, 2, 1, 6, 6), rand(rng, 2, 1, 3, 3) * 0.5, rand(rng, 2)
    wl, bl = rand(rng, 3, 18), rand(rng, 3)
    labels = np.array([0, 2])
    geom = ConvGeometry(1, (1, 1, 1, 1))

    def forward():
        c = be.conv2d(x, w, b, geom)
        a = be.relu(c)
        p = be.max_pool2d(a, (2, 2), (2, 2))
        z = be.linear(p.reshape(2, 18), wl, bl)
        return c, a, p, z

    c, a, p, z = forward()
    _, dz = be.softmax_cross_entropy(z, labels)
    dp, _, _ = be.linear_backward(p.reshape(2, 18), wl, dz)
    da = be.max_pool2d_backward(a, dp.reshape(p.shape), (2, 2), (2, 2))
    _, dw, _ = be.conv2d_backward(x, w, be.relu_backward(c, da), geom)
    numeric = numeric_grad(lambda: be.softmax_cross_entropy(forward()[3], labels)[0], w, eps=1e-3)
    check(dw, numeric, 5e-2)
