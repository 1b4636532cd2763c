"""Layer settings: padding, stride, dilation, activation, pooling, backend and the colour scale."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QWidget,
)

from playground import engine
from playground.engine.registry import ACTIVATIONS, POOLS
from playground.scene import MAX_DILATION, MAX_PADDING, MAX_POOL, MAX_STRIDE, Change
from playground.ui.common.binding import observe_state
from playground.ui.common.undo import UndoableState
from playground.ui.playground.state import PlaygroundState

PADDINGS = (("valid", "valid (no padding)"), ("same", "same (output = input size)"),
            ("custom", "custom p"))
BACKEND_TIPS = {
    "auto": "The fastest backend present: CUDA with an NVIDIA GPU, else the Numba CPU kernels",
    "reference": "Plain NumPy loops: slow and obviously right (the specification)",
    "cpu": "Numba-compiled CPU kernels",
    "cuda": "Numba CUDA kernels on the NVIDIA GPU",
}


def _pair(tip_h: str, tip_w: str, lo: int, hi: int) -> tuple[QWidget, QSpinBox, QSpinBox]:
    box = QWidget()
    row = QHBoxLayout(box)
    row.setContentsMargins(0, 0, 0, 0)
    a, b = QSpinBox(minimum=lo, maximum=hi), QSpinBox(minimum=lo, maximum=hi)
    a.setToolTip(tip_h)
    b.setToolTip(tip_w)
    a.setPrefix("rows ")
    b.setPrefix("cols ")
    row.addWidget(a)
    row.addWidget(b)
    return box, a, b



def _set_value(spin, value) -> None:
    """``spin.setValue`` only when the value differs (setValue repaints even when it does not)."""
    if spin.value() != value:
        spin.setValue(value)


def _set_index(combo, index: int) -> None:
    if combo.currentIndex() != index:
        combo.setCurrentIndex(index)


def _set_text(label, text: str) -> None:
    if label.text() != text:
        label.setText(text)

class SettingsPanel(QWidget):
    """Padding / stride / dilation / activation / pooling / backend of the layer on show."""

    shared_scale_changed = Signal(bool)
    """The user switched between one colour scale for all maps (True) and one per map."""

    def __init__(self, state: PlaygroundState, parent: QWidget | None = None,
                 undo: UndoableState | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.undo = undo if undo is not None else UndoableState(state, parent=self)
        self._syncing = False

        self.padding = QComboBox()
        for key, text in PADDINGS:
            self.padding.addItem(text, key)
        self.padding.setToolTip(
            "Zero-padding makes the edges of the image wider without injecting new pixel "
            "information.\nvalid: (n_h - f_h + 1) x (n_w - f_w + 1).  same: the output is the "
            "same size as the input.")
        pad_box, self.pad_h, self.pad_w = _pair("p_h: zero rows added above and below",
                                                "p_w: zero columns added left and right", 0,
                                                MAX_PADDING)
        stride_box, self.stride_h, self.stride_w = _pair(
            "s_h: skip every s-th row (strided convolution)",
            "s_w: skip every s-th column", 1, MAX_STRIDE)
        self.dilation = QSpinBox(minimum=1, maximum=MAX_DILATION)
        self.dilation.setToolTip(
            "d: the kernel's taps sit d cells apart (d - 1 skipped between them), so an f x f "
            "kernel\nspans d(f - 1) + 1 cells with the same f x f weights.  d = 1: the ordinary "
            "convolution.\nOutput size: floor((n + 2p - d(f - 1) - 1) / s) + 1")
        self.activation = QComboBox()
        for key, text in ACTIVATIONS.items():
            self.activation.addItem(text, key)
        self.activation.setToolTip("ReLU keeps only positive similarity: max(0, q)")
        self.pool = QComboBox()
        for key, text in POOLS.items():
            self.pool.addItem(text, key)
        self.pool.setToolTip("Max pooling takes the strongest signal within each window;\n"
                             "average pooling returns the average value. No parameters!")
        pool_box, self.pool_h, self.pool_w = _pair("K: pooling window rows", "pooling window cols",
                                                   1, MAX_POOL)
        pstride_box, self.pool_sh, self.pool_sw = _pair(
            "s: pooling stride rows (s = K: non-overlapping windows)", "pooling stride cols", 1,
            MAX_POOL)
        self.backend = QComboBox()
        self._fill_backends()
        self.shared_scale = QCheckBox("Shared colour scale for all maps")
        self.shared_scale.setChecked(True)
        self.shared_scale.setToolTip("On: every feature map uses the same colour range, so maps "
                                     "can be compared.\nOff: each map is scaled to its own range.")

        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow("Padding", self.padding)
        form.addRow("  p", pad_box)
        form.addRow("Stride s", stride_box)
        form.addRow("Dilation d", self.dilation)
        form.addRow("Activation", self.activation)
        form.addRow("Pooling", self.pool)
        form.addRow("  window K", pool_box)
        form.addRow("  stride", pstride_box)
        form.addRow("Backend", self.backend)
        form.addRow(self.shared_scale)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color: palette(mid);")
        form.addRow(self.note)

        self.padding.currentIndexChanged.connect(self._on_padding_changed)
        for spin in (self.pad_h, self.pad_w):
            spin.valueChanged.connect(self._on_padding_changed)
        for spin in (self.stride_h, self.stride_w):
            spin.valueChanged.connect(self._on_stride_changed)
        self.dilation.valueChanged.connect(self._on_dilation_changed)
        self.activation.currentIndexChanged.connect(self._on_activation_changed)
        self.pool.currentIndexChanged.connect(self._on_pool_changed)
        for spin in (self.pool_h, self.pool_w, self.pool_sh, self.pool_sw):
            spin.valueChanged.connect(self._on_pool_changed)
        self.backend.currentIndexChanged.connect(self._on_backend_changed)
        self.shared_scale.toggled.connect(self.shared_scale_changed)
        observe_state(self, state, self._on_state_changed)
        self.sync()

    def _fill_backends(self) -> None:
        present = set(engine.available_backends())
        for name in engine.CHOICES:
            self.backend.addItem(name, name)
            i = self.backend.count() - 1
            tip = BACKEND_TIPS[name]
            if name != "auto" and name not in present:
                item = self.backend.model().item(i) if isinstance(
                    self.backend.model(), QStandardItemModel) else None
                if item is not None:
                    item.setEnabled(False)
                tip = ("No NVIDIA GPU with a CUDA driver was found, so the CUDA backend is off.\n"
                       "Install the driver and pip install 'conv-playground[cuda]'.")
            self.backend.setItemData(i, tip, Qt.ItemDataRole.ToolTipRole)
        self.backend.setToolTip("Where the convolutions run; results are identical on every one")

    # ---- state -> widgets --------------------------------------------------------------------
    def _on_state_changed(self, what: Change) -> None:
        if what & (Change.SETTINGS | Change.BACKEND | Change.KERNELS):
            self.sync()

    def sync(self) -> None:
        """Shows the state's settings without writing them back."""
        s = self.state.settings
        self._syncing = True
        try:
            _set_index(self.padding, self.padding.findData(s.padding_mode))
            pads = self.state.pads()
            self.padding.setItemText(self.padding.findData("same"), self._same_text(pads))
            _set_value(self.pad_h, s.padding[0] if s.padding_mode == "custom" else pads[0])
            _set_value(self.pad_w, s.padding[1] if s.padding_mode == "custom" else pads[2])
            custom = s.padding_mode == "custom"
            self.pad_h.setEnabled(custom)
            self.pad_w.setEnabled(custom)
            _set_value(self.stride_h, s.stride[0])
            _set_value(self.stride_w, s.stride[1])
            _set_value(self.dilation, s.dilation)
            _set_index(self.activation, self.activation.findData(s.activation))
            _set_index(self.pool, self.pool.findData(s.pool))
            _set_value(self.pool_h, s.pool_size[0])
            _set_value(self.pool_w, s.pool_size[1])
            _set_value(self.pool_sh, s.pool_stride[0])
            _set_value(self.pool_sw, s.pool_stride[1])
            for spin in (self.pool_h, self.pool_w, self.pool_sh, self.pool_sw):
                spin.setEnabled(s.pool != "none")
            _set_index(self.backend, max(self.backend.findData(self.state.backend), 0))
        finally:
            self._syncing = False
        asked, on = self.state.backend, engine.backend_name()
        if asked == "auto":
            concrete = f"auto → {on}"
        else:
            concrete = asked if on == asked else f"{on} until the {asked} kernels are ready"
        _set_text(self.note, f"Computing on: {concrete}")

    def _same_text(self, pads: tuple[int, int, int, int]) -> str:
        """The "same" item's label, true for the current stride: the output is the input's size
        only at stride 1."""
        s = self.state.settings
        if s.stride == (1, 1):
            return PADDINGS[1][1]
        p = f"p = {pads[0]}" if len(set(pads)) == 1 else "p = " + ", ".join(map(str, pads))
        res = self.state.result
        out = (f" → {res.conv.shape[1]}×{res.conv.shape[2]}" if res is not None
               and self.state.settings.padding_mode == "same" else "")
        stride = f"{s.stride[0]}" if s.stride[0] == s.stride[1] else "×".join(map(str, s.stride))
        return f"same padding ({p}); stride {stride}{out}"

    # ---- widgets -> state --------------------------------------------------------------------
    def _set(self, text: str, merge: str, **changes) -> None:
        if not self._syncing:
            key = merge if isinstance(self.sender(), QSpinBox) else None
            self.undo.run(text, lambda: self.state.set_settings(**changes), key)
            self.sync()

    def _on_padding_changed(self, *_args) -> None:
        mode = self.padding.currentData()
        if mode == "custom" and not self._syncing and self.sender() is self.padding:
            pads = self.state.pads()
            self._set("Padding: custom", "padding", padding_mode="custom",
                      padding=(max(pads[0], pads[1]), max(pads[2], pads[3])))
            return
        self._set(f"Padding: {mode}", "padding", padding_mode=mode,
                  padding=(self.pad_h.value(), self.pad_w.value()))

    def _on_stride_changed(self, *_args) -> None:
        self._set("Stride", "stride", stride=(self.stride_h.value(), self.stride_w.value()))

    def _on_dilation_changed(self, *_args) -> None:
        self._set("Dilation", "dilation", dilation=self.dilation.value())

    def _on_activation_changed(self, *_args) -> None:
        self._set("Activation", "activation", activation=self.activation.currentData())

    def _on_pool_changed(self, *_args) -> None:
        self._set("Pooling", "pool", pool=self.pool.currentData(),
                  pool_size=(self.pool_h.value(), self.pool_w.value()),
                  pool_stride=(self.pool_sh.value(), self.pool_sw.value()))

    def _on_backend_changed(self, *_args) -> None:
        name = self.backend.currentData()
        if not self._syncing and name != self.state.backend:
            self.undo.run(f"Backend: {name}", lambda: self.state.set_backend(name))
            self.sync()
