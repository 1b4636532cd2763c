"""Generated image folders for the tests: one sub-folder per class, grey or colour, odd sizes."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image

COLOURS = {"red": (220, 30, 30), "green": (30, 200, 40), "blue": (30, 40, 220)}


def colour_folder(root: Path, per_class: int = 8, seed: int = 0) -> Path:
    """Three colour classes (a blob of the class's colour on a dark field), PNG and JPEG files
    of odd sizes from 9x31 to 90x60."""
    rng = np.random.default_rng(seed)
    for name, colour in COLOURS.items():
        sub = root / name
        sub.mkdir(parents=True)
        for i in range(per_class):
            h, w = (int(v) for v in rng.integers(9, 91, 2))
            img = (rng.random((h, w, 3)) * 40).astype(np.uint8)
            img[h // 4: h - h // 4, w // 4: w - w // 4] = colour
            ext = ".jpg" if i % 3 == 0 else ".png"
            Image.fromarray(img).save(sub / f"{name}_{i}{ext}", quality=95)
    return root


def grey_folder(root: Path, counts: dict[str, int], seed: int = 0) -> Path:
    """Grey classes: 'bar' a horizontal bar, anything else a vertical one; ``counts`` images
    each (L-mode PNG and BMP of varying sizes)."""
    rng = np.random.default_rng(seed)
    for name, n in counts.items():
        sub = root / name
        sub.mkdir(parents=True)
        for i in range(n):
            size = int(rng.integers(20, 60))
            img = np.zeros((size, size), np.uint8)
            mid = size // 2
            if name == "bar":
                img[mid - 2: mid + 2, 3:-3] = 255
            else:
                img[3:-3, mid - 2: mid + 2] = 255
            Image.fromarray(img).save(sub / f"{i}.{'bmp' if i % 4 == 0 else 'png'}")
    return root
