"""The lecture's examples in one Qt-free place: worked numbers, the kernel set, demo scenes.

Everything the UI offers "from the lecture" is defined here and only displayed there: the 3x3
matrix A and its 2x2 examples, the 1-D example, the hand-made "prong" filter and the six-kernel
set built around it, the screenshot/demo scene and the cost panel's two worked layers. Arrays are
float32 and read-only (copy before editing); kernels are cross-correlation (not flipped).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np

from playground.data.kernels import PRESETS
from playground.data.kernels import lecture_kernels as _lecture_kernels


def _frozen(values) -> np.ndarray:
    array = np.array(values, dtype=np.float32)
    array.flags.writeable = False
    return array


# ---------------------------------------------------------------- worked numbers

MATRIX_A = _frozen(np.arange(1, 10).reshape(3, 3))
"""The lecture's 3x3 matrix A = [[1, 2, 3], [4, 5, 6], [7, 8, 9]]."""
MATRIX_W = _frozen(np.ones((2, 2)))
"""The 2x2 weight matrix W of ones that A is convolved with (A ⊛ W = C, 2x2)."""
MAXPOOL_A = _frozen([[5, 6], [8, 9]])
"""A's 2x2, stride-1 max pooling."""
VECTOR = _frozen([1, 2, 3, 4, 5, 6])
"""The 1-D example's input: [1, 2, 3, 4, 5, 6] ⊛ [1, 2] = [5, 8, 11, 14, 17]."""
KERNEL_1D = _frozen([1, 2])
CONV_1D = _frozen([5, 8, 11, 14, 17])

PRONG = PRESETS["prong"]
"""The lecture's hand-made 5x5 filter for the left-hand prongs of the threes (a preset too)."""

lecture_kernels = _lecture_kernels
"""The lecture's first-layer kernel set (defined in :mod:`playground.data.kernels`, so that
:mod:`playground.scene` can start from it without depending on the lessons)."""


# ---------------------------------------------------------------- scenes the UI loads

_PLAIN = MappingProxyType({"padding_mode": "valid", "padding": (0, 0), "stride": (1, 1),
                           "activation": "none", "pool": "none", "pool_size": (2, 2),
                           "pool_stride": (2, 2), "dilation": 1})
"""Layer settings of the hand-worked examples: valid, stride 1, undilated, no activation or
pooling."""


@dataclass(frozen=True)
class Example:
    """An input, its kernels and layer settings, as the Playground shows a worked example."""

    title: str
    image: np.ndarray
    kernels: np.ndarray
    settings: Mapping[str, object] = field(default_factory=lambda: _PLAIN)

    def bias(self) -> np.ndarray:
        """Zero bias, one per kernel (the worked examples have none)."""
        return np.zeros(len(self.kernels), np.float32)


MATRIX_A_EXAMPLE = Example("Lecture matrix A", MATRIX_A, _frozen(MATRIX_W[None, None]))
"""3x3 A ⊛ the 2x2 W of ones, valid: the 2x2 C of the slide."""
VECTOR_EXAMPLE = Example("Lecture 1-D example", _frozen(VECTOR[None]),
                         _frozen(KERNEL_1D.reshape(1, 1, 1, -1)))
"""The 1-D example as a 1x6 image and a 1x2 kernel (valid: a 1x5 output)."""


@dataclass(frozen=True)
class DemoScene:
    """The screenshot scene: a bundled digit, the lecture's six kernels, the layer settings."""

    label: int = 3
    index: int = 0
    kernels: int = 6
    settings: Mapping[str, object] = field(default_factory=lambda: MappingProxyType({
        "padding_mode": "same", "stride": (1, 1), "activation": "relu", "pool": "max",
        "pool_size": (2, 2), "pool_stride": (2, 2), "dilation": 1}))
    stepper_step: int = 11 * 28 + 9
    """Where the step-through stands: a window on the digit's stroke, mid-animation."""


DEMO = DemoScene()


# ---------------------------------------------------------------- the cost panel's layers


@dataclass(frozen=True)
class CostExample:
    """A square layer the lecture counts by hand: K filters of C x f x f on C x n x n, 'same'."""

    title: str
    k: int
    c: int
    n: int
    f: int
    note: str


COST_EXAMPLES: Mapping[str, CostExample] = MappingProxyType({
    "unit_vs_filter": CostExample(
        "Lecture: one hidden unit vs one 5×5×3 filter on a 28×28×3 image", 1, 3, 28, 5,
        "“For a single hidden unit with a 28 × 28 × 3 image, we need 2352 weights! For a 5 × 5 × 3 "
        "filter slid over the image, we only have 75 parameters!”"),
    "ten_filters": CostExample(
        "Lecture: 10 filters 5×5×3 on a 3×32×32 image, same padding", 10, 3, 32, 5,
        "“10 × 3 × 5 × 5 = 750 weights plus 10 bias params … 75 × 1024 × 10 = 768,000 ops per "
        "layer!”"),
})
"""The lecture's worked cost examples, by key."""
