"""One image file to a network's input size: the image-folder rule, also used by ``predict``.

Each image is scaled so that its longer side fills the target size (area-averaged when shrinking,
bilinear when growing), centred, and the rest padded with the mean colour of the scaled image's
border: the aspect ratio is kept and nothing is cropped. Transparent areas are laid over white.
Files are not trusted: Pillow gets only the PNG, JPEG, BMP and GIF decoders, and the file's size
and its header's pixel count are checked before a pixel is decoded.
"""

from __future__ import annotations

import os
import struct
import warnings
from pathlib import Path

import numpy as np

from playground.data.errors import DataError
from playground.data.images import MAX_PIXELS

PIL_FORMATS = ("PNG", "JPEG", "BMP", "GIF")
"""The only decoders a file is handed to."""
MAX_FILE_BYTES = 50 << 20
"""Largest single image file read (50 MiB)."""
COLOUR_SPREAD = 12
"""Channels of a scaled image differing by more than this (of 255) make it a colour image."""


def read_image(path: str | os.PathLike, size: tuple[int, int] = (28, 28)) -> np.ndarray:
    """One image file scaled and padded to ``size`` (H, W) by the module's rule.

    Returns
    -------
    numpy.ndarray
        uint8 (3, H, W), RGB (grey images have three equal channels).

    Raises
    ------
    DataError
        Not a PNG/JPEG/BMP/GIF, damaged, larger than :data:`MAX_FILE_BYTES` or
        :data:`~playground.data.images.MAX_PIXELS` (checked before decoding).
    """
    from PIL import Image, UnidentifiedImageError

    path = Path(path)
    th, tw = size
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise DataError(f"larger than {MAX_FILE_BYTES >> 20} MiB")
        with warnings.catch_warnings():  # the size is checked here, against a lower limit
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            img = Image.open(path, formats=PIL_FORMATS)
        with img:
            w, h = img.size
            if w < 1 or h < 1 or w * h > MAX_PIXELS:
                raise DataError(f"{w}x{h} pixels; at most {MAX_PIXELS:,} are read")
            if img.format == "JPEG":
                img.draft("RGB", (2 * tw, 2 * th))  # decode big photos at a reduced scale
            rgb = _to_rgb(img)
    except DataError as exc:
        raise DataError(f"{path.name}: {exc}") from None
    except Image.DecompressionBombError:
        raise DataError(f"{path.name}: far more than {MAX_PIXELS:,} pixels") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError, TypeError,
            struct.error, MemoryError, Image.DecompressionBombWarning) as exc:
        raise DataError(f"{path.name}: not a readable PNG, JPEG, BMP or GIF "
                        f"({type(exc).__name__})") from None
    return fit(rgb, size)


def _to_rgb(img):
    """A decoded Pillow image as RGB (16-bit and float grey scaled, transparency over white)."""
    from PIL import Image

    if img.mode.startswith("I") or img.mode == "F":
        arr = np.asarray(img, dtype=np.float64)
        arr = arr / 65535.0 if img.mode != "F" else arr
        img = Image.fromarray((np.clip(np.nan_to_num(arr), 0, 1) * 255 + 0.5).astype(np.uint8))
    if "A" in img.getbands() or "transparency" in img.info:
        rgba = img.convert("RGBA")
        return Image.alpha_composite(Image.new("RGBA", rgba.size, "white"), rgba).convert("RGB")
    return img.convert("RGB")


def fit(img, size: tuple[int, int]) -> np.ndarray:
    """A Pillow RGB image scaled to fit ``size`` (H, W), centred, padded with its border colour:
    uint8 (3, H, W)."""
    from PIL import Image

    th, tw = size
    w, h = img.size
    scale = min(tw / w, th / h)
    nw, nh = max(1, min(tw, round(w * scale))), max(1, min(th, round(h * scale)))
    method = Image.Resampling.BOX if scale < 1 else Image.Resampling.BILINEAR
    small = np.asarray(img.resize((nw, nh), method, reducing_gap=3.0 if scale < 0.25 else None),
                       np.uint8)
    ring = np.concatenate([small[0], small[-1], small[:, 0], small[:, -1]])
    out = np.empty((th, tw, 3), np.uint8)
    out[:] = np.round(ring.mean(axis=0)).astype(np.uint8)
    top, left = (th - nh) // 2, (tw - nw) // 2
    out[top:top + nh, left:left + nw] = small
    return np.ascontiguousarray(out.transpose(2, 0, 1))


def is_colour(rgb: np.ndarray) -> bool:
    """True when the channels of a uint8 (3, H, W) image differ by more than COLOUR_SPREAD."""
    spread = rgb.max(axis=0).astype(np.int16) - rgb.min(axis=0)
    return bool(spread.max(initial=0) > COLOUR_SPREAD)


def to_grey(rgb: np.ndarray) -> np.ndarray:
    """uint8 (..., 3, H, W) -> (..., H, W) by luminance (ITU-R 601-2, as Pillow's "L")."""
    w = np.array([0.299, 0.587, 0.114], np.float32).reshape(3, 1, 1)
    return np.clip(np.sum(rgb * w, axis=-3) + 0.5, 0, 255).astype(np.uint8)
