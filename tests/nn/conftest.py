"""Shared fixtures for the nn tests: the cpu backend (no fallback), small digit sets."""

from __future__ import annotations

import numpy as np
import pytest


@pytest.fixture(scope="session")
def backend() -> str:
    """The cpu backend, which the nn tests train on: if it is broken they fail, never fall back.

    (The reference backend is checked against the same ops in ``tests/engine``; a silent fallback
    here once let a broken cpu backend pass every nn test.)
    """
    from playground.engine import dispatch

    dispatch.get_backend("cpu")  # ImportError / TypeError (protocol) surface here, loudly
    return "cpu"


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
