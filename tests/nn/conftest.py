"""Shared fixtures for the nn tests: a fast backend when it works, small digit sets."""

from __future__ import annotations

import functools

import numpy as np
import pytest


@functools.cache
def fast_backend() -> str:
    """``cpu`` when it runs a tiny conv and its gradient correctly, else ``reference``."""
    try:
        from playground.engine import dispatch

        be = dispatch.get_backend("cpu")
        x = np.arange(16, dtype=np.float32).reshape(1, 1, 4, 4)
        w = np.ones((1, 1, 2, 2), np.float32)
        y = be.to_host(be.conv2d(be.to_device(x), be.to_device(w), None, (1, 1), (0, 0, 0, 0)))
        dx, _, db = (be.to_host(a) for a in be.conv2d_backward(
            be.to_device(x), be.to_device(w), be.to_device(np.ones_like(y)), (1, 1), (0,) * 4))
        ok = np.allclose(y[0, 0, 0, 0], 10.0) and np.allclose(db, 9.0) and dx.shape == x.shape
    except Exception:
        return "reference"
    return "cpu" if ok else "reference"


@pytest.fixture(scope="session")
def backend() -> str:
    return fast_backend()


@pytest.fixture(scope="session")
def digits():
    """The bundled digits (5,000) as plain arrays."""
    from playground.data import load_bundled

    return load_bundled()


@pytest.fixture(scope="session")
def small_digits(digits):
    """A stratified 300-image subset: 30 per class."""
    rng = np.random.default_rng(0)
    idx = np.concatenate([rng.choice(np.flatnonzero(digits.labels == c), 30, replace=False)
                          for c in range(10)])
    return digits.subset(rng.permutation(idx))
