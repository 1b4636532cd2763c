"""A hypothesis state machine over the whole window's Playground and its undo stack.

Rules act through the widgets a student uses (typed cells with hostile text, pasted matrices,
spin boxes and combos for K, kernel size, padding, stride, pooling and activation, strokes on the
canvas, presets, the lecture's examples) and through undo / redo / ``setIndex`` to any index.
After every step: the state equals the scene an independent model says the undo stack's index
stands for, every kernel is finite float32, the maps are computed, and no exception reached Qt.

A short run is in the default suite; ``pytest -m fuzz`` runs the long campaign (its counts are
printed with ``-s``).
"""

from __future__ import annotations

import os
import sys
from collections import Counter
from typing import ClassVar

import numpy as np
import pytest
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule
from PySide6.QtCore import QPointF
from PySide6.QtWidgets import QApplication

from playground.scene import MAX_KERNEL, MAX_KERNELS, MAX_PADDING, MAX_POOL, MAX_STRIDE, Scene
from playground.scene import default_scene as make_default_scene

HOSTILE = ["1e39", "nan", "1/0", "", "   ", "inf", "-inf", "-1e-46", "9" * 400, "3.5e38",
           "-3.5e38", "1e38/1e-38", "3e38", "0x10", "1,5", "½", "−2", "1e-38/1e38", "0/0",
           "1e308*10", "None", "[[1]]", "\x00", "1_000", "٣"]
NUMBER_TEXT = st.one_of(
    st.sampled_from(HOSTILE),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.tuples(st.floats(-1e39, 1e39), st.floats(-1e39, 1e39)).map(lambda t: f"{t[0]}/{t[1]}"),
    st.text(max_size=12),
)
MATRIX_TEXT = st.one_of(
    st.lists(st.lists(NUMBER_TEXT, min_size=1, max_size=4), min_size=1, max_size=4)
      .map(lambda rows: "\n".join("\t".join(r) for r in rows)),
    st.integers(1, 14).map(lambda n: "\n".join(" ".join(["1"] * n) for _ in range(n))),
    st.sampled_from(["[[1, 2], [3, 4]]", "array([[1e39]])", "1,2;3", "", "[[nan]]"]),
)


def comparable(scene: Scene) -> Scene:
    """What undo restores: the display choices and the selected kernel are not undo steps."""
    return scene.replace(view="step-2d", shared_scale=True, selected=0)


