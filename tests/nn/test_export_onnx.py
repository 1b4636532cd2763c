"""The ONNX export: a graph that passes onnx.checker and, with onnxruntime, predicts what we do."""

from __future__ import annotations

import json

import numpy as np
import pytest

from playground.nn import as_batch
from playground.nn.export import export_model
from playground.nn.export_onnx import IR_VERSION, OPSET, onnx_model
from tests.nn.export_cases import CASES, inputs_for, make_case, ours

onnx = pytest.importorskip("onnx")


@pytest.mark.parametrize("case", CASES)
def test_the_graph_passes_the_checker_and_says_what_it_takes(case, tmp_path):
    model = make_case(case)
    path = export_model(model, tmp_path / "m.onnx")
    proto = onnx.load(str(path))
    onnx.checker.check_model(proto, full_check=True)
    assert proto.ir_version == IR_VERSION and proto.opset_import[0].version == OPSET
    assert [i.name for i in proto.graph.input] == ["input"]
    dims = [d.dim_param or d.dim_value for d in proto.graph.input[0].type.tensor_type.shape.dim]
    assert dims == ["N", *model.input_shape]
    assert [o.name for o in proto.graph.output] == ["logits", "probabilities"]
    meta = {p.key: p.value for p in proto.metadata_props}
    assert json.loads(meta["classes"]) == [str(i) for i in range(model.n_classes)]
    n = sum(int(np.prod(t.dims)) for t in proto.graph.initializer)
    assert n == model.n_params()
    assert "Dropout" not in {node.op_type for node in proto.graph.node}


@pytest.mark.parametrize("case", CASES)
def test_onnxruntime_predicts_what_we_do_on_100_inputs(case, tmp_path, digits):
    ort = pytest.importorskip("onnxruntime")
    model = make_case(case)
    path = export_model(model, tmp_path / "m.onnx", "onnx")
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    images = inputs_for(model, digits)
    x = (as_batch(images) if model.input_shape == (1, 28, 28)
         else images.astype(np.float32) * np.float32(1 / 255))
    got_logits, got_probs = session.run(["logits", "probabilities"], {"input": x})
    logits, probs = ours(model, images)
    np.testing.assert_allclose(got_logits, logits, rtol=0, atol=1e-5)
    np.testing.assert_allclose(got_probs, probs, rtol=0, atol=1e-5)


def test_uneven_padding_is_carried_in_the_conv_pads():
    proto = onnx_model(make_case("every-kind"))
    conv1 = next(n for n in proto.graph.node if n.name == "conv1")
    attrs = {a.name: list(a.ints) for a in conv1.attribute}
    assert attrs["pads"] == [1, 1, 2, 2]  # [top, left, bottom, right]
    assert attrs["kernel_shape"] == [4, 4]

