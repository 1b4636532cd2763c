"""Parameters and multiply-adds of the conv layer, beside the fully connected layer it replaces.

The numbers come from :mod:`playground.engine.shapes` (``conv_params``, ``conv_macs``,
``dense_params``, ``output_size``). A combo box switches the panel between the live layer and the
lecture's two worked examples; choosing an example only changes what this panel shows, never the
playground state (so a student can glance at the lecture's numbers without losing their layer).
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from playground.engine import shapes
from playground.lessons.lecture import COST_EXAMPLES
from playground.scene import COMPUTED, Change
from playground.ui.common.binding import observe_state
from playground.ui.common.deferred import RichTextView
from playground.ui.common.layout import scrolling
from playground.ui.common.theme import big_font, follow_theme, scale_changed


@dataclass(frozen=True)
class LayerShape:
    """What the cost of one conv layer depends on; ``ho``/``wo`` are 0 when there is no output."""

    title: str
    k: int
    c: int
    h: int
    w: int
    fh: int
    fw: int
    ho: int
    wo: int
    note: str = ""

    @classmethod
    def lecture(cls, title: str, k: int, c: int, n: int, f: int, note: str) -> LayerShape:
        """A square example with 'same' padding and stride 1, as in the lecture."""
        pads = shapes.resolve_padding("same", (f, f))
        ho = shapes.output_size(n, f, (pads[0], pads[1]), 1)
        wo = shapes.output_size(n, f, (pads[2], pads[3]), 1)
        return cls(title, k, c, n, n, f, f, ho, wo, note)


LIVE = "live"
EXAMPLES: dict[str, LayerShape] = {
    key: LayerShape.lecture(e.title, e.k, e.c, e.n, e.f, e.note)
    for key, e in COST_EXAMPLES.items()
}
"""The lecture's worked examples (:data:`playground.lessons.lecture.COST_EXAMPLES`) the combo box
offers (display only)."""


def layer_from_state(state) -> LayerShape:
    """The live layer's shape."""
    k, c, fh, fw = state.kernels.shape
    h, w = state.input_hw
    pt, pb, pl, pr = state.pads()
    sh, sw = state.settings.stride
    d = state.settings.dilation  # moves the output size only: weights and MACs per output stay
    ho = shapes.output_size(h, fh, (pt, pb), sh, d)
    wo = shapes.output_size(w, fw, (pl, pr), sw, d)
    return LayerShape("Your layer", k, c, h, w, fh, fw, ho, wo)


def cost_html(layer: LayerShape, hidden: bool = False) -> str:
    """The cost comparison as rich text; ``hidden`` (the answers are hidden) writes "?" for what
    depends on the output size (the output, its multiply-adds, the dense layer's parameters)."""
    L = layer
    per_filter = shapes.conv_params(1, L.c, L.fh, L.fw, bias=False)
    weights = shapes.conv_params(L.k, L.c, L.fh, L.fw, bias=False)
    params = shapes.conv_params(L.k, L.c, L.fh, L.fw)
    n_in = L.c * L.h * L.w
    unit = shapes.dense_params(n_in, 1, bias=False)
    out = [f"<p><b>{html.escape(L.title)}</b></p>"]
    if L.note:
        out.append(f"<p style='color:#555'><i>{html.escape(L.note)}</i></p>")
    out.append("<table cellspacing='5'>")
    out.append(_row("input", f"{L.c} × {L.h} × {L.w} = {n_in:,} values"))
    out.append(_row("filters", f"{L.k} of {L.c} × {L.fh} × {L.fw} (depth = input channels)"))
    out.append(_row("conv weights",
                    f"{L.k} × {L.c} × {L.fh} × {L.fw} = <b>{weights:,}</b> weights + {L.k} biases "
                    f"= <b>{params:,}</b> parameters"))
    if hidden:
        out.append(_row("output", f"{L.k} × ? × ? values"))
        out.append(_row("multiply-adds", f"{per_filter:,} per position × ? positions × "
                        f"{_plural(L.k, 'filter')} = <b>?</b>"))
        out.append(_row("fully connected", "one unit per output value from all "
                        f"{n_in:,} inputs: <b>?</b> parameters"))
    elif L.ho >= 1 and L.wo >= 1:
        positions = L.ho * L.wo
        macs = shapes.conv_macs(L.k, L.c, L.fh, L.fw, L.ho, L.wo)
        n_out = L.k * positions
        dense = shapes.dense_params(n_in, n_out)
        out.append(_row("output", f"{L.k} × {L.ho} × {L.wo} = {n_out:,} values"))
        out.append(_row("multiply-adds",
                        f"{per_filter:,} per position × {_plural(positions, 'position')} × "
                        f"{_plural(L.k, 'filter')} "
                        f"= <b>{macs:,}</b>"))
        ratio = dense / params
        out.append(_row("fully connected",
                        f"one unit per output value ({n_out:,}) from all {n_in:,} inputs: "
                        f"{n_in:,} × {n_out:,} + {n_out:,} = <b>{dense:,}</b> parameters "
                        f"(<b>{ratio:,.0f}×</b> the conv layer)"))
    else:
        out.append(_row("multiply-adds", "<span style='color:#c5221f'>none: the layer has no "
                        "output with these settings</span>"))
    out.append(_row("one unit vs one filter",
                    f"a single fully connected unit on the whole {L.h} × {L.w} × {L.c} input needs "
                    f"<b>{unit:,}</b> weights; one {L.fh} × {L.fw} × {L.c} filter needs "
                    f"<b>{per_filter:,}</b>, shared by every position"))
    out.append(_row("pooling", "0 parameters (max/avg have nothing to learn)"))
    out.append("</table>")
    return "".join(out)


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n:,} {one if n == 1 else (many or one + 's')}"


