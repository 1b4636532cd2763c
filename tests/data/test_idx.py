"""IDX files: round trips, every kind of damage, the usual file-name spellings."""

from __future__ import annotations

import gzip
import struct

import numpy as np
import pytest

from playground.data import DataError, load_idx_folder, read_idx, write_idx


@pytest.mark.parametrize("suffix", ["", ".gz"])
@pytest.mark.parametrize("dtype", ["u1", "i1", "i2", "i4", "f4", "f8"])
def test_round_trip(tmp_path, suffix, dtype):
    rng = np.random.default_rng(1)
    array = (rng.standard_normal((4, 3, 5)) * 50).astype(dtype)
    path = write_idx(tmp_path / f"a.idx{suffix}", array)
    back = read_idx(path)
    assert back.dtype == np.dtype(dtype) and back.dtype.isnative
    assert np.array_equal(back, array)


def test_gzip_is_detected_by_content(tmp_path):
    array = np.arange(10, dtype=np.uint8)
    write_idx(tmp_path / "x.gz", array)
    (tmp_path / "x.gz").rename(tmp_path / "plain-name")
    assert np.array_equal(read_idx(tmp_path / "plain-name"), array)


def test_header_is_standard(tmp_path):
    path = write_idx(tmp_path / "labels", np.array([7, 2, 1], np.uint8))
    assert path.read_bytes() == bytes([0, 0, 8, 1, 0, 0, 0, 3, 7, 2, 1])


def test_write_rejects_unsupported_dtype(tmp_path):
    with pytest.raises(ValueError, match="dtype"):
        write_idx(tmp_path / "a", np.zeros(3, np.uint16))


def _header(code, *dims):
    return struct.pack(f">HBB{len(dims)}I", 0, code, len(dims), *dims)


@pytest.mark.parametrize(("content", "message"), [
    (b"", "too short"),
    (b"\x00\x00", "too short"),
    (b"\x01\x02\x08\x01" + bytes(8), "bad magic"),
    (b"\x00\x00\x07\x01" + bytes(8), "bad magic"),
    (b"\x00\x00\x08\x00", "zero dimensions"),
    (b"\x00\x00\x08\x03\x00\x00\x00\x05", "truncated header"),
    (_header(8, 2, 28, 28) + bytes(1000), "truncated data"),
    (_header(8, 3) + bytes(5), "unexpected bytes"),
    (b"\x1f\x8b" + b"not really gzip", "damaged gzip"),
    (gzip.compress(_header(8, 10) + bytes(10))[:-6], "damaged gzip"),
])
def test_malformed_files_raise_data_error_naming_the_file(tmp_path, content, message):
    path = tmp_path / "broken-idx1-ubyte"
    path.write_bytes(content)
    with pytest.raises(DataError, match=message) as info:
        read_idx(path)
    assert "broken-idx1-ubyte" in str(info.value)


def test_missing_file(tmp_path):
    with pytest.raises(DataError, match="not found") as info:
        read_idx(tmp_path / "nothing-here")
    assert "nothing-here" in str(info.value)


def _write_set(folder, *, n_train=6, n_test=4, names=None, gz=False, labels_n=None):
    names = names or {
        "train_images": "train-images-idx3-ubyte", "train_labels": "train-labels-idx1-ubyte",
        "test_images": "t10k-images-idx3-ubyte", "test_labels": "t10k-labels-idx1-ubyte",
    }
    ext = ".gz" if gz else ""
    rng = np.random.default_rng(0)
    train_x = rng.integers(0, 256, (n_train, 28, 28), dtype=np.uint8)
    test_x = rng.integers(0, 256, (n_test, 28, 28), dtype=np.uint8)
    write_idx(folder / (names["train_images"] + ext), train_x)
    write_idx(folder / (names["train_labels"] + ext),
              (np.arange(labels_n or n_train) % 10).astype(np.uint8))
    write_idx(folder / (names["test_images"] + ext), test_x)
    write_idx(folder / (names["test_labels"] + ext), (np.arange(n_test) % 10).astype(np.uint8))
    return train_x, test_x


@pytest.mark.parametrize("gz", [False, True])
def test_load_folder(tmp_path, gz):
    train_x, test_x = _write_set(tmp_path, gz=gz)
    train, test = load_idx_folder(tmp_path)
    assert np.array_equal(train.images, train_x) and np.array_equal(test.images, test_x)
    assert train.labels.tolist() == [0, 1, 2, 3, 4, 5]
    assert test.labels.dtype == np.uint8


def test_load_folder_dotted_names(tmp_path):
    names = {"train_images": "train-images.idx3-ubyte", "train_labels": "train-labels.idx1-ubyte",
             "test_images": "t10k-images.idx3-ubyte", "test_labels": "t10k-labels.idx1-ubyte"}
    _write_set(tmp_path, names=names)
    train, test = load_idx_folder(tmp_path)
    assert (len(train), len(test)) == (6, 4)


def test_load_folder_accepts_int_labels(tmp_path):
    _write_set(tmp_path)
    write_idx(tmp_path / "train-labels-idx1-ubyte", np.arange(6, dtype=np.int32))
    train, _ = load_idx_folder(tmp_path)
    assert train.labels.dtype == np.uint8


def test_missing_file_in_folder(tmp_path):
    _write_set(tmp_path)
    (tmp_path / "t10k-labels-idx1-ubyte").unlink()
    with pytest.raises(DataError, match="missing t10k-labels-idx1-ubyte"):
        load_idx_folder(tmp_path)


def test_missing_folder(tmp_path):
    with pytest.raises(DataError, match="no such folder"):
        load_idx_folder(tmp_path / "absent")


def test_count_mismatch(tmp_path):
    _write_set(tmp_path, labels_n=5)
    with pytest.raises(DataError, match="5 labels for 6 images") as info:
        load_idx_folder(tmp_path)
    assert "train-labels-idx1-ubyte" in str(info.value)


@pytest.mark.parametrize(("name", "array", "message"), [
    ("train-images-idx3-ubyte", np.zeros((6, 28, 27), np.uint8), r"\(N, 28, 28\)"),
    ("train-images-idx3-ubyte", np.zeros((6, 784), np.uint8), r"\(N, 28, 28\)"),
    ("train-images-idx3-ubyte", np.zeros((6, 28, 28), np.float32), "unsigned bytes"),
    ("train-labels-idx1-ubyte", np.zeros((6, 1), np.uint8), "1-D"),
    ("t10k-labels-idx1-ubyte", np.full(4, 300, np.int32), "0-255"),
])
def test_wrong_dimensions_or_types(tmp_path, name, array, message):
    _write_set(tmp_path)
    write_idx(tmp_path / name, array)
    with pytest.raises(DataError, match=message) as info:
        load_idx_folder(tmp_path)
    assert name in str(info.value)


def test_truncated_file_in_folder(tmp_path):
    _write_set(tmp_path)
    path = tmp_path / "train-images-idx3-ubyte"
    path.write_bytes(path.read_bytes()[:-100])
    with pytest.raises(DataError, match="train-images-idx3-ubyte: truncated data"):
        load_idx_folder(tmp_path)
