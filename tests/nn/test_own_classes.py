"""Models of one's own classes: 3 input channels, class names in the model file, old files."""

from __future__ import annotations

import json

import numpy as np
import pytest

from playground.data import Digits
from playground.nn import ModelFileError, TrainConfig, build_model, load_model, load_pretrained
from playground.nn.arch import build_from_arch
from playground.nn.archtext import parse_arch
from playground.nn.augment import random_affine
from playground.nn.modelfile import HEADER_KEY, read_header
from playground.nn.sessions import RunSpec, TrainingJob, check_design_fits, clone_model
from playground.nn.training import check_inputs, run_training


def _colour_set(n_per_class: int = 24, seed: int = 0) -> Digits:
    """Three classes that only colour tells apart: a red, a green or a blue square."""
    rng = np.random.default_rng(seed)
    images = np.zeros((3 * n_per_class, 3, 28, 28), np.uint8)
    labels = np.repeat(np.arange(3, dtype=np.uint8), n_per_class)
    for i, c in enumerate(labels):
        y, x = rng.integers(2, 14, 2)
        images[i, c, y:y + 12, x:x + 12] = rng.integers(180, 256)
    return Digits(images, labels, "colour squares", ("red", "green", "blue"))


def test_built_in_models_take_three_channels():
    model = build_model("lenet5", n_classes=3, in_channels=3, backend="reference")
    assert model.input_shape == (3, 28, 28)
    assert model.get_weights("conv1")["weight"].shape == (6, 3, 5, 5)
    assert build_model("fcnn", in_channels=3).get_weights("fc1")["weight"].shape == (128, 2352)
    with pytest.raises(ValueError, match="1 \\(grey\\) or 3"):
        build_model("lenet5", in_channels=2)


def test_training_on_colour_learns_colour_filters(backend):
    data = _colour_set()
    model = build_model("lenet5-small", n_classes=3, in_channels=3, backend=backend)
    result = run_training(model, data, TrainConfig(epochs=3, batch_size=16, lr=0.05,
                                                   augment=True, val_fraction=0.25))
    assert model.class_names == ("red", "green", "blue")
    assert model.data["class_names"] == ["red", "green", "blue"]
    assert result.val_acc is not None and result.val_acc > 0.6  # chance is 1/3
    w = model.get_weights("conv1")["weight"]
    assert not np.allclose(w[:, 0], w[:, 1])  # the channels learned different weights


def test_model_file_round_trip_keeps_class_names_and_channels(tmp_path):
    model = build_model("lenet5", n_classes=3, in_channels=3, seed=2, backend="reference")
    model.class_names = ("A", "B", "circle")
    path = tmp_path / "own.npz"
    model.save(path)
    header = read_header(path)
    assert header["class_names"] == ["A", "B", "circle"] and header["input_shape"] == [3, 28, 28]
    again = load_model(path, backend="reference")
    assert again.class_names == ("A", "B", "circle") and again.input_shape == (3, 28, 28)
    x = np.random.default_rng(0).random((2, 3, 28, 28)).astype(np.float32)
    np.testing.assert_array_equal(model.predict_proba(x), again.predict_proba(x))
    assert clone_model(again).class_names == ("A", "B", "circle")
    with pytest.raises(ModelFileError, match="needs 1x28x28"):
        load_model(path, input_shape=(1, 28, 28))


def test_old_files_without_class_names_still_load(tmp_path):
    old = load_pretrained("lenet5", backend="reference")  # saved before class names existed
    assert "class_names" not in old.header and old.class_names is None
    path = tmp_path / "old.npz"
    model = build_model("fcnn", backend="reference")
    model.save(path)
    with np.load(path) as npz:
        arrays = {k: npz[k] for k in npz.files}
    header = json.loads(arrays[HEADER_KEY].tobytes())
    header.pop("class_names", None)
    del header["input_shape"]  # the first files had no input shape either
    arrays[HEADER_KEY] = np.frombuffer(json.dumps(header).encode(), np.uint8)
    np.savez(path, **arrays)
    again = load_model(path)
    assert again.class_names is None and again.input_shape == (1, 28, 28)


@pytest.mark.parametrize("names", [["a", "b"], "abc", ["a", 3, "c"], ["a", "a", "b"],
                                   ["a", "b", "x" * 41], ["a", "b", "\x00"]])
def test_unusable_class_names_are_refused(tmp_path, names):
    model = build_model("fcnn", n_classes=3, backend="reference")
    path = tmp_path / "m.npz"
    model.save(path)
    with np.load(path) as npz:
        arrays = {k: npz[k] for k in npz.files}
    header = json.loads(arrays[HEADER_KEY].tobytes())
    header["class_names"] = names
    arrays[HEADER_KEY] = np.frombuffer(json.dumps(header).encode(), np.uint8)
    np.savez(path, **arrays)
    with pytest.raises(ModelFileError, match="class names"):
        load_model(path)


def test_inputs_that_do_not_fit_are_refused_before_training():
    data = _colour_set(6)
    grey = build_model("lenet5", n_classes=3, backend="reference")
    with pytest.raises(ValueError, match=r"3 channels \(colour\) but the model 'lenet5' takes 1"):
        check_inputs(grey, data.images)
    with pytest.raises(ValueError, match="3 channels"):
        run_training(grey, data, TrainConfig(epochs=1))
    two = build_model("lenet5", n_classes=2, in_channels=3, backend="reference")
    with pytest.raises(ValueError, match="labels up to 2"):
        run_training(two, data, TrainConfig(epochs=1))


def test_a_job_builds_its_models_for_the_data():
    data = _colour_set(6)
    job = TrainingJob([RunSpec("lenet5-small", "small", TrainConfig(epochs=1))], data)
    assert job.models[0].input_shape == (3, 28, 28) and job.n_classes == 3
    assert job.build(0).class_names == ("red", "green", "blue")
    design = parse_arch("conv 4 3x3\nrelu\nflatten\ndense 10")
    with pytest.raises(ValueError, match="write 'input 3x28x28'"):
        check_design_fits(design, 3, (3, 28, 28))
    fitted = parse_arch("input 3x28x28\nclasses 3\nconv 4 3x3\nrelu\nflatten\ndense 3")
    check_design_fits(fitted, 3, (3, 28, 28))
    with pytest.raises(ValueError, match="end it in 'dense 4'"):
        check_design_fits(fitted, 4, (3, 28, 28))
    spec = RunSpec("designed", "mine", TrainConfig(epochs=1), design=fitted)
    assert TrainingJob([spec], data).models[0].get_weights("conv1")["weight"].shape == \
        (4, 3, 3, 3)
    assert build_from_arch(fitted).input_shape == (3, 28, 28)


def test_augmentation_moves_the_channels_of_an_image_together():
    rng = np.random.default_rng(0)
    grey = rng.integers(0, 256, (5, 28, 28), dtype=np.uint8)
    colour = np.repeat(grey[:, None], 3, axis=1)
    out = random_affine(colour, np.random.default_rng(7))
    assert out.shape == colour.shape
    np.testing.assert_array_equal(out[:, 0], out[:, 2])
    np.testing.assert_array_equal(out[:, 0], random_affine(grey, np.random.default_rng(7)))
