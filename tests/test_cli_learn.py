"""``conv-playground train / eval / predict``: outputs, saved files and one-line errors (exit 2)."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from playground.cli import main

TINY = ["--train-size", "200", "--epochs", "1", "--batch-size", "50", "--no-augment"]


@pytest.fixture(scope="module")
def model_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("cli") / "fcnn.npz"
    code = main(["train", "--model", "fcnn", *TINY, "--backend", "cpu",
                 "--save", str(path)])
    assert code == 0
    return path


@pytest.fixture
def digit_png(tmp_path):
    from PIL import Image

    from playground.data import load_bundled

    digits = load_bundled()
    img = 255 - digits.images[int(np.flatnonzero(digits.labels == 7)[0])]  # dark ink on white
    path = tmp_path / "seven.png"
    Image.fromarray(np.kron(img, np.ones((4, 4), np.uint8))).save(path)
    return path


def test_train_json_lines_and_saved_model(tmp_path, capsys):
    path = tmp_path / "m.npz"
    code = main(["train", "--model", "lenet5-small", *TINY[:2], "--epochs", "2",
                 "--batch-size", "50", "--backend", "cpu", "--json", "--save", str(path)])
    assert code == 0
    out, err = capsys.readouterr()
    lines = [json.loads(line) for line in out.splitlines()]
    assert [r["epoch"] for r in lines] == [1, 2]
    assert set(lines[0]) == {"epoch", "train_loss", "train_acc", "val_acc", "seconds",
                             "images_per_s"}
    assert 0 <= lines[1]["val_acc"] <= 1 and lines[1]["seconds"] > 0
    assert "saved" in err and "validation accuracy" in err
    from playground.nn import load_model

    model = load_model(path)
    assert model.name == "lenet5-small"
    assert len(model.history) == 2 and model.training["epochs"] == 2
    assert model.training["augment"] is True and model.data["n_train"] == 200


def test_eval_on_the_held_out_split(model_file, capsys):
    assert main(["eval", str(model_file), "--json"]) == 0
    res = json.loads(capsys.readouterr().out)
    assert res["n"] == 1000 and "held-out" in res["evaluated_on"]
    assert len(res["confusion"]) == 10 and sum(map(sum, res["confusion"])) == 1000
    assert 0 <= res["accuracy"] <= 1
    assert main(["eval", str(model_file)]) == 0
    text = capsys.readouterr().out
    assert "accuracy:" in text and "confusion matrix" in text and "per-class" in text


def test_predict(model_file, digit_png, capsys):
    assert main(["predict", str(model_file), str(digit_png), "--json"]) == 0
    res = json.loads(capsys.readouterr().out)
    assert 0 <= res["class"] <= 9 and len(res["probabilities"]) == 10
    assert sum(res["probabilities"]) == pytest.approx(1, abs=1e-4)
    assert main(["predict", str(model_file), str(digit_png)]) == 0
    assert "predicted digit" in capsys.readouterr().out


@pytest.mark.parametrize("argv", [
    ["train", "--epochs", "0", "--save", "{tmp}/m.npz"],
    ["train", "--lr", "-1", "--save", "{tmp}/m.npz"],
    ["train", "--batch-size", "0", "--save", "{tmp}/m.npz"],
    ["train", "--train-size", "999999", "--save", "{tmp}/m.npz"],
    ["train", "--save", "{tmp}/m.txt"],
    ["train", "--save", "{tmp}/no/such/folder/m.npz"],
    ["train", "--data", "{tmp}/no-such-data", "--save", "{tmp}/m.npz"],
    ["eval", "{tmp}/missing.npz"],
    ["eval", "{tmp}/corrupt.npz"],
    ["predict", "{tmp}/missing.npz", "{tmp}/x.png"],
    ["predict", "{model}", "{tmp}/missing.png"],
    ["predict", "{model}", "{tmp}/corrupt.npz"],
    ["train", "--arch", "{tmp}/no-such.txt", "--save", "{tmp}/m.npz"],
    ["train", "--arch", "{tmp}/typo.txt", "--save", "{tmp}/m.npz"],
    ["train", "--arch", "{tmp}/impossible.txt", "--save", "{tmp}/m.npz"],
    ["train", "--arch", "{tmp}/corrupt.npz", "--save", "{tmp}/m.npz"],
    ["train", "--arch", "{tmp}/five.txt", "--save", "{tmp}/m.npz"],
])
def test_user_errors_exit_2_with_one_line(argv, tmp_path, model_file, capsys):
    (tmp_path / "corrupt.npz").write_bytes(b"PK\x03\x04 broken \xff\xfe")
    (tmp_path / "typo.txt").write_text("conv 6 5x5\nrelu\nflaten\ndense 10\n")
    (tmp_path / "impossible.txt").write_text("conv 6 5x5\ndense 10\n")
    (tmp_path / "five.txt").write_text("classes 5\nflatten\ndense 5\n")  # digits have 10
    args = [a.format(tmp=tmp_path, model=model_file) for a in argv]
    assert main(args) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("conv-playground: error:") and "\n" not in err
    assert "Traceback" not in err


def test_error_exit_code_in_a_subprocess(tmp_path):
    out = subprocess.run([sys.executable, "-m", "playground", "train", "--epochs", "0",
                          "--save", str(tmp_path / "m.npz")], capture_output=True, text=True)
    assert out.returncode == 2
    assert "epochs" in out.stderr and "Traceback" not in out.stderr


def test_train_a_designed_network(tmp_path, capsys):
    arch = tmp_path / "my.txt"
    arch.write_text("# mine\nconv 4 5x5 same\nrelu\nmaxpool 2\nflatten\ndense 10\n")
    path = tmp_path / "mine.npz"
    assert main(["train", "--arch", str(arch), *TINY, "--backend", "cpu",
                 "--save", str(path)]) == 0
    assert "the network in" in capsys.readouterr().err
    from playground.nn import load_model
    from playground.nn.archtext import parse_arch

    model = load_model(path)
    assert model.name == "designed" and model.arch == parse_arch(arch.read_text())
    assert main(["eval", str(path), "--json"]) == 0


def test_model_and_arch_are_exclusive(tmp_path, capsys):
    with pytest.raises(SystemExit) as info:
        main(["train", "--model", "fcnn", "--arch", "x.txt", "--save", str(tmp_path / "m.npz")])
    assert info.value.code == 2
    assert "not allowed with argument" in capsys.readouterr().err
