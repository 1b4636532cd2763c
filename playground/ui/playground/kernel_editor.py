"""The kernel editor: a grid of weights over a diverging colour map, sizes, bias, presets and tools.

Every change goes through :class:`~playground.ui.common.undo.UndoableState`, so it is validated
(bad input is refused with a visible message and the old value kept) and can be undone.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QFontMetrics, QIcon
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDoubleSpinBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QSpinBox,
    QTabBar,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from playground.scene import MAX_KERNEL, MAX_KERNELS, Change
from playground.ui.common import theme as th
from playground.ui.common.binding import observe_state
from playground.ui.common.undo import UndoableState
from playground.ui.playground.exports import install_kernel_exports
from playground.ui.playground.kernel_grid import (
    KernelModel,
    error_label,
    format_matrix,
    kernel_pixmap,
    parse_matrix,
    setup_number_table,
)
from playground.ui.playground.state import PlaygroundState

CHANNEL_NAMES = ("R", "G", "B")


class KernelEditor(QWidget):
    """Edit the K kernels of the layer: cells, size, bias, presets, randomise, normalise, flip."""

    message = Signal(str)

    def __init__(self, state: PlaygroundState, parent: QWidget | None = None,
                 undo: UndoableState | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.undo = undo if undo is not None else UndoableState(state, parent=self)
        self._shape = None
        self._syncing = False

        self.count = QSpinBox(minimum=1, maximum=MAX_KERNELS)
        self.count.setToolTip("K: how many kernels (templates) the layer has; the lecture uses 6.\n"
                              "Each kernel gives one feature map.")
        self.presets = QComboBox()
        self.presets.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.presets.setMinimumContentsLength(10)  # long names elide: the panel fits a projector
        self.presets.setToolTip("Load a hand-made kernel into the selected slot,\n"
                                "e.g. the lecture's 5x5 'prong' filter for the threes.")
        self._fill_presets()
        self.thumbs = QListWidget()
        self.thumbs.setViewMode(QListView.ViewMode.IconMode)
        self.thumbs.setFlow(QListView.Flow.LeftToRight)
        self.thumbs.setWrapping(True)
        self.thumbs.setMovement(QListView.Movement.Static)
        self.thumbs.setResizeMode(QListView.ResizeMode.Adjust)
        self.thumbs.setToolTip("The kernels: click one to edit it (Ctrl+K selects the next)")
        self.fh = QSpinBox(minimum=1, maximum=MAX_KERNEL)
        self.fw = QSpinBox(minimum=1, maximum=MAX_KERNEL)
        self.fh.setToolTip("f_h: kernel height (rows); even and non-square sizes are allowed")
        self.fw.setToolTip("f_w: kernel width (columns)")
        self.bias = QDoubleSpinBox(minimum=-1000.0, maximum=1000.0, decimals=3, singleStep=0.1)
        self.bias.setKeyboardTracking(False)
        self.bias.setToolTip("b_k: added to every value of this kernel's feature map "
                             "(W_k ⊛ X + b_k)")
        self.channels = QTabBar()
        self.channels.setToolTip("RGB input: a kernel has one slice per colour channel;\n"
                                 "the slices' responses are summed into one feature map.")
        for name in CHANNEL_NAMES:
            self.channels.addTab(f"{name} channel")
        self.model = KernelModel(state, self.undo)
        self.table = QTableView()
        self.table.setModel(self.model)
        setup_number_table(self.table)
        self.error = error_label()

        tools = QGridLayout()  # two rows: at 200 % one row would be wider than a projector's panel
        tools.setSpacing(4)
        self.randomise_btn = self._tool("Randomise", self.randomise,
                                        "Fill the selected kernel with random weights")
        self.normalise_btn = self._tool("Normalise", None, "Scale the weights: sum to 1 or L1 = 1")
        menu = QMenu(self.normalise_btn)
        menu.addAction("Sum to 1 (a weighted average)", lambda: self.normalise("sum"))
        menu.addAction("L1 norm 1 (sum of |w| = 1)", lambda: self.normalise("l1"))
        self.normalise_btn.setMenu(menu)
        self.normalise_btn.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.flip_btn = self._tool(
            "Flip 180°", self.flip,
            "Rotate the kernel by 180°.\nIn the machine learning literature the 'convolution' is "
            "really cross-correlation:\nthe kernel is not flipped. Flipping it turns the "
            "cross-correlation into a true convolution.")
        self.copy_btn = self._tool("Copy", self.copy,
                                   "Copy the weights as text (tab-separated rows)")
        self.paste_btn = self._tool("Paste", self.paste,
                                    "Paste weights: rows separated by tabs, spaces or commas,\n"
                                    "or numpy-style [[1, 2], [3, 4]]")
        for i, b in enumerate((self.randomise_btn, self.normalise_btn, self.flip_btn,
                               self.copy_btn, self.paste_btn)):
            tools.addWidget(b, i // 3, i % 3)
        tools.setColumnStretch(3, 1)

        top = QGridLayout()
        top.addWidget(QLabel("Kernels K"), 0, 0)
        top.addWidget(self.count, 0, 1)
        top.addWidget(QLabel("Bias"), 0, 4)
        top.addWidget(self.bias, 0, 5)
        top.addWidget(QLabel("Size"), 1, 0)
        top.addWidget(self.fh, 1, 1)
        top.addWidget(QLabel("×"), 1, 2, Qt.AlignmentFlag.AlignCenter)
        top.addWidget(self.fw, 1, 3)
        top.addWidget(QLabel("Preset"), 2, 0)  # a row of its own: preset names are long
        top.addWidget(self.presets, 2, 1, 1, 5)
        top.setColumnStretch(3, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.thumbs)
        layout.addWidget(self.channels)
        grid_row = QHBoxLayout()
        grid_row.addStretch(1)
        grid_row.addWidget(self.table)
        grid_row.addStretch(1)
        layout.addLayout(grid_row, 1)
        layout.addLayout(tools)
        layout.addWidget(self.error)

        self.count.valueChanged.connect(self._on_count_changed)
        self.fh.valueChanged.connect(self._on_size_changed)
        self.fw.valueChanged.connect(self._on_size_changed)
        self.bias.valueChanged.connect(self._on_bias_changed)
        self.presets.activated.connect(self._on_preset_activated)
        self.thumbs.currentRowChanged.connect(self._on_thumb_selected)
        self.channels.currentChanged.connect(self._on_channel_changed)
        self.model.rejected.connect(self.show_error)
        install_kernel_exports(self)  # right click / Menu key: save a kernel as PNG, CSV or .npy
        observe_state(self, state, self._on_state_changed)
        th.theme().changed.connect(self._on_theme_changed)
        self._apply_scale()
        self.sync(force=True)

    # ---- building ----------------------------------------------------------------------------
    def _tool(self, text, slot, tip) -> QToolButton:
        b = QToolButton()
        b.setText(text)
        b.setToolTip(tip)
        if slot is not None:
            b.clicked.connect(slot)
        return b

    def _fill_presets(self) -> None:
        from playground.data import kernels as dk

        self.presets.addItem("Lecture set (6 kernels)", "__lecture__")
        for name in dk.PRESETS:
            self.presets.addItem(dk.TITLES.get(name, name), name)
            self.presets.setItemData(self.presets.count() - 1, dk.describe(name),
                                     Qt.ItemDataRole.ToolTipRole)

    def _on_theme_changed(self, _percent: int) -> None:
        QTimer.singleShot(0, self, self._apply_scale)  # once the new font reached the headers

    def _apply_scale(self) -> None:
        t = th.theme()
        cell = t.px(th.CELL_PX)
        self.table.horizontalHeader().setDefaultSectionSize(cell)
        self.table.verticalHeader().setDefaultSectionSize(cell)
        icon = t.px(36)
        self.thumbs.setIconSize(QSize(icon, icon))
        self.thumbs.setGridSize(QSize(icon + t.px(10), icon + t.px(22)))
        self.thumbs.setFixedHeight(icon + t.px(30))
        self.sync(force=True)

    # ---- state -> widgets --------------------------------------------------------------------
    def _on_state_changed(self, what: Change) -> None:
        if not what & (Change.KERNELS | Change.SELECTED):
            return  # a new drawing or setting leaves the kernels alone: nothing to redraw here
        if what & Change.KERNELS and self.error.isVisible():
            self.show_error("")
        self.sync()

    def sync(self, force: bool = False) -> None:
        """Shows the state's kernels (``force`` redraws every thumbnail, not just changed ones)."""
        s = self.state
        shape = s.kernels.shape
        self._syncing = True
        try:
            for spin, value in ((self.count, shape[0]), (self.fh, shape[2]), (self.fw, shape[3]),
                                (self.bias, round(float(s.bias[s.selected]), 3))):
                if spin.value() != value:  # setValue repaints the spin box even when equal
                    spin.setValue(value)
            rgb = shape[1] > 1
            self.channels.setVisible(rgb)
            if not rgb:
                self.model.channel = 0
            self._fill_thumbs(force or shape != self._shape)
            self.thumbs.setCurrentRow(s.selected)
        finally:
            self._syncing = False
        self.model.refresh(reset=shape != self._shape)
        self._shape = shape
        cell = self._cell_width()
        self.table.horizontalHeader().setDefaultSectionSize(cell)
        # size hints, not sizes: after a UI-scale change the headers are not laid out yet
        w = cell * shape[3] + self.table.verticalHeader().sizeHint().width() + 4
        h = cell * shape[2] + self.table.horizontalHeader().sizeHint().height() + 4
        self.table.setFixedSize(min(w, 11 * cell + 30), min(h, 8 * cell + 30))

    def _cell_width(self) -> int:
        """Wide enough for the widest weight on show (at least "-0.25"), at the current scale:
        a fraction is never elided to "0...."."""
        k = self.state.kernels[self.state.selected]
        texts = {f"{v:.3g}" for v in np.unique(k)[:64]} | {"-0.25"}
        fm = QFontMetrics(self.table.font())
        widest = max(fm.horizontalAdvance(t) for t in texts)
        return max(th.theme().px(th.CELL_PX), widest + th.theme().px(10))

    def _fill_thumbs(self, all_of_them: bool) -> None:
        """Redraws the thumbnails of kernels that changed (all of them when asked)."""
        side = th.theme().px(36)
        if self.thumbs.count() != self.state.kernels.shape[0]:
            self.thumbs.clear()
            for i in range(self.state.kernels.shape[0]):
                self.thumbs.addItem(QListWidgetItem(str(i + 1)))
            all_of_them = True
        old = getattr(self, "_thumb_src", None)
        self._thumb_src = self.state.kernels.copy()
        same_shape = old is not None and old.shape == self._thumb_src.shape
        for i, k in enumerate(self.state.kernels):
            item = self.thumbs.item(i)
            item.setToolTip(f"Kernel {i + 1}: bias {self.state.bias[i]:.3g}")
            if all_of_them or not same_shape or not np.array_equal(old[i], k):
                item.setIcon(QIcon(kernel_pixmap(k, side)))

    # ---- widgets -> state --------------------------------------------------------------------
    def show_error(self, text: str) -> None:
        """Shows a refusal under the grid (cleared by the next good edit)."""
        self.error.setText(text)
        self.error.setVisible(bool(text))
        self.message.emit(text)

    def _run(self, text, fn, merge=None) -> bool:
        ok = self.undo.run(text, fn, merge)
        if ok:
            self.show_error("")
        return ok

    def _on_count_changed(self, value: int) -> None:
        if not self._syncing:
            self._run("Set number of kernels", lambda: self.state.set_kernel_count(value), "count")

    def _on_size_changed(self, _value: int) -> None:
        if not self._syncing:
            fh, fw = self.fh.value(), self.fw.value()
            self._run(f"Resize kernels to {fh}x{fw}",
                      lambda: self.state.resize_kernels(fh, fw), "size")

    def _on_bias_changed(self, value: float) -> None:
        if not self._syncing:
            k = self.state.selected
            self._run(f"Set bias of kernel {k + 1}", lambda: self.state.set_bias(k, value),
                      f"bias{k}")

    def _on_thumb_selected(self, row: int) -> None:
        if not self._syncing and 0 <= row < self.state.kernels.shape[0]:
            self.state.select_kernel(row)

    def _on_channel_changed(self, index: int) -> None:
        self.model.channel = max(index, 0)
        self.model.refresh(reset=False)

    def _on_preset_activated(self, index: int) -> None:
        from playground.data import kernels as dk
        from playground.lessons import lecture

        name = self.presets.itemData(index)
        if name == "__lecture__":
            self._run("Load the lecture kernels",
                      lambda: self.state.set_kernels(lecture.lecture_kernels()))
            return
        k = self.state.selected
        self._run(f"Load preset {name!r} into kernel {k + 1}",
                  lambda: self.state.set_kernel(k, dk.preset(name)))

    def set_selected_kernel(self, k: np.ndarray, text: str) -> bool:
        """Replaces the selected kernel, (fh, fw) or (C, fh, fw), as one undoable step."""
        i = self.state.selected
        return self._run(text, lambda: self.state.set_kernel(i, k))

    def randomise(self, seed: int | None = None) -> None:
        """Random weights (normal, scaled to the kernel size) for the selected kernel."""
        rng = np.random.default_rng(seed)
        _, c, fh, fw = self.state.kernels.shape
        k = rng.normal(0.0, 1.0 / np.sqrt(c * fh * fw), (c, fh, fw)).astype(np.float32)
        self.set_selected_kernel(np.round(k, 3), "Randomise kernel")

    def normalise(self, how: str = "sum") -> None:
        """Scales the selected kernel so its weights sum to 1 (``sum``) or its |w| do (``l1``)."""
        k = self.state.kernels[self.state.selected].astype(np.float64)
        total = k.sum() if how == "sum" else np.abs(k).sum()
        if abs(total) < 1e-12:
            what = "the weights sum to 0" if how == "sum" else "the kernel is all zeros"
            self.show_error(f"Cannot normalise: {what}. Try the L1 norm instead."
                            if how == "sum" else f"Cannot normalise: {what}.")
            return
        self.set_selected_kernel((k / total).astype(np.float32),
                                 "Normalise kernel (sum 1)" if how == "sum" else "Normalise (L1)")

    def flip(self) -> None:
        """Rotates the selected kernel by 180° (cross-correlation with it = convolution)."""
        k = self.state.kernels[self.state.selected]
        self.set_selected_kernel(k[:, ::-1, ::-1].copy(), "Flip kernel 180°")

    def copy(self) -> str:
        """Copies the visible channel of the selected kernel to the clipboard as text."""
        text = format_matrix(self.state.kernels[self.state.selected, self.model.channel])
        QApplication.clipboard().setText(text)
        return text

    def paste(self, text: str | None = None) -> bool:
        """Pastes a kernel from text (the clipboard by default) into the selected slot."""
        src = QApplication.clipboard().text() if text is None else text
        try:
            arr = parse_matrix(src)
        except ValueError as exc:
            self.show_error(f"Cannot paste: {exc}")
            return False
        k = self.state.kernels[self.state.selected]
        if k.shape[0] > 1 and arr.shape == k.shape[1:]:
            full = k.copy()
            full[self.model.channel] = arr
            arr = full
        return self.set_selected_kernel(arr, "Paste kernel")
