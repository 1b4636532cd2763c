"""Any conv layer's filters as C x K x K stacks, slice by slice (the lecture's "depth = number of
input channels"): a layer picker and a grid of filters, each a numbered block of its slices.

conv1 of LeNet-5 is 6 filters of 1x5x5 (one tile each); conv2 is 16 filters of 6x5x5, so its grid
shows 16 blocks of 6 slices (as many blocks side by side as the width allows), each slice the
weights that look at one of pool1's 6 maps. All tiles of a layer share one blue-white-red scale,
so a faint slice really is a small weight.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from playground.ui.common import theme as th
from playground.ui.network.tile_grid import TileGrid


class FilterStacks(QWidget):
    """The chosen conv layer's ``(K, C, fh, fw)`` weights as a K-row, C-column grid."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = None
        self.layer_combo = QComboBox()
        self.layer_combo.currentIndexChanged.connect(lambda _i: self.refresh())
        self.caption = QLabel()
        self.caption.setWordWrap(True)
        self.grid = TileGrid(tile_px=16, max_columns=1)  # the Network view's column scrolls
        top = QHBoxLayout()
        top.addWidget(QLabel("Layer"))
        top.addWidget(self.layer_combo)
        top.addStretch(1)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addLayout(top)
        lay.addWidget(self.caption)
        lay.addWidget(self.grid, 1)
        th.theme().changed.connect(self._on_theme_changed)

    def _on_theme_changed(self, _percent: int) -> None:
        self.refresh()  # tiles sized for the new UI scale

    def set_model(self, model) -> None:
        """Lists ``model``'s conv layers (the second one chosen when there is one) and draws."""
        self.model = model
        names = [layer.name for layer in model.conv_layers]
        self.layer_combo.blockSignals(True)
        self.layer_combo.clear()
        for name in names:
            self.layer_combo.addItem(name, name)
        self.layer_combo.setCurrentIndex(1 if len(names) > 1 else 0)
        self.layer_combo.blockSignals(False)
        self.refresh()

    def select(self, name: str) -> None:
        self.layer_combo.setCurrentIndex(self.layer_combo.findData(name))

    def refresh(self) -> None:
        """Redraws the chosen layer from the model's current weights."""
        name = self.layer_combo.currentData()
        if self.model is None or name is None:
            self.grid.set_tiles([])
            self.caption.clear()
            return
        w = self.model.get_weights(name)["weight"]
        k, c, fh, fw = w.shape
        self.grid.group = c
        self.grid.max_columns = c * 4 if c > 1 else 16  # at most 4 filters side by side
        # drawn up to twice as large when there is room; larger at a projector's UI scale
        self.grid.tile_px = th.theme().px(18 if c > 1 else 24)
        scale = float(np.percentile(np.abs(w), 98)) if w.size else 0.0
        if scale > 0:
            w = np.clip(w, -scale, scale)  # one scale for the layer; the strongest 2% saturate
        tiles = [w[i, j] for i in range(k) for j in range(c)]
        captions = [f"filter {i + 1}" if c > 1 and j == 0 else (str(i + 1) if c == 1 else "")
                    for i in range(k) for j in range(c)]
        self.grid.set_tiles(tiles, captions, signed=True, shared=True)
        self.caption.setText(
            f"<b>{name}</b>: {k} filters of {c}x{fh}x{fw}. Each block is one filter, its "
            f"tiles left to right its slices for input channels 1 to {c}: <b>depth = number "
            f"of input channels = {c}</b>. A filter's {c} slice{'s' if c > 1 else ''} are "
            "applied to its input maps and summed into one output map. Red = positive weight, "
            "blue = negative, one scale for the whole layer.")
