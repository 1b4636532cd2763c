"""Labels, classes and diverging runs: the fuzz review's cases, each refused or handled cleanly."""

from __future__ import annotations

import numpy as np
import pytest

from playground.data import Digits
from playground.engine import get_backend
from playground.nn import TrainConfig, build_model, cross_entropy, evaluate, run_training, train
from playground.nn.training import n_classes_of


@pytest.mark.parametrize("labels", [[0, 10], [3, -1], [26, 1], [255, 0]])
def test_cross_entropy_refuses_labels_outside_the_logits(backend, labels):
    """The cpu loss indexes ``logits[i, label]`` unchecked: nn's path into it must check."""
    be = get_backend(backend)
    logits = be.to_device(np.zeros((2, 10), np.float32))
    with pytest.raises(ValueError, match=r"labels must lie in \[0, 10\)"):
        cross_entropy(be, logits, np.array(labels))


def _letters(n: int = 60, n_classes: int = 26, start: int = 0) -> Digits:
    rng = np.random.default_rng(0)
    labels = (np.arange(n) % n_classes + start).astype(np.uint8)
    return Digits(rng.integers(0, 256, (n, 28, 28), dtype=np.uint8), labels, "letters")


def test_training_refuses_more_classes_than_outputs(backend):
    model = build_model("lenet5-small", backend=backend)
    with pytest.raises(ValueError, match=r"labels up to 26 \(27 classes\).*10 outputs"):
        train(model, _letters(start=1), TrainConfig(epochs=1))


def test_a_model_with_as_many_outputs_as_the_data_has_classes_trains(backend):
    data = _letters(start=1)
    n = n_classes_of(data.labels)
    assert n == 27
    model = build_model("lenet5-small", backend=backend, n_classes=n)
    assert model.n_classes == 27
    result = run_training(model, data, TrainConfig(epochs=1, batch_size=16, augment=False))
    assert result.epochs_completed == 1 and result.diverged is None
    assert model.predict_proba(data.images[:3]).shape == (3, 27)
    ev = evaluate(model, data.images, data.labels)
    assert ev.confusion.shape == (27, 27) and ev.confusion.sum() == len(data)


def test_evaluate_counts_labels_the_model_has_no_output_for(backend):
    model = build_model("fcnn", backend=backend)
    data = _letters(20, 20)
    ev = evaluate(model, data.images, data.labels)
    assert ev.confusion.shape == (20, 20) and ev.confusion.sum() == 20


@pytest.mark.parametrize("n", [0, 1, 257, 2.5, True])
def test_build_model_checks_the_number_of_classes(n):
    with pytest.raises(ValueError, match="classes"):
        build_model("fcnn", backend="reference", n_classes=n)


def test_a_diverging_run_keeps_the_last_good_epoch(backend, small_digits):
    model = build_model("fcnn", backend=backend)
    data = small_digits.subset(slice(0, 40))
    gen = train(model, data, TrainConfig(epochs=3, batch_size=20, lr=0.01, augment=False,
                                         schedule="constant"))
    while True:
        p = next(gen)
        if p.phase == "epoch":
            break
    good = model.state_dict()
    model.set_weights("fc2", weight=np.full((10, 128), 3e38, np.float32))
    with np.errstate(over="ignore", invalid="ignore"):
        try:
            while True:
                next(gen)
        except StopIteration as stop:
            result = stop.value
    assert result.diverged.startswith("training diverged") and "epoch 1" in result.diverged
    assert result.epochs_completed == 1
    now = model.state_dict()
    assert all(np.array_equal(good[k], now[k]) for k in good)
    assert model.training["diverged"] == result.diverged
