"""An evaluation can be stopped between batches (the monkey test found one that ran on for over
a minute after the window asked it to stop: the whole set was one uncancellable step)."""

from __future__ import annotations

import time

import numpy as np

from playground import nn
from playground.data import load_bundled
from playground.ui.network import evaluation_view as ev_module
from playground.ui.network.evaluation_view import EvaluationView
from playground.ui.network.model_holder import ModelHolder


def test_evaluation_stops_between_batches(qtbot, state, monkeypatch):
    holder = ModelHolder(state, pretrained="fcnn")
    view = EvaluationView(holder)
    qtbot.addWidget(view)
    digits = load_bundled().subset(np.arange(0, 2000))
    view.set_data(digits.images, digits.labels, "2,000 digits")
    real = nn.Model.predict_proba

    def slow(self, images, batch_size=500):
        time.sleep(0.3)  # a slow backend: 20 batches take 6 s
        return real(self, images, batch_size)

    monkeypatch.setattr(nn.Model, "predict_proba", slow)
    assert view.run()
    qtbot.wait(400)
    t0 = time.perf_counter()
    assert view.shutdown()
    assert time.perf_counter() - t0 < 1.5 and not view.worker.is_running()
    holder.deleteLater()


def test_batched_evaluation_scores_like_nn_evaluate(qtbot, state):
    holder = ModelHolder(state, pretrained="fcnn")
    view = EvaluationView(holder)
    qtbot.addWidget(view)
    digits = load_bundled().subset(np.arange(0, 5 * ev_module.EVAL_BATCH + 17))
    view.set_data(digits.images, digits.labels, "some digits")
    with qtbot.waitSignal(view.evaluated, timeout=60_000) as got:
        assert view.run()
    expected = nn.evaluate(holder.model, digits.images, digits.labels)
    assert got.args[0].accuracy == expected.accuracy
    assert np.array_equal(got.args[0].confusion, expected.confusion)
    assert np.allclose(got.args[0].probabilities, expected.probabilities)
    holder.deleteLater()
