"""Undo goes through the Scene: one step restores in one recompute and one typed event."""

from __future__ import annotations

import numpy as np
from PySide6.QtGui import QUndoStack

from playground.scene import Change, Scene
from playground.ui.common.undo import UndoableState


def _count(state):
    events, recomputes = [], []
    state.changed.connect(events.append)
    original = state.recompute
    state.recompute = lambda: (recomputes.append(1), original())
    return events, recomputes


def test_a_step_is_a_scene_and_undo_is_one_recompute(state):
    undo = UndoableState(state, QUndoStack())
    before = state.scene()
    assert undo.run("Valid padding", lambda: state.set_settings(padding_mode="valid"))
    assert isinstance(undo.capture().scene, Scene)
    events, recomputes = _count(state)
    undo.stack.undo()
    assert state.scene() == before
    assert events == [Change.SETTINGS] and len(recomputes) == 1
    undo.stack.redo()
    assert state.settings.padding_mode == "valid"
    assert events == [Change.SETTINGS, Change.SETTINGS] and len(recomputes) == 2


def test_a_lecture_example_is_one_step_with_one_recompute(state):
    from playground.ui.playground.input_panel import InputPanel

    undo = UndoableState(state, QUndoStack())
    panel = InputPanel(state, undo=undo)
    events, recomputes = _count(state)
    assert panel.load_matrix_a()
    assert len(events) == 1 and len(recomputes) == 1
    assert events[0] == Change.IMAGE | Change.KERNELS | Change.SETTINGS
    assert state.scene().input_kind == "matrix" and state.kernels.shape == (1, 1, 2, 2)
    undo.stack.undo()
    assert state.kernels.shape == (6, 1, 5, 5) and state.scene().input_kind == "drawing"
    assert len(recomputes) == 2
    panel.deleteLater()


def test_display_choices_are_not_undone_and_not_a_step(state):
    undo = UndoableState(state, QUndoStack())
    assert undo.run("Colour scale", lambda: state.set_view(shared_scale=False))
    assert undo.stack.count() == 0  # nothing to undo: only a display choice changed
    undo.run("Kernel cell", lambda: state.set_kernel_cell(0, 0, 0, 0, 5.0))
    state.set_view(view="cost")
    undo.stack.undo()
    assert state.kernels[0, 0, 0, 0] != 5.0
    assert state.view == "cost" and state.shared_scale is False


def test_a_refused_change_is_no_step(state):
    undo = UndoableState(state, QUndoStack())
    got = []
    undo.rejected.connect(got.append)
    assert not undo.run("Huge padding", lambda: state.set_settings(padding_mode="custom",
                                                                    padding=(5000, 5000)))
    assert got and "layer.padding" in got[0] and undo.stack.count() == 0
    np.testing.assert_array_equal(state.pads(), (2, 2, 2, 2))
