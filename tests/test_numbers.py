"""Typed numbers must fit float32: nothing the user types is stored as infinity."""

from __future__ import annotations

import numpy as np
import pytest

from playground.numbers import FLOAT32_MAX, check_float32, parse_number


@pytest.mark.parametrize("text", ["1e39", "3.5e38", "-3.5e38", "1e38/1e-38", "inf", "-inf",
                                  "nan", "1/0", "", "   ", "9" * 400, "1e999", "abc", "1/2/3"])
def test_refused(text):
    with pytest.raises(ValueError):
        parse_number(text)


@pytest.mark.parametrize(("text", "value"), [("3e38", 3e38), ("-1e-46", -1e-46), ("1/9", 1 / 9),
                                             ("−2", -2.0), (" 0.5 ", 0.5)])
def test_accepted_and_fits_float32(text, value):
    got = parse_number(text)
    assert got == pytest.approx(value)
    with np.errstate(over="raise"):
        assert np.isfinite(np.float32(got))


def test_message_names_the_limit():
    with pytest.raises(ValueError, match="float32"):
        parse_number("1e39")
    with pytest.raises(ValueError, match="float32"):
        check_float32(FLOAT32_MAX * 1.0001, "the bias")
    assert check_float32(FLOAT32_MAX) == FLOAT32_MAX
