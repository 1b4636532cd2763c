"""A trained model as an ONNX graph, written with the ``onnx`` helper API (torch not needed).

The graph takes ``input``, float32 ``(N, C, H, W)`` in 0-1 (uint8 pixels divided by 255), and
gives two outputs: ``logits`` ``(N, classes)`` and ``probabilities`` (their softmax, what the app
shows). Conv carries our resolved padding as ONNX's ``pads`` (``[top, left, bottom, right]``, so
uneven "same" padding needs no extra node); pooling is floor mode without padding; flatten is
``Flatten(axis=1)``, C order like ours; dropout is left out (the identity at inference); dense is
``Gemm`` with the weight ``(out, in)`` transposed. Opset 17 and IR version 8, which any
onnxruntime since 1.13 runs. The class names go into the model's metadata.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from playground import __version__
from playground.fileio import atomic_write_bytes
from playground.nn.export import ExportError, Plan, export_plan

if TYPE_CHECKING:
    import onnx

    from playground.nn.model import Model

OPSET = 17
IR_VERSION = 8
INSTALL_HINT = "pip install 'conv-playground[onnx]' (or pip install onnx)"


def onnx_available() -> bool:
    """Whether the ``onnx`` package can be imported here (without importing it)."""
    import importlib.util
    import sys

    if "onnx" in sys.modules:  # imported already, or blocked (None)
        return sys.modules["onnx"] is not None
    return importlib.util.find_spec("onnx") is not None


def _import_onnx():
    """The onnx module, or ExportError with the install line."""
    try:
        import onnx
    except ImportError:
        raise ExportError(f"ONNX export needs the onnx package: {INSTALL_HINT}") from None
    return onnx


def _nodes(plan: Plan, helper, numpy_helper):
    """The graph's nodes and initializers, and the name of the logits."""
    nodes, inits, x = [], [], "input"
    for step in plan.steps:
        a, out = step.attrs, f"{step.name}_out"
        if step.kind == "dropout":
            continue
        params = [f"{step.name}.weight", f"{step.name}.bias"] if step.weights else []
        inits += [numpy_helper.from_array(np.ascontiguousarray(step.weights[k], np.float32),
                                          name)
                  for k, name in zip(("weight", "bias"), params, strict=False)]
        if step.kind == "conv":
            top, bottom, left, right = a["pads"]
            node = helper.make_node("Conv", [x, *params], [out], name=step.name,
                                    kernel_shape=list(a["kernel"]), strides=list(a["stride"]),
                                    pads=[top, left, bottom, right],
                                    dilations=list(a["dilation"]))
        elif step.kind in ("maxpool", "avgpool"):
            op = "MaxPool" if step.kind == "maxpool" else "AveragePool"
            node = helper.make_node(op, [x], [out], name=step.name, kernel_shape=list(a["size"]),
                                    strides=list(a["stride"]))
        elif step.kind == "linear":
            node = helper.make_node("Gemm", [x, *params], [out], name=step.name, transB=1)
        elif step.kind == "flatten":
            node = helper.make_node("Flatten", [x], [out], name=step.name, axis=1)
        else:
            op = {"relu": "Relu", "tanh": "Tanh", "sigmoid": "Sigmoid"}[step.kind]
            node = helper.make_node(op, [x], [out], name=step.name)
        nodes.append(node)
        x = out
    if x == "input":
        raise ExportError("the model has no layer to export")
    return nodes, inits, x


def onnx_model(model: Model | Plan, source: str = "") -> onnx.ModelProto:
    """The checked ``onnx.ModelProto`` for ``model`` (ExportError without the onnx package)."""
    onnx = _import_onnx()
    from onnx import TensorProto, helper, numpy_helper

    plan = export_plan(model)
    nodes, inits, last = _nodes(plan, helper, numpy_helper)
    nodes.append(helper.make_node("Identity", [last], ["logits"], name="logits"))
    nodes.append(helper.make_node("Softmax", ["logits"], ["probabilities"], name="softmax",
                                  axis=1))
    k = plan.n_classes
    graph = helper.make_graph(
        nodes, plan.name or "model",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["N", *plan.input_shape])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["N", k]),
         helper.make_tensor_value_info("probabilities", TensorProto.FLOAT, ["N", k])],
        initializer=inits,
        doc_string=f"input: float32 (N, {', '.join(map(str, plan.input_shape))}) in 0-1 "
                   "(uint8 pixels / 255); outputs: logits and softmax probabilities")
    proto = helper.make_model(graph, producer_name="conv-playground",
                              producer_version=__version__,
                              opset_imports=[helper.make_opsetid("", OPSET)])
    proto.ir_version = IR_VERSION
    proto.doc_string = f"{plan.name}, exported by conv-playground {__version__}"
    helper.set_model_props(proto, {"classes": json.dumps(list(plan.class_names)),
                                   "source": str(source), "architecture": plan.name})
    try:
        onnx.checker.check_model(proto, full_check=True)
    except onnx.checker.ValidationError as exc:  # a bug here, not the user's: say what failed
        raise ExportError(f"the ONNX graph did not pass onnx.checker: {exc}") from None
    return proto


def write_onnx(model: Model | Plan, path: str | Path, source: str = "") -> Path:
    """Writes :func:`onnx_model` to ``path`` atomically (SaveError if it cannot)."""
    return atomic_write_bytes(path, onnx_model(model, source).SerializeToString())
