"""Model files: round trip, atomic writes and every kind of bad file."""

from __future__ import annotations

import io
import json
import os
import zipfile

import numpy as np
import pytest

from playground import __version__
from playground.nn import ModelFileError, build_model, load_model, load_pretrained
from playground.nn.modelfile import FORMAT_VERSION, HEADER_KEY, read_header


@pytest.fixture
def saved(tmp_path):
    model = build_model("lenet5", seed=4, backend="reference")
    model.history = [{"epoch": 1, "train_loss": 0.5, "val_acc": 0.9}]
    model.training = {"epochs": 1, "lr": 0.05, "optimizer": "sgd"}
    model.data = {"source": "bundled MNIST 5k", "n_train": 4000}
    path = tmp_path / "m.npz"
    model.save(path)
    return model, path


def _rewrite(path, out, header=None, drop=(), change=None):
    with np.load(path) as npz:
        arrays = {k: npz[k] for k in npz.files}
    if header is not None:
        arrays[HEADER_KEY] = np.frombuffer(json.dumps(header).encode(), np.uint8)
    for key in drop:
        arrays.pop(key)
    arrays.update(change or {})
    np.savez(out, **arrays)
    return out


def test_round_trip(saved, tmp_path):
    model, path = saved
    again = load_model(path, backend="reference")
    assert again.name == "lenet5"
    a, b = model.state_dict(), again.state_dict()
    assert a.keys() == b.keys() and all(np.array_equal(a[k], b[k]) for k in a)
    assert again.history == model.history
    assert again.training == model.training
    assert again.data == model.data
    x = np.random.default_rng(0).random((2, 28, 28)).astype(np.float32)
    np.testing.assert_array_equal(again.predict_proba(x), model.predict_proba(x))
    header = read_header(path)
    assert header["format_version"] == FORMAT_VERSION
    assert header["app_version"] == __version__
    assert header["architecture"] == "lenet5" and header["params"] == 61_706
    assert len(header["layers"]) == 12
    assert [p.name for p in tmp_path.iterdir()] == ["m.npz"]  # no temporary files left
    if os.name == "posix":  # the usual permissions, not a temporary file's private 0600
        umask = os.umask(0)
        os.umask(umask)
        assert path.stat().st_mode & 0o777 == 0o666 & ~umask


def test_overwrite_is_atomic_and_rejects_bad_targets(saved, tmp_path):
    model, path = saved
    model.history = [{"epoch": 2}]
    model.save(path)
    assert load_model(path, backend="reference").history == [{"epoch": 2}]
    with pytest.raises(ValueError, match=r"\.npz"):
        model.save(tmp_path / "m.txt")
    with pytest.raises(ModelFileError, match="does not exist"):
        model.save(tmp_path / "nowhere" / "m.npz")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.npz"]


def test_missing_file(tmp_path):
    with pytest.raises(ModelFileError, match="does not exist"):
        load_model(tmp_path / "absent.npz")


def test_truncated_file(saved, tmp_path):
    _, path = saved
    data = path.read_bytes()
    bad = tmp_path / "cut.npz"
    bad.write_bytes(data[: len(data) // 2])
    with pytest.raises(ModelFileError, match="truncated"):
        load_model(bad)


def test_garbage_and_empty_files(tmp_path):
    for name, content in (("junk.npz", b"not a zip at all" * 10), ("empty.npz", b"")):
        path = tmp_path / name
        path.write_bytes(content)
        with pytest.raises(ModelFileError):
            load_model(path)


def test_a_plain_npz_is_not_a_model(tmp_path):
    path = tmp_path / "plain.npz"
    np.savez(path, a=np.zeros(3))
    with pytest.raises(ModelFileError, match="no model header"):
        load_model(path)


def test_pickled_header_is_refused(saved, tmp_path):
    _, path = saved
    out = tmp_path / "pickle.npz"
    with np.load(path) as npz:
        arrays = {k: npz[k] for k in npz.files}
    arrays[HEADER_KEY] = np.array([{"format": "x"}], dtype=object)
    np.savez(out, **arrays)
    with pytest.raises(ModelFileError):
        load_model(out)


def test_corrupt_header_json(saved, tmp_path):
    _, path = saved
    out = tmp_path / "bad.npz"
    with np.load(path) as npz:
        arrays = {k: npz[k] for k in npz.files}
    arrays[HEADER_KEY] = np.frombuffer(b"{not json", np.uint8)
    np.savez(out, **arrays)
    with pytest.raises(ModelFileError, match="corrupt header"):
        load_model(out)


def test_corrupt_zip_member(saved, tmp_path):
    _, path = saved
    out = tmp_path / "flipped.npz"
    raw = io.BytesIO()
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(raw, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "fc1.weight.npy":
                data = data[:200]  # shorter than the array its .npy header announces
            dst.writestr(info, data)
    out.write_bytes(raw.getvalue())
    with pytest.raises(ModelFileError):
        load_model(out)


def test_wrong_version(saved, tmp_path):
    _, path = saved
    header = read_header(path)
    header["format_version"] = FORMAT_VERSION + 1
    with pytest.raises(ModelFileError, match="format version"):
        load_model(_rewrite(path, tmp_path / "v.npz", header))


def test_wrong_format_name(saved, tmp_path):
    _, path = saved
    header = read_header(path)
    header["format"] = "something-else"
    with pytest.raises(ModelFileError, match="not a Convolution Playground model"):
        load_model(_rewrite(path, tmp_path / "f.npz", header))


def test_wrong_architecture(saved, tmp_path):
    _, path = saved
    with pytest.raises(ModelFileError, match="expected 'fcnn'"):
        load_model(path, architecture="fcnn")
    header = read_header(path)
    header["architecture"] = "fcnn"  # the name no longer matches the layers
    with pytest.raises(ModelFileError, match="layers differ"):
        load_model(_rewrite(path, tmp_path / "a.npz", header))
    header["layers"] = [{"kind": "warp-drive"}]
    with pytest.raises(ModelFileError, match="invalid layer specs"):
        load_model(_rewrite(path, tmp_path / "b.npz", header))


def test_missing_array(saved, tmp_path):
    _, path = saved
    with pytest.raises(ModelFileError, match=r"missing weight arrays: conv2\.bias"):
        load_model(_rewrite(path, tmp_path / "m2.npz", drop=["conv2.bias"]))


def test_wrong_shape_and_nan(saved, tmp_path):
    _, path = saved
    with pytest.raises(ModelFileError, match="shape"):
        load_model(_rewrite(path, tmp_path / "s.npz", change={"fc3.bias": np.zeros(9)}))
    nan = np.full((10,), np.nan, np.float32)
    with pytest.raises(ModelFileError, match="NaN"):
        load_model(_rewrite(path, tmp_path / "n.npz", change={"fc3.bias": nan}))


def test_custom_model_round_trip(tmp_path):
    from playground.nn import AvgPool2d, Conv2d, Flatten, Linear, Model, ReLU

    model = Model([Conv2d(1, 2, 3, stride=2), ReLU(), AvgPool2d(2), Flatten(), Linear(72, 10)],
                  "mine", backend="reference")
    model.set_weights("fc1", weight=np.ones((10, 72)))
    model.save(tmp_path / "c.npz")
    again = load_model(tmp_path / "c.npz", backend="reference")
    assert again.name == "mine" and repr(again) == repr(model)
    assert np.all(again.get_weights("fc1")["weight"] == 1)


def test_load_pretrained_missing_name():
    with pytest.raises(ModelFileError, match="missing"):
        load_pretrained("no-such-model")
