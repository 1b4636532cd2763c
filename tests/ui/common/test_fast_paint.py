"""The repaint shortcuts: NumPy colour mapping, painted colour bar ticks, steady labels, one-cell
kernel-editor updates. Each must look and behave exactly like what it replaced."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from playground.ui.common.fast_image import FastImageItem
from playground.ui.common.steady_label import SteadyBox, SteadyLabel
from playground.ui.playground.kernel_editor import KernelEditor
from playground.ui.playground.map_items import nice_ticks


def _pixels(item: pg.ImageItem) -> QImage:
    item.render()
    return item.qimage.convertToFormat(QImage.Format.Format_ARGB32_Premultiplied)


@pytest.mark.parametrize("levels", [(-2.5, 2.5), (0.0, 1.0), (3.0, 3.0)])
@pytest.mark.parametrize("cmap", ["CET-D1", "CET-L1"])
def test_fast_image_draws_the_same_pixels_as_pyqtgraph(levels, cmap):
    rng = np.random.default_rng(7)
    data = (rng.normal(size=(28, 31)) * 3).astype(np.float32)
    data[rng.random(data.shape) < 0.1] = np.nan  # not yet revealed cells of the step-through
    data[0, 0], data[1, 1] = np.inf, -np.inf
    slow, fast = pg.ImageItem(axisOrder="row-major"), FastImageItem(axisOrder="row-major")
    for item in (slow, fast):
        item.setColorMap(pg.colormap.get(cmap))
        item.setImage(data, autoLevels=False, levels=levels)
    assert _pixels(fast) == _pixels(slow)
    assert fast.image is data or np.array_equal(fast.image, data, equal_nan=True)


def test_fast_image_falls_back_for_rgb():
    rgb = np.random.default_rng(0).random((5, 6, 3)).astype(np.float32)
    slow, fast = pg.ImageItem(axisOrder="row-major"), FastImageItem(axisOrder="row-major")
    for item in (slow, fast):
        item.setImage(rgb, autoLevels=False, levels=(0.0, 1.0))
    assert _pixels(fast) == _pixels(slow)


@pytest.mark.parametrize(("lo", "hi", "expected"), [
    (-15, 15, [-15, -10, -5, 0, 5, 10, 15]),
    (-1, 1, [-1, -0.5, 0, 0.5, 1]),
    (-3.7, 3.7, [-3, -2, -1, 0, 1, 2, 3]),
])
def test_colour_bar_ticks_are_round_numbers(lo, hi, expected):
    ticks, step, _decimals = nice_ticks(lo, hi, 7)
    assert ticks == pytest.approx(expected)
    assert step == pytest.approx(expected[1] - expected[0])


class _LayoutRequests(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def eventFilter(self, _obj, event) -> bool:
        if event.type() == QEvent.Type.LayoutRequest:
            self.count += 1
        return False


def test_steady_labels_change_text_without_relayout(qtbot):
    top = QWidget()
    qtbot.addWidget(top)
    lay = QVBoxLayout(top)
    status = SteadyLabel("compute 0000.0 ms")
    formula = QLabel("c = 1")
    formula.setWordWrap(True)
    box = SteadyBox(formula, min_height=30)
    lay.addWidget(status)
    lay.addWidget(box)
    top.resize(400, 200)
    top.show()
    qtbot.waitExposed(top)
    qtbot.wait(50)  # the first layout pass is done
    requests = _LayoutRequests()
    top.installEventFilter(requests)
    for v in range(20):
        status.setText(f"compute {v}.5 ms")
        formula.setText(f"c = {v} + {v}")
        qtbot.wait(1)
    assert requests.count == 0
    assert status.text() == "compute 19.5 ms" and formula.text() == "c = 19 + 19"
    formula.setText(" ".join(["a long formula"] * 40))  # needs more lines: the box grows once
    qtbot.waitUntil(lambda: box.height() > 30)
    assert box.height() >= formula.heightForWidth(box.width())


def test_kernel_edit_repaints_only_the_edited_cell(qtbot, state):
    editor = KernelEditor(state)
    qtbot.addWidget(editor)
    model = editor.model
    changed = []
    model.dataChanged.connect(lambda a, b: changed.append((a.row(), a.column(), b.row(),
                                                           b.column())))
    k = state.kernels[state.selected, 0]
    vmax = float(np.abs(k).max())
    r, c = next((r, c) for r in range(k.shape[0]) for c in range(k.shape[1])
                if abs(k[r, c]) < vmax)
    assert model.setData(model.index(r, c), f"{vmax / 2:g}")
    assert changed == [(r, c, r, c)]
    assert model.data(model.index(r, c)) == f"{vmax / 2:.3g}"
    changed.clear()
    assert model.setData(model.index(r, c), f"{vmax * 4:g}")  # a new colour scale: every cell
    assert changed == [(0, 0, k.shape[0] - 1, k.shape[1] - 1)]
