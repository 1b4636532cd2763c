"""Dilated conv layers: gradients, counts, training through the cpu backend, model files."""

from __future__ import annotations

import json

import numpy as np
import pytest

from playground.nn import (
    Conv2d,
    Flatten,
    Linear,
    MaxPool2d,
    Model,
    ReLU,
    TrainConfig,
    load_model,
    train,
)
from playground.nn.init import initialize
from playground.nn.layers import layer_from_spec
from playground.nn.modelfile import HEADER_KEY
from tests.nn.test_layers import check_layer


@pytest.mark.parametrize(("stride", "padding", "dilation"),
                         [(1, 0, 2), (1, "same", 2), (2, 1, 3), ((1, 2), (0, 1), (2, 1))])
def test_dilated_conv2d_gradients(stride, padding, dilation):
    x = np.random.default_rng(3).normal(size=(2, 2, 8, 9)).astype(np.float32)
    check_layer(Conv2d(2, 3, 3, stride=stride, padding=padding, dilation=dilation), x)


def test_dilation_changes_the_output_size_but_not_the_counts():
    plain, dilated = Conv2d(1, 6, 5), Conv2d(1, 6, 5, dilation=2)
    assert plain.out_shape((1, 28, 28)) == (6, 24, 24)
    assert dilated.out_shape((1, 28, 28)) == (6, 20, 20)  # floor((28 - 2*4 - 1)/1) + 1
    assert dilated.n_params() == plain.n_params() == 156
    assert dilated.macs((1, 28, 28)) == 20 * 20 * 1 * 5 * 5 * 6
    same = Conv2d(1, 4, 3, padding="same", dilation=3)
    assert same.pads == (3, 3, 3, 3) and same.out_shape((1, 28, 28)) == (4, 28, 28)
    assert "dilation 2" in repr(dilated) and "dilation" not in repr(plain)
    with pytest.raises(ValueError, match="dilation"):
        Conv2d(1, 1, 3, dilation=0)


def test_specs_carry_dilation_only_when_it_is_not_one():
    assert "dilation" not in Conv2d(1, 2, 3).spec()  # files of undilated nets are unchanged
    spec = Conv2d(1, 2, 3, padding="same", dilation=(2, 3)).spec()
    assert spec["dilation"] == [2, 3]
    again = layer_from_spec(json.loads(json.dumps(spec)))
    assert again.dilation == (2, 3) and again.pads == (2, 2, 3, 3)


def _dilated_net(backend: str) -> Model:
    layers = [Conv2d(1, 6, 3, padding="same", dilation=2), ReLU(), MaxPool2d(2),
              Conv2d(6, 8, 3, dilation=2), ReLU(), MaxPool2d(2), Flatten(), Linear(8 * 5 * 5, 10)]
    model = Model(layers, "dilated", backend=backend)
    initialize(model.layers, seed=1)
    return model


def test_a_dilated_net_trains_on_the_cpu_backend(backend, small_digits):
    model = _dilated_net(backend)
    gen = train(model, small_digits, TrainConfig(epochs=3, batch_size=30, lr=0.05,
                                                 val_fraction=0.2, seed=2))
    while True:
        try:
            next(gen)
        except StopIteration as stop:
            result = stop.value
            break
    assert result.history[-1]["train_loss"] < result.history[0]["train_loss"]
    assert result.train_acc > 0.3  # chance is 0.1


def test_model_files_keep_dilation_and_old_headers_load(tmp_path, backend):
    model = _dilated_net(backend)
    model.save(tmp_path / "d.npz")
    again = load_model(tmp_path / "d.npz", backend=backend)
    assert [getattr(layer, "dilation", None) for layer in again.layers][:4] == \
        [(2, 2), None, None, (2, 2)]
    x = np.random.default_rng(0).random((3, 1, 28, 28)).astype(np.float32)
    np.testing.assert_array_equal(again.predict_proba(x), model.predict_proba(x))
    # a header written before dilation existed has no "dilation" key: it loads undilated
    old = Model([Conv2d(1, 2, 3), ReLU(), Flatten(), Linear(2 * 26 * 26, 10)], "old",
                backend=backend)
    old.save(tmp_path / "old.npz")
    with np.load(tmp_path / "old.npz") as npz:
        header = json.loads(bytes(npz[HEADER_KEY]).decode())
    assert all("dilation" not in spec for spec in header["layers"])
    assert load_model(tmp_path / "old.npz", backend=backend).layers[0].dilation == (1, 1)
