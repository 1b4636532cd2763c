"""Translation invariance: shift the drawing and compare a CNN with the FCNN.

The arrow keys (or buttons) move the drawing one pixel (a shifted copy, zeros coming in, set with
``state.set_image``). The pre-trained LeNet-5's conv1 maps move with the digit, and its prediction
holds; the pre-trained FCNN, whose first layer holds one fixed 28x28 template per unit, wavers.
A plot sweeps shifts of -8..8 pixels along both axes for both networks.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QGridLayout,
    QGroupBox,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from playground import nn
from playground.scene import Change
from playground.ui.common.binding import observe_state
from playground.ui.common.layout import scrolling
from playground.ui.common.side_by_side import SideBySide, scaled_minimum_height
from playground.ui.common.theme import fg
from playground.ui.network.model_holder import ModelHolder, digit_input
from playground.ui.network.network_view import TileGrid
from playground.ui.playground.prediction_view import ProbabilityBars
from playground.ui.playground.state import PlaygroundState

SWEEP = 8


def shifted(image: np.ndarray, dy: int, dx: int) -> np.ndarray:
    """``image`` (H, W) moved ``dy`` rows down and ``dx`` columns right; zeros come in."""
    h, w = image.shape
    out = np.zeros_like(image)
    if abs(dy) >= h or abs(dx) >= w:
        return out
    out[max(dy, 0):h + min(dy, 0), max(dx, 0):w + min(dx, 0)] = \
        image[max(-dy, 0):h - max(dy, 0), max(-dx, 0):w - max(dx, 0)]
    return out


class InvarianceView(QWidget):
    """Shift the drawing; LeNet-5's feature maps and prediction beside the FCNN's prediction."""

    shifted_to = Signal(int, int)
    """The drawing now sits (dy, dx) pixels from where it was drawn."""

    def __init__(self, state: PlaygroundState, holder: ModelHolder,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.holder = holder
        self.offset = (0, 0)
        self.undo = None
        """The window's UndoableState, when there is one: shifts then go on its undo stack."""
        self._base: np.ndarray | None = None
        self._mine: np.ndarray | None = None
        self.notice = ""
        self.cnn = self._pretrained("lenet5")
        self.fcnn = self._pretrained("fcnn")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

        self.input_tile = TileGrid(tile_px=120)
        self.offset_label = QLabel()
        arrows = QGridLayout()
        self._arrows: dict[Qt.Key, tuple[int, int]] = {}
        for text, (r, c), (dy, dx), key in (("↑", (0, 1), (-1, 0), Qt.Key.Key_Up),
                                            ("←", (1, 0), (0, -1), Qt.Key.Key_Left),
                                            ("→", (1, 2), (0, 1), Qt.Key.Key_Right),
                                            ("↓", (2, 1), (1, 0), Qt.Key.Key_Down)):
            b = QPushButton(text)
            b.setToolTip("Move the drawing one pixel (or use the arrow keys)")
            b.setAutoRepeat(True)
            b.clicked.connect(lambda _=False, d=(dy, dx): self.move(*d))
            arrows.addWidget(b, r, c)
            sc = QShortcut(QKeySequence(key), self)
            sc.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            sc.activated.connect(lambda d=(dy, dx): self.move(*d))
            self._arrows[key] = (dy, dx)
        reset = QPushButton("0")
        reset.setToolTip("Back to where it was drawn")
        reset.clicked.connect(self.reset)
        arrows.addWidget(reset, 1, 1)
        left = QGroupBox("Move the drawing (arrow keys)")
        ll = QVBoxLayout(left)
        ll.addWidget(self.input_tile)
        ll.addWidget(self.offset_label)
        ll.addLayout(arrows)
        ll.addStretch(1)

        self.maps = TileGrid(tile_px=72, max_columns=3)
        maps_box = QGroupBox("LeNet-5 conv1 maps")  # a short title: it sets the box's width
        maps_box.setToolTip("LeNet-5's conv1 feature maps: they move with the digit")
        QVBoxLayout(maps_box).addWidget(self.maps)
        self.cnn_bars = ProbabilityBars(title="LeNet-5:")
        self.fcnn_bars = ProbabilityBars(title="FCNN:")
        preds = QGroupBox("Both pre-trained networks")
        pl = QVBoxLayout(preds)
        pl.addWidget(self.cnn_bars)
        pl.addWidget(self.fcnn_bars)
        self.notice_label = QLabel(self.notice)
        self.notice_label.setWordWrap(True)
        self.notice_label.setVisible(bool(self.notice))
        pl.addWidget(self.notice_label)

        self.plot = pg.PlotWidget(background="w")
        self.plot.setTitle("Probability of the unshifted digit's class vs shift", color=fg())
        self.plot.setLabel("bottom", "shift (pixels)", color=fg())
        self.plot.setLabel("left", "probability", color=fg())
        self.plot.setYRange(0, 1, padding=0.02)
        self.plot.showGrid(x=True, y=True, alpha=0.25)
        self.plot.setMenuEnabled(False)
        legend = self.plot.addLegend(offset=(10, 10))
        legend.setLabelTextColor(fg())
        legend.setBrush(pg.mkBrush(255, 255, 255, 220))
        for name in ("bottom", "left"):
            self.plot.getAxis(name).setTextPen(fg())
            self.plot.getAxis(name).setPen(fg())
        xs = np.arange(-SWEEP, SWEEP + 1)
        self.sweep_x = xs
        self.curves = {}
        for key, name, color, style in (("cnn_x", "LeNet-5, sideways", "#0072B2", None),
                                        ("fcnn_x", "FCNN, sideways", "#D55E00", None),
                                        ("cnn_y", "LeNet-5, up/down", "#0072B2", "dash"),
                                        ("fcnn_y", "FCNN, up/down", "#D55E00", "dash")):
            pen = pg.mkPen(color, width=2, style=Qt.PenStyle.DashLine if style else
                           Qt.PenStyle.SolidLine)
            self.curves[key] = self.plot.plot([], [], pen=pen, name=name)
        self.marker = pg.InfiniteLine(0, pen=pg.mkPen("#777", width=1))
        self.plot.addItem(self.marker)

        # three boxes in a row, or two rows (or three) on a narrow screen; the curve under them
        # keeps a readable height, the page scrolls instead of crushing it
        self.boxes = SideBySide([left, SideBySide([maps_box, preds], [1, 1])], [0, 1],
                                full_height=True)
        scaled_minimum_height(self.plot, 220)
        page = QWidget()
        pl = QVBoxLayout(page)
        pl.setContentsMargins(0, 0, 0, 0)
        pl.addWidget(self.boxes, 3)
        pl.addWidget(self.plot, 2)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(scrolling(page))

        self._sweep_dirty = True
        self._dirty = True
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(30)
        self._timer.timeout.connect(self.refresh)
        observe_state(self, state, self._on_state_changed)

    def _pretrained(self, name: str) -> nn.Model:
        try:
            return self.holder.pretrained(name)
        except nn.ModelFileError as exc:
            self.notice += f"Pre-trained {name} missing ({exc}); using an untrained one. "
            return nn.build_model(name, backend=self.holder.backend)

    # ---- shifting ---------------------------------------------------------------------------
    def base_image(self) -> np.ndarray:
        if self._base is None:
            self._base = digit_input(self.state.image)
        return self._base

    def take_arrows_from(self, tabs) -> None:
        """While this view is ``tabs``' current page, the arrow keys move the drawing even when
        the tab bar has the focus (instead of switching to the next tab)."""
        self._tabs = tabs
        tabs.tabBar().installEventFilter(self)
        tabs.currentChanged.connect(
            lambda _i: self.setFocus() if tabs.currentWidget() is self else None)

    def eventFilter(self, obj, event) -> bool:
        tabs = getattr(self, "_tabs", None)
        if (tabs is not None and obj is tabs.tabBar() and event.type() == QEvent.Type.KeyPress
                and tabs.currentWidget() is self and event.key() in self._arrows
                and event.modifiers() == Qt.KeyboardModifier.NoModifier):
            self.move(*self._arrows[event.key()])
            return True
        return super().eventFilter(obj, event)

    def move(self, dy: int, dx: int) -> None:
        """Moves the drawing by (dy, dx) pixels from where it is now."""
        self.shift_to(self.offset[0] + dy, self.offset[1] + dx)

    def reset(self) -> None:
        self.shift_to(0, 0)

    def shift_to(self, dy: int, dx: int) -> None:
        """Puts the drawing (dy, dx) pixels from where it was drawn (clamped to ±14)."""
        base = self.base_image()
        dy, dx = int(np.clip(dy, -14, 14)), int(np.clip(dx, -14, 14))
        self.offset = (dy, dx)
        img = shifted(base, dy, dx)
        self._mine = img
        if self.undo is not None:  # a run of arrow-key shifts is one undo step
            self.undo.run("Shift the drawing", lambda: self.state.set_image(img), merge="shift")
        else:
            self.state.set_image(img)
        self.shifted_to.emit(dy, dx)

    def _on_state_changed(self, what: Change) -> None:
        if not what & Change.IMAGE:
            return
        if self._mine is None or not np.array_equal(self.state.image, self._mine):
            self._base, self._mine, self.offset = None, None, (0, 0)  # a new drawing
            self._sweep_dirty = True
        self._dirty = True
        if self.isVisible():
            self._timer.start()

    # ---- showing ----------------------------------------------------------------------------
    def predictions(self) -> tuple[np.ndarray, np.ndarray]:
        """(LeNet-5, FCNN) probabilities for the drawing as it is now."""
        img = digit_input(self.state.image)
        return self.cnn.predict_proba(img), self.fcnn.predict_proba(img)

    def refresh(self) -> None:
        """Shows the drawing as it is now, LeNet-5's conv1 maps and both predictions."""
        self._dirty = False
        backend = self.holder.compute_backend()
        self.cnn.to(backend)
        self.fcnn.to(backend)
        img = digit_input(self.state.image)
        self.input_tile.set_tiles([img], [""])  # the offset label below says how far it moved
        self.offset_label.setText(f"Shift: {self.offset[1]:+d} px sideways, "
                                  f"{self.offset[0]:+d} px down")
        trace = self.cnn.forward_trace(img)
        conv = trace["conv1"]
        self.maps.set_tiles(list(conv), [str(i + 1) for i in range(len(conv))], signed=True)
        pc, pf = trace["probs"], self.fcnn.predict_proba(img)
        self.cnn_bars.set_probabilities(pc)
        self.fcnn_bars.set_probabilities(pf)
        self.marker.setValue(self.offset[1] if self.offset[1] else self.offset[0])
        if self._sweep_dirty and self.isVisible():
            self.sweep()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._dirty or self._sweep_dirty:
            self._timer.start()

    def sweep(self) -> None:
        """Plots both networks' probability of the unshifted prediction for shifts -8..8."""
        self._sweep_dirty = False
        base = self.base_image()
        if float(base.max()) < 0.05:
            for c in self.curves.values():
                c.setData([], [])
            return
        target = int(np.argmax(self.cnn.predict_proba(base)))
        xs = self.sweep_x
        sideways = np.stack([shifted(base, 0, int(s)) for s in xs])
        updown = np.stack([shifted(base, int(s), 0) for s in xs])
        for model, key in ((self.cnn, "cnn"), (self.fcnn, "fcnn")):
            self.curves[f"{key}_x"].setData(xs, model.predict_proba(sideways)[:, target])
            self.curves[f"{key}_y"].setData(xs, model.predict_proba(updown)[:, target])
        self.plot.setTitle(f"Probability of '{target}' (the unshifted prediction) vs shift",
                           color=fg())