class PlaygroundMachine(RuleBasedStateMachine):
    """Drives ``window`` (a class attribute set by the test: one window for every example)."""

    window = None
    counts: ClassVar[Counter] = Counter()

    def __init__(self) -> None:
        super().__init__()
        win = self.window
        win.canvas.clear()
        win.state.apply(make_default_scene())
        win.undo_stack.clear()
        self.errors: list[BaseException] = []
        self._hook = sys.excepthook
        sys.excepthook = lambda _t, exc, _tb: self.errors.append(exc)
        win.undo.rejected.connect(self._on_rejected)
        win.kernel_editor.message.connect(self._on_message)
        self.model: list[Scene] = [comparable(win.state.scene())]

    def _on_rejected(self, _message: str) -> None:
        self.counts["refused"] += 1

    def _on_message(self, text: str) -> None:
        if text:  # the kernel editor refused typed or pasted text
            self.counts["refused"] += 1

    def teardown(self) -> None:
        sys.excepthook = self._hook
        self.window.undo.rejected.disconnect(self._on_rejected)
        self.window.kernel_editor.message.disconnect(self._on_message)

    # ---- bookkeeping ------------------------------------------------------------------------
    @property
    def stack(self):
        return self.window.undo_stack

    def _top(self):
        i = self.stack.index()
        return None if i == 0 else self.stack.command(i - 1).after

    def change(self, what: str, act) -> None:
        """Runs a user change and updates the model of what each undo index stands for."""
        self.counts[what] += 1
        count, index, top = self.stack.count(), self.stack.index(), self._top()
        act()
        QApplication.processEvents()
        now = comparable(self.window.state.scene())
        new_count, new_index = self.stack.count(), self.stack.index()
        if new_count == 0:  # the action cleared the stack (a demo scene)
            self.model = [now]
        elif new_index == index + 1 and new_count == new_index:
            self.model = [*self.model[:index + 1], now]  # pushed (redo entries dropped)
        elif new_index == index and new_count == index and self._top() is not top:
            self.model = [*self.model[:index], now]  # merged into the step below (spin bursts)
        else:  # refused, or nothing to change
            assert (new_count, new_index) == (count, index) and self._top() is top

    # ---- rules: the kernel editor -----------------------------------------------------------
    @rule(row=st.integers(0, MAX_KERNEL - 1), col=st.integers(0, MAX_KERNEL - 1),
          text=NUMBER_TEXT)
    def type_cell(self, row, col, text):
        m = self.window.kernel_editor.model
        self.change("type cell", lambda: m.setData(m.index(row % m.rowCount(),
                                                           col % m.columnCount()), text))

    @rule(text=MATRIX_TEXT)
    def paste(self, text):
        self.change("paste", lambda: self.window.kernel_editor.paste(text))

    @rule(k=st.integers(1, MAX_KERNELS))
    def set_count(self, k):
        self.change("K", lambda: self.window.kernel_editor.count.setValue(k))

    @rule(fh=st.integers(1, MAX_KERNEL), fw=st.integers(1, MAX_KERNEL))
    def set_size(self, fh, fw):
        ed = self.window.kernel_editor
        self.change("kernel size", lambda: ed.fh.setValue(fh))
        self.change("kernel size", lambda: ed.fw.setValue(fw))

    @rule(value=st.floats(-2000, 2000))
    def set_bias(self, value):
        self.change("bias", lambda: self.window.kernel_editor.bias.setValue(value))

    @rule(k=st.integers(0, MAX_KERNELS - 1))
    def select(self, k):
        self.change("select", lambda: self.window.kernel_editor._on_thumb_selected(k))

    @rule(i=st.integers(0, 40))
    def preset(self, i):
        combo = self.window.kernel_editor.presets
        self.change("preset", lambda: combo.activated.emit(i % combo.count()))

    @rule(how=st.sampled_from(["randomise", "normalise", "flip"]))
    def tool(self, how):
        ed = self.window.kernel_editor
        act = {"randomise": lambda: ed.randomise(seed=1), "normalise": ed.normalise,
               "flip": ed.flip}[how]
        self.change(how, act)

    # ---- rules: the layer settings ----------------------------------------------------------
    @rule(i=st.integers(0, 2))
    def padding_mode(self, i):
        self.change("padding mode", lambda: self.window.settings_panel.padding.setCurrentIndex(i))

    @rule(ph=st.integers(-5, MAX_PADDING + 5), pw=st.integers(-5, MAX_PADDING + 5))
    def custom_padding(self, ph, pw):
        sp = self.window.settings_panel
        self.change("custom padding", lambda: sp.pad_h.setValue(ph))
        self.change("custom padding", lambda: sp.pad_w.setValue(pw))

    @rule(sh=st.integers(-1, MAX_STRIDE + 2), sw=st.integers(-1, MAX_STRIDE + 2))
    def stride(self, sh, sw):
        sp = self.window.settings_panel
        self.change("stride", lambda: sp.stride_h.setValue(sh))
        self.change("stride", lambda: sp.stride_w.setValue(sw))

    @rule(i=st.integers(0, 2), k=st.integers(0, MAX_POOL + 1), s=st.integers(0, MAX_POOL + 1))
    def pooling(self, i, k, s):
        sp = self.window.settings_panel
        self.change("pooling", lambda: sp.pool.setCurrentIndex(i))
        self.change("pooling", lambda: sp.pool_h.setValue(k))
        self.change("pooling", lambda: sp.pool_sw.setValue(s))

    @rule(i=st.integers(0, 1))
    def activation(self, i):
        self.change("activation", lambda: self.window.settings_panel.activation.setCurrentIndex(i))

    # ---- rules: the input -------------------------------------------------------------------
    @rule(points=st.lists(st.tuples(st.floats(-0.2, 1.2), st.floats(-0.2, 1.2)), min_size=1,
                          max_size=6), erase=st.booleans())
    def stroke(self, points, erase):
        canvas = self.window.canvas

        def draw() -> None:
            w, h = canvas.width(), canvas.height()
            pos = [QPointF(x * w, y * h) for x, y in points]
            canvas.begin_stroke(pos[0], erase=erase)
            for p in pos[1:]:
                canvas.continue_stroke(p)
            canvas.end_stroke()

        self.change("stroke", draw)

    @rule(which=st.sampled_from(["matrix A", "1-D example", "digit", "demo", "clear"]),
          label=st.integers(0, 9))
    def example(self, which, label):
        win, panel = self.window, self.window.input_panel
        act = {"matrix A": panel.load_matrix_a, "1-D example": panel.load_vector_example,
               "digit": lambda: panel.random_digit(label), "demo": lambda: win.load_demo(label),
               "clear": lambda: win.undo.run("Clear", win.canvas.clear)}[which]
        self.change(which, act)

    # ---- rules: undo ------------------------------------------------------------------------
    @rule()
    def undo(self):
        self.counts["undo"] += 1
        self.stack.undo()

    @rule()
    def redo(self):
        self.counts["redo"] += 1
        self.stack.redo()

    @rule(i=st.integers(0, 10_000))
    def set_index(self, i):
        self.counts["setIndex"] += 1
        self.stack.setIndex(i % (self.stack.count() + 1))

    # ---- what must always hold --------------------------------------------------------------
    @initialize()
    def shown(self):
        QApplication.processEvents()

    @invariant()
    def no_exception_reached_qt(self):
        QApplication.processEvents()
        assert not self.errors, self.errors

    @invariant()
    def state_matches_the_undo_index(self):
        assert comparable(self.window.state.scene()) == self.model[self.stack.index()]

    @invariant()
    def kernels_are_finite_float32(self):
        s = self.window.state
        assert s.kernels.dtype == np.float32 and np.isfinite(s.kernels).all()
        assert s.bias.dtype == np.float32 and np.isfinite(s.bias).all()

    @invariant()
    def maps_are_computed(self):
        s = self.window.state
        assert s.result is not None and self.window.isVisible()


def run_machine(window, max_examples: int, steps: int) -> Counter:
    from hypothesis.stateful import run_state_machine_as_test

    PlaygroundMachine.window = window
    PlaygroundMachine.counts = Counter()
    run_state_machine_as_test(PlaygroundMachine, settings=settings(
        max_examples=max_examples, stateful_step_count=steps, deadline=None, database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        phases=[Phase.generate] if os.environ.get("FUZZ_NO_SHRINK") else list(Phase)))
    return PlaygroundMachine.counts


def test_playground_state_machine(window):
    counts = run_machine(window, max_examples=12, steps=25)
    assert counts["type cell"] + counts["paste"] > 0 and counts["undo"] + counts["setIndex"] > 0
    window.save_on_close = False


@pytest.mark.fuzz
@pytest.mark.slow
def test_playground_state_machine_long(window):
    counts = run_machine(window, max_examples=100, steps=50)
    total = sum(n for what, n in counts.items() if what != "refused")
    print(f"\nplayground state machine: {total} actions ({counts['refused']} refused cleanly), "
          f"0 bad: {dict(sorted(counts.items()))}")
    window.save_on_close = False
