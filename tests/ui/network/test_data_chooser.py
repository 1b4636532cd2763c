"""The Train tab's data chooser: an image folder read in the background, its summary, training
on colour images and predictions named by the folder's classes."""

from __future__ import annotations

import numpy as np
import pytest

from playground.data import load_bundled
from playground.ui.network.data_chooser import IMAGES, DataChooser, describe_digits
from playground.ui.network.evaluation_view import EvaluationView
from playground.ui.network.model_holder import ModelHolder
from playground.ui.network.training_panel import TrainingPanel
from playground.ui.playground.prediction_view import PredictionView
from tests.data.folders import colour_folder, grey_folder


@pytest.fixture
def panel(qtbot, state):
    holder = ModelHolder(state, pretrained="fcnn")
    p = TrainingPanel(holder)
    qtbot.addWidget(p)
    p.model_combo.setCurrentIndex(p.model_combo.findData("fcnn"))
    yield p
    p.shutdown()
    holder.deleteLater()


def test_the_entries_and_their_summaries(qtbot):
    chooser = DataChooser()
    qtbot.addWidget(chooser)
    keys = [chooser.combo.itemData(i) for i in range(chooser.combo.count())]
    assert keys == ["bundled", "mnist", "folder", IMAGES]
    assert "5,000 MNIST digits" in chooser.summary.text()
    chooser.combo.setCurrentIndex(3)
    with pytest.raises(ValueError, match="choose an image folder first"):
        chooser.dataset()
    assert "10 classes, grey 28x28" in describe_digits(load_bundled())


def test_an_image_folder_trains_a_colour_network_with_named_classes(qtbot, panel, tmp_path):
    root = colour_folder(tmp_path / "colours", per_class=8)
    (root / "red" / "broken.png").write_bytes(b"not a png")
    chooser = panel.data_chooser
    with qtbot.waitSignal(chooser.loaded, timeout=10000) as loaded:
        chooser.open_image_folder(root)
    report = loaded.args[0]
    assert report.class_names == ("blue", "green", "red") and report.channels == 3
    text = chooser.summary.text()
    assert "3 classes, 24 images, colour (3 channels)" in text
    assert "blue (8)" in text and "skipped 1 unreadable file" in text
    assert panel.data_combo.currentText() == "Image folder: colours"
    assert not panel.augment.isChecked()  # not digits
    panel.epochs.setValue(1)
    panel.batch.setValue(8)
    view = PredictionView(panel.holder)
    qtbot.addWidget(view)
    with qtbot.waitSignal(panel.training_finished, timeout=60000):
        assert panel.start(), panel.error
    model = panel.holder.model
    assert model.input_shape == (3, 28, 28) and model.class_names == ("blue", "green", "red")
    assert panel.holder.input_image().shape == (1, 3, 28, 28)  # the drawing in 3 channels
    assert panel.holder.probabilities.shape == (3,)
    assert view.labels == ["blue", "green", "red"]
    panel.holder.state.set_image(np.pad(np.ones((10, 10), np.float32), 9))
    qtbot.waitUntil(lambda: not view.blank)
    assert view.headline().split("says:")[1].split()[0] in ("blue", "green", "red")
    evaluation = EvaluationView(panel.holder)  # its digits do not fit: it says so
    qtbot.addWidget(evaluation)
    assert not evaluation.run() and "its own classes" in evaluation.accuracy_label.text()


def test_an_unusable_folder_says_why_and_does_not_start(qtbot, panel, tmp_path):
    root = grey_folder(tmp_path / "tiny", {"bar": 6, "post": 2})
    with qtbot.waitSignal(panel.data_chooser.failed, timeout=10000) as failed:
        panel.data_chooser.open_image_folder(root)
    assert "too few in 'post' (2)" in failed.args[0]
    assert "Cannot use this folder" in panel.data_chooser.summary.text()
    assert not panel.start() and "too few in 'post'" in panel.error
