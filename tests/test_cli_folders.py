"""``train / eval / predict --data FOLDER`` on a folder of class sub-folders of images."""

from __future__ import annotations

import json

import pytest

from playground.cli import main
from tests.data.folders import colour_folder, grey_folder


@pytest.fixture(scope="module")
def rgb(tmp_path_factory):
    return colour_folder(tmp_path_factory.mktemp("cli-folders") / "colours", per_class=10)


@pytest.fixture(scope="module")
def rgb_model(rgb, tmp_path_factory):
    path = tmp_path_factory.mktemp("cli-models") / "colours.npz"
    assert main(["train", "--data", str(rgb), "--model", "lenet5-small", "--epochs", "1",
                 "--batch-size", "8", "--backend", "cpu", "--save", str(path)]) == 0
    return path


def test_train_on_a_colour_folder_adapts_the_first_layer(rgb_model, capsys):
    from playground.nn import load_model

    model = load_model(rgb_model)
    assert model.class_names == ("blue", "green", "red")
    assert model.input_shape == (3, 28, 28)
    assert model.get_weights("conv1")["weight"].shape == (6, 3, 5, 5)
    assert model.data["class_names"] == ["blue", "green", "red"]


def test_predict_prints_the_class_name(rgb, rgb_model, capsys):
    assert main(["predict", str(rgb_model), str(rgb / "red" / "red_1.png")]) == 0
    out = capsys.readouterr().out
    assert out.startswith("predicted class: ")
    assert "blue:" in out and "green:" in out and "red:" in out
    assert main(["predict", str(rgb_model), str(rgb / "red" / "red_1.png"), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["class_names"] == ["blue", "green", "red"]
    assert result["class_name"] == result["class_names"][result["class"]]


def test_eval_names_the_classes(rgb, rgb_model, capsys):
    assert main(["eval", str(rgb_model), "--data", str(rgb)]) == 0
    out = capsys.readouterr().out
    assert "held-out validation split" in out and "  red:" in out


def test_eval_refuses_a_folder_of_other_classes(rgb_model, tmp_path, capsys):
    other = grey_folder(tmp_path / "g", {"bar": 5, "post": 5, "tee": 5})
    assert main(["eval", str(rgb_model), "--data", str(other)]) == 2
    last = capsys.readouterr().err.strip().splitlines()[-1]  # after the folder's summary
    assert last.startswith("conv-playground: error: ")
    assert "are not the model's (blue, green, red)" in last


@pytest.mark.parametrize(("counts", "message"), [
    ({"bar": 6, "post": 2}, "at least 5 images; too few in 'post' (2)"),
    ({"bar": 6}, "only one class sub-folder"),
])
def test_unusable_folders_exit_2_with_one_line(tmp_path, capsys, counts, message):
    root = grey_folder(tmp_path / "d", counts)
    assert main(["train", "--data", str(root), "--epochs", "1",
                 "--save", str(tmp_path / "m.npz")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and message in err


def test_neither_kind_of_folder(tmp_path, capsys):
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "a.txt").write_text("")
    assert main(["train", "--data", str(tmp_path / "x"), "--save",
                 str(tmp_path / "m.npz")]) == 2
    assert "neither a folder of IDX files" in capsys.readouterr().err


def test_a_designed_network_must_fit_the_folder(rgb, tmp_path, capsys):
    arch = tmp_path / "net.txt"
    arch.write_text("classes 3\nconv 4 3x3\nrelu\nmaxpool 2\nflatten\ndense 3\n")
    assert main(["train", "--data", str(rgb), "--arch", str(arch), "--epochs", "1",
                 "--save", str(tmp_path / "m.npz")]) == 2
    assert "write 'input 3x28x28'" in capsys.readouterr().err
    arch.write_text("input 3x20x20\nclasses 3\nconv 4 3x3\nrelu\nmaxpool 2\nflatten\ndense 3\n")
    assert main(["train", "--data", str(rgb), "--arch", str(arch), "--epochs", "1",
                 "--batch-size", "10", "--backend", "cpu", "--save",
                 str(tmp_path / "m.npz")]) == 0  # the folder is read at the network's size
    from playground.nn import load_model

    model = load_model(tmp_path / "m.npz", input_shape=None)
    assert model.input_shape == (3, 20, 20) and model.class_names == ("blue", "green", "red")
