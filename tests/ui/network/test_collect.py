"""Collect mode: labels, drawn examples, undo, training live, named predictions, save/reopen."""

from __future__ import annotations

import numpy as np
import pytest

from playground.data import load_image_folder
from playground.ui.network.collect import CollectPanel, autosave_dir
from playground.ui.network.model_holder import ModelHolder
from playground.ui.network.training_panel import TrainingPanel


def drawing(kind: str, rng: np.random.Generator, n: int = 280) -> np.ndarray:
    """A 280x280 stroke drawing: a ring or a bar, somewhere near the middle."""
    yy, xx = np.mgrid[0:n, 0:n]
    cy, cx = rng.uniform(110, 170, 2)
    r = rng.uniform(60, 100)
    if kind == "circle":
        ink = np.abs(np.hypot(yy - cy, xx - cx) - r) < 10
    else:
        ink = (np.abs(yy - cy) < 10) & (np.abs(xx - cx) < r)
    return (ink * 255).astype(np.uint8)


@pytest.fixture
def parts(qtbot, state, tmp_path):
    holder = ModelHolder(state, pretrained="fcnn")
    training = TrainingPanel(holder)
    training.model_combo.setCurrentIndex(training.model_combo.findData("fcnn"))
    panel = CollectPanel(holder, training, autosave=tmp_path / "autosave")
    qtbot.addWidget(training)
    qtbot.addWidget(panel)
    yield panel, training
    training.shutdown()
    holder.deleteLater()


def _draw_and_add(panel: CollectPanel, kind: str, rng, n: int) -> None:
    for _ in range(n):
        panel.canvas.show_array(drawing(kind, rng))
        assert panel.add_example(), panel.status.text()


def test_labels_examples_and_undo(parts):
    panel, _training = parts
    rng = np.random.default_rng(0)
    assert not panel.add_example() and "Add a label first" in panel.status.text()
    assert panel.add_label("circle") and panel.add_label(" line ")
    assert not panel.add_label("line") and "already" in panel.status.text()
    assert not panel.add_label("a/b")
    assert panel.names == ["circle", "line"] and panel.current_label() == 1
    panel.canvas.clear()
    assert not panel.add_example() and "Draw something" in panel.status.text()
    _draw_and_add(panel, "line", rng, 3)
    panel.label_list.setCurrentRow(0)
    _draw_and_add(panel, "circle", rng, 2)
    assert panel.label_list.item(0).text() == "circle  —  2 examples"
    assert panel.label_list.item(1).text() == "line  —  3 examples"
    assert panel.canvas.is_empty()  # cleared for the next example
    assert panel.thumbs.pixmap().height() == 60  # the selected label's 2 examples, one row
    panel.undo()
    assert [len(e) for e in panel.examples] == [1, 3]
    assert not panel.train() and "at least 5 examples" in panel.status.text()
    panel.label_list.setCurrentRow(0)
    panel.remove_label()
    assert panel.names == ["line"] and [len(e) for e in panel.examples] == [3]
    panel.undo()  # the undo history lost the removed label's additions
    assert [len(e) for e in panel.examples] == [2]
    assert not panel.train() and "at least 2 labels" in panel.status.text()
    panel.clear_examples()
    assert panel.examples == [[]] and not panel.undo_button.isEnabled()


def test_train_on_these_names_the_predictions(qtbot, parts):
    panel, training = parts
    rng = np.random.default_rng(1)
    for kind in ("circle", "line"):
        panel.add_label(kind)
        _draw_and_add(panel, kind, rng, 8)
    panel.epochs.setValue(8)
    with qtbot.waitSignal(training.training_finished, timeout=60000) as done:
        assert panel.train(), panel.status.text()
        assert training.data_combo.currentText() == "Collected drawings (16)"
        assert training.augment.isChecked()
    assert done.args == [True]
    model = panel.holder.model
    assert model.class_names == ("circle", "line") and model.n_classes == 2
    assert "Done" in panel.status.text()
    panel.canvas.show_array(drawing("circle", rng))
    panel.canvas.push_to_state()
    probs = panel.predict()
    assert panel.bars.labels == ["circle", "line"] and probs.shape == (2,)
    name = panel.bars.label(panel.bars.top)
    assert f"says:  {name}  (" in panel.bars.headline()
    assert panel.holder.class_label(1) == "line"


def test_save_open_and_autosave(qtbot, parts, tmp_path):
    panel, training = parts
    rng = np.random.default_rng(2)
    panel.add_label("A")
    _draw_and_add(panel, "line", rng, 3)
    panel.add_label("B")  # a label without examples yet is kept too
    assert panel.save_to(tmp_path / "mine") and not panel.dirty
    data, _report = load_image_folder(tmp_path / "mine", strict=False)
    assert data.class_names == ("A", "B") and data.class_counts().tolist() == [3, 0]
    np.testing.assert_array_equal(data.images, np.stack(panel.examples[0]))
    again = CollectPanel(panel.holder, training, autosave=tmp_path / "other")
    qtbot.addWidget(again)
    assert again.open_from(tmp_path / "mine")
    assert again.names == ["A", "B"] and [len(e) for e in again.examples] == [3, 0]
    assert not again.open_from(tmp_path / "missing") and "Cannot open" in again.status.text()

    _draw_and_add(panel, "circle", rng, 1)  # unsaved now
    assert panel.dirty
    panel.shutdown()  # quitting: kept in the app data folder
    later = CollectPanel(panel.holder, training, autosave=tmp_path / "autosave")
    qtbot.addWidget(later)
    assert [len(e) for e in later.examples] == [3, 1]
    assert "from last time" in later.status.text()


def test_the_autosave_lives_in_the_app_data_folder(tmp_path):
    assert autosave_dir() == tmp_path / "data" / "collected"  # isolated by the ui conftest
