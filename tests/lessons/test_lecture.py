"""The lecture's worked examples, kernel set and demo scene: one Qt-free place, right numbers."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from numpy.lib.stride_tricks import sliding_window_view

from playground import engine
from playground.data import PRESETS
from playground.lessons import lecture


def test_lecture_kernels():
    k = lecture.lecture_kernels()
    assert k.shape == (6, 1, 5, 5) and k.dtype == np.float32
    assert np.array_equal(k[0, 0], lecture.PRONG) and lecture.PRONG is PRESETS["prong"]
    assert len({kk.tobytes() for kk in k}) == 6
    assert lecture.lecture_kernels(10).shape == (10, 1, 5, 5)
    assert lecture.lecture_kernels(1).shape == (1, 1, 5, 5)
    for bad in (0, 11, 2.5, True):
        with pytest.raises(ValueError):
            lecture.lecture_kernels(bad)


def test_lecture_numbers():
    assert np.correlate(lecture.VECTOR, lecture.KERNEL_1D, "valid").tolist() == \
        lecture.CONV_1D.tolist() == [5, 8, 11, 14, 17]
    assert lecture.MATRIX_A.tolist() == [[1, 2, 3], [4, 5, 6], [7, 8, 9]]
    pooled = sliding_window_view(lecture.MATRIX_A, (2, 2)).max(axis=(2, 3))
    assert np.array_equal(pooled, lecture.MAXPOOL_A)
    for a in (lecture.VECTOR, lecture.KERNEL_1D, lecture.MATRIX_A, lecture.MATRIX_W):
        assert a.dtype == np.float32 and not a.flags.writeable


def test_examples_compute_what_the_slides_say():
    a = lecture.MATRIX_A_EXAMPLE
    c = engine.conv2d(a.image, a.kernels, a.bias(), padding="valid", backend="reference")
    assert c.tolist() == [[12.0, 16.0], [24.0, 28.0]]
    v = lecture.VECTOR_EXAMPLE
    y = engine.conv2d(v.image, v.kernels, padding="valid", backend="reference")
    assert y.ravel().tolist() == lecture.CONV_1D.tolist()
    assert a.settings["activation"] == "none" and a.settings["pool"] == "none"


def test_demo_scene_and_cost_examples():
    demo = lecture.DEMO
    assert (demo.label, demo.kernels, demo.settings["padding_mode"]) == (3, 6, "same")
    assert set(lecture.COST_EXAMPLES) == {"unit_vs_filter", "ten_filters"}
    ten = lecture.COST_EXAMPLES["ten_filters"]
    assert ten.k * ten.c * ten.f * ten.f == 750  # "10 x 3 x 5 x 5 = 750 weights"


def test_lessons_load_without_qt():
    code = ("import sys; import playground.lessons.lecture; "
            "print('PySide6' in sys.modules, 'pyqtgraph' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.split() == ["False", "False"]
