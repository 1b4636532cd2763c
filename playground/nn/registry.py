"""The architectures :func:`playground.nn.build_model` builds, with the names the lecture uses.

Read by the training panel's menu, the model holder, the network views and ``conv-playground
train --model``; :data:`playground.nn.model.ARCHITECTURES` maps the same keys to their builders.
"""

from __future__ import annotations

from dataclasses import dataclass

from playground.engine.registry import Entry, Registry


@dataclass(frozen=True)
class Architecture(Entry):
    """A model name and its display name; ``bundled`` when a pre-trained file ships with the app."""

    bundled: bool = False


ARCHITECTURE_NAMES: Registry[Architecture] = Registry("model", [
    Architecture("fcnn", "FCNN", bundled=True),
    Architecture("lenet5-small", "LeNet5Small"),
    Architecture("lenet5", "LeNet-5", bundled=True),
])
"""The lecture's three networks, in menu order (smallest idea first)."""


def display_name(arch: str) -> str:
    """``lenet5`` -> ``LeNet-5`` (the names the lecture uses); unknown names are shown as given."""
    if arch == "designed":  # playground.nn.arch.DESIGNED: a network from the designer
        return "Designed network"
    return ARCHITECTURE_NAMES.label(arch)


def bundled_architectures() -> tuple[str, ...]:
    """The architectures with a pre-trained model in the app's resources."""
    return tuple(a.key for a in ARCHITECTURE_NAMES.entries() if a.bundled)
