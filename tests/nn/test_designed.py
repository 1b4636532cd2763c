"""Designed networks train, save and load like the built-in ones; old model files still load."""

from __future__ import annotations

import numpy as np
import pytest

from playground.nn import TrainConfig, load_model, load_pretrained, run_training
from playground.nn.arch import TEMPLATES, analyse, arch_of, build_from_arch
from playground.nn.archtext import format_arch, parse_arch
from playground.nn.modelfile import ModelFileError, read_header

THREE_CONV = """
conv 8 3x3 same
relu
maxpool 2
conv 16 3x3 same
relu
maxpool 2
conv 16 3x3
relu
flatten
dropout 0.1
dense 10
"""


def test_a_designed_three_conv_net_beats_chance(backend, digits):
    arch = parse_arch(THREE_CONV)
    assert sum(s.kind == "conv" for s in arch.layers) == 3 and analyse(arch).ok
    model = build_from_arch(arch, seed=0, backend=backend)
    part = digits.subset(slice(0, 1500))
    result = run_training(model, part, TrainConfig(epochs=3, batch_size=32, lr=0.05,
                                                   train_size=1200, augment=False, seed=0))
    assert result.val_acc > 0.5, result  # chance is 10 %


def test_designed_model_file_carries_its_architecture(tmp_path, backend):
    arch = parse_arch(THREE_CONV.replace("relu", "tanh", 1))
    model = build_from_arch(arch, seed=3, backend=backend)
    path = tmp_path / "mine.npz"
    model.save(path)
    header = read_header(path)
    assert parse_arch(header["arch_text"]) == arch
    again = load_model(path, backend=backend)
    assert again.arch == arch and arch_of(again) == arch
    x = np.random.default_rng(0).random((4, 28, 28)).astype(np.float32)
    np.testing.assert_allclose(again.predict_proba(x), model.predict_proba(x), atol=1e-6)


def test_a_file_whose_text_and_layers_disagree_is_refused(tmp_path, backend):
    model = build_from_arch(TEMPLATES["lenet5-small"], backend=backend)
    model.arch = TEMPLATES["fcnn"]  # lies about its layers
    model.save(tmp_path / "liar.npz")
    with pytest.raises(ModelFileError, match="architecture text and its layers differ"):
        load_model(tmp_path / "liar.npz")


@pytest.mark.parametrize("name", ["lenet5", "fcnn"])
def test_bundled_files_without_architecture_text_still_load(name):
    model = load_pretrained(name, backend="reference")
    assert model.arch is None
    assert "arch_text" not in model.header
    assert arch_of(model) == TEMPLATES[name]
    assert format_arch(arch_of(model)).count("\n") == len(TEMPLATES[name].layers)