def _row(name: str, value: str) -> str:
    return f"<tr><td style='color:#555'>{name}</td><td>{value}</td></tr>"


class CostPanel(RichTextView, QWidget):
    """Parameter and multiply-add counts for the live layer or one of the lecture's examples.

    Choosing a lecture example in the combo box only changes what this panel shows; the
    playground state is never modified. ``set_example(None)`` (or "Your layer") goes back to live.
    """

    def __init__(self, state, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.combo = QComboBox()
        self.combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.combo.setMinimumContentsLength(14)
        self.combo.addItem("Your layer (live)", LIVE)
        for key, layer in EXAMPLES.items():
            self.combo.addItem(layer.title, key)
        self.combo.setToolTip("Show the lecture's worked examples; your layer is left as it is")
        self.combo.currentIndexChanged.connect(self._on_combo_index_changed)
        self.label = QLabel()
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.label.setWordWrap(True)
        self.label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.label.setFont(big_font())
        top = QHBoxLayout()
        top.addWidget(QLabel("Show:"))
        top.addWidget(self.combo, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(scrolling(self.label), 1)
        self._html = ""
        self._dirty = True
        observe_state(self, state, self._on_state_changed)
        follow_theme(self._on_theme_changed)
        self.refresh()

    def example(self) -> str | None:
        """The lecture example on show (a key of :data:`EXAMPLES`), or None for the live layer."""
        key = self.combo.currentData()
        return None if key == LIVE else key

    def set_example(self, key: str | None) -> None:
        """Shows a lecture example (a key of :data:`EXAMPLES`) or, with None, the live layer."""
        if key is not None and key not in EXAMPLES:
            raise ValueError(f"unknown example {key!r}: choose one of {', '.join(EXAMPLES)}")
        self.combo.setCurrentIndex(self.combo.findData(LIVE if key is None else key))


    def refresh(self) -> None:
        """Recounts for the live layer or the chosen example."""
        self._dirty = False
        key = self.example()
        layer = EXAMPLES[key] if key is not None else layer_from_state(self.state)
        self._hidden = self.state.hide_answers
        text = cost_html(layer, self._hidden)
        if text != self._html:
            self._html = text
            self.label.setText(text)

    def _on_theme_changed(self, _percent: int) -> None:
        if not scale_changed(self):
            return
        self.label.setFont(big_font())

    def _on_combo_index_changed(self, _index: int) -> None:
        self.refresh()

    def _needs_refresh(self, what: Change) -> bool:
        if getattr(self, "_hidden", False) != self.state.hide_answers:
            return True
        return bool(what & COMPUTED) and self.example() is None
