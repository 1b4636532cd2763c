"""ChannelsView: an RGB filter taken apart per channel; the sum plus bias is the feature map."""

from __future__ import annotations

import numpy as np
import pytest

from playground import engine
from playground.ui.playground.channels_view import ChannelsView


@pytest.fixture
def view(qtbot, state):
    v = ChannelsView(state)
    qtbot.addWidget(v)
    v.resize(900, 600)
    v.show()
    qtbot.waitExposed(v)
    return v


def _rgb(seed=2):
    return np.random.default_rng(seed).uniform(0, 1, (3, 28, 28)).astype(np.float32)


def test_grayscale_shows_an_explanation(view):
    assert not view.is_rgb_page()
    assert "1 channel" in view.gray_label.text()
    assert view.channel_maps() is None


def test_rgb_filter_slices_channel_maps_and_sum(view, state):
    state.set_image(_rgb())
    rng = np.random.default_rng(3)
    state.set_kernel(2, rng.normal(size=(3, 5, 5)).astype(np.float32))
    state.set_bias(2, 0.75)
    state.select_kernel(2)
    state.set_settings(stride=(2, 2))
    assert view.is_rgb_page()
    maps = view.channel_maps()
    for c in range(3):
        direct = engine.conv2d(state.image[c], state.kernels[2, c], None, 2, "same")
        np.testing.assert_allclose(maps[c], direct, rtol=1e-6, atol=1e-6)
        np.testing.assert_array_equal(view.maps[c].image.image, maps[c])
        np.testing.assert_array_equal(view.slices[c].image.image, state.kernels[2, c])
        np.testing.assert_array_equal(view.inputs[c].image.image, state.image[c])
    np.testing.assert_allclose(view.sum_map(), state.result.conv[2], rtol=1e-5, atol=1e-5)
    np.testing.assert_array_equal(view.sum_tile.image.image, view.sum_map())
    assert "3 × 5 × 5" in view.summary.text()


def test_hidden_view_defers_work_until_shown(view, state):
    view.hide()
    state.set_image(_rgb(5))
    assert view.channel_maps() is None  # not computed while hidden
    view.show()
    np.testing.assert_allclose(view.sum_map(), state.result.conv[state.selected], atol=1e-5)


def test_a_narrow_view_puts_the_bias_above_the_sum_and_asks_only_for_that_width(view, state):
    """Wide: ``R + G + B + b = sum`` in one row; narrow (a 1024x768 projector at 200 %): the
    "+ b =" above the sum, the slices titled without "slice", and the view asks for no more."""
    state.set_image(_rgb())
    view.resize(1600, 600)
    assert not view._narrow and view.ops_label.isVisible()
    assert view.slices[0].title.text.startswith("slice ")
    narrow_need = view.glw.minimumWidth()
    assert narrow_need < view._wide_need  # it asks for the narrow arrangement's width
    ci = view.glw.ci
    assert ci.items[view.bias_sign] == [(5, 6)]
    view.resize(narrow_need + 8, 600)
    assert view._narrow and not view.ops_label.isVisible()
    assert ci.items[view.bias_sign] == [(2, 7), (3, 7)]
    assert not view.slices[0].title.text.startswith("slice ")
    assert view.minimumSizeHint().width() <= narrow_need + 8
    state.set_bias(0, 0.5)  # a refresh keeps the arrangement the width allows
    assert view._narrow and "0.5" in view.bias_sign.text
    view.resize(1600, 600)
    assert not view._narrow and ci.items[view.bias_sign] == [(5, 6)]
