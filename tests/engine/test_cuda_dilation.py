"""The CUDA kernels with dilation against the reference, under Numba's simulator or on a GPU.

Small shapes only (the simulator runs each thread in Python); blocks are patched to 4 threads so
every launch spans several blocks. Skipped, with the reason, where no CUDA device can run them.
"""

from __future__ import annotations

import importlib

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from playground.engine import config
from playground.engine import reference as ref
from playground.engine.shapes import ConvGeometry
from tests.engine.test_cuda import close, cuda_only, rand

pytestmark = [
    pytest.mark.filterwarnings("ignore:.*GPU under-utilization:Warning"),
    pytest.mark.filterwarnings("ignore:.*Host array used in CUDA kernel:Warning"),
]


@pytest.fixture
def cu(monkeypatch):
    """The cuda backend module, with 4-thread blocks so every launch spans several."""
    monkeypatch.setattr(config, "CUDA_THREADS_1D", 4)
    return importlib.import_module("playground.engine.cuda")


def _check(be, x, w, b, geom):
    """Forward, all three gradients and the ``need_dx=False`` path of ``be`` against reference."""
    want = ref.conv2d(x, w, b, geom)
    close(be.conv2d(x, w, b, geom), want)
    dy = rand(np.random.default_rng(x.size), *want.shape)
    got = be.conv2d_backward(x, w, dy, geom)
    for g, r in zip(got, ref.conv2d_backward(x, w, dy, geom), strict=True):
        close(g, r, 1e-4)
    no_dx = be.conv2d_backward(x, w, dy, geom, need_dx=False)
    assert no_dx[0] is None
    close(no_dx[1], be.to_host(got[1]), 1e-6)


@pytest.mark.parametrize(("xs", "ws", "stride", "pads", "dilation"), [
    ((1, 1, 7, 7), (1, 1, 3, 3), (1, 1), (0, 0, 0, 0), (2, 2)),
    ((2, 2, 8, 7), (2, 2, 2, 3), (2, 1), (1, 0, 1, 2), (2, 3)),
    ((1, 2, 9, 6), (3, 2, 3, 2), (1, 2), (4, 4, 1, 1), (4, 1)),  # "same" rows for d=4, f=3
    ((1, 1, 6, 9), (1, 1, 2, 2), (3, 2), (0, 1, 0, 0), (1, 4)),  # stride and dilation both > 1
])
@cuda_only
def test_dilated_conv_forward_and_backward(cu, xs, ws, stride, pads, dilation):
    rng = np.random.default_rng(sum(xs) + sum(dilation))
    x, w, b = rand(rng, *xs), rand(rng, *ws), rand(rng, ws[0])
    _check(cu, x, w, b, ConvGeometry(stride, pads, dilation))


@cuda_only
@settings(max_examples=5, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(fh=st.integers(1, 3), fw=st.integers(1, 3), dh=st.integers(1, 4), dw=st.integers(1, 4),
       sh=st.integers(1, 3), sw=st.integers(1, 3), pad=st.integers(0, 2))
def test_dilated_conv_random_geometries(cu, fh, fw, dh, dw, sh, sw, pad):
    h, w = dh * (fh - 1) + 2, dw * (fw - 1) + 3
    rng = np.random.default_rng(fh * 100 + dh * 10 + dw)
    x, wt = rand(rng, 1, 2, h, w), rand(rng, 2, 2, fh, fw)
    _check(cu, x, wt, None, ConvGeometry((sh, sw), pad, (dh, dw)))
