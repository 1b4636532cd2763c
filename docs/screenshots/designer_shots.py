"""Renders docs/screenshots/designer.png and conv2-filters.png offscreen (run from the repo root).

    QT_QPA_PLATFORM=offscreen python docs/screenshots/designer_shots.py

The window opens on the Network tab with the bundled LeNet-5; the designer shows LeNet-5 with one
impossible row (a 16x16 kernel on a 14x14 map) so the red row and the disabled Train button show.
Both PNGs are re-saved losslessly with Pillow's ``optimize`` (smaller files, the same pixels).
``conv-playground --screenshot OUT.png --tab design`` (or ``--tab filters``) shows the same pages
of the window as it opens.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication

HERE = Path(__file__).resolve().parent


def main() -> int:
    from playground.app import make_application, open_window
    from playground.nn.arch import TEMPLATES, conv
    from playground.ui.common.screenshot import render_screenshot
    from playground.ui.network.filter_stacks import FilterStacks

    out = sys.argv[1] if len(sys.argv) > 1 else None  # also the whole Network view, for checking

    make_application([])
    window = open_window(restore=False, backend="reference")
    from playground.data import load_bundled

    digits = load_bundled()
    window.state.set_image(digits.images[list(digits.labels).index(3)] / 255.0)
    window.tabs.setCurrentIndex(1)
    tab = window.ensure_network_tab()
    QApplication.processEvents()
    tab.sub_tabs.setCurrentWidget(tab.designer)
    layers = list(TEMPLATES["lenet5"].layers)
    layers[3] = conv(16, 16)  # too large for pool1's 14x14 maps
    tab.designer.set_arch(TEMPLATES["lenet5"].with_layers(layers), select=0)
    render_screenshot(window, HERE / "designer.png", (1280, 720))
    tab.sub_tabs.setCurrentWidget(tab.network_view)
    render_screenshot(window, Path(out) / "network-view.png", (1400, 1000)) if out else None
    # conv2's 16 filters of 6x5x5 on their own, tall enough for every row
    stacks = FilterStacks()
    stacks.set_model(tab.holder.model)
    stacks.select("conv2")
    render_screenshot(stacks, HERE / "conv2-filters.png", (450, 520))
    window.close()
    _optimise(HERE / "designer.png", HERE / "conv2-filters.png")
    return 0


def _optimise(*paths: Path) -> None:
    """Re-saves PNGs with Pillow's ``optimize`` (lossless), each replaced atomically."""
    from PIL import Image

    from playground.fileio import atomic_write

    for path in paths:
        with Image.open(path) as img:
            img.load()
        atomic_write(path, lambda tmp, im=img: im.save(tmp, "PNG", optimize=True))


if __name__ == "__main__":
    sys.exit(main())
