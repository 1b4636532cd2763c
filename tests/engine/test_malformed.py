"""Malformed calls found by the fuzz review: each is refused with a ValueError or answered right.

Oversized ``dy`` used to segfault the cpu backend and a short one returned heap garbage, so the
cpu cases run through the public wrapper only after it checks the shapes.
"""

from __future__ import annotations

import numpy as np
import pytest

from playground import engine
from playground.engine.validate import MAX_ELEMENTS

BACKENDS = ["reference", "cpu"]
f32 = np.float32


@pytest.fixture(params=BACKENDS)
def backend(request):
    return request.param


@pytest.mark.parametrize("op", [engine.max_pool2d_backward, engine.avg_pool2d_backward])
@pytest.mark.parametrize("dy_shape", [(1, 1, 50, 50), (1, 1, 1, 1), (1, 2, 2, 2), (2, 1, 2, 2),
                                      (4,), (2, 2, 1)])
def test_pool_backward_checks_dy_shape(backend, op, dy_shape):
    x = np.arange(16, dtype=f32).reshape(1, 1, 4, 4)
    with pytest.raises(ValueError, match=r"dy must have the output's shape \(1, 1, 2, 2\)"):
        op(x, np.ones(dy_shape, f32), 2, backend=backend)


@pytest.mark.parametrize("op", [engine.max_pool2d_backward, engine.avg_pool2d_backward])
def test_pool_backward_keeps_the_inputs_dimensions(backend, op):
    x = np.arange(16, dtype=f32).reshape(4, 4)
    dx = op(x, np.ones((2, 2), f32), 2, backend=backend)
    assert dx.shape == (4, 4)
    assert op(x[None], np.ones((1, 2, 2), f32), 2, backend=backend).shape == (1, 4, 4)


@pytest.mark.parametrize("dy_shape", [(3,), (1, 1, 4, 5), (16,), (1, 1, 2, 8)])
def test_relu_backward_checks_dy_shape(backend, dy_shape):
    x = np.ones((1, 1, 4, 4), f32)
    with pytest.raises(ValueError, match=r"dy must have the output's shape \(1, 1, 4, 4\)"):
        engine.relu_backward(x, np.ones(dy_shape, f32), backend=backend)


def test_softmax_of_no_classes_is_refused(backend):
    with pytest.raises(ValueError, match="at least one class"):
        engine.softmax(np.zeros((3, 0), f32), backend=backend)
    with pytest.raises(ValueError, match="at least one class"):
        engine.softmax_cross_entropy(np.zeros((3, 0), f32), np.zeros(3, int), backend=backend)


def test_softmax_of_no_rows_is_empty(backend):
    assert engine.softmax(np.zeros((0, 10), f32), backend=backend).shape == (0, 10)


def test_empty_batch_gives_empty_results(backend):
    x = np.zeros((0, 2, 6, 6), f32)
    w = np.ones((3, 2, 3, 3), f32)
    y = engine.conv2d(x, w, np.zeros(3), backend=backend)
    assert y.shape == (0, 3, 4, 4) and y.dtype == f32
    dx, dw, db = engine.conv2d_backward(x, w, np.zeros((0, 3, 4, 4), f32), backend=backend)
    assert dx.shape == x.shape and not dw.any() and not db.any()
    assert engine.max_pool2d(x, 2, backend=backend).shape == (0, 2, 3, 3)
    assert engine.avg_pool2d(x, 3, backend=backend).shape == (0, 2, 2, 2)
    assert engine.max_pool2d_backward(x, np.zeros((0, 2, 3, 3)), 2,
                                      backend=backend).shape == x.shape


@pytest.mark.parametrize("labels", [[0, 10], [-1, 3], [0, 26], [255, 0]])
def test_loss_labels_out_of_range(backend, labels):
    with pytest.raises(ValueError, match=r"labels must lie in \[0, 10\)"):
        engine.softmax_cross_entropy(np.zeros((2, 10), f32), np.array(labels), backend=backend)


def test_loss_labels_must_be_integers(backend):
    with pytest.raises(ValueError, match="labels must be integers"):
        engine.softmax_cross_entropy(np.zeros((2, 3), f32), np.array([0.5, 1.0]), backend=backend)


def test_outputs_over_the_limit_are_refused_before_allocating(backend):
    side = int(np.sqrt(MAX_ELEMENTS // 64)) + 2
    x = np.broadcast_to(np.zeros(1, f32), (1, 1, side, side))  # a view: nothing allocated
    w = np.ones((64, 1, 1, 1), f32)
    with pytest.raises(ValueError, match="more than the limit"):
        engine.conv2d(np.ascontiguousarray(x[:, :, :2, :2]).repeat(side // 2, 2)
                      .repeat(side // 2, 3), w, backend=backend)
    with pytest.raises(ValueError, match="more than the limit"):
        engine.linear(np.ones((1 << 14, 1), f32), np.ones((1 << 14, 1), f32), backend=backend)
