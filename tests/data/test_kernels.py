"""Kernel presets (the lecture's worked examples are tested in tests/lessons)."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.lib.stride_tricks import sliding_window_view

from playground.data import PRESETS, describe, preset
from playground.data.kernels import TITLES

EXPECTED = ["identity", "box_blur", "gaussian_3x3", "gaussian_5x5", "sharpen", "sobel_x",
            "sobel_y", "prewitt_x", "prewitt_y", "laplacian", "emboss", "edge_horizontal",
            "edge_vertical", "edge_diagonal_45", "edge_diagonal_135", "prong"]


def _correlate(image, kernel):
    windows = sliding_window_view(image, kernel.shape)
    return np.einsum("ijkl,kl->ij", windows, kernel)


def test_all_presets_exist_as_float32_and_are_described():
    assert sorted(PRESETS) == sorted(EXPECTED)
    for name, k in PRESETS.items():
        assert k.dtype == np.float32 and k.ndim == 2 and k.shape[0] == k.shape[1]
        assert k.shape[0] in (3, 5)
        line = describe(name)
        assert line and "\n" not in line
        assert name in TITLES


def test_prong_is_the_lecture_filter():
    assert preset("prong").tolist() == [[0, 0, -1, 0, 0], [0, -1, -2, -1, 0],
                                        [-1, -2, 16, -2, -1], [0, -1, -2, -1, 0],
                                        [0, 0, -1, 0, 0]]
    assert "prong" in describe("prong") and "three" in describe("prong")


def test_preset_returns_an_editable_copy():
    k = preset("sobel_x")
    k[0, 0] = 99
    assert PRESETS["sobel_x"][0, 0] == -1
    with pytest.raises(ValueError):
        PRESETS["sobel_x"][0, 0] = 99


def test_unknown_names():
    with pytest.raises(KeyError, match="sobel_x"):
        preset("nope")
    with pytest.raises(KeyError):
        describe("nope")


@pytest.mark.parametrize("name", ["box_blur", "gaussian_3x3", "gaussian_5x5", "identity",
                                  "sharpen"])
def test_brightness_keeping_kernels_sum_to_one(name):
    assert PRESETS[name].sum() == pytest.approx(1.0)


@pytest.mark.parametrize("name", ["sobel_x", "sobel_y", "prewitt_x", "prewitt_y", "laplacian",
                                  "edge_horizontal", "edge_vertical", "edge_diagonal_45",
                                  "edge_diagonal_135", "prong"])
def test_edge_kernels_ignore_flat_areas(name):
    assert PRESETS[name].sum() == pytest.approx(0.0)


def test_oriented_edges_prefer_their_orientation():
    image = np.zeros((20, 20), np.float32)
    image[8:12, :] = 1.0  # a horizontal bar
    h = _correlate(image, PRESETS["edge_horizontal"])
    v = _correlate(image, PRESETS["edge_vertical"])
    assert h.max() > 5 * max(abs(v).max(), 1e-6)
    assert np.argmax(h.max(axis=1)) + 2 < 10  # fires at the bar's top edge (dark above)
    slash = np.fliplr(np.eye(20, dtype=np.float32))  # '/'
    slash = np.clip(slash + np.roll(slash, 1, axis=1), 0, 1)
    d45 = _correlate(slash, PRESETS["edge_diagonal_45"])
    d135 = _correlate(slash, PRESETS["edge_diagonal_135"])
    assert d45.max() > 2 * d135.max()
