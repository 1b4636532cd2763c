"""Checks that a ``--screenshot`` PNG is not blank and that its text rendered with real fonts.

Usage: python packaging/png_text_check.py SHOT.png [NOFONTS.png]

NOFONTS.png (Linux, where Qt finds fonts through fontconfig) is the same window rendered with
fontconfig pointed at a configuration without any font folder (``FONTCONFIG_FILE``): how the
frozen app looks on a system without fonts, boxes where text should be. The menu bar and tab
titles (the top band of the window) are almost all text, so that band must hold ink and differ
clearly between the two renderings; on a system without fonts both come out as boxes and the
check fails. Without NOFONTS.png (Windows, macOS: native font databases, no font-less twin) only
the ink in the top band is checked. Prints the figures; exits 0 when the checks hold, else 1
(used by smoke_test.sh and check_deb.sh).
"""

from __future__ import annotations

import sys

import numpy as np
from PIL import Image

BAND = 48
"""Rows at the top of the window: the menu bar ("File Edit Kernel ...") and the tab titles."""


def _gray(path: str) -> np.ndarray:
    return np.asarray(Image.open(path).convert("L"), dtype=np.float32)


def text_report(shot: np.ndarray, nofonts: np.ndarray) -> tuple[bool, str]:
    """(ok, one line of figures) for a screenshot against its no-fonts twin (both grayscale).

    Boxes are wider than glyphs, so the no-fonts window may come out wider: the top-left corner
    both share (the menu bar and the first tab titles) is compared.
    """
    width = min(shot.shape[1], nofonts.shape[1], 600)
    band, bare = shot[:BAND, :width], nofonts[:BAND, :width]
    ink = float((band < 128).mean())
    differ = float((np.abs(band - bare) > 40).mean())
    figures = (f"image std {shot.std():.1f}, top band {ink:.1%} ink, {differ:.1%} of its pixels "
               f"differ from the no-fonts rendering")
    return bool(shot.std() > 10 and ink > 0.01 and differ > 0.03), figures


def ink_report(shot: np.ndarray) -> tuple[bool, str]:
    """(ok, figures) for a screenshot alone: not blank, and ink in the menu-bar band."""
    ink = float((shot[:BAND, :600] < 128).mean())
    figures = f"image std {shot.std():.1f}, top band {ink:.1%} ink"
    return bool(shot.std() > 10 and ink > 0.01), figures


def main(argv: list[str]) -> int:
    """Command-line entry: prints the figures, 0 when text rendered, 1 when not."""
    if len(argv) not in (1, 2):
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    shot = _gray(argv[0])
    ok, figures = text_report(shot, _gray(argv[1])) if len(argv) == 2 else ink_report(shot)
    print(f"screenshot text: {'ok' if ok else 'FAILED'} ({figures})")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
