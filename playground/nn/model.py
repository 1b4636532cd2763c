"""A sequential model, the lecture's three architectures, and their summary tables.

``build_model(name, seed=0)`` builds one of:

``fcnn`` (the lecture's fully connected network)
    flatten 784 -> linear 784→128 -> ReLU -> linear 128→10.  101,770 parameters.

``lenet5-small`` (the lecture's LeNet5Small)
    conv 6@5x5, 'same' padding (2 each side), 1x28x28 -> 6x28x28 -> ReLU -> 2x2 max pool -> 6x14x14
    -> flatten 1176 -> linear 1176→10.  11,926 parameters.

``lenet5`` (LeNet-5 with ReLU and max pooling)
    conv 6@5x5 pad 2 -> 6x28x28 -> ReLU -> 2x2 max pool -> 6x14x14 -> conv 16@5x5 -> 16x10x10
    -> ReLU -> 2x2 max pool -> 16x5x5 -> flatten 400 -> linear 400→120 -> ReLU -> linear 120→84
    -> ReLU -> linear 84→10.  61,706 parameters, 416,520 multiply-adds per image.

Inputs are ``(N, 28, 28)`` or ``(28, 28)`` digits, uint8 0-255 or float 0-1, white ink on black.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from types import ModuleType

import numpy as np

from playground.engine.dispatch import get_backend
from playground.nn.fused import fused_blocks
from playground.nn.init import initialize
from playground.nn.layers import (
    Conv2d,
    Flatten,
    Layer,
    Linear,
    MaxPool2d,
    Param,
    ReLU,
    layer_from_spec,
)

INPUT_SHAPE = (1, 28, 28)
N_CLASSES = 10
_PREFIX = {"conv": "conv", "relu": "relu", "maxpool": "pool", "avgpool": "pool",
           "flatten": "flatten", "linear": "fc"}


MAX_CLASSES = 256
"""Most output classes a model may have (IDX labels are bytes, so 0-255)."""


def _fcnn(n_classes: int = N_CLASSES, in_channels: int = 1) -> list[Layer]:
    return [Flatten(), Linear(784 * in_channels, 128), ReLU(), Linear(128, n_classes)]


def _lenet5_small(n_classes: int = N_CLASSES, in_channels: int = 1) -> list[Layer]:
    return [Conv2d(in_channels, 6, 5, padding="same"), ReLU(), MaxPool2d(2), Flatten(),
            Linear(6 * 14 * 14, n_classes)]


def _lenet5(n_classes: int = N_CLASSES, in_channels: int = 1) -> list[Layer]:
    return [Conv2d(in_channels, 6, 5, padding=2), ReLU(), MaxPool2d(2),
            Conv2d(6, 16, 5), ReLU(), MaxPool2d(2), Flatten(),
            Linear(400, 120), ReLU(), Linear(120, 84), ReLU(), Linear(84, n_classes)]


def check_n_classes(n_classes) -> int:
    """``n_classes`` as an int in ``[2, MAX_CLASSES]``; ValueError saying the count otherwise."""
    if isinstance(n_classes, bool) or not isinstance(n_classes, (int, np.integer)):
        raise ValueError(f"the number of classes must be a whole number, got {n_classes!r}")
    if not 2 <= int(n_classes) <= MAX_CLASSES:
        raise ValueError(f"a model needs 2 to {MAX_CLASSES} classes, got {int(n_classes)}")
    return int(n_classes)


ARCHITECTURES: dict[str, Callable[..., list[Layer]]] = {
    "fcnn": _fcnn,
    "lenet5-small": _lenet5_small,
    "lenet5": _lenet5,
}
"""Builders for the keys of :data:`playground.nn.registry.ARCHITECTURE_NAMES` (same order):
``builder(n_classes, in_channels)``; 3 input channels give conv1 (or the FCNN's first layer)
colour weights, 6x3x5x5 for LeNet-5."""


def as_batch(images) -> np.ndarray:
    """Digits as float32 ``(N, 1, 28, 28)`` in 0-1: uint8 is divided by 255, floats are kept.

    ``(N, C, H, W)`` batches (colour, or other sizes) are taken as they are; the model checks
    that they match its :attr:`Model.input_shape`.
    """
    arr = np.asarray(images)
    if arr.ndim == 2:
        arr = arr[None]
    if arr.ndim == 4:
        return _as_float(arr)
    if arr.ndim != 3 or arr.shape[1:] != (28, 28):
        raise ValueError(f"images must be (N, 28, 28), (28, 28) or (N, C, H, W), got shape "
                         f"{np.shape(images)}")
    return np.ascontiguousarray(_as_float(arr)[:, None])


def _as_float(arr: np.ndarray) -> np.ndarray:
    if arr.dtype == np.uint8:
        out = arr.astype(np.float32) * np.float32(1 / 255)
    elif np.issubdtype(arr.dtype, np.number) and not np.iscomplexobj(arr):
        out = arr.astype(np.float32)
        if not np.isfinite(out).all():
            raise ValueError("images contain NaN or infinity")
    else:
        raise ValueError(f"images must be uint8 0-255 or float 0-1, got dtype {arr.dtype}")
    return np.ascontiguousarray(out)


class Model:
    """Layers applied in order; backprop in reverse. Parameters live on one engine backend.

    Attributes ``history`` (per-epoch dicts), ``training`` (settings) and ``data`` (provenance)
    are filled by :func:`playground.nn.training.train` and saved with the model.
    """

    def __init__(self, layers: Sequence[Layer], name: str = "custom",
                 backend: str | ModuleType | None = None,
                 input_shape: tuple[int, ...] = INPUT_SHAPE) -> None:
        self.layers = list(layers)
        self.name = name
        self.input_shape = tuple(input_shape)
        self.history: list[dict] = []
        self.training: dict = {}
        self.data: dict = {}
        self.header: dict | None = None
        self.arch = None
        """The :class:`~playground.nn.arch.Arch` a designed model came from (None otherwise)."""
        self.class_names: tuple[str, ...] | None = None
        """A name per output (a folder's classes, collected labels); None for digits."""
        counts: dict[str, int] = {}
        for layer in self.layers:
            prefix = _PREFIX.get(layer.kind, layer.kind)
            counts[prefix] = counts.get(prefix, 0) + 1
            layer.name = prefix if prefix == "flatten" else f"{prefix}{counts[prefix]}"
        if self.layers and hasattr(self.layers[0], "need_input_grad"):
            self.layers[0].need_input_grad = False
        self._shapes = self._trace_shapes()
        self.be: ModuleType | None = None
        self._blocks: dict = {}
        self._fused_forward = False
        self.to(backend)

    # -- backend -----------------------------------------------------------------------------
    def to(self, backend: str | ModuleType | None = None) -> Model:
        """Moves every parameter to ``backend``: a name, a backend module, or None (the default)."""
        be = backend if isinstance(backend, ModuleType) else get_backend(backend)
        if be is not self.be:
            for layer in self.layers:
                layer.bind(be)
            self.be = be
            self._blocks = fused_blocks(self.layers, be)
            self._fused_forward = False
        return self

    @property
    def backend_name(self) -> str:
        return self.be.name

    # -- structure ---------------------------------------------------------------------------
    def _trace_shapes(self) -> list[tuple[int, ...]]:
        shapes, shape = [], self.input_shape
        for layer in self.layers:
            shape = layer.out_shape(shape)
            shapes.append(shape)
        return shapes

    def parameters(self) -> list[Param]:
        return [p for layer in self.layers for p in layer.params()]

    def layer(self, key: str | int) -> Layer:
        """A layer by name (``"conv1"``) or index."""
        if isinstance(key, int):
            return self.layers[key]
        for layer in self.layers:
            if layer.name == key:
                return layer
        raise KeyError(f"no layer named {key!r}; layers: {', '.join(self.layer_names)}")

    @property
    def n_classes(self) -> int:
        """How many classes the model tells apart: the length of its output vector."""
        out = self._shapes[-1] if self._shapes else self.input_shape
        return int(out[0]) if len(out) == 1 else int(np.prod(out))

    @property
    def layer_names(self) -> list[str]:
        return [layer.name for layer in self.layers]

    @property
    def conv_layers(self) -> list[Conv2d]:
        return [layer for layer in self.layers if isinstance(layer, Conv2d)]

    def get_weights(self, key: str | int) -> dict[str, np.ndarray]:
        """Host copies ``{"weight": ..., "bias": ...}`` of one layer's parameters."""
        return self.layer(key).get_weights()

    def set_weights(self, key: str | int, weight=None, bias=None) -> None:
        """Replaces one layer's weight and/or bias with copies (shapes must match)."""
        self.layer(key).set_weights(weight, bias)

    def state_dict(self) -> dict[str, np.ndarray]:
        """Every parameter as a host copy, keyed ``"<layer>.<param>"``."""
        return {f"{layer.name}.{k}": v for layer in self.layers
                for k, v in layer.get_weights().items()}

    def load_state_dict(self, state: dict[str, np.ndarray]) -> None:
        """Sets every parameter from :meth:`state_dict`-style arrays (KeyError if one is absent)."""
        for layer in self.layers:
            got = {p.name: state[f"{layer.name}.{p.name}"] for p in layer.params()}
            if got:
                layer.set_weights(got.get("weight"), got.get("bias"))

    def n_params(self) -> int:
        return sum(layer.n_params() for layer in self.layers)

    def macs(self) -> int:
        """Multiply-adds per image."""
        return sum(r["macs"] for r in self.summary())

    def summary(self) -> list[dict]:
        """One row per layer: name, kind, description, output shape, parameters, multiply-adds."""
        rows, shape = [], self.input_shape
        for layer, out in zip(self.layers, self._shapes, strict=True):
            rows.append({"name": layer.name, "kind": layer.kind, "description": layer.describe(),
                         "output_shape": out, "params": layer.n_params(),
                         "macs": layer.macs(shape)})
            shape = out
        return rows

    def __repr__(self) -> str:
        rows = self.summary()
        head = ("layer", "", "output", "params", "MACs")
        body = [(r["name"], r["description"], "x".join(map(str, r["output_shape"])),
                 f"{r['params']:,}", f"{r['macs']:,}") for r in rows]
        total = ("total", "", "", f"{self.n_params():,}", f"{sum(r['macs'] for r in rows):,}")
        inp = ("input", "", "x".join(map(str, self.input_shape)), "", "")
        table = [head, inp, *body, total]
        widths = [max(len(row[i]) for row in table) for i in range(5)]

        def fmt(row):
            return "  ".join(c.rjust(w) if i >= 3 else c.ljust(w)
                             for i, (c, w) in enumerate(zip(row, widths, strict=True))).rstrip()

        rule = "-" * len(fmt(head))
        lines = [f"Model {self.name!r} ({self.be.name} backend)", fmt(head), rule, fmt(inp),
                 *map(fmt, body), rule, fmt(total)]
        return "\n".join(lines)

    # -- computing ---------------------------------------------------------------------------
    def forward(self, x, train: bool = False):
        """Logits ``(N, 10)`` for a backend batch ``(N, 1, 28, 28)``; ``train`` keeps caches.

        Training forwards run conv -> ReLU -> max pool as one fused block where the backend
        has one (:mod:`playground.nn.fused`); the results are the same as layer by layer.
        The batch must match :attr:`input_shape` (ValueError otherwise): the backend kernels index
        their inputs by the layers' sizes unchecked.
        """
        if tuple(x.shape[1:]) != self.input_shape:
            raise ValueError(f"model {self.name!r} takes inputs {self.input_shape}, got a batch "
                             f"of {tuple(x.shape[1:])}")
        blocks = self._blocks if train else {}
        if train:
            self._fused_forward = bool(blocks)
        i, n = 0, len(self.layers)
        while i < n:
            block = blocks.get(i)
            if block is not None:
                x = block.forward(x)
                i += 3
            else:
                x = self.layers[i].forward(x, train)
                i += 1
        return x

    def backward(self, dlogits) -> None:
        """Backpropagates ``dL/dlogits``, leaving each parameter's gradient in ``param.grad``."""
        dy = dlogits
        ends = {i + 2: b for i, b in self._blocks.items()} if self._fused_forward else {}
        i = len(self.layers) - 1
        while i >= 0:
            block = ends.get(i)
            if block is not None:
                dy = block.backward(dy)
                i -= 3
            else:
                dy = self.layers[i].backward(dy)
                i -= 1

    def clear_cache(self) -> None:
        for layer in self.layers:
            layer.clear_cache()
        for block in self._blocks.values():
            block.clear()

    def predict_proba(self, images, batch_size: int = 500) -> np.ndarray:
        """Class probabilities ``(N, 10)`` float32 (``(10,)`` for one ``(28, 28)`` image)."""
        single = np.ndim(images) == 2
        x = as_batch(images)
        be = self.be
        out = [be.to_host(be.softmax(self.forward(be.to_device(x[i:i + batch_size]))))
               for i in range(0, len(x), batch_size)]
        probs = np.concatenate(out) if out else np.zeros((0, self.n_classes), np.float32)
        probs = np.asarray(probs, np.float32)
        return probs[0] if single else probs

    def predict(self, images, batch_size: int = 500):
        """Predicted labels ``(N,)`` int64 (an int for one ``(28, 28)`` image)."""
        probs = self.predict_proba(images, batch_size)
        if probs.ndim == 1:
            return int(np.argmax(probs))
        return np.argmax(probs, axis=1)

    def forward_trace(self, image) -> dict[str, np.ndarray]:
        """Every layer's output for one image, in order, as host copies.

        For LeNet-5: ``{"input": (1, 28, 28), "conv1": (6, 28, 28), "relu1": ..., "pool1":
        (6, 14, 14), "conv2": (16, 10, 10), ..., "pool2": (16, 5, 5), ..., "fc3": (10,),
        "probs": (10,)}``.
        """
        x = as_batch(image)
        if x.shape[0] != 1:
            raise ValueError(f"forward_trace takes one image, got {x.shape[0]}")
        be = self.be
        trace = {"input": x[0].copy()}
        h = be.to_device(x)
        for layer in self.layers:
            h = layer.forward(h)
            trace[layer.name] = np.array(be.to_host(h)[0], np.float32, copy=True)
        trace["probs"] = np.array(be.to_host(be.softmax(h))[0], np.float32, copy=True)
        return trace

    # -- files -------------------------------------------------------------------------------
    def save(self, path) -> None:
        """Writes the model to one ``.npz`` (see :mod:`playground.nn.modelfile`)."""
        from playground.nn.modelfile import save_model

        save_model(self, path)

    def layer_specs(self) -> list[dict]:
        return [layer.spec() for layer in self.layers]


def build_model(name: str, seed: int = 0, backend: str | ModuleType | None = None,
                n_classes: int = N_CLASSES, in_channels: int = 1) -> Model:
    """One of :data:`ARCHITECTURES` with ``n_classes`` outputs, He/Glorot-initialised from ``seed``.

    The number of classes comes from the data (``max label + 1``); it is 10 for digits.
    ``in_channels`` is 3 for colour images (inputs ``(3, 28, 28)``).
    """
    key = name.strip().lower()
    if key not in ARCHITECTURES:
        raise ValueError(f"unknown model {name!r}: choose one of {', '.join(ARCHITECTURES)}")
    if in_channels not in (1, 3):
        raise ValueError(f"the built-in models take 1 (grey) or 3 (colour) channels, got "
                         f"{in_channels!r}")
    model = Model(ARCHITECTURES[key](check_n_classes(n_classes), in_channels), key, backend,
                  (in_channels, *INPUT_SHAPE[1:]))
    initialize(model.layers, seed)
    return model


def model_from_specs(specs: list[dict], name: str = "custom",
                     backend: str | ModuleType | None = None,
                     input_shape: tuple[int, ...] = INPUT_SHAPE) -> Model:
    """A model (zero weights) from :meth:`Model.layer_specs`."""
    return Model([layer_from_spec(s) for s in specs], name, backend, input_shape)
