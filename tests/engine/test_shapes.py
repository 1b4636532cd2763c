"""The output-size formulas the UI displays, including the lecture's exercises."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from playground.engine import shapes


@pytest.mark.parametrize(
    ("n_h", "n_w", "f_h", "f_w", "expected"),
    [(3, 3, 2, 2, (2, 2)), (4, 4, 2, 2, (3, 3)), (4, 4, 3, 3, (2, 2)), (4, 3, 2, 2, (3, 2))],
)
def test_lecture_valid_sizes(n_h, n_w, f_h, f_w, expected):
    assert (shapes.output_size(n_h, f_h), shapes.output_size(n_w, f_w)) == expected


def test_same_padding_keeps_size():
    for f in range(1, 12):
        before, after = shapes.same_padding(f)
        assert shapes.output_size(28, f, (before, after), 1) == 28


def test_pooled_size_uses_the_right_formula():
    # (H - K)/s + 1, not the lecture's misprinted (H - K)/(s + 1)
    assert shapes.pool_output_size(28, 2, 2) == 14
    assert shapes.pool_output_size(3, 2, 1) == 2
    assert shapes.pool_output_size(10, 3, 2) == 4


def test_lecture_cost_example():
    # 10 filters 5x5x3 on 32x32 same: 750 weights + 10 biases, 768,000 multiply-adds
    assert shapes.conv_params(10, 3, 5, 5) == 760
    assert shapes.conv_macs(10, 3, 5, 5, 32, 32) == 768_000
    assert shapes.dense_params(28 * 28 * 3, 1, bias=False) == 2352


def test_kernel_larger_than_padded_input_is_named():
    with pytest.raises(ValueError, match="larger than the padded input"):
        shapes.conv2d_output_hw((4, 4), (7, 7), (1, 1), (1, 1, 1, 1))


def test_bad_stride_and_padding():
    with pytest.raises(ValueError, match="stride"):
        shapes.resolve_stride(0)
    with pytest.raises(ValueError, match="padding"):
        shapes.resolve_padding(-1, (3, 3))
    with pytest.raises(ValueError, match="padding"):
        shapes.resolve_padding("full", (3, 3))


@given(st.integers(1, 64), st.integers(1, 11), st.integers(0, 5), st.integers(1, 5))
def test_output_size_counts_window_positions(n, f, p, s):
    positions = [i for i in range(0, n + 2 * p - f + 1) if i % s == 0]
    assert shapes.output_size(n, f, p, s) == len(positions)
    if positions:
        assert shapes.dropped(n, f, p, s) == (n + 2 * p - f) - positions[-1]


# ---------------------------------------------------------------- ConvGeometry


def test_geometry_normalises_and_validates():
    from playground.engine.shapes import ConvGeometry

    g = ConvGeometry(2, 1)
    assert (g.stride, g.padding, g.dilation) == ((2, 2), (1, 1, 1, 1), (1, 1))
    assert ConvGeometry((1, 2), (0, 1), 3).padding == (0, 0, 1, 1)
    for bad in ({"stride": 0}, {"stride": (1, -1)}, {"padding": -1}, {"dilation": 0},
                {"padding": "same"}, {"stride": True}):
        with pytest.raises(ValueError):
            ConvGeometry(**bad)
    with pytest.raises(AttributeError):
        g.stride = (1, 1)  # frozen


@pytest.mark.parametrize(("n", "f", "p", "s", "d"), [
    (28, 5, 2, 1, 1), (28, 5, 0, 1, 1), (7, 3, 1, 2, 1), (10, 3, 0, 1, 2), (11, 3, 2, 2, 3),
    (5, 2, 0, 3, 2), (9, 4, 1, 1, 2),
])
def test_geometry_output_size_is_pytorchs_formula(n, f, p, s, d):
    from playground.engine.shapes import ConvGeometry

    want = (n + 2 * p - d * (f - 1) - 1) // s + 1
    assert ConvGeometry(s, p, d).output_hw((n, n), (f, f)) == (want, want)
    assert shapes.output_size(n, f, p, s, d) == want


def test_geometry_refuses_a_kernel_that_does_not_fit_its_dilated_extent():
    from playground.engine.shapes import ConvGeometry

    assert ConvGeometry(1, 0).output_hw((5, 5), (3, 3)) == (3, 3)
    with pytest.raises(ValueError, match=r"dilated to 7x7"):
        ConvGeometry(1, 0, 3).output_hw((5, 5), (3, 3))


def test_same_padding_accounts_for_dilation():
    from playground.engine.shapes import ConvGeometry

    g = ConvGeometry.resolve((3, 3), 1, "same", 2)
    assert g.padding == (2, 2, 2, 2)
    assert g.output_hw((9, 9), (3, 3)) == (9, 9)
