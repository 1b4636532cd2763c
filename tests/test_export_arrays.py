"""The Qt-free array writers: exact CSV / NumPy round trips for 1-D to 4-D, bad input, bad paths."""

from __future__ import annotations

import os

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from playground import export_arrays as ex
from playground.fileio import SaveError

SHAPES = [(7,), (3, 4), (6, 5, 5), (2, 3, 4, 5), (16, 6, 5, 5)]


@pytest.mark.parametrize("shape", SHAPES)
def test_csv_and_npy_round_trip_exactly(tmp_path, shape):
    rng = np.random.default_rng(len(shape))
    a = (rng.normal(size=shape) * 10.0 ** rng.integers(-9, 9, size=shape)).astype(np.float32)
    a.flat[0] = 0.1  # not exact in binary: the shortest float32 text must still read back
    csv = ex.write_csv(tmp_path / "a.csv", a)
    npy = ex.write_npy(tmp_path / "a.npy", a)
    back = ex.read_csv(csv)
    assert back.shape == a.shape and back.dtype == np.float32
    assert np.array_equal(back, a)
    loaded = np.load(npy, allow_pickle=False)
    assert loaded.shape == a.shape and loaded.dtype == np.float32
    assert np.array_equal(loaded, a)


def test_csv_layout_is_the_documented_one(tmp_path):
    a = np.arange(2 * 2 * 3, dtype=np.float32).reshape(2, 2, 3) / 4
    text = (tmp_path / "x.csv").read_text() if ex.write_csv(tmp_path / "x.csv", a) else ""
    assert text == ("# shape: 2x2x3 (channel, row, column)\n# [0]\n0,0.25,0.5\n0.75,1,1.25\n\n"
                    "# [1]\n1.5,1.75,2\n2.25,2.5,2.75\n")
    # numpy alone reads it back, as the docstring promises
    flat = np.loadtxt(tmp_path / "x.csv", delimiter=",", comments="#")
    assert np.array_equal(flat.reshape(2, 2, 3), a)


def test_two_d_csv_is_plain_rows(tmp_path):
    a = np.array([[1, -2.5], [3e-9, 1e20]], np.float32)
    path = ex.write_csv(tmp_path / "k.csv", a)
    assert path.read_text() == "1,-2.5\n3e-09,1e+20\n"
    assert ex.to_text(a, "\t") == "1\t-2.5\n3e-09\t1e+20\n"


def test_non_finite_values_survive(tmp_path):
    a = np.array([[np.nan, np.inf], [-np.inf, -0.0]], np.float32)
    back = ex.read_csv(ex.write_csv(tmp_path / "n.csv", a))
    assert np.array_equal(back, a, equal_nan=True)


@settings(max_examples=40, deadline=None)
@given(hnp.arrays(np.float32, hnp.array_shapes(min_dims=1, max_dims=4, max_side=5),
                  elements=st.floats(width=32, allow_nan=False)))
def test_text_round_trips_any_float32(tmp_path_factory, a):
    path = ex.write_csv(tmp_path_factory.mktemp("h") / "h.csv", a)
    assert np.array_equal(ex.read_csv(path), a)


def test_missing_suffix_is_added_and_ints_become_float32(tmp_path):
    out = ex.write_npy(tmp_path / "conv1-filter3", np.arange(4).reshape(2, 2))
    assert out.name == "conv1-filter3.npy"
    assert np.load(out).dtype == np.float32
    assert ex.write_csv(tmp_path / "m.CSV", np.ones((2, 2))).name == "m.CSV"


@pytest.mark.parametrize("bad", [np.float32(3.0), np.zeros((0, 3)), np.zeros((1, 1, 1, 1, 1)),
                                 np.array(["a"]), np.array([1 + 2j])])
def test_bad_arrays_are_refused_with_a_message(tmp_path, bad):
    with pytest.raises(ValueError, match=r"cannot export|no values"):
        ex.write_npy(tmp_path / "x.npy", bad)
    assert not list(tmp_path.iterdir())


def test_too_many_values_for_text_say_use_npy(monkeypatch):
    monkeypatch.setattr(ex, "MAX_TEXT_VALUES", 10)
    with pytest.raises(ValueError, match=r"\.npy"):
        ex.to_text(np.zeros((4, 4)))


def test_hostile_paths_give_save_errors_and_leave_nothing(tmp_path):
    a = np.ones((2, 2), np.float32)
    with pytest.raises(SaveError, match="does not exist"):
        ex.write_csv(tmp_path / "missing" / "a.csv", a)
    (tmp_path / "dir.npy").mkdir()
    with pytest.raises(SaveError, match="folder"):
        ex.write_npy(tmp_path / "dir.npy", a)
    with pytest.raises(SaveError, match="no file name"):
        ex.write_csv(tmp_path / "..", a)
    if os.name == "posix" and os.geteuid() != 0:
        ro = tmp_path / "ro"
        ro.mkdir()
        ro.chmod(0o500)
        try:
            with pytest.raises(SaveError, match="not writable"):
                ex.write_npy(ro / "a.npy", a)
        finally:
            ro.chmod(0o700)


def test_a_full_disk_keeps_the_old_file(tmp_path, monkeypatch):
    path = ex.write_npy(tmp_path / "a.npy", np.ones((2, 2)))
    before = path.read_bytes()

    def full(*_args, **_kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(np, "save", full)
    with pytest.raises(SaveError, match="No space left"):
        ex.write_npy(path, np.zeros((3, 3)))
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["a.npy"]


@pytest.mark.parametrize(("parts", "stem"), [
    (("conv1", "filter3"), "conv1-filter3"), (("map", 2, "ReLU"), "map-2-relu"),
    (("../../etc/passwd",), "etc-passwd"), (("conv2 6×5×5",), "conv2-6x5x5"), (("",), "values"),
])
def test_file_stems_are_safe(parts, stem):
    assert ex.file_stem(*parts) == stem
