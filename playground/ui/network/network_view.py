"""Inside the network: conv1's learned filters, the drawing's feature maps at every layer, the
FCNN's first-layer templates, and the per-layer table of shapes, parameters and multiply-adds.

:class:`~playground.ui.network.tile_grid.TileGrid` paints the filters and maps as captioned tiles.
"""

from __future__ import annotations

import math

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QGroupBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from playground.ui.common.side_by_side import SideBySide
from playground.ui.network.model_holder import ModelHolder, display_name
from playground.ui.network.tile_grid import TileGrid, to_qimage  # noqa: F401 (their old home)


def _box(title: str, *widgets: QWidget) -> QGroupBox:
    box = QGroupBox(title)
    lay = QVBoxLayout(box)
    lay.setContentsMargins(6, 6, 6, 6)
    for w in widgets:
        lay.addWidget(w)
    return box


class NetworkView(QWidget):
    """Filters, feature maps, templates and the layer table of the holder's model.

    ``edit_requested(index)`` asks to put conv1's filters into the kernel editor (``index`` is the
    selected filter); ``revert_requested`` asks to restore the trained filters.
    """

    edit_requested = Signal(int)
    revert_requested = Signal()

    def __init__(self, holder: ModelHolder, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.holder = holder
        self.filters = TileGrid(tile_px=64, selectable=True)
        self.filters.select(0)
        self.edit_button = QPushButton("Edit in kernel editor")
        self.edit_button.setToolTip("Put conv1's filters into the Playground's kernel editor and "
                                    "link them: edits change this network at once")
        self.revert_button = QPushButton("Revert to trained filters")
        self.link_label = QLabel()
        self.link_label.setWordWrap(True)
        self.edit_button.clicked.connect(lambda: self.edit_requested.emit(
            max(self.filters.selected, 0)))
        self.revert_button.clicked.connect(self.revert_requested)
        buttons = SideBySide([self.edit_button, self.revert_button])  # or under each other
        buttons.box.addStretch(1)
        hint = QLabel("Click one, then edit it.")
        hint.setWordWrap(True)
        # short box titles: a group box's title does not wrap and sets the column's least width
        self.filter_box = _box("conv1's learned filters", hint, self.filters)
        self.filter_box.layout().addWidget(buttons)
        self.filter_box.layout().addWidget(self.link_label)

        from playground.ui.network.filter_stacks import FilterStacks

        self.stacks = FilterStacks()
        self.stack_box = _box("Filters, slice by slice", self.stacks)

        self.input_tile = TileGrid(tile_px=84)
        self.map_grids: dict[str, TileGrid] = {}
        self.map_labels: dict[str, QLabel] = {}
        maps = QWidget()
        self._maps_layout = QVBoxLayout(maps)
        self._maps_layout.setContentsMargins(0, 0, 0, 0)
        self._maps_layout.addWidget(self.input_tile)
        self._maps_layout.addStretch(1)
        self.maps_box = _box("Your drawing through the network", maps)

        self.templates = TileGrid(tile_px=40, max_columns=16)
        templates_hint = QLabel("Each first-layer weight vector w_k as a 28x28 template: red = "
                                "ink here raises h_k, blue lowers it.")
        templates_hint.setWordWrap(True)  # (a long box title would set the column's width)
        self.templates_box = _box("FCNN templates", templates_hint, self.templates)

        self.table = QTableWidget(0, 5)
        self.table.setHorizontalHeaderLabels(["layer", "what", "output", "parameters",
                                              "multiply-adds"])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table_box = _box("Layers", self.table)

        left = QWidget()
        lv = QVBoxLayout(left)
        lv.setContentsMargins(0, 0, 0, 0)
        lv.addWidget(self.filter_box)
        lv.addWidget(self.stack_box, 2)
        lv.addWidget(self.templates_box)
        lv.addWidget(self.table_box, 1)
        self.left_scroll = QScrollArea()  # the filter stacks at full height: conv2 is 16 rows
        self.left_scroll.setWidgetResizable(True)
        self.left_scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.left_scroll.setWidget(left)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.maps_box)
        self.maps_scroll = scroll
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.left_scroll)
        self.splitter.addWidget(scroll)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setSizes([600, 900])
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.splitter)

        self._dirty = True
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(30)
        self._timer.timeout.connect(self.refresh)
        holder.model_changed.connect(self._on_holder_model_changed)
        holder.prediction.connect(self._schedule)
        holder.link_changed.connect(self._on_holder_link_changed)
        self._on_holder_model_changed(holder.model)
        self._on_holder_link_changed(holder.linked)
        from playground.ui.network.exports import install_network_exports

        install_network_exports(self)  # right click / Menu key: PNG, CSV or .npy of any tile

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit_columns()

    def _fit_columns(self) -> None:
        """The two columns side by side when both fit their least widths, one above the other
        (each scrolling) on a narrow page: a 1024-pixel projector at 200 % beside the lesson."""
        bar = self.left_scroll.verticalScrollBar().sizeHint().width() + 4
        areas = (self.left_scroll, self.maps_scroll)
        needs = [a.widget().minimumSizeHint().expandedTo(a.widget().minimumSize()).width() + bar
                 for a in areas]
        side_by_side = self.width() >= sum(needs) + self.splitter.handleWidth()
        for area, need in zip(areas, needs, strict=True):
            area.setMinimumWidth(need if side_by_side else 0)  # the splitter keeps them whole
        wanted = Qt.Orientation.Horizontal if side_by_side else Qt.Orientation.Vertical
        if self.splitter.orientation() != wanted:
            self.splitter.setOrientation(wanted)

    # ---- updates ------------------------------------------------------------------------------
    def _on_holder_model_changed(self, model) -> None:
        rows = model.summary()
        self.table.setRowCount(len(rows) + 1)
        for i, r in enumerate(rows):
            self._row(i, r["name"], r["description"], "x".join(map(str, r["output_shape"])),
                      r["params"], r["macs"])
        self._row(len(rows), "total", display_name(model.name), "", model.n_params(),
                  sum(r["macs"] for r in rows))
        has_conv = bool(model.conv_layers)
        self._build_map_grids(model)
        self.stacks.set_model(model)
        self.stack_box.setVisible(has_conv)
        self.filter_box.setVisible(has_conv)
        self.maps_scroll.setVisible(bool(self.map_grids))
        self.templates_box.setVisible(not has_conv and _first_linear_784(model) is not None)
        self.edit_button.setEnabled(has_conv and not self.holder.training)
        self._schedule()

    def _row(self, i: int, *cells) -> None:
        for j, value in enumerate(cells):
            text = f"{value:,}" if isinstance(value, int) else str(value)
            item = QTableWidgetItem(text)
            if j >= 3:
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.table.setItem(i, j, item)

    def _on_holder_link_changed(self, linked: bool) -> None:
        self.revert_button.setEnabled(linked)
        self.link_label.setText(
            "Linked: the Playground's kernels are this network's conv1. Edit a cell or drop in a "
            "preset there and watch the prediction change." if linked else "")

    def _schedule(self, *_args) -> None:
        self._dirty = True
        if self.isVisible():
            self._timer.start()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._dirty:
            self._timer.start()

    def refresh(self) -> None:
        """Redraws filters and feature maps from the model and the current drawing."""
        self._dirty = False
        model = self.holder.model
        self.edit_button.setEnabled(bool(model.conv_layers) and not self.holder.training)
        if model.conv_layers:
            w = model.get_weights("conv1")["weight"]
            self.filters.set_tiles([k.sum(axis=0) for k in w],
                                   [str(i + 1) for i in range(len(w))], signed=True)
            self.stacks.refresh()
        elif _first_linear_784(model) is not None:
            w = model.get_weights(_first_linear_784(model).name)["weight"]
            self.templates.set_tiles([r.reshape(28, 28) for r in w], None, signed=True)
        if not self.map_grids:
            return
        trace = self.holder.trace()
        self.input_tile.set_tiles([trace["input"][0]], ["input 28x28"])
        for name, grid in self.map_grids.items():
            if name not in trace:
                continue
            maps = trace[name]
            if maps.ndim == 1:  # a dense layer: its numbers in rows
                cols = _row_length(maps.size)
                grid.set_tiles([maps.reshape(-1, cols)],
                               [f"{maps.size} numbers, in rows of {cols}"], signed=True)
            else:
                grid.set_tiles(list(maps), [str(i + 1) for i in range(len(maps))],
                               signed=grid.signed)

    def _build_map_grids(self, model) -> None:
        """One labelled grid per conv, pooling and dense layer of ``model`` (the last dense layer's
        scores are the prediction above), replacing the previous model's grids."""
        for name in list(self.map_grids):
            for w in (self.map_grids.pop(name), self.map_labels.pop(name)):
                self._maps_layout.removeWidget(w)
                w.hide()  # not drawn over the new grids until Qt deletes it
                w.deleteLater()
        rows = model.summary()
        last_fc = max((i for i, r in enumerate(rows) if r["kind"] == "linear"), default=-1)
        at = 1
        for i, r in enumerate(rows):
            if r["kind"] not in ("conv", "maxpool", "avgpool", "linear") or i == last_fc:
                continue
            out = r["output_shape"]
            label, grid = QLabel(), TileGrid(tile_px=52 if r["kind"] == "conv" else 44)
            grid.signed = r["kind"] in ("conv", "linear")
            if r["kind"] == "linear":
                grid.tile_px, grid.max_columns = 90, 1
            label.setText(f"<b>{r['name']}</b>  {_maps_caption(rows, i, out)}")
            label.setWordWrap(True)
            self.map_labels[r["name"]], self.map_grids[r["name"]] = label, grid
            self._maps_layout.insertWidget(at, label)
            self._maps_layout.insertWidget(at + 1, grid)
            at += 2


