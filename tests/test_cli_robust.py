"""The fuzz review's command-line cases: classes from the data, augmentation that fits it,
divergence, unwritable save targets, confusing messages. Each ends in exit 0 or one line, exit 2.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from playground.cli import main
from playground.data import write_idx

TINY = ["--epochs", "1", "--batch-size", "50", "--model", "fcnn"]


def _idx_folder(folder: Path, labels_from: int = 0, n_classes: int = 10, n: int = 120) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(0)
    for prefix, count in (("train", n), ("t10k", n // 4)):
        write_idx(folder / f"{prefix}-images-idx3-ubyte",
                  rng.integers(0, 256, (count, 28, 28), dtype=np.uint8))
        write_idx(folder / f"{prefix}-labels-idx1-ubyte",
                  (np.arange(count) % n_classes + labels_from).astype(np.uint8))
    return folder


def test_letters_folder_trains_a_model_with_as_many_outputs(tmp_path, capsys):
    """EMNIST-style labels 1..26 used to corrupt the heap; now the model gets 27 outputs."""
    data = _idx_folder(tmp_path / "emnist-letters", labels_from=1, n_classes=26)
    save = tmp_path / "letters.npz"
    code = main(["train", *TINY, "--data", str(data), "--backend", "cpu",
                 "--save", str(save)])
    err = capsys.readouterr().err
    assert code == 0, err
    assert "(27 classes)" in err
    from playground.nn import load_model

    model = load_model(save)
    assert model.n_classes == 27
    assert main(["eval", str(save), "--data", str(data), "--json"]) == 0
    assert '"confusion"' in capsys.readouterr().out


@pytest.mark.parametrize(("name", "flag", "expect"), [
    ("fashion-mnist", None, "augmentation off (folder 'fashion-mnist' looks like Fashion"),
    ("clothes", None, "augmentation off (folder 'clothes' is not recognised as digits)"),
    ("my-digits", None, "augmentation on (folder 'my-digits' looks like handwriting)"),
    ("clothes", "--augment", "augmentation on (as asked)"),
])
def test_augmentation_default_fits_the_data(tmp_path, capsys, name, flag, expect):
    data = _idx_folder(tmp_path / name)
    argv = ["train", *TINY, "--data", str(data), "--backend", "cpu",
            "--save", str(tmp_path / "m.npz"), *([flag] if flag else [])]
    assert main(argv) == 0
    assert expect in capsys.readouterr().err


def test_bundled_digits_are_augmented_by_default(tmp_path, capsys):
    assert main(["train", *TINY, "--train-size", "100", "--backend", "cpu",
                 "--save", str(tmp_path / "m.npz")]) == 0
    assert "augmentation on ('bundled' is handwritten digits)" in capsys.readouterr().err


def test_a_diverging_run_says_so_in_one_line(tmp_path, capsys):
    save = tmp_path / "m.npz"
    with np.errstate(all="ignore"):
        code = main(["train", *TINY, "--model", "lenet5", "--batch-size", "20", "--train-size",
                     "100", "--lr", "1e6", "--no-augment", "--backend", "cpu",
                     "--save", str(save)])
    err = capsys.readouterr().err
    assert code == 2
    assert "Traceback" not in err and "FloatingPointError" not in err
    last = err.strip().splitlines()[-1]
    assert last.startswith("conv-playground: error: training diverged")
    assert "lower the learning rate" in last and "nothing was saved" in last
    assert not save.exists()


@pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="needs a /proc to write into")
def test_unwritable_save_folder_is_refused_before_training(capsys):
    code = main(["train", *TINY, "--train-size", "100", "--backend", "cpu",
                 "--save", "/proc/m.npz"])
    err = capsys.readouterr().err
    assert code == 2
    assert "training" not in err and "epoch" not in err  # nothing was trained
    assert err.startswith("conv-playground: error: --save: cannot write to folder '/proc'")


def test_save_path_that_is_a_folder(tmp_path, capsys):
    (tmp_path / "m.npz").mkdir()
    assert main(["train", *TINY, "--save", str(tmp_path / "m.npz")]) == 2
    assert "is a folder" in capsys.readouterr().err
