"""Training panel: a short run, pause/resume/stop, switching model, closing mid-run, the race."""

from __future__ import annotations

import numpy as np
import pytest
import shiboken6
from PySide6.QtCore import QCoreApplication

from playground import nn
from playground.data import load_bundled
from playground.ui.common.worker import live_threads
from playground.ui.network.curves import TrainingCurves
from playground.ui.network.model_holder import ModelHolder
from playground.ui.network.training_panel import TrainingPanel


@pytest.fixture(scope="module")
def digits():
    d = load_bundled()
    return d.subset(np.arange(0, len(d), 25))  # 200 digits, 20 per class


@pytest.fixture
def panel(qtbot, state, digits):
    holder = ModelHolder(state, pretrained="fcnn")
    p = TrainingPanel(holder)
    qtbot.addWidget(p)
    p.set_dataset(digits, "200 test digits")
    p.model_combo.setCurrentIndex(p.model_combo.findData("fcnn"))
    p.batch.setValue(20)
    yield p
    p.shutdown()
    holder.deleteLater()


def test_short_training_run(qtbot, panel):
    panel.epochs.setValue(2)
    with qtbot.waitSignal(panel.training_finished, timeout=30000) as done:
        assert panel.start(), panel.error
    assert done.args == [True]
    run = panel.curves.runs[-1]
    assert run.epochs == [1, 2] and len(run.step_x) == 16  # 160 training digits / 20
    result = panel.last_result[-1]
    assert result.epochs_completed == 2 and 0.0 <= result.train_acc <= 1.0
    assert panel.holder.model.name == "fcnn" and panel.holder.source == "trained just now"
    assert panel.holder.model.history and not panel.holder.training
    assert "Done" in panel.status.text()
    assert panel.start_button.isEnabled() and not panel.stop_button.isEnabled()


def test_pause_resume_stop(qtbot, panel):
    panel.epochs.setValue(200)
    with qtbot.waitSignal(panel.worker.yielded, timeout=10000):
        panel.start()
    panel.pause_button.click()
    assert panel.worker.is_paused() and panel.pause_button.text() == "Resume"
    qtbot.waitUntil(panel.worker.is_parked, timeout=5000)
    QCoreApplication.processEvents()
    with qtbot.assertNotEmitted(panel.worker.yielded, wait=150):
        pass
    panel.pause_button.click()
    assert not panel.worker.is_paused()
    with qtbot.waitSignal(panel.worker.yielded, timeout=5000):
        pass
    with qtbot.waitSignal(panel.training_finished, timeout=2000) as done:
        panel.stop_button.click()
    assert done.args == [False]
    assert panel.holder.source == "stopped early" and panel.holder.model.name == "fcnn"
    assert "Stopped" in panel.status.text()


def test_weights_flow_to_the_display_model(qtbot, panel):
    panel.epochs.setValue(200)
    panel.job = None
    with qtbot.waitSignal(panel.worker.yielded, timeout=10000):
        panel.start()
    display = panel.holder.model
    assert panel.holder.training and display is not panel.job.models[0]
    before = display.get_weights("fc1")["weight"]
    with qtbot.waitSignal(panel.holder.weights_changed, timeout=10000):
        pass
    assert not np.array_equal(before, panel.holder.model.get_weights("fc1")["weight"])
    panel.stop()
    qtbot.waitUntil(lambda: not panel.is_running(), timeout=2000)


def test_switching_model_stops_training_within_2s(qtbot, panel):
    panel.epochs.setValue(200)
    with qtbot.waitSignal(panel.worker.yielded, timeout=10000):
        panel.start()
    panel.model_combo.setCurrentIndex(panel.model_combo.findData("lenet5"))  # waits <= 2 s
    assert not panel.is_running()
    assert "model was changed" in panel.status.text()
    assert panel.start_button.isEnabled()
    qtbot.waitUntil(lambda: live_threads() == 0, timeout=2000)


def test_closing_the_panel_while_training(qtbot, state, digits):
    holder = ModelHolder(state, pretrained="fcnn")
    p = TrainingPanel(holder)
    p.set_dataset(digits)
    p.model_combo.setCurrentIndex(0)
    p.epochs.setValue(200)
    p.show()
    with qtbot.waitSignal(p.worker.yielded, timeout=10000):
        p.start()
    p.close()
    shiboken6.delete(p)
    qtbot.waitUntil(lambda: live_threads() == 0, timeout=2000)
    holder.deleteLater()


def test_bad_settings_do_not_start(qtbot, panel):
    panel.data_combo.setCurrentIndex(panel.data_combo.findData("folder"))
    panel.folder = None
    assert not panel.start()
    assert "IDX folder" in panel.error
    assert not panel.is_running()


