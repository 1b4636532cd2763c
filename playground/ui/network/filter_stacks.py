"""Any conv layer's filters as C x K x K stacks, slice by slice (the lecture's "depth = number of
input channels"): a layer picker and a grid with one row per filter and one column per slice.

conv1 of LeNet-5 is 6 filters of 1x5x5 (one column); conv2 is 16 filters of 6x5x5, so its grid
has 16 rows of 6 slices, each slice the weights that look at one of pool1's 6 maps. All tiles of a
layer share one blue-white-red scale, so a faint slice really is a small weight.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QScrollArea, QVBoxLayout, QWidget

from playground.ui.network.network_view import TileGrid


class FilterStacks(QWidget):
    """The chosen conv layer's ``(K, C, fh, fw)`` weights as a K-row, C-column grid."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = None
        self.layer_combo = QComboBox()
        self.layer_combo.currentIndexChanged.connect(lambda _i: self.refresh())
        self.caption = QLabel()
        self.caption.setWordWrap(True)
        self.grid = TileGrid(tile_px=16, max_columns=1)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setWidget(self.grid)
        self.scroll.setMinimumHeight(160)
        top = QHBoxLayout()
        top.addWidget(QLabel("Layer"))
        top.addWidget(self.layer_combo)
        top.addStretch(1)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addLayout(top)
        lay.addWidget(self.caption)
        lay.addWidget(self.scroll, 1)

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
        self.grid.max_columns = c
        self.grid.tile_px = 16 if c > 1 else 24  # drawn up to twice as large when there is room
        scale = float(np.percentile(np.abs(w), 98)) if w.size else 0.0
        if scale > 0:
            w = np.clip(w, -scale, scale)  # one scale for the layer; the strongest 2% saturate
        tiles = [w[i, j] for i in range(k) for j in range(c)]
        captions = [str(i + 1) for i in range(k)] if c == 1 else None
        self.grid.set_tiles(tiles, captions, signed=True, shared=True)
        self.caption.setText(
            f"<b>{name}</b>: {k} filters of {c}x{fh}x{fw}. Row <i>k</i> = filter <i>k</i>, "
            f"column <i>j</i> = its slice for input channel <i>j</i>: <b>depth = number of "
            f"input channels = {c}</b>. A filter's {c} slice{'s' if c > 1 else ''} are "
            "applied to its input maps and summed into one output map. Red = positive weight, "
            "blue = negative, one scale for the whole layer.")
