"""A trained model leaves the app: as a self-contained PyTorch script or as an ONNX graph (no Qt).

Both writers work from one :func:`export_plan`: the model's layers as plain steps whose attributes
say exactly what our engine computes (resolved, possibly uneven, zero padding; floor-mode pooling
without padding; C-order flatten; dropout as the identity it is at test time). The exported
networks take what :func:`playground.nn.model.as_batch` gives ours, float32 ``(N, C, H, W)`` in
0-1 (uint8 pixels divided by 255), and return the logits; softmax of those is what the app shows.

Neither torch nor onnx is a dependency: the PyTorch script is generated text, and the ONNX writer
imports ``onnx`` only when asked for (:class:`ExportError` with the install line without it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from playground.nn import layers as nl

if TYPE_CHECKING:
    from playground.nn.model import Model

FORMATS = {"pytorch": ".py", "onnx": ".onnx"}
"""Export formats and the file suffix each is usually given."""


class ExportError(ValueError):
    """A model cannot be exported (a layer with no counterpart, a missing optional package)."""


@dataclass(frozen=True)
class Step:
    """One layer as the exporters see it: ``kind`` (our layer kinds), its ``name`` in the model,
    resolved attributes and host copies of its parameters (``weight``, ``bias``)."""

    kind: str
    name: str
    attrs: dict = field(default_factory=dict)
    weights: dict[str, np.ndarray] = field(default_factory=dict)


@dataclass(frozen=True)
class Plan:
    """The whole network: input shape ``(C, H, W)``, classes, and the steps in order."""

    name: str
    input_shape: tuple[int, int, int]
    n_classes: int
    steps: tuple[Step, ...]
    class_names: tuple[str, ...]

    @property
    def n_params(self) -> int:
        return int(sum(w.size for s in self.steps for w in s.weights.values()))


def _step(layer: nl.Layer, name: str) -> Step:
    if isinstance(layer, nl.Conv2d):
        g = layer.geometry
        attrs = {"in_channels": layer.in_channels, "out_channels": layer.out_channels,
                 "kernel": tuple(layer.kernel), "stride": tuple(g.stride),
                 "pads": tuple(g.padding), "dilation": tuple(g.dilation)}
        return Step("conv", name, attrs, layer.get_weights())
    if isinstance(layer, (nl.MaxPool2d, nl.AvgPool2d)):
        return Step(layer.kind, name, {"size": tuple(layer.size), "stride": tuple(layer.stride)})
    if isinstance(layer, nl.Linear):
        attrs = {"in_features": layer.in_features, "out_features": layer.out_features}
        return Step("linear", name, attrs, layer.get_weights())
    if isinstance(layer, nl.Dropout):
        return Step("dropout", name, {"p": layer.p})
    if isinstance(layer, (nl.ReLU, nl.Tanh, nl.Sigmoid, nl.Flatten)):
        return Step(layer.kind, name)
    raise ExportError(f"layer {layer.name} ({layer.kind}) has no PyTorch/ONNX counterpart here")


def class_names_of(model: Model) -> tuple[str, ...]:
    """The model's class names where it carries them (``class_names`` on the model or in its
    data provenance), else the class indices as text (``"0"`` … ``"9"`` for digits)."""
    n = model.n_classes
    for names in (getattr(model, "class_names", None),
                  (getattr(model, "data", None) or {}).get("class_names"),
                  (getattr(model, "data", None) or {}).get("classes")):
        if (isinstance(names, (list, tuple)) and len(names) == n
                and all(isinstance(c, str) for c in names)):
            return tuple(names)
    return tuple(str(i) for i in range(n))


def export_plan(model: Model | Plan) -> Plan:
    """The model's layers as :class:`Step`\\ s with unique names (ExportError for a layer that
    has no counterpart). The steps hold copies, so a plan can be written in another thread while
    the model changes; a :class:`Plan` given is returned as it is."""
    if isinstance(model, Plan):
        return model
    steps, used = [], set()
    for i, layer in enumerate(model.layers):
        name = layer.name if layer.name not in used else f"{layer.name}_{i}"
        used.add(name)
        steps.append(_step(layer, name))
    shape = tuple(int(d) for d in model.input_shape)
    if len(shape) != 3:
        raise ExportError(f"only image models (C, H, W) can be exported, got input {shape}")
    return Plan(str(model.name), shape, int(model.n_classes), tuple(steps),
                class_names_of(model))


def format_for(path: str | Path, to: str | None) -> str:
    """The export format: ``to`` when given (checked), else guessed from the file suffix."""
    if to is not None:
        key = to.strip().lower()
        if key not in FORMATS:
            raise ExportError(f"unknown export format {to!r}; use one of {', '.join(FORMATS)}")
        return key
    suffix = Path(path).suffix.lower()
    for key, ext in FORMATS.items():
        if suffix == ext:
            return key
    raise ExportError(f"cannot tell the format from {Path(path).name!r}; give --to "
                      f"{' or '.join(FORMATS)}")


def export_model(model: Model | Plan, path: str | Path, to: str | None = None,
                 source: str = "") -> Path:
    """Writes ``model`` to ``path`` atomically as ``to`` (``pytorch`` or ``onnx``; default from the
    suffix); returns the path. ``source`` (e.g. the model file) is recorded in the output.

    Raises :class:`ExportError` for an unknown format or a missing ``onnx`` package and
    :class:`~playground.fileio.SaveError` when the file cannot be written.
    """
    fmt = format_for(path, to)
    if fmt == "pytorch":
        from playground.nn.export_torch import write_torch_script

        return write_torch_script(model, path, source)
    from playground.nn.export_onnx import write_onnx

    return write_onnx(model, path, source)
