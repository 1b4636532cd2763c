"""The pretrained models shipped in resources/ (made by packaging/train_bundled_models.sh)."""

from __future__ import annotations

import pytest

from playground.nn import evaluate, load_pretrained


@pytest.mark.parametrize(("name", "params", "min_val"), [("lenet5", 61_706, 0.97),
                                                         ("fcnn", 101_770, 0.90)])
def test_pretrained_loads_and_classifies(name, params, min_val, backend, digits):
    model = load_pretrained(name, backend=backend)
    assert model.name == name and model.n_params() == params
    assert model.history and model.history[-1]["val_acc"] >= min_val
    assert model.data["source"] == digits.source and model.training["seed"] == 0
    split = model.data["split"]
    _, val = digits.split(n_train=split["train_size"], val_fraction=split["val_fraction"],
                          seed=split["seed"])
    res = evaluate(model, val.images, val.labels)
    assert res.accuracy == pytest.approx(model.history[-1]["val_acc"], abs=1e-3)
    assert model.conv_layers if name == "lenet5" else not model.conv_layers
