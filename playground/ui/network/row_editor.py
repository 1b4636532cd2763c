"""The designer's editor for one row: the fields its kind uses (filters, kernel, stride,
padding, dilation; window; units; drop probability), emitting the edited row."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QDoubleSpinBox, QFormLayout, QGroupBox, QSpinBox, QWidget

from playground.nn.arch import CONV, DENSE, DROPOUT, KINDS, LayerSpec

NEW_ROW = {CONV: LayerSpec(CONV, filters=8, size=3, padding="same"),
           "maxpool": LayerSpec("maxpool", size=2), "avgpool": LayerSpec("avgpool", size=2),
           DENSE: LayerSpec(DENSE, units=64), DROPOUT: LayerSpec(DROPOUT, p=0.5)}
"""What a freshly added row of each kind starts as (the rest: just the kind)."""


class RowEditor(QGroupBox):
    """The fields of one row; only those its kind uses are shown. ``edited(spec)`` on a change."""

    edited = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Selected layer", parent)
        self.kind = QComboBox()
        self.kind.addItems(list(KINDS))
        self.filters = QSpinBox(minimum=1, maximum=512)
        self.size = QSpinBox(minimum=1, maximum=31)
        self.stride = QSpinBox(minimum=0, maximum=16)
        self.stride.setSpecialValueText("default")
        self.stride.setToolTip("default: 1 for conv, the window for pooling")
        self.padding = QComboBox()
        self.padding.addItems(["valid", "same", "number"])
        self.pad = QSpinBox(minimum=0, maximum=32)
        self.dilation = QSpinBox(minimum=1, maximum=16)
        self.dilation.setToolTip("taps d apart: output floor((n + 2p - d(f-1) - 1)/s) + 1")
        self.units = QSpinBox(minimum=1, maximum=65536)
        self.p = QDoubleSpinBox(minimum=0.0, maximum=0.95, singleStep=0.05, decimals=2)
        self.form = QFormLayout(self)
        self._fields = {"kind": self.kind, "filters": self.filters, "size": self.size,
                        "stride": self.stride, "padding": self.padding, "pad": self.pad,
                        "dilation": self.dilation, "units": self.units, "p": self.p}
        labels = {"kind": "Kind", "filters": "Filters", "size": "Kernel / window",
                  "stride": "Stride", "padding": "Padding", "pad": "Padding (pixels)",
                  "dilation": "Dilation", "units": "Units", "p": "Drop probability"}
        for key, widget in self._fields.items():
            self.form.addRow(labels[key], widget)
        self._loading = False
        self.kind.currentTextChanged.connect(self._on_kind_changed)
        for w in (self.filters, self.size, self.stride, self.pad, self.dilation, self.units,
                  self.p):
            w.valueChanged.connect(self._on_value_changed)
        self.padding.currentTextChanged.connect(self._on_value_changed)
        self.set_spec(None)

    def _show(self, kind: str) -> None:
        used = {CONV: ("filters", "size", "stride", "padding", "pad", "dilation"),
                "maxpool": ("size", "stride"), "avgpool": ("size", "stride"),
                DENSE: ("units",), DROPOUT: ("p",)}.get(kind, ())
        for key, widget in self._fields.items():
            visible = key == "kind" or key in used
            if key == "pad":
                visible = visible and self.padding.currentText() == "number"
            self.form.setRowVisible(widget, visible)

    def set_spec(self, spec: LayerSpec | None) -> None:
        """Shows ``spec`` (None: nothing selected) without emitting ``edited``."""
        self._loading = True
        try:
            self.setEnabled(spec is not None)
            spec = spec or LayerSpec("relu")
            if spec.kind in KINDS:
                self.kind.setCurrentText(spec.kind)

            def put(widget, value, fallback):
                ok = isinstance(value, (int, float)) and not isinstance(value, bool)
                widget.setValue(value if ok else fallback)

            put(self.filters, spec.filters, 8)
            put(self.size, spec.size, 3)
            put(self.stride, 0 if spec.stride is None else spec.stride, 0)
            put(self.dilation, spec.dilation, 1)
            put(self.units, spec.units, 64)
            put(self.p, spec.p, 0.5)
            if isinstance(spec.padding, str):
                self.padding.setCurrentText(spec.padding if spec.padding in ("valid", "same")
                                            else "valid")
            else:
                self.padding.setCurrentText("number")
                put(self.pad, spec.padding, 0)
            self._show(self.kind.currentText())
        finally:
            self._loading = False

    def spec(self) -> LayerSpec:
        """The row as the fields say."""
        kind = self.kind.currentText()
        if kind == CONV:
            pad = self.padding.currentText()
            return LayerSpec(CONV, filters=self.filters.value(), size=self.size.value(),
                             stride=self.stride.value() or None,
                             padding=self.pad.value() if pad == "number" else pad,
                             dilation=self.dilation.value())
        if kind in ("maxpool", "avgpool"):
            return LayerSpec(kind, size=self.size.value(), stride=self.stride.value() or None)
        if kind == DENSE:
            return LayerSpec(DENSE, units=self.units.value())
        if kind == DROPOUT:
            return LayerSpec(DROPOUT, p=round(self.p.value(), 2))
        return LayerSpec(kind)

    def _on_kind_changed(self, kind: str) -> None:
        if self._loading:
            return
        self.set_spec(NEW_ROW.get(kind, LayerSpec(kind)))
        self.setEnabled(True)
        self.edited.emit(self.spec())

    def _on_value_changed(self, *_args) -> None:
        self._show(self.kind.currentText())
        if not self._loading:
            self.edited.emit(self.spec())
