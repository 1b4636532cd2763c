"""Numbers, cell formulas and cell windows as every view prints them; the modules need no Qt."""

from __future__ import annotations

import subprocess
import sys

import numpy as np

from playground.ui.common.formatting import cell_formula_text, fmt
from playground.ui.common.geometry import padded_window, receptive_field


def test_cell_formula_helper_matches_the_lecture():
    text = cell_formula_text(np.array([1, 2]), np.array([1, 2]), 0.0, 0, 0)
    assert text == "c1,1 = (1)(1) + (2)(2) + 0\xa0b = 5"
    assert fmt(2.0) == "2" and fmt(-0.1234) == "-0.123" and fmt(-0.0001) == "0"


def test_big_windows_are_summarised():
    a, w = np.ones(25), np.zeros(25)
    w[0] = 2.0
    text = cell_formula_text(a, w, 1.0, 2, 3)
    assert text.startswith("c3,4 = Σ a·w + b") and "25 products, 24 with a zero factor" in text
    assert text.endswith("= 2 + 1 = 3")


def test_padded_window_reads_zeros_in_the_padding():
    image = np.arange(16, dtype=np.float32).reshape(4, 4)
    patch = padded_window(image, (1, 1, 1, 1), (3, 3), (1, 1), 0, 0)
    assert patch.shape == (1, 3, 3)
    np.testing.assert_array_equal(patch[0], [[0, 0, 0], [0, 0, 1], [0, 4, 5]])
    assert receptive_field((1, 1, 1, 1), (3, 3), (2, 1), 1, 2) == (1, 1, 3, 3)


def test_formatting_and_geometry_import_no_qt():
    code = ("import sys, playground.ui.common.formatting, playground.ui.common.geometry;"
            "print(any(m.startswith(('PySide6', 'pyqtgraph', 'shiboken6')) for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
