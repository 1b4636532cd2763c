"""The training generator, its config, optimizers, augmentation and evaluation helpers."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from playground.engine.dispatch import get_backend
from playground.nn import (
    SGD,
    Adam,
    Param,
    Progress,
    TrainConfig,
    TrainResult,
    build_model,
    confusion_matrix,
    evaluate,
    run_training,
    train,
)
from playground.nn.augment import random_affine
from playground.nn.metrics import most_confident_wrong, per_class_accuracy
from playground.nn.training import prepare_data, split_indices

QUICK = {"epochs": 2, "batch_size": 50, "lr": 0.05, "val_fraction": 0.2}


def test_generator_yields_frozen_snapshots_and_returns_a_result(backend, small_digits):
    model = build_model("lenet5-small", backend=backend)
    gen = train(model, small_digits, TrainConfig(**QUICK, augment=True))
    seen = []
    while True:
        try:
            seen.append(next(gen))
        except StopIteration as stop:
            result = stop.value
            break
    steps = [p for p in seen if p.phase == "step"]
    epochs = [p for p in seen if p.phase == "epoch"]
    assert len(steps) == 2 * 5 and len(epochs) == 2  # 240 training images / 50 per batch
    assert all(isinstance(p, Progress) for p in seen)
    with pytest.raises(dataclasses.FrozenInstanceError):
        seen[0].loss = 0.0
    for p in seen:
        for f in dataclasses.fields(p):
            assert isinstance(getattr(p, f.name), (int, float, str, type(None))), f.name
    assert all(p.val_acc is None for p in steps)
    assert all(0 <= p.val_acc <= 1 for p in epochs)
    assert steps[0].step == 1 and steps[-1].step == 5 and steps[0].steps_per_epoch == 5
    assert seen[-1].eta_s == 0 and seen[-1].fraction == 1
    assert steps[0].lr == pytest.approx(0.05) and steps[-1].lr < 0.01  # cosine schedule
    assert isinstance(result, TrainResult) and result.epochs_completed == 2
    assert result.val_acc == epochs[-1].val_acc
    assert len(model.history) == 2 and model.history[1]["epoch"] == 2
    assert model.data["n_train"] == 240 and model.data["n_val"] == 60
    assert model.training["optimizer"] == "sgd" and model.training["backend"] == backend


def test_close_stops_cleanly(backend, small_digits):
    model = build_model("lenet5-small", backend=backend)
    gen = train(model, small_digits, TrainConfig(**QUICK))
    for _ in range(7):
        p = next(gen)
    assert p.epoch == 2 and p.step == 1  # 5 steps + epoch-end snapshot + 1 step
    gen.close()
    with pytest.raises(StopIteration):
        next(gen)
    assert len(model.history) == 1
    assert np.isfinite(model.predict_proba(small_digits.images[:3])).all()


def test_same_seed_same_model(backend, small_digits):
    def run(seed):
        model = build_model("lenet5-small", seed=seed, backend=backend)
        result = run_training(model, small_digits, TrainConfig(**QUICK, seed=seed, augment=True))
        return model.state_dict(), [h["train_loss"] for h in result.history]

    (a, la), (b, lb), (c, _) = run(1), run(1), run(2)
    assert la == lb
    assert all(np.array_equal(a[k], b[k]) for k in a)
    assert not np.array_equal(a["conv1.weight"], c["conv1.weight"])


@pytest.mark.parametrize(("name", "optimizer", "lr"),
                         [("lenet5", "sgd", 0.05), ("fcnn", "adam", 0.002)])
def test_short_training_improves(backend, small_digits, name, optimizer, lr):
    model = build_model(name, backend=backend)
    x, y = small_digits.images, small_digits.labels
    before = evaluate(model, x, y)
    losses = []
    cfg = TrainConfig(epochs=4, batch_size=20, lr=lr, optimizer=optimizer, val_fraction=0.0,
                      augment=False, schedule="constant")
    result = run_training(model, small_digits, cfg,
                          callback=lambda p: losses.append(p.batch_loss))
    after = evaluate(model, x, y)
    assert np.mean(losses[-15:]) < 0.6 * np.mean(losses[:5])
    assert after.accuracy > before.accuracy + 0.3
    assert result.val_acc is None  # nothing held out


def test_given_train_and_val_pair(backend, small_digits):
    model = build_model("fcnn", backend=backend)
    train_part, val_part = small_digits.subset(slice(0, 200)), small_digits.subset(slice(200, 300))
    (xt, _), (xv, _), prov = prepare_data((train_part, val_part), TrainConfig())
    assert len(xt) == 200 and len(xv) == 100 and prov["split"] == "given"
    result = run_training(model, ((xt, train_part.labels), (xv, val_part.labels)),
                          TrainConfig(epochs=1, batch_size=64))
    assert result.val_acc is not None


@pytest.mark.parametrize(("field", "value", "match"), [
    ("epochs", 0, "epochs"), ("epochs", 2.5, "epochs"), ("batch_size", 0, "batch size"),
    ("lr", -1.0, "learning rate"), ("lr", float("nan"), "learning rate"),
    ("optimizer", "rmsprop", "optimizer"), ("momentum", 1.0, "momentum"),
    ("weight_decay", -0.1, "weight decay"), ("val_fraction", 1.0, "validation"),
    ("train_size", 0, "train size"), ("schedule", "step", "schedule"),
])
def test_config_rejects_bad_values(field, value, match):
    with pytest.raises(ValueError, match=match):
        TrainConfig(**{field: value})


def test_train_size_too_large(small_digits):
    with pytest.raises(ValueError, match=r"n_train|train size"):
        prepare_data(small_digits, TrainConfig(train_size=10_000))
    tr, va = split_indices(100, 0.2, 30, 0)
    assert len(tr) == 30 and len(va) == 20 and not set(tr) & set(va)


def test_divergence_is_reported(small_digits):
    model = build_model("fcnn", backend="reference")
    model.set_weights("fc2", weight=np.full((10, 128), 3e38, np.float32))
    before = model.state_dict()
    with np.errstate(over="ignore", invalid="ignore"):
        result = run_training(model, small_digits.subset(slice(0, 20)), TrainConfig(epochs=1))
    assert "diverged" in result.diverged and "untrained weights" in result.diverged
    assert result.epochs_completed == 0 and result.val_acc is None
    after = model.state_dict()
    assert all(np.array_equal(before[k], after[k]) for k in before)


def test_sgd_and_adam_match_their_formulas():
    be = get_backend("reference")
    p0, g = np.array([1.0, -2.0], np.float32), np.array([0.5, 0.25], np.float32)
    p = Param("w", p0.copy())
    p.grad = g
    sgd = SGD([p], be, lr=0.1, momentum=0.9, weight_decay=0.01)
    sgd.step()
    sgd.step()
    v1 = g + 0.01 * p0
    p1 = p0 - 0.1 * v1
    v2 = 0.9 * v1 + g + 0.01 * p1
    np.testing.assert_allclose(p.data, p1 - 0.1 * v2, rtol=1e-6)

    q = Param("w", p0.copy())
    q.grad = g
    adam = Adam([q], be, lr=0.01, weight_decay=0.1)
    adam.step()
    decayed = p0 * (1 - 0.01 * 0.1)
    np.testing.assert_allclose(q.data, decayed - 0.01 * np.sign(g), rtol=1e-5)
    with pytest.raises(ValueError):
        SGD([p], be, lr=0)


def test_augment_keeps_shape_and_identity():
    rng = np.random.default_rng(0)
    x = np.zeros((5, 28, 28), np.uint8)
    x[:, 10:18, 12:16] = 255
    y = random_affine(x, rng)
    assert y.shape == x.shape and y.dtype == np.uint8
    assert (y != x).any()
    assert abs(int(y.astype(int).sum()) - int(x.astype(int).sum())) < 0.2 * x.astype(int).sum()
    np.testing.assert_array_equal(random_affine(x, rng, 0, 0), x)
    shifted = random_affine(x[:1], np.random.default_rng(1), 2, 0)
    assert shifted.sum() == x[0].astype(int).sum()  # whole-pixel shifts lose no ink here


def test_metrics():
    y = np.array([0, 0, 1, 1, 2])
    p = np.array([0, 1, 1, 1, 0])
    cm = confusion_matrix(y, p, 3)
    np.testing.assert_array_equal(cm, [[1, 1, 0], [0, 2, 0], [1, 0, 0]])
    np.testing.assert_allclose(per_class_accuracy(cm), [0.5, 1.0, 0.0])
    probs = np.array([[0.9, 0.1], [0.2, 0.8], [0.6, 0.4], [0.45, 0.55]])
    np.testing.assert_array_equal(most_confident_wrong(probs, [0, 0, 1, 0], 5), [1, 2, 3])


def test_evaluate(backend, small_digits):
    model = build_model("fcnn", backend=backend)
    res = evaluate(model, small_digits.images[:50], small_digits.labels[:50])
    assert res.confusion.sum() == 50 and res.probabilities.shape == (50, 10)
    assert res.accuracy == pytest.approx(np.trace(res.confusion) / 50)
    d = res.to_dict()
    assert d["n"] == 50 and len(d["per_class_accuracy"]) == 10
    with pytest.raises(ValueError, match="labels"):
        evaluate(model, small_digits.images[:5], small_digits.labels[:4])
