"""Turn a drawing or a photo into a 28x28 input the way MNIST's digits were made.

MNIST's recipe (LeCun et al.): the ink's bounding box is scaled to fit a 20x20 box keeping its
aspect ratio, with anti-aliasing, then placed in a 28x28 field so that its centre of mass sits at
the centre. Measured on the bundled digits the centre of mass is at row 14.0, column 14.0 (0-based
pixel indices) with a spread of 0.29 px, which is the spread of rounding to whole pixels: the
digits were shifted by whole pixels to put the centre of mass on pixel (14, 14). We do the same.
"""

from __future__ import annotations

import os
import struct
import warnings
from pathlib import Path

import numpy as np

from playground.data.errors import DataError

MNIST_SIZE = 28
MNIST_BOX = 20
#: Where MNIST puts the centre of mass, (row, column) in pixel indices (see the module docstring).
MNIST_CENTRE = (14.0, 14.0)
MAX_PIXELS = 16_777_216
"""Largest image read: 16.7 megapixels (4096x4096). The size is read from the file's header
and a bigger one refused before decoding, so a small file cannot expand to gigabytes."""
_BLANK = 0.02  # a peak below this (about 5/255) is an empty canvas
_INK = 0.05  # after scaling the peak to 1, what counts as ink for the bounding box


def _unit_float(gray: np.ndarray) -> np.ndarray:
    g = np.asarray(gray)
    if g.ndim != 2:
        raise ValueError(f"expected a 2-D grayscale image (H, W), got shape {g.shape}")
    if g.dtype == np.uint8:
        return g.astype(np.float64) / 255.0
    return np.clip(np.nan_to_num(g.astype(np.float64)), 0.0, 1.0)


def _resample_matrix(n_in: int, n_out: int) -> np.ndarray:
    """(n_out, n_in) weights: area averaging when shrinking, linear interpolation when growing."""
    scale = n_out / n_in
    if n_out <= n_in:
        edges = np.arange(n_out + 1) / scale
        left, right = edges[:-1, None], edges[1:, None]
        j = np.arange(n_in)[None, :]
        overlap = np.clip(np.minimum(right, j + 1) - np.maximum(left, j), 0.0, None)
        return overlap / overlap.sum(axis=1, keepdims=True)
    x = np.clip((np.arange(n_out) + 0.5) / scale - 0.5, 0.0, n_in - 1)
    j0 = np.floor(x).astype(int)
    j1 = np.minimum(j0 + 1, n_in - 1)
    t = x - j0
    weights = np.zeros((n_out, n_in))
    rows = np.arange(n_out)
    np.add.at(weights, (rows, j0), 1.0 - t)
    np.add.at(weights, (rows, j1), t)
    return weights


def to_mnist_style(gray: np.ndarray) -> np.ndarray:
    """Crop, scale and centre white-on-black ink the way MNIST's digits were prepared.

    Parameters
    ----------
    gray : numpy.ndarray
        (H, W), white ink on black: float in [0, 1] or uint8 in [0, 255].

    Returns
    -------
    numpy.ndarray
        float32 (28, 28) in [0, 1]: the strongest ink scaled to 1, its bounding box scaled
        (keeping the aspect ratio, area-averaged) so the longer side is 20 px, and shifted by whole
        pixels so the centre of mass lands on :data:`MNIST_CENTRE`. A blank input gives zeros.
    """
    g = _unit_float(gray)
    out = np.zeros((MNIST_SIZE, MNIST_SIZE), np.float32)
    peak = g.max(initial=0.0)
    if peak < _BLANK:
        return out
    ink = g > _INK * peak
    rows, cols = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
    g = g[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1] / peak
    h, w = g.shape
    scale = MNIST_BOX / max(h, w)
    nh, nw = max(1, round(h * scale)), max(1, round(w * scale))
    patch = _resample_matrix(h, nh) @ g @ _resample_matrix(w, nw).T
    mass = patch.sum()
    com_y = (patch.sum(axis=1) @ np.arange(nh)) / mass
    com_x = (patch.sum(axis=0) @ np.arange(nw)) / mass
    top = int(np.clip(np.floor(MNIST_CENTRE[0] - com_y + 0.5), 0, MNIST_SIZE - nh))
    left = int(np.clip(np.floor(MNIST_CENTRE[1] - com_x + 0.5), 0, MNIST_SIZE - nw))
    out[top:top + nh, left:left + nw] = np.clip(patch, 0.0, 1.0)
    return out


