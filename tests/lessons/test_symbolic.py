"""The symbolic ``c_ij = a·w + …`` text against the lecture and the engine's naive reference."""

from __future__ import annotations

import re
import time

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from playground.engine import reference
from playground.engine.shapes import ConvGeometry
from playground.lessons.symbolic import MAX_TERMS, cell_formula, compact

A = np.arange(1, 10, dtype=np.float32).reshape(3, 3)
W = np.ones((1, 1, 2, 2), np.float32)
ZERO = np.zeros(1, np.float32)


def test_the_lecture_example_symbol_by_symbol():
    c11 = cell_formula(A, W, ZERO, 0, 0, 0)
    assert c11.symbols() == "c_11 = a_11·w_11 + a_12·w_12 + a_21·w_21 + a_22·w_22"
    assert c11.numbers() == "c_11 = 1·1 + 2·1 + 4·1 + 5·1 = 12"
    want = {(0, 1): ("c_12 = a_12·w_11 + a_13·w_12 + a_22·w_21 + a_23·w_22", 16),
            (1, 0): ("c_21 = a_21·w_11 + a_22·w_12 + a_31·w_21 + a_32·w_22", 24),
            (1, 1): ("c_22 = a_22·w_11 + a_23·w_12 + a_32·w_21 + a_33·w_22", 28)}
    for (i, j), (symbols, value) in want.items():
        f = cell_formula(A, W, ZERO, 0, i, j)
        assert f.symbols() == symbols
        assert f.numbers().endswith(f"= {value}")


def test_padding_is_written_as_zero_and_the_result_can_be_hidden():
    f = cell_formula(A, np.ones((1, 1, 3, 3), np.float32), ZERO, 0, 0, 0, pads=(1, 1, 1, 1))
    assert f.symbols().startswith("c_11 = 0·w_11 + 0·w_12 + 0·w_13 + 0·w_21 + a_11·w_22")
    assert f.numbers() == "c_11 = 0·1 + 0·1 + 0·1 + 0·1 + 1·1 + 2·1 + 0·1 + 4·1 + 5·1 = 12"
    assert f.numbers(hidden=True).endswith("= ?")
    assert "12" not in f.numbers(rich=True, hidden=True).split("=")[-1]
    assert f.window == (0, 0, 3, 3)


def test_stride_dilation_bias_and_negative_numbers():
    x = np.arange(1, 26, dtype=np.float32).reshape(5, 5)
    w = -np.ones((1, 1, 2, 2), np.float32)
    f = cell_formula(x, w, np.array([0.5], np.float32), 0, 1, 1, stride=(2, 2), dilation=(2, 2))
    # row (2-1)*2 + 1 = 3, taps two apart: rows 3 and 5, columns 3 and 5
    assert f.symbols() == "c_22 = a_33·w_11 + a_35·w_12 + a_53·w_21 + a_55·w_22 + b"
    assert f.numbers() == "c_22 = 13·(-1) + 15·(-1) + 23·(-1) + 25·(-1) + 0.5 = -75.5"


def test_rgb_symbols_carry_their_channel_and_two_digit_indices_a_comma():
    x = np.ones((3, 12, 12), np.float32)
    f = cell_formula(x, np.ones((1, 3, 1, 1), np.float32), ZERO, 0, 10, 1)
    assert f.symbols() == "c_11,2 = a¹_11,2·w¹_11 + a²_11,2·w²_11 + a³_11,2·w³_11"
    assert f.value == 3


def test_compact_numbers():
    assert [compact(v) for v in (12, -0.0, 0.98828125, 12.345, 1234.6, -2.5, 1e-5, 3e6)] == [
        "12", "0", "0.988", "12.3", "1235", "-2.5", "1e-05", "3e+06"]


def test_a_big_input_costs_one_window():
    rng = np.random.default_rng(0)
    x = rng.random((28, 28)).astype(np.float32)
    w = rng.normal(size=(6, 1, 5, 5)).astype(np.float32)
    t0 = time.perf_counter()
    f = cell_formula(x, w, np.zeros(6, np.float32), 3, 27, 27, pads=(2, 2, 2, 2))
    assert time.perf_counter() - t0 < 0.05
    assert len(f.terms) == 25 and f.symbols().count("·") == 25
    big = cell_formula(np.ones((3, 40, 40), np.float32), np.ones((1, 3, 11, 11), np.float32),
                       ZERO, 0, 0, 0)
    assert len(big.terms) == 363 and big.value == 363
    assert "more) …" in big.symbols() and big.symbols().count("·") < MAX_TERMS


@settings(max_examples=60, deadline=None)
@given(h=st.integers(1, 7), w=st.integers(1, 7), c=st.sampled_from([1, 3]),
       fh=st.integers(1, 3), fw=st.integers(1, 3), s=st.integers(1, 3), d=st.integers(1, 2),
       p=st.tuples(*[st.integers(0, 2)] * 4), seed=st.integers(0, 2**16), data=st.data())
def test_every_cell_matches_the_naive_reference(h, w, c, fh, fw, s, d, p, seed, data):
    geometry = ConvGeometry((s, s), p, (d, d))
    try:
        ho, wo = geometry.output_hw((h, w), (fh, fw))
    except ValueError:  # the window does not fit: no cell to write
        assume(False)
    rng = np.random.default_rng(seed)
    x = rng.integers(-3, 4, (c, h, w)).astype(np.float32)
    k = rng.integers(-3, 4, (2, c, fh, fw)).astype(np.float32)
    b = rng.integers(-2, 3, 2).astype(np.float32)
    want = reference.conv2d(x[None], k, b, geometry)[0]
    kk = data.draw(st.integers(0, 1))
    i, j = data.draw(st.integers(0, ho - 1)), data.draw(st.integers(0, wo - 1))
    f = cell_formula(x, k, b, kk, i, j, p, (s, s), (d, d))
    assert f.total == pytest.approx(float(want[kk, i, j]))
    assert len(f.terms) == c * fh * fw
    # the numbers line is the symbols line with every symbol replaced by its value
    products = f.numbers().split(" = ")[1].split(" + ")
    assert len(products) == len(f.terms) + (b[kk] != 0)
    for term, text in zip(f.terms, products, strict=False):
        a_text, w_text = (t.strip("()") for t in text.split("·"))
        assert float(a_text) == term.a and float(w_text) == term.w
        if term.padded:
            assert term.a == 0
        else:
            assert x[term.channel, term.row - 1, term.col - 1] == term.a
    # every input symbol names a cell inside the input (sides < 10: one digit per index)
    cells = re.findall(r"a[¹²³]?_(\d)(\d)·", f.symbols())
    assert len(cells) == sum(not t.padded for t in f.terms)
    assert all(1 <= int(r) <= h and 1 <= int(col) <= w for r, col in cells)
