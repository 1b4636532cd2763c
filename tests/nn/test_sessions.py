"""Training jobs as plain generators, the race's conclusion and the model helpers (no Qt)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pytest

from playground import nn
from playground.nn.sessions import (
    RunSpec,
    TrainingJob,
    TrainingUpdate,
    clone_model,
    fit_conv1,
    race_conclusion,
)


def test_a_job_is_a_generator_of_frozen_updates_with_weight_snapshots(small_digits):
    cfg = nn.TrainConfig(epochs=1, batch_size=50, val_fraction=0.2, augment=False,
                         schedule="constant")
    job = TrainingJob([RunSpec("fcnn", "FCNN", cfg), RunSpec("lenet5-small", "small", cfg, 3)],
                      small_digits, snapshot_s=1e9)
    updates = list(job.generator())
    assert job.done and len(job.results) == 2
    starts = [u for u in updates if u.progress is None]
    assert [(u.run, u.label, u.arch) for u in starts] == [(0, "FCNN", "fcnn"),
                                                          (1, "small", "lenet5-small")]
    assert starts[1].params == 11_926
    epochs = [u for u in updates if u.progress is not None and u.progress.phase == "epoch"]
    assert len(epochs) == 2 and all(u.weights is not None for u in epochs)
    steps = [u for u in updates if u.progress is not None and u.progress.phase != "epoch"]
    assert steps and all(u.weights is None for u in steps)  # snapshot_s is huge: epochs only
    with pytest.raises(AttributeError):
        updates[0].run = 5  # frozen
    assert isinstance(updates[0], TrainingUpdate)


def test_closing_a_job_early_marks_it_done(small_digits):
    cfg = nn.TrainConfig(epochs=3, batch_size=50, augment=False)
    job = TrainingJob([RunSpec("fcnn", "FCNN", cfg)], small_digits)
    gen = job.generator()
    next(gen), next(gen)
    gen.close()
    assert job.done and job.results == []


@dataclass
class _Run:
    label: str
    params: int
    epochs: list[int] = field(default_factory=list)
    val_acc: list[float] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)

    def seconds_per_epoch(self) -> float:
        return sum(self.seconds) / len(self.seconds)


def test_race_conclusion_states_the_lecture_point():
    fc = _Run("FCNN", 101770, [1, 2], [0.80, 0.88], [1.0, 1.0])
    cnn = _Run("LeNet-5", 61706, [1, 2], [0.90, 0.96], [3.0, 3.0])
    text = race_conclusion([fc, cnn])
    assert "96.0%" in text and "88.0%" in text and "1.6x fewer" in text
    assert "As the lecture says" in text
    assert "does not fully show" in race_conclusion([cnn, fc])
    assert "stopped before" in race_conclusion([_Run("FCNN", 1), cnn])


def test_clone_model_is_independent():
    m = nn.build_model("lenet5-small", seed=1)
    twin = clone_model(m)
    assert twin is not m and twin.name == m.name
    np.testing.assert_array_equal(twin.get_weights("conv1")["weight"],
                                  m.get_weights("conv1")["weight"])
    twin.set_weights("conv1", weight=np.zeros((6, 1, 5, 5), np.float32))
    assert np.abs(m.get_weights("conv1")["weight"]).sum() > 0


def test_fit_conv1_sums_channels_and_pads_or_crops():
    w, b = np.ones((6, 1, 5, 5), np.float32), np.zeros(6, np.float32)
    k = np.full((8, 3, 3, 3), 2.0, np.float32)
    fw, fb, exact = fit_conv1(k, np.arange(8, dtype=np.float32), w, b)
    assert not exact and fw.shape == (6, 1, 5, 5)
    assert fw[0, 0, 1, 1] == 6.0 and fw[0, 0, 0, 0] == 0.0  # channels summed, zero-padded
    np.testing.assert_array_equal(fb, np.arange(6))
    big = np.arange(49, dtype=np.float32).reshape(1, 1, 7, 7)
    cw, _, _ = fit_conv1(big, np.zeros(1, np.float32), w, b)
    np.testing.assert_array_equal(cw[0, 0], big[0, 0, 1:6, 1:6])  # centre crop
    assert (cw[1:] == 1.0).all()  # filters the playground lacks are kept


def test_fit_conv1_widens_a_grey_kernel_as_the_playground_does():
    """One rule: a 1-channel kernel on a 3-channel conv1 is divided by 3 (grey response kept)."""
    w, b = np.zeros((1, 3, 3, 3), np.float32), np.zeros(1, np.float32)
    k = np.arange(9, dtype=np.float32).reshape(1, 1, 3, 3)
    fw, _, _ = fit_conv1(k, np.zeros(1, np.float32), w, b)
    np.testing.assert_allclose(fw[0], np.repeat(k[0] / 3, 3, axis=0))


def test_race_runs_and_progress_line():
    from playground.nn.sessions import duration, progress_line, race_runs

    assert race_runs("lenet5-small") == [("fcnn", "FCNN"), ("lenet5-small", "LeNet5Small")]
    assert race_runs("fcnn") == [("fcnn", "FCNN"), ("lenet5", "LeNet-5")]
    assert duration(125.4) == "2:05" and duration(float("inf")) == "?" and duration(-3) == "0:00"

    class P:
        epoch, epochs, step, steps_per_epoch, eta_s = 2, 5, 10, 63, 61.0

    assert progress_line("LeNet-5", P()) == "LeNet-5  epoch 2/5  step 10/63  ETA 1:01"


def test_a_job_takes_its_number_of_classes_from_the_data():
    """Letters (labels 0..25, EMNIST-style) train a 26-output network, not a 10-output one whose
    loss would index past its logits."""
    rng = np.random.default_rng(1)
    images = rng.integers(0, 255, (130, 28, 28), dtype=np.uint8)
    labels = np.arange(130) % 26
    cfg = nn.TrainConfig(epochs=1, batch_size=26, val_fraction=0.2, augment=False,
                         schedule="constant")
    job = TrainingJob([RunSpec("fcnn", "FCNN", cfg)], (images, labels), snapshot_s=1e9)
    assert job.n_classes == 26 and job.models[0].n_classes == 26
    list(job.generator())
    assert job.results[0].epochs_completed == 1
    assert job.models[0].predict_proba(images[:3]).shape == (3, 26)
