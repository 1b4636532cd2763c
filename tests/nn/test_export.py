"""The export plan both writers share, and the format choice (no torch or onnx needed)."""

from __future__ import annotations

import ast
import sys

import numpy as np
import pytest

from playground.nn import build_model
from playground.nn.export import ExportError, export_model, export_plan, format_for
from playground.nn.export_onnx import onnx_available
from playground.nn.export_torch import torch_script
from tests.nn.export_cases import make_case


def test_the_plan_resolves_what_our_layers_compute():
    plan = export_plan(make_case("every-kind"))
    kinds = [s.kind for s in plan.steps]
    assert kinds == ["conv", "tanh", "avgpool", "conv", "sigmoid", "conv", "relu", "maxpool",
                     "flatten", "dropout", "linear", "relu", "linear"]
    conv1, conv2, conv3 = (s for s in plan.steps if s.kind == "conv")
    assert conv1.attrs["pads"] == (1, 2, 1, 2)  # an even kernel's extra row/column goes after
    assert conv2.attrs["stride"] == (2, 2) and conv2.attrs["dilation"] == (2, 2)
    assert conv3.attrs["pads"] == (1, 2, 1, 2)  # 2x2 dilated by 3 spans 4: pad 1 before, 2 after
    assert plan.steps[7].attrs == {"size": (2, 2), "stride": (1, 1)}
    assert plan.steps[9].attrs == {"p": 0.3}
    assert plan.n_params == make_case("every-kind").n_params()
    assert plan.class_names == tuple("0123456789")


def test_layer_names_stay_unique_for_the_sequential():
    model = make_case("lenet5-small")
    model.layers[3].name = "relu1"  # a clash as a second flatten would make
    names = [s.name for s in export_plan(model).steps]
    assert len(set(names)) == len(names)


def test_format_from_to_or_suffix():
    assert format_for("a.onnx", None) == "onnx"
    assert format_for("a.py", None) == "pytorch"
    assert format_for("a.onnx", "PyTorch") == "pytorch"
    with pytest.raises(ExportError, match="unknown export format 'tf'"):
        format_for("a.py", "tf")
    with pytest.raises(ExportError, match="give --to"):
        format_for("a.bin", None)


def test_the_script_imports_only_torch_numpy_and_the_standard_library():
    tree = ast.parse(torch_script(build_model("lenet5", seed=0, backend="reference")))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            imported.add(node.module.split(".")[0])
    assert imported == {"base64", "io", "collections", "numpy", "torch"}


def test_uneven_padding_becomes_a_zero_pad_module():
    script = torch_script(make_case("every-kind"))
    assert "('conv1_pad', nn.ZeroPad2d((1, 2, 1, 2)))" in script
    assert "nn.Conv2d(1, 4, kernel_size=(4, 4), stride=(1, 1), padding=0" in script
    assert "nn.AvgPool2d(kernel_size=(3, 3), stride=(2, 2))" in script
    assert "padding=(1, 1), dilation=(2, 2))" in script


def test_class_names_carried_by_the_model_go_into_the_export():
    model = make_case("colour")
    model.data = {"class_names": ["cat", "dog", "owl", "fox"]}
    assert export_plan(model).class_names == ("cat", "dog", "owl", "fox")
    model.data = {"class_names": ["too", "few"]}
    assert export_plan(model).class_names == ("0", "1", "2", "3")
    assert "CLASSES = ['0', '1', '2', '3']" in torch_script(model)


def test_weights_are_embedded_exactly():
    import base64
    import io
    import re

    model = make_case("three-conv")
    blob = re.search(r'_WEIGHTS = """(.*?)"""', torch_script(model), re.S).group(1)
    with np.load(io.BytesIO(base64.b64decode(blob)), allow_pickle=False) as arrays:
        got = {k: arrays[k] for k in arrays.files}
    want = model.state_dict()
    assert set(got) == set(want)
    for key, value in want.items():
        np.testing.assert_array_equal(got[key], value)
        assert got[key].dtype == np.float32


def test_without_the_onnx_package_the_error_says_how_to_install(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "onnx", None)  # import onnx now raises ImportError
    target = tmp_path / "m.onnx"
    with pytest.raises(ExportError, match=r"needs the onnx package: pip install"):
        export_model(make_case("lenet5"), target)
    assert not target.exists()
    assert not onnx_available()