def test_race_overlays_both_runs_and_states_the_conclusion(qtbot, panel, digits):
    panel.set_dataset(digits.subset(np.arange(0, 200, 5)), "40 digits")  # 32 train, 8 val
    panel.model_combo.setCurrentIndex(panel.model_combo.findData("lenet5-small"))
    panel.epochs.setValue(1)
    panel.batch.setValue(32)
    with qtbot.waitSignal(panel.training_finished, timeout=60000):
        assert panel.start_race()
    labels = [r.label for r in panel.curves.runs]
    assert labels == ["Run 1: FCNN", "Run 2: LeNet5Small"]
    text = panel.race_label.text()
    assert "11,926 parameters instead of 101,770" in text and "validation accuracy" in text
    assert panel.holder.model.name == "lenet5-small"


def test_curves_export_csv_and_png(qtbot, tmp_path):
    curves = TrainingCurves()
    qtbot.addWidget(curves)
    for label in ("A", "B"):
        run = curves.begin_run(label, 10)
        for i in range(5):
            curves.add_step(run, i / 5, 2.0 - i * 0.1)
        curves.add_epoch(run, 1, 0.5, 0.6, 1.5)
    curves.resize(800, 300)
    csv_path = curves.export_csv(tmp_path / "c.csv")
    lines = csv_path.read_text().splitlines()
    assert lines[0].startswith("run,kind,epoch") and len(lines) == 1 + 2 * 6
    png = curves.export_png(tmp_path / "c.png", width=600)
    assert png.stat().st_size > 1000
    curves.clear()
    assert curves.runs == []


def test_config_reflects_the_controls(qtbot, panel):
    panel.optimizer.setCurrentText("adam")
    panel.train_size.setValue(100)
    cfg = panel.config()
    assert isinstance(cfg, nn.TrainConfig)
    assert cfg.optimizer == "adam" and cfg.lr == pytest.approx(0.002) and cfg.train_size == 100


def test_a_training_error_reaches_the_student_and_the_log(qtbot, panel, caplog, monkeypatch):
    from playground.data.digits import Digits

    bad = Digits(np.zeros((40, 28, 28), np.uint8), np.zeros(40, np.uint8), "one class only")
    panel.set_dataset(bad, "one class only")
    panel.lr.setValue(0.05)

    def broken(*_args, **_kwargs):
        raise MemoryError("no memory left for the next batch")
        yield

    monkeypatch.setattr("playground.nn.sessions.train", broken)
    with qtbot.waitSignal(panel.training_failed, timeout=30000) as failed:
        assert panel.start(), panel.error
    qtbot.waitUntil(lambda: not panel.worker.is_running(), timeout=10000)
    assert panel.error and panel.error in failed.args[0]
    assert panel.status.text() == f"Training failed: {panel.error}"
    assert "training failed" in caplog.text and "Traceback" in caplog.text
    assert not panel.holder.training and panel.start_button.isEnabled()


def test_a_diverged_run_says_so_and_keeps_the_last_good_weights(qtbot, panel):
    """A run that diverges returns (not raises): the panel must tell the user, not say 'Done'."""
    from playground.nn.training import TrainResult

    result = TrainResult(history=(), epochs_completed=1, val_acc=None, train_acc=0.1,
                         train_seconds=1.0, images_per_s=100.0,
                         diverged="the loss became NaN at epoch 2, step 3")
    with qtbot.waitSignal(panel.training_failed, timeout=2000) as failed:
        panel._on_worker_returned((result,))
    assert "diverged" in failed.args[0] and "learning rate" in failed.args[0]
    assert "the loss became NaN" in panel.status.text() and "epoch 1" in panel.status.text()
    assert not panel.status.text().startswith("Done")


def test_augmentation_follows_the_kind_of_data(qtbot, panel, tmp_path):
    fashion = tmp_path / "fashion-mnist"
    fashion.mkdir()
    panel.folder = str(fashion)
    panel.data_combo.setCurrentIndex(panel.data_combo.findData("folder"))
    panel._follow_data_kind()
    assert not panel.augment.isChecked() and "Fashion" in panel.augment.toolTip()
    panel.data_combo.setCurrentIndex(panel.data_combo.findData("bundled"))
    panel._follow_data_kind()
    assert panel.augment.isChecked()


def test_probability_bars_show_any_number_of_classes(qtbot):
    from playground.ui.playground.prediction_view import ProbabilityBars

    bars = ProbabilityBars(title="letters")
    qtbot.addWidget(bars)
    probs = np.full(26, 1 / 26, np.float32)
    probs[7] = 0.5
    bars.set_probabilities(probs / probs.sum())
    bars.resize(400, 160)
    bars.grab()  # paints all 26 bars
    assert bars.top == 7 and len(bars.probabilities) == 26
