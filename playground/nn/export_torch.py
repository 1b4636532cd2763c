"""A trained model as one self-contained PyTorch script: an ``nn.Sequential`` plus its weights.

The script needs only torch and numpy (never this app): the weights travel inside it as base64 of a
compressed ``.npz`` whose keys are the ``state_dict`` keys of the ``nn.Sequential``, whose modules
carry our layer names (``conv1``, ``pool1``, ``fc1``…). Ours pads evenly or, for an even kernel
with padding "same", one more row/column after; PyTorch's ``Conv2d`` pads evenly only, so such a
layer becomes ``ZeroPad2d`` then an unpadded ``Conv2d``. Pooling is floor mode without padding in
both; dropout is ``nn.Dropout``, the identity once ``load_model`` has put the model in eval mode.
"""

from __future__ import annotations

import base64
import io
import re
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from playground import __version__
from playground.fileio import atomic_write_bytes
from playground.nn.export import Plan, Step, export_plan

if TYPE_CHECKING:
    from playground.nn.model import Model


def _pair(v: tuple[int, int]) -> str:
    return f"({int(v[0])}, {int(v[1])})"


def _modules(step: Step) -> list[tuple[str, str]]:
    """``(name, constructor source)`` of the PyTorch module(s) for one step."""
    a = step.attrs
    if step.kind == "conv":
        top, bottom, left, right = a["pads"]
        out = []
        if top == bottom and left == right:
            padding = _pair((top, left))
        else:  # uneven: ZeroPad2d takes (left, right, top, bottom)
            out.append((f"{step.name}_pad",
                        f"nn.ZeroPad2d(({left}, {right}, {top}, {bottom}))"))
            padding = "0"
        out.append((step.name, f"nn.Conv2d({a['in_channels']}, {a['out_channels']}, "
                               f"kernel_size={_pair(a['kernel'])}, stride={_pair(a['stride'])}, "
                               f"padding={padding}, dilation={_pair(a['dilation'])})"))
        return out
    if step.kind in ("maxpool", "avgpool"):
        cls = "MaxPool2d" if step.kind == "maxpool" else "AvgPool2d"
        return [(step.name, f"nn.{cls}(kernel_size={_pair(a['size'])}, "
                            f"stride={_pair(a['stride'])})")]
    if step.kind == "linear":
        return [(step.name, f"nn.Linear({a['in_features']}, {a['out_features']})")]
    if step.kind == "dropout":
        return [(step.name, f"nn.Dropout(p={a['p']!r})")]
    simple = {"relu": "nn.ReLU()", "tanh": "nn.Tanh()", "sigmoid": "nn.Sigmoid()",
              "flatten": "nn.Flatten()"}
    return [(step.name, simple[step.kind])]


def _weights_b64(plan: Plan) -> str:
    """The parameters as base64 of a compressed ``.npz`` in 76-character lines."""
    arrays = {f"{s.name}.{k}": np.ascontiguousarray(v, np.float32)
              for s in plan.steps for k, v in s.weights.items()}
    buf = io.BytesIO()
    np.savez_compressed(buf, **arrays)
    return base64.encodebytes(buf.getvalue()).decode("ascii")


_TEMPLATE = '''\
"""{title}: a network trained in Convolution Playground, exported for PyTorch.

Self-contained: it needs torch and numpy only. ``load_model()`` returns the ``nn.Sequential`` in
eval mode with the trained weights; it maps a float32 batch (N, {c}, {h}, {w}) in 0-1 (uint8
pixels divided by 255, what ``preprocess`` does; digits are white ink on black) to (N, {k})
logits, and ``torch.softmax(logits, 1)`` gives the probabilities the app shows (the same to 1e-5).

    python {{this file}}          prints a one-line summary
    from {{this module}} import load_model, predict_proba
"""

import base64
import io
from collections import OrderedDict

import numpy as np
import torch
from torch import nn

NAME = {name!r}
SOURCE = {source!r}
EXPORTED_BY = {exported_by!r}
INPUT_SHAPE = {input_shape!r}
CLASSES = {classes!r}


def build_model() -> nn.Sequential:
    """The architecture, with PyTorch's default initial weights."""
    return nn.Sequential(OrderedDict([
{modules}
    ]))


_WEIGHTS = """
{weights}"""


def state_dict() -> "OrderedDict[str, torch.Tensor]":
    """The trained parameters, keyed as in ``build_model().state_dict()``."""
    data = base64.b64decode(_WEIGHTS)
    with np.load(io.BytesIO(data), allow_pickle=False) as arrays:
        return OrderedDict((key, torch.from_numpy(arrays[key].copy())) for key in arrays.files)


def load_model() -> nn.Sequential:
    """The trained network in eval mode (dropout off)."""
    model = build_model()
    model.load_state_dict(state_dict())
    return model.eval()


def preprocess(images) -> torch.Tensor:
    """Images as the network's input: float32 (N, C, H, W), uint8 divided by 255, floats kept.

    Takes (N, C, H, W), one image (C, H, W), or for one channel (N, H, W) and (H, W).
    """
    x = np.asarray(images)
    x = x.astype(np.float32) * np.float32(1 / 255) if x.dtype == np.uint8 else x.astype(np.float32)
    c, h, w = INPUT_SHAPE
    if c == 1 and x.ndim in (2, 3) and x.shape[-2:] == (h, w):
        x = x.reshape(-1, 1, h, w)
    elif x.ndim == 3:
        x = x[None]
    if x.ndim != 4 or tuple(x.shape[1:]) != INPUT_SHAPE:
        raise ValueError(f"images must be (N, {c}, {h}, {w}), got {{np.shape(images)}}")
    return torch.from_numpy(np.ascontiguousarray(x))


def predict_proba(model: nn.Module, images) -> torch.Tensor:
    """Class probabilities (N, {k}) for images as ``preprocess`` takes them."""
    with torch.no_grad():
        return torch.softmax(model(preprocess(images)), dim=1)


if __name__ == "__main__":
    net = load_model()
    n_params = sum(p.numel() for p in net.parameters())
    with torch.no_grad():
        out = net(torch.zeros(1, *INPUT_SHAPE))
    shape = "x".join(map(str, INPUT_SHAPE))
    print(f"{{NAME}}: {{len(net)}} modules, {{n_params:,}} parameters, input {{shape}} -> "
          f"{{out.shape[1]}} classes (torch {{torch.__version__}})")
'''


def torch_script(model: Model | Plan, source: str = "") -> str:
    """The Python source of the self-contained PyTorch script for ``model``."""
    plan = export_plan(model)
    mods = [m for s in plan.steps for m in _modules(s)]
    modules = "\n".join(f"        ({name!r}, {ctor})," for name, ctor in mods)
    c, h, w = plan.input_shape
    return _TEMPLATE.format(
        title=re.sub(r"[^\w .+-]", "_", plan.name), name=plan.name, source=str(source),
        exported_by=f"conv-playground {__version__}", input_shape=plan.input_shape,
        classes=list(plan.class_names), modules=modules, weights=_weights_b64(plan),
        c=c, h=h, w=w, k=plan.n_classes)


def write_torch_script(model: Model | Plan, path: str | Path, source: str = "") -> Path:
    """Writes :func:`torch_script` to ``path`` atomically (SaveError if it cannot)."""
    return atomic_write_bytes(path, torch_script(model, source).encode("utf-8"))
