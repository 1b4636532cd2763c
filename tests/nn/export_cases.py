"""Models the export tests run through: the bundled and built-in networks and designed ones that
use every layer kind and geometry (uneven "same" padding, stride, dilation, average pooling,
tanh, sigmoid, dropout, colour input of an odd size)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from playground.nn import as_batch, build_model, load_pretrained
from playground.nn.arch import build_from_arch
from playground.nn.archtext import parse_arch

ROOT = Path(__file__).resolve().parents[2]

EVERY_KIND = """
conv 4 4x4 same
tanh
avgpool 3 stride 2
conv 6 3x3 pad 1 stride 2 dilation 2
sigmoid
conv 8 2x2 same dilation 3
relu
maxpool 2 stride 1
flatten
dropout 0.3
dense 16
none
relu
dense 10
"""

COLOUR = """
input 3x20x24
classes 4
conv 5 3x3 same
relu
maxpool 2
flatten
dense 4
"""


def make_case(name: str, backend: str = "cpu"):
    """A model with non-trivial weights, by case name."""
    if name in ("lenet5", "fcnn"):
        return load_pretrained(name, backend=backend)
    if name == "lenet5-small":
        return build_model(name, seed=3, backend=backend)
    text = {"three-conv": (ROOT / "docs" / "architectures" / "three-conv.txt").read_text(),
            "every-kind": EVERY_KIND, "colour": COLOUR}[name]
    model = build_from_arch(parse_arch(text), seed=5, backend=backend)
    rng = np.random.default_rng(1)
    for layer in model.layers:  # non-zero biases, so a lost bias would show
        for p in layer.params():
            if p.name == "bias":
                layer.set_weights(bias=rng.normal(0, 0.1, p.shape))
    return model


CASES = ("lenet5", "fcnn", "lenet5-small", "three-conv", "every-kind", "colour")


def inputs_for(model, digits) -> np.ndarray:
    """100 inputs the model takes: bundled digits (uint8), or seeded colour images."""
    if model.input_shape == (1, 28, 28):
        return digits.images[:: len(digits.images) // 100][:100]
    rng = np.random.default_rng(2)
    return rng.integers(0, 256, (100, *model.input_shape), dtype=np.uint8)


def ours(model, images) -> tuple[np.ndarray, np.ndarray]:
    """Our logits and probabilities for ``images`` (uint8) on the model's backend."""
    x = (as_batch(images) if model.input_shape == (1, 28, 28)
         else images.astype(np.float32) * np.float32(1 / 255))
    be = model.be
    logits = np.asarray(be.to_host(model.forward(be.to_device(x))), np.float32)
    probs = np.asarray(be.to_host(be.softmax(be.to_device(logits))), np.float32)
    return logits, probs
