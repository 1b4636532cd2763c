"""The Playground inputs the lecture lesson shows: digits, small matrices, the bundled RGB picture.

Every array is made from :mod:`playground.lessons.lecture`'s worked numbers, the bundled MNIST
digits or ``resources/images/parrot-64.png``, and quantised to multiples of 1/256 (exact in
float32, short in JSON). Qt-free; :mod:`playground.lessons.lecture_lesson` assembles the scenes.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np

from playground.data.kernels import PRESETS
from playground.lessons import lecture
from playground.scene import LayerSettings, Scene

PARROT = "images/parrot-64.png"
"""The bundled RGB picture (64x64, drawn by :func:`draw_parrot`)."""

PLAIN = LayerSettings(padding_mode="valid", activation="none", pool="none")
"""The hand-worked examples: no padding, stride 1, no activation, no pooling."""
SAME = LayerSettings(padding_mode="same", activation="relu", pool="none")
SAME_POOLED = LayerSettings(padding_mode="same", activation="relu", pool="max")


def quantise(a: np.ndarray) -> np.ndarray:
    """``a`` rounded to multiples of 1/256, float32."""
    return (np.round(np.asarray(a, np.float64) * 256) / 256).astype(np.float32)


@lru_cache(maxsize=1)
def digit_three() -> np.ndarray:
    """The bundled MNIST 3 the demo scene shows, as 0..1 floats (28, 28)."""
    from playground.data.digits import load_bundled

    d = load_bundled()
    index = np.flatnonzero(d.labels == lecture.DEMO.label)[lecture.DEMO.index]
    return quantise(d.images[index] / 255.0)


def draw_parrot() -> np.ndarray:
    """A 64x64 RGB picture of a parrot on a branch, drawn with Pillow: uint8 (64, 64, 3)."""
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (64, 64))
    px = ImageDraw.Draw(img)
    for y in range(64):  # sky: light blue at the top, paler near the horizon
        px.line([(0, y), (63, y)], fill=(120 + y, 180 + y // 2, 235))
    px.ellipse([-10, 44, 30, 74], fill=(40, 150, 60))  # bushes
    px.ellipse([34, 48, 80, 80], fill=(30, 120, 50))
    px.line([(0, 46), (63, 38)], fill=(110, 70, 30), width=4)  # the branch
    px.polygon([(26, 40), (20, 62), (30, 62)], fill=(30, 80, 200))  # tail
    px.ellipse([20, 16, 40, 44], fill=(220, 30, 30))  # body
    px.ellipse([26, 8, 42, 24], fill=(230, 40, 40))  # head
    px.chord([18, 22, 34, 42], 90, 270, fill=(40, 170, 60))  # wing
    px.polygon([(41, 13), (48, 17), (41, 20)], fill=(250, 210, 30))  # beak
    px.ellipse([35, 12, 39, 16], fill=(255, 255, 255))  # eye
    px.ellipse([36, 13, 38, 15], fill=(0, 0, 0))
    return np.asarray(img, np.uint8)


def write_parrot(path: str | Path) -> None:
    """Saves :func:`draw_parrot` as an optimised PNG."""
    from PIL import Image

    Image.fromarray(draw_parrot()).save(path, optimize=True)


@lru_cache(maxsize=4)
def parrot(side: int = 64) -> np.ndarray:
    """The bundled RGB picture as 0..1 floats (3, side, side), box-resampled when smaller."""
    from PIL import Image

    from playground.paths import resource_path

    with Image.open(resource_path(PARROT)) as im:
        rgb = im.convert("RGB")
        if side != rgb.width:
            rgb = rgb.resize((side, side), Image.Resampling.BOX)
        arr = np.asarray(rgb, np.float64) / 255.0
    return quantise(arr.transpose(2, 0, 1))


def _k(*kernels: np.ndarray) -> np.ndarray:
    """Kernels (K, C, kh, kw) from (kh, kw) or (C, kh, kw) arrays."""
    return np.stack([k if k.ndim == 3 else k[None] for k in map(np.asarray, kernels)]).astype(
        np.float32)


def scene(image: np.ndarray, kernels: np.ndarray, *, kind: str, layer: LayerSettings,
          view: str = "step-2d") -> Scene:
    """A :class:`Scene` with zero bias."""
    kernels = np.asarray(kernels, np.float32)
    return Scene(np.asarray(image, np.float32), kernels, np.zeros(len(kernels), np.float32),
                 input_kind=kind, layer=layer, view=view)


def matrix(rows: int, cols: int) -> np.ndarray:
    """The small input of the size exercises: 1, 2, 3, ... row by row."""
    return np.arange(1, rows * cols + 1, dtype=np.float32).reshape(rows, cols)


def vector_scene() -> Scene:
    """[1, 2, 3, 4, 5, 6] ⊛ [1, 2] as a 1x6 input and a 1x2 kernel."""
    v = lecture.VECTOR_EXAMPLE
    return scene(v.image, v.kernels, kind="vector", layer=PLAIN, view="step-1d")


def matrix_a_scene(view: str = "step-2d") -> Scene:
    """The 3x3 A ⊛ the 2x2 W of ones."""
    a = lecture.MATRIX_A_EXAMPLE
    return scene(a.image, a.kernels, kind="matrix", layer=PLAIN, view=view)


def exercise_scene(rows: int, cols: int, f: int) -> Scene:
    """A rows x cols matrix and an f x f kernel of ones, valid: a size exercise."""
    return scene(matrix(rows, cols), _k(np.ones((f, f))), kind="matrix", layer=PLAIN,
                 view="output-size")


def padded_a_scene() -> Scene:
    """A with one ring of zeros and a 3x3 kernel of ones: 'same' keeps 3x3."""
    return scene(lecture.MATRIX_A, _k(np.ones((3, 3))), kind="matrix",
                 layer=LayerSettings(padding_mode="same", activation="none", pool="none"))


def digit_scene(kernels: np.ndarray, layer: LayerSettings, view: str = "step-2d") -> Scene:
    """The bundled 3 with ``kernels``."""
    return scene(digit_three(), kernels, kind="digit", layer=layer, view=view)


def prong_scene() -> Scene:
    """The bundled 3 and the lecture's hand-made prong filter alone (one feature map)."""
    return digit_scene(_k(lecture.PRONG), SAME)


