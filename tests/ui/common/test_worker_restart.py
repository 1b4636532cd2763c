"""A restarted worker never delivers the previous run's queued signals (on fcacbfe a programmatic
restart of training delivered the old run's updates into the new run: 870 IndexErrors)."""

from __future__ import annotations

import time

import numpy as np
import pytest

from playground.ui.common.worker import GeneratorWorker


def counting(tag: str, n: int, returns: str):
    for i in range(n):
        yield (tag, i)
        time.sleep(0.001)
    return returns


@pytest.fixture
def worker():
    w = GeneratorWorker(name="restart-test")
    yield w
    w.quit()


def test_queued_signals_of_a_stopped_run_are_dropped(qtbot, worker):
    got, returned, aborted = [], [], []
    worker.yielded.connect(got.append)
    worker.returned.connect(returned.append)
    worker.aborted.connect(lambda: aborted.append(len(got)))
    worker.start(lambda: counting("old", 100_000, "old done"))
    qtbot.waitUntil(lambda: bool(got), timeout=10_000)
    time.sleep(0.3)  # the GUI thread is busy: the old run's updates pile up in the queue
    before = len(got)
    worker.start(lambda: counting("new", 50, "new done"))
    qtbot.waitUntil(lambda: not worker.is_running(), timeout=30_000)
    qtbot.wait(50)
    after = got[before:]
    assert [tag for tag, _ in after] == ["new"] * 50
    assert [i for _, i in after] == list(range(50))
    assert returned == ["new done"] and aborted == [before]  # quit()'s own abort, once
    assert not worker.is_running()


@pytest.fixture
def panel(qtbot, state):
    from playground.data import load_bundled
    from playground.ui.network.model_holder import ModelHolder
    from playground.ui.network.training_panel import TrainingPanel

    digits = load_bundled()
    holder = ModelHolder(state, pretrained="fcnn")
    p = TrainingPanel(holder)
    qtbot.addWidget(p)
    p.set_dataset(digits.subset(np.arange(0, len(digits), 25)), "200 test digits")
    p.model_combo.setCurrentIndex(p.model_combo.findData("fcnn"))
    p.batch.setValue(20)
    p.epochs.setValue(1)
    yield p
    p.shutdown()
    holder.deleteLater()


def test_restarting_training_shows_only_the_new_runs_points(qtbot, panel):
    """Start, restart at once (old updates queued), process events: no IndexError escapes to
    Qt (pytest-qt fails the test on one) and the new run's curve holds exactly its own steps."""
    assert panel.start()
    qtbot.waitUntil(lambda: bool(panel.curves.runs), timeout=30_000)
    time.sleep(0.5)
    old_curve = panel.curves.runs[-1]
    old_points = len(old_curve.loss)
    assert panel.start()
    qtbot.waitUntil(lambda: not panel.is_running(), timeout=60_000)
    qtbot.wait(50)
    new_curve = panel.curves.runs[-1]
    assert new_curve is not old_curve
    assert len(old_curve.loss) == old_points  # nothing of the stopped run arrived later
    steps = 160 // 20  # 200 digits, 20 % held out for validation, batches of 20
    assert len(new_curve.loss) == steps and len(new_curve.epochs) == 1
    assert panel.last_result is not None and not panel.error
