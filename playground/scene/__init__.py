"""The Playground's scene: everything it shows, as one frozen, validated, Qt-free value.

:class:`Scene` (in :mod:`~playground.scene.core`) is the one snapshot format: undo, the saved
session and, next, scene files and lessons all use it. :mod:`~playground.scene.limits` holds the
limits the widgets and the state enforce; :mod:`~playground.scene.fields` the field readers that
name what is wrong in a :class:`SceneError`.
"""

from playground.scene.core import (
    COMPUTED,
    FORMAT,
    VERSION,
    Change,
    LayerSettings,
    Scene,
    default_scene,
    dumps,
    loads,
    parse,
)
from playground.scene.fields import SceneError
from playground.scene.limits import (
    ACTIVATIONS,
    BACKENDS,
    INPUT_KINDS,
    MAX_CHANNELS,
    MAX_DILATION,
    MAX_INPUT_SIDE,
    MAX_JSON_CHARS,
    MAX_KERNEL,
    MAX_KERNELS,
    MAX_PADDING,
    MAX_POOL,
    MAX_STRIDE,
    PADDING_MODES,
    POOLS,
    VIEWS,
)

__all__ = [
    "ACTIVATIONS", "BACKENDS", "COMPUTED", "FORMAT", "INPUT_KINDS", "MAX_CHANNELS",
    "MAX_DILATION", "MAX_INPUT_SIDE", "MAX_JSON_CHARS", "MAX_KERNEL", "MAX_KERNELS", "MAX_PADDING",
    "MAX_POOL", "MAX_STRIDE", "PADDING_MODES", "POOLS", "VERSION", "VIEWS", "Change",
    "LayerSettings", "Scene", "SceneError", "default_scene", "dumps", "loads", "parse",
]