def six_maps_scene(pool: bool = False) -> Scene:
    """The bundled 3 and the lecture's six 5x5 kernels (K = 6)."""
    return digit_scene(lecture.lecture_kernels(6), SAME_POOLED if pool else SAME)


def valid_digit_scene() -> Scene:
    """The bundled 3 and a 5x5 kernel without padding: 24x24."""
    return digit_scene(_k(PRESETS["edge_vertical"]), LayerSettings(
        padding_mode="valid", activation="relu", pool="none"), view="output-size")


def strided_matrix_scene() -> Scene:
    """A 5x5 input, 3x3 kernel, p = 1, stride 2: both size forms give 3."""
    return scene(matrix(5, 5), _k(np.ones((3, 3))), kind="matrix", view="output-size",
                 layer=LayerSettings(padding_mode="custom", padding=(1, 1), stride=(2, 2),
                                     activation="none", pool="none"))


def strided_digit_scene() -> Scene:
    """The 3 with a 5x5 kernel, p = 2, stride 2: 14x14 (the lecture's form says 14.5)."""
    return digit_scene(_k(PRESETS["edge_vertical"]), LayerSettings(
        padding_mode="custom", padding=(2, 2), stride=(2, 2), activation="relu", pool="none"),
        view="output-size")


def pool_scene(kind: str) -> Scene:
    """A = [[1..9]] through a 1x1 identity kernel, then 2x2 pooling with stride 1."""
    return scene(lecture.MATRIX_A, _k(np.ones((1, 1))), kind="matrix", layer=LayerSettings(
        padding_mode="valid", activation="none", pool=kind, pool_size=(2, 2),
        pool_stride=(1, 1)))


def pooled_size_scene() -> Scene:
    """The 3 with the prong filter, 'same', then 2x2 max pooling with stride 2: 28 -> 14."""
    return digit_scene(_k(lecture.PRONG), SAME_POOLED, view="output-size")


def rgb_scene() -> Scene:
    """The 64x64 RGB picture and two 3x5x5 filters: 'red, not green or blue' and vertical edges."""
    red = np.stack([np.full((5, 5), 2 / 25), np.full((5, 5), -1 / 25), np.full((5, 5), -1 / 25)])
    edge = np.stack([PRESETS["edge_vertical"]] * 3) / 4
    return scene(parrot(64), _k(quantise(red), quantise(edge)), kind="rgb", layer=SAME,
                 view="channels")


def unit_vs_filter_scene() -> Scene:
    """A 28x28x3 picture and one 5x5x3 filter: 75 weights (a dense unit would need 2,352)."""
    return scene(parrot(28), _k(np.stack([PRESETS["edge_vertical"]] * 3)), kind="rgb",
                 layer=SAME, view="cost")


def ops_scene() -> Scene:
    """A 3x32x32 picture and 10 filters 5x5x3 (the same 5x5 on every channel), 'same'."""
    k = lecture.lecture_kernels(10)[:, 0]
    return scene(parrot(32), np.stack([np.stack([f] * 3) for f in k]), kind="rgb",
                 layer=LayerSettings(padding_mode="same", activation="relu", pool="none"),
                 view="cost")
