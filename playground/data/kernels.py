"""Kernel presets for the editor (the lecture's worked examples live in playground.lessons.lecture).

All kernels are float32 and applied as cross-correlation (not flipped), as in the lecture and in
PyTorch: a kernel responds most where the image looks like the kernel.
"""

from __future__ import annotations

import numpy as np


def _frozen(values) -> np.ndarray:
    array = np.array(values, dtype=np.float32)
    array.flags.writeable = False
    return array


_Y, _X = np.mgrid[-2:3, -2:3]
_BINOMIAL_5 = np.array([1, 4, 6, 4, 1])

#: Name -> kernel, float32, read-only (use :func:`preset` for an editable copy).
PRESETS: dict[str, np.ndarray] = {
    "identity": _frozen([[0, 0, 0], [0, 1, 0], [0, 0, 0]]),
    "box_blur": _frozen(np.ones((3, 3)) / 9),
    "gaussian_3x3": _frozen(np.array([[1, 2, 1], [2, 4, 2], [1, 2, 1]]) / 16),
    "gaussian_5x5": _frozen(np.outer(_BINOMIAL_5, _BINOMIAL_5) / 256),
    "sharpen": _frozen([[0, -1, 0], [-1, 5, -1], [0, -1, 0]]),
    "sobel_x": _frozen([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]),
    "sobel_y": _frozen([[-1, -2, -1], [0, 0, 0], [1, 2, 1]]),
    "prewitt_x": _frozen([[-1, 0, 1], [-1, 0, 1], [-1, 0, 1]]),
    "prewitt_y": _frozen([[-1, -1, -1], [0, 0, 0], [1, 1, 1]]),
    "laplacian": _frozen([[0, 1, 0], [1, -4, 1], [0, 1, 0]]),
    "emboss": _frozen([[-2, -1, 0], [-1, 1, 1], [0, 1, 2]]),
    "edge_horizontal": _frozen(_Y),
    "edge_vertical": _frozen(_X),
    "edge_diagonal_45": _frozen(np.clip(_X + _Y, -2, 2)),
    "edge_diagonal_135": _frozen(np.clip(_X - _Y, -2, 2)),
    "prong": _frozen([[0, 0, -1, 0, 0],
                      [0, -1, -2, -1, 0],
                      [-1, -2, 16, -2, -1],
                      [0, -1, -2, -1, 0],
                      [0, 0, -1, 0, 0]]),
}

#: Display names for the presets.
TITLES: dict[str, str] = {
    "identity": "Identity", "box_blur": "Box blur", "gaussian_3x3": "Gaussian 3x3",
    "gaussian_5x5": "Gaussian 5x5", "sharpen": "Sharpen", "sobel_x": "Sobel x",
    "sobel_y": "Sobel y", "prewitt_x": "Prewitt x", "prewitt_y": "Prewitt y",
    "laplacian": "Laplacian", "emboss": "Emboss", "edge_horizontal": "Horizontal edge",
    "edge_vertical": "Vertical edge", "edge_diagonal_45": "Diagonal edge 45°",
    "edge_diagonal_135": "Diagonal edge 135°", "prong": "Prong (lecture)",
}

_DESCRIPTIONS: dict[str, str] = {
    "identity": "Copies the image: the only weight is the centre, so each output pixel is "
                "its input pixel.",
    "box_blur": "Averages each 3x3 patch: neighbouring values become alike, detail is smoothed "
                "away.",
    "gaussian_3x3": "A gentle blur that weighs the centre most; the weights sum to 1, so "
                    "brightness is kept.",
    "gaussian_5x5": "A wider Gaussian blur over a 5x5 neighbourhood; small specks and thin "
                    "strokes fade.",
    "sharpen": "The centre minus its four neighbours: edges and strokes stand out more "
               "sharply.",
    "sobel_x": "Left-to-right brightness change: large where a vertical edge goes from dark to "
               "bright.",
    "sobel_y": "Top-to-bottom brightness change: large where a horizontal edge goes from dark "
               "to bright.",
    "prewitt_x": "Like Sobel x with equal row weights: finds vertical edges.",
    "prewitt_y": "Like Sobel y with equal column weights: finds horizontal edges.",
    "laplacian": "The centre against its neighbours: responds to outlines in every direction, "
                 "zero on flat areas.",
    "emboss": "A diagonal difference that makes the digit look raised, lit from one corner.",
    "edge_horizontal": "An oriented edge template: large where the top of a stroke meets the "
                       "dark above it.",
    "edge_vertical": "An oriented edge template: large at the left side of a stroke.",
    "edge_diagonal_45": "An oriented edge template for edges running like '/': the kind of "
                        "filter a CNN's first layer learns.",
    "edge_diagonal_135": "An oriented edge template for edges running like '\\': the kind of "
                         "filter a CNN's first layer learns.",
    "prong": "The lecture's hand-made 5x5 filter to find the left-hand prongs of the threes; "
             "it finds the edges of a three quite well.",
}

def preset(name: str) -> np.ndarray:
    """An editable float32 copy of the preset ``name``; ``KeyError`` lists the names."""
    try:
        return PRESETS[name].copy()
    except KeyError:
        raise KeyError(f"unknown kernel preset {name!r}; choose from {', '.join(PRESETS)}") \
            from None


def describe(name: str) -> str:
    """One line on what the preset ``name`` finds, in the lecture's words where it has some."""
    if name not in _DESCRIPTIONS:
        raise KeyError(f"unknown kernel preset {name!r}; choose from {', '.join(PRESETS)}")
    return _DESCRIPTIONS[name]


_LECTURE_SET = ("prong", "edge_horizontal", "edge_vertical", "edge_diagonal_45",
                "edge_diagonal_135", "gaussian_5x5")
_EXTRA = ("edge_horizontal", "edge_vertical", "edge_diagonal_45", "edge_diagonal_135")


def lecture_kernels(k: int = 6) -> np.ndarray:
    """``k`` 5x5 kernels for a first convolution layer, float32 (k, 1, 5, 5).

    The first six are the lecture's prong, the four oriented edges and a Gaussian blur; up to
    four more are the oriented edges with the opposite polarity (the other side of a stroke).
    """
    names = [(n, 1.0) for n in _LECTURE_SET] + [(n, -1.0) for n in _EXTRA]
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or not 1 <= k <= len(names):
        raise ValueError(f"k must be a whole number between 1 and {len(names)}, got {k!r}")
    return np.stack([sign * PRESETS[n] for n, sign in names[:k]])[:, None].astype(np.float32)
