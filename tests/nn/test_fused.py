"""The training fast path (:mod:`playground.nn.fused`) gives the layer-by-layer gradients."""

from __future__ import annotations

import numpy as np

from playground.nn import build_model
from playground.nn.fused import fused_blocks
from playground.nn.losses import cross_entropy


def _grads(model, x, y):
    loss, d = cross_entropy(model.be, model.forward(x, train=True), y)
    model.backward(d)
    return loss, [np.array(model.be.to_host(p.grad)) for p in model.parameters()]


def test_lenet5_on_cpu_fuses_both_conv_blocks_and_reference_fuses_none():
    assert sorted(build_model("lenet5", backend="cpu")._blocks) == [0, 3]
    assert build_model("lenet5", backend="reference")._blocks == {}
    assert fused_blocks(build_model("fcnn", backend="cpu").layers, build_model("fcnn").be) == {}


def test_fused_step_matches_the_reference_backend_over_changing_batch_sizes():
    rng = np.random.default_rng(0)
    ours = build_model("lenet5", seed=1, backend="cpu")
    spec = build_model("lenet5", seed=1, backend="reference")
    for n in (5, 3, 5):  # a shape change between steps remakes the kept buffers
        x = rng.random((n, 1, 28, 28), dtype=np.float32)
        y = rng.integers(0, 10, n)
        (la, ga), (lb, gb) = _grads(ours, x, y), _grads(spec, x, y)
        assert abs(la - lb) < 1e-5
        for a, b in zip(ga, gb, strict=True):
            np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)


def test_an_evaluation_forward_between_steps_leaves_the_training_caches_alone():
    rng = np.random.default_rng(2)
    model = build_model("lenet5", seed=0, backend="cpu")
    x, y = rng.random((4, 1, 28, 28), dtype=np.float32), rng.integers(0, 10, 4)
    _, want = _grads(model, x, y)
    _, d = cross_entropy(model.be, model.forward(x, train=True), y)
    model.forward(rng.random((7, 1, 28, 28), dtype=np.float32))  # e.g. a preview while training
    model.backward(d)
    for p, w in zip(model.parameters(), want, strict=True):
        np.testing.assert_allclose(p.grad, w, rtol=1e-5, atol=1e-7)


def test_training_on_the_fast_path_follows_the_layer_by_layer_curve(small_digits):
    """Three epochs of LeNet-5 on small bundled digits, same seeds: the fused path and the same
    backend layer by layer (checked op by op against the reference in tests/engine) give the
    same losses and accuracies."""
    from playground.nn import TrainConfig, run_training

    cfg = TrainConfig(epochs=3, batch_size=32, lr=0.05, val_fraction=0.25, augment=False,
                      schedule="constant", seed=3, backend="cpu")
    fused = build_model("lenet5", seed=3, backend="cpu")
    plain = build_model("lenet5", seed=3, backend="cpu")
    plain._blocks = {}  # the layer-by-layer path
    fast, slow = (run_training(m, small_digits, cfg) for m in (fused, plain))
    for a, b in zip(fast.history, slow.history, strict=True):
        assert abs(a["train_loss"] - b["train_loss"]) < 1e-3
        assert abs(a["val_acc"] - b["val_acc"]) <= 0.02
    assert fast.history[-1]["train_loss"] < fast.history[0]["train_loss"]


def test_a_network_ending_in_a_fused_block_returns_a_fresh_output_each_step():
    from playground.nn.layers import Conv2d, MaxPool2d, ReLU
    from playground.nn.model import Model

    model = Model([Conv2d(1, 3, 3), ReLU(), MaxPool2d(2)], backend="cpu",
                  input_shape=(1, 8, 8))
    assert [b.inner for b in model._blocks.values()] == [False]
    rng = np.random.default_rng(4)
    first = model.forward(rng.random((2, 1, 8, 8), dtype=np.float32), train=True)
    kept = first.copy()
    second = model.forward(rng.random((2, 1, 8, 8), dtype=np.float32), train=True)
    assert second is not first and np.array_equal(first, kept)