def _first_linear_784(model):
    """The first dense layer when it reads the raw 784 pixels (an FCNN's templates), else None."""
    first = next((layer for layer in model.layers if layer.kind == "linear"), None)
    ok = first is not None and first.in_features == 784 and not model.conv_layers
    return first if ok else None


_ACT_NAMES = {"relu": "ReLU", "tanh": "tanh", "sigmoid": "sigmoid"}


def _row_length(n: int) -> int:
    """A row length that lays ``n`` numbers out as a near-square block (n itself if prime)."""
    for cols in range(math.isqrt(n), 0, -1):
        if n % cols == 0 and cols > 1:
            return max(cols, n // cols)
    return n


def _maps_caption(rows: list[dict], i: int, out: tuple[int, ...]) -> str:
    """What a layer's maps are, in the lecture's words."""
    kind = rows[i]["kind"]
    if kind == "linear":
        return f"{out[0]} numbers (before the activation; red = positive, blue = negative)"
    size = f"{out[0]} maps of {out[1]}x{out[2]}"
    if kind == "conv":
        nxt = rows[i + 1]["kind"] if i + 1 < len(rows) else ""
        act = _ACT_NAMES.get(nxt)
        when = f"before {act}" if act else "no activation"
        return f"{size} — {when}: red = the filter matches, blue = the opposite"
    before = [r["kind"] for r in rows[:i]]
    act = next((k for k in reversed(before) if k in ("relu", "tanh", "sigmoid")), None)
    how = "max" if kind == "maxpool" else "average"
    act = _ACT_NAMES.get(act, "no activation")
    return f"{size} — after {act} and {rows[i]['description']} {how} pooling"