def prepare_digit(gray: np.ndarray) -> np.ndarray:
    """Any grayscale picture of one digit -> a (28, 28) float32 MNIST-style input.

    Dark ink on light paper is inverted (decided by the mean of the image's border), the paper's
    level and noise are subtracted, then :func:`to_mnist_style` crops, scales and centres it.
    """
    g = _unit_float(gray)
    h, w = g.shape
    band = max(1, round(min(h, w) * 0.05))
    border = np.concatenate([g[:band].ravel(), g[-band:].ravel(),
                             g[:, :band].ravel(), g[:, -band:].ravel()])
    if border.mean() > 0.5:
        g, border = 1.0 - g, 1.0 - border
    floor = float(np.percentile(border, 95))
    if floor > 0.0:
        g = np.clip((g - floor) / max(1.0 - floor, 1e-6), 0.0, 1.0)
    return to_mnist_style(g)


def load_image_file(path: str | os.PathLike, *, rgb: bool = False) -> np.ndarray:
    """Read a PNG or JPEG (or anything else Pillow reads) as float32 in [0, 1].

    Transparent areas are laid over white; the EXIF orientation of photos is applied.

    Parameters
    ----------
    path : str or path-like
        The image file.
    rgb : bool
        ``False`` gives grayscale (H, W); ``True`` gives colour channels first, (3, H, W).

    Raises
    ------
    DataError
        The file is missing, is not an image Pillow can read, or has more than
        :data:`MAX_PIXELS` pixels (checked before decoding).
    """
    from PIL import Image, ImageOps, UnidentifiedImageError

    path = Path(path)
    if not path.is_file():
        raise DataError(f"{path}: image file not found")
    try:
        with warnings.catch_warnings():  # the size is checked here, against a lower limit
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            img = Image.open(path)
        with img:
            w, h = img.size
            if w * h > MAX_PIXELS or w < 1 or h < 1:
                raise DataError(f"{path}: the image is {w}x{h} pixels; images up to "
                                f"{MAX_PIXELS:,} pixels (4096x4096) are read")
            img.load()
            img = ImageOps.exif_transpose(img)
            if img.mode.startswith("I"):  # 16/32-bit integer gray
                arr = np.asarray(img, dtype=np.float64) / 65535.0
                arr = np.stack([arr] * 3, axis=-1) if rgb else arr
            elif img.mode == "F":
                arr = np.asarray(img, dtype=np.float64)
                arr = np.stack([arr] * 3, axis=-1) if rgb else arr
            else:
                if "A" in img.getbands() or "transparency" in img.info:
                    rgba = img.convert("RGBA")
                    img = Image.alpha_composite(Image.new("RGBA", rgba.size, "white"), rgba)
                arr = np.asarray(img.convert("RGB" if rgb else "L"), dtype=np.float64) / 255.0
    except DataError:
        raise
    except Image.DecompressionBombError:
        raise DataError(f"{path}: the image has far more than {MAX_PIXELS:,} pixels "
                        "(4096x4096), the most that is read") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError, TypeError,
            struct.error, Image.DecompressionBombWarning) as exc:
        raise DataError(f"{path}: cannot read this image ({exc}); use a PNG or JPEG") from None
    arr = np.clip(arr, 0.0, 1.0).astype(np.float32)
    return np.ascontiguousarray(arr.transpose(2, 0, 1) if rgb else arr)


def image_to_digit_input(path: str | os.PathLike) -> np.ndarray:
    """An image file of one handwritten digit -> float32 (28, 28) ready for the network.

    Reads the file as grayscale, inverts dark-on-light pictures, and prepares it like MNIST (see
    :func:`prepare_digit`).
    """
    return prepare_digit(load_image_file(path))
