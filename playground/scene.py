"""A :class:`Scene`: everything the Playground shows, as one frozen, validated, Qt-free value.

Undo, the saved session and (next) scene files and lessons all use this one format. ``to_json``
gives a versioned, JSON-friendly dict; :meth:`Scene.from_json` validates every field (sizes before
anything is allocated, finite numbers within float32, known names, integer sizes) and refuses bad
input with a :class:`SceneError` that names the field. The limits the widgets enforce live here.
"""

from __future__ import annotations

import enum
import json
from dataclasses import dataclass, field, fields, replace
from typing import Any

import numpy as np

FORMAT = "conv-playground-scene"
VERSION = 1

# ---- limits (the kernel editor, settings panel and state read these) -------------------------
MAX_KERNEL = 11
"""Largest kernel side (rows or columns)."""
MAX_KERNELS = 16
"""Most kernels (filters) in the layer."""
MAX_CHANNELS = 3
"""Most input channels (RGB)."""
MAX_INPUT_SIDE = 512
"""Largest input height or width."""
MAX_PADDING = 20
"""Largest custom zero padding per side."""
MAX_STRIDE = 10
"""Largest convolution stride."""
MAX_POOL = 10
"""Largest pooling window side and pooling stride."""
MAX_JSON_CHARS = 16_000_000
"""Longest scene text :func:`loads` parses (a 3x512x512 input with 16 digits a number fits)."""

PADDING_MODES = ("valid", "same", "custom")
ACTIVATIONS = ("relu", "none")
POOLS = ("max", "avg", "none")
INPUT_KINDS = ("drawing", "digit", "image", "rgb", "matrix", "vector")
"""What the input is: the canvas drawing, an MNIST digit, an image file (grey or RGB), the
lecture's matrix A or its 1-D vector."""
VIEWS = ("step-2d", "output-size", "step-1d", "channels", "cost")
"""The Playground's lower views (step-through, output size, 1-D, colour channels, cost)."""
BACKENDS = ("auto", "reference", "cpu", "cuda")

_F32_MAX = float(np.finfo(np.float32).max)


class SceneError(ValueError):
    """A scene (or its JSON) is invalid; the message names the field."""


class Change(enum.Flag):
    """Which aspects of a scene changed (what the Playground state's ``changed`` event carries)."""

    IMAGE = enum.auto()
    """The input (``image``, ``input_kind``)."""
    KERNELS = enum.auto()
    """Kernel weights, bias, their count or shape."""
    SELECTED = enum.auto()
    """Which kernel is selected."""
    SETTINGS = enum.auto()
    """Padding, stride, activation or pooling."""
    BACKEND = enum.auto()
    """The compute backend (or its readiness)."""
    VIEW = enum.auto()
    """Display only: the shared colour scale or the lower view (nothing is recomputed)."""


COMPUTED = Change.IMAGE | Change.KERNELS | Change.SETTINGS | Change.BACKEND
"""The aspects the feature maps depend on (only these make the state recompute)."""


@dataclass(frozen=True)
class LayerSettings:
    """Padding, stride, activation and pooling of the single conv layer on show."""

    padding_mode: str = "same"
    padding: tuple[int, int] = (0, 0)
    stride: tuple[int, int] = (1, 1)
    activation: str = "relu"
    pool: str = "max"
    pool_size: tuple[int, int] = (2, 2)
    pool_stride: tuple[int, int] = (2, 2)

    def __post_init__(self) -> None:
        _name("layer.padding_mode", self.padding_mode, PADDING_MODES)
        _name("layer.activation", self.activation, ACTIVATIONS)
        _name("layer.pool", self.pool, POOLS)
        for key, lo, hi in (("padding", 0, MAX_PADDING), ("stride", 1, MAX_STRIDE),
                            ("pool_size", 1, MAX_POOL), ("pool_stride", 1, MAX_POOL)):
            object.__setattr__(self, key, _int_pair(f"layer.{key}", getattr(self, key), lo, hi))

    def padding_spec(self) -> str | tuple[int, int]:
        """What the engine takes as ``padding``."""
        return self.padding_mode if self.padding_mode != "custom" else self.padding

    def to_json(self) -> dict[str, Any]:
        """The settings as a JSON-friendly dict (pairs as lists)."""
        return {f.name: list(v) if isinstance(v := getattr(self, f.name), tuple) else v
                for f in fields(self)}


@dataclass(frozen=True, eq=False)
class Scene:
    """What the Playground shows: input, kernels, bias, layer settings and what is selected.

    Arrays are float32, C-contiguous and read-only: ``image`` (H, W) grey or (C, H, W) with
    C <= 3, ``kernels`` (K, C, kh, kw) with C matching the input, ``bias`` (K,).
    """

    image: np.ndarray
    kernels: np.ndarray
    bias: np.ndarray
    input_kind: str = "drawing"
    layer: LayerSettings = field(default_factory=LayerSettings)
    selected: int = 0
    view: str = "step-2d"
    shared_scale: bool = True
    backend: str = "auto"

    def __post_init__(self) -> None:
        image = _array("image", self.image)
        kernels = _array("kernels", self.kernels)
        bias = _array("bias", self.bias)
        if image.ndim == 2:
            channels = 1
        elif image.ndim == 3 and 1 <= image.shape[0] <= MAX_CHANNELS:
            channels = image.shape[0]
        else:
            raise SceneError(f"image: must be (H, W) or (C, H, W) with C <= {MAX_CHANNELS}, "
                             f"got shape {image.shape}")
        if not all(1 <= s <= MAX_INPUT_SIDE for s in image.shape[-2:]):
            raise SceneError(f"image: height and width must be 1..{MAX_INPUT_SIDE}, "
                             f"got {image.shape[-2]}x{image.shape[-1]}")
        _kernel_shape(kernels.shape, channels)
        if bias.shape != (kernels.shape[0],):
            raise SceneError(f"bias: needs one value per kernel ({kernels.shape[0]}), "
                             f"got shape {bias.shape}")
        _name("input_kind", self.input_kind, INPUT_KINDS)
        _name("view", self.view, VIEWS)
        _name("backend", self.backend, BACKENDS)
        if not isinstance(self.layer, LayerSettings):
            raise SceneError("layer: must be LayerSettings")
        if not isinstance(self.shared_scale, bool | np.bool_):
            raise SceneError("shared_scale: must be true or false")
        object.__setattr__(self, "shared_scale", bool(self.shared_scale))
        sel = _int("selected", self.selected, 0, kernels.shape[0] - 1)
        for key, arr in (("image", image), ("kernels", kernels), ("bias", bias)):
            arr.setflags(write=False)
            object.__setattr__(self, key, arr)
        object.__setattr__(self, "selected", sel)

    # ---- derived -------------------------------------------------------------------------------
    @property
    def channels(self) -> int:
        """Input channels: 1 for grey, else the image's first axis."""
        return 1 if self.image.ndim == 2 else self.image.shape[0]

    def replace(self, **changes: Any) -> Scene:
        """A copy with ``changes`` (validated like a new scene)."""
        return replace(self, **changes)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Scene):
            return NotImplemented
        return all(_same(getattr(self, f.name), getattr(other, f.name)) for f in fields(self))

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        k = "x".join(map(str, self.kernels.shape))
        img = "x".join(map(str, self.image.shape))
        return (f"Scene({self.input_kind} {img}, kernels {k}, {self.layer}, "
                f"selected={self.selected}, view={self.view!r})")

    # ---- JSON ----------------------------------------------------------------------------------
    def to_json(self) -> dict[str, Any]:
        """A versioned, JSON-friendly dict that :meth:`from_json` reads back to an equal scene."""
        return {
            "format": FORMAT, "version": VERSION,
            "input": {"kind": self.input_kind, "data": self.image.tolist()},
            "kernels": self.kernels.tolist(), "bias": self.bias.tolist(),
            "layer": self.layer.to_json(),
            "view": {"selected_kernel": self.selected, "view": self.view,
                     "shared_scale": self.shared_scale},
            "backend": self.backend,
        }

    @classmethod
    def from_json(cls, data: Any) -> Scene:
        """The scene ``data`` describes; SceneError (naming the field) if anything is off."""
        top = _dict("scene", data, {"format", "version", "input", "kernels", "bias", "layer",
                                    "view", "backend"}, required={"format", "version"})
        if top["format"] != FORMAT:
            raise SceneError(f"format: expected {FORMAT!r}, got {_short(top['format'])}")
        if _int("version", top["version"], 1, 10**6) != VERSION:
            raise SceneError(f"version: this app reads version {VERSION}, got {top['version']}")
        default = default_scene()
        parts = _parts(top)
        return _build(default, parts)

    @classmethod
    def from_json_lenient(cls, data: Any, fallback: Scene | None = None
                          ) -> tuple[Scene, list[str]]:
        """Like :meth:`from_json`, but keeps ``fallback``'s value for each invalid part.

        Returns the scene and what was dropped (one line per part; empty when all was valid).
        """
        fallback = fallback if fallback is not None else default_scene()
        try:
            return cls.from_json(data), []
        except SceneError as exc:
            first = str(exc)
        if not isinstance(data, dict) or data.get("format") != FORMAT or \
                type(data.get("version")) is not int or data["version"] != VERSION:
            return fallback, [first]
        problems: list[str] = []
        parts: dict[str, Any] = {}
        for key in ("input", "arrays", "layer", "view", "backend"):
            try:
                parts.update(_parts(data, only=key))
            except SceneError as exc:
                problems.append(str(exc))
        for key in set(data) - _TOP_KEYS:
            problems.append(f"{key}: unknown field")
        for drop in ((), ("arrays",), ("input",), ("input", "arrays")):
            trial = {k: v for k, v in parts.items() if _PART_OF.get(k) not in drop}
            try:
                scene = _build(fallback, trial)
            except SceneError as exc:
                if not drop:
                    problems.append(str(exc))
                continue
            if drop:
                problems.append(f"kept the default {' and '.join(drop)}".replace("arrays",
                                                                                 "kernels"))
            return scene, problems
        return fallback, problems or [first]


def default_scene() -> Scene:
    """The Playground at start: a blank 28x28 drawing and the lecture's kernels."""
    from playground.data.kernels import lecture_kernels

    k = np.asarray(lecture_kernels(), np.float32)
    k = k[:, None] if k.ndim == 3 else k
    return Scene(np.zeros((28, 28), np.float32), k, np.zeros(k.shape[0], np.float32))


def dumps(scene: Scene) -> str:
    """The scene as JSON text."""
    return json.dumps(scene.to_json(), separators=(",", ":"))


def loads(text: str) -> Scene:
    """The scene in JSON ``text``; SceneError when the text is too long, not JSON or invalid."""
    return Scene.from_json(parse(text))


def parse(text: Any) -> Any:
    """``json.loads`` with a length check first; SceneError instead of JSON errors."""
    if not isinstance(text, str | bytes):
        raise SceneError(f"scene: expected JSON text, got {type(text).__name__}")
    if len(text) > MAX_JSON_CHARS:
        raise SceneError(f"scene: {len(text)} characters is more than {MAX_JSON_CHARS}")
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise SceneError(f"scene: not valid JSON ({exc})") from None


# ---- JSON pieces -------------------------------------------------------------------------------
_TOP_KEYS = {"format", "version", "input", "kernels", "bias", "layer", "view", "backend"}
_LAYER_KEYS = {f.name for f in fields(LayerSettings)}
_VIEW_KEYS = {"selected_kernel", "view", "shared_scale"}
_PART_OF = {"image": "input", "input_kind": "input", "kernels": "arrays", "bias": "arrays"}


def _parts(top: dict, only: str | None = None) -> dict[str, Any]:
    """Scene constructor arguments read from the JSON dict (only one part when ``only``)."""
    out: dict[str, Any] = {}
    if only in (None, "input") and "input" in top:
        inp = _dict("input", top["input"], {"kind", "data"}, required={"data"})
        if "kind" in inp:
            out["input_kind"] = _str("input.kind", inp["kind"], INPUT_KINDS)
        out["image"] = _nested("input.data", inp["data"], (2, 3),
                               (MAX_CHANNELS, MAX_INPUT_SIDE, MAX_INPUT_SIDE))
    if only in (None, "arrays"):
        if ("kernels" in top) != ("bias" in top):
            raise SceneError("kernels and bias: give both or neither")
        if "kernels" in top:
            out["kernels"] = _nested("kernels", top["kernels"], (4,),
                                     (MAX_KERNELS, MAX_CHANNELS, MAX_KERNEL, MAX_KERNEL))
            out["bias"] = _nested("bias", top["bias"], (1,), (MAX_KERNELS,))
    if only in (None, "layer") and "layer" in top:
        lay = _dict("layer", top["layer"], _LAYER_KEYS)
        names = {"padding_mode": PADDING_MODES, "activation": ACTIVATIONS, "pool": POOLS}
        settings = {}
        for key, value in lay.items():
            if key in names:
                settings[key] = _str(f"layer.{key}", value, names[key])
            else:
                if not isinstance(value, list):
                    raise SceneError(f"layer.{key}: expected a list of two integers, got "
                                     f"{_short(value)}")
                settings[key] = tuple(value)
        out["layer"] = LayerSettings(**settings)
    if only in (None, "view") and "view" in top:
        view = _dict("view", top["view"], _VIEW_KEYS)
        if "selected_kernel" in view:
            out["selected"] = _int("view.selected_kernel", view["selected_kernel"], 0,
                                   MAX_KERNELS - 1)
            k = out.get("kernels")
            if k is not None and out["selected"] >= k.shape[0]:
                raise SceneError(f"view.selected_kernel: must be 0..{k.shape[0] - 1}, got "
                                 f"{out['selected']}")
        if "view" in view:
            out["view"] = _str("view.view", view["view"], VIEWS)
        if "shared_scale" in view:
            if not isinstance(view["shared_scale"], bool):
                raise SceneError("view.shared_scale: expected true or false, got "
                                 f"{_short(view['shared_scale'])}")
            out["shared_scale"] = view["shared_scale"]
    if only in (None, "backend") and "backend" in top:
        out["backend"] = _str("backend", top["backend"], BACKENDS)
    return out


def _build(base: Scene, parts: dict[str, Any]) -> Scene:
    """``base`` with ``parts``; a selection beyond the kernels is an error, not a clamp."""
    if "kernels" not in parts and "image" in parts:
        channels = 1 if parts["image"].ndim == 2 else parts["image"].shape[0]
        if channels != base.channels:
            raise SceneError(f"kernels: the input has {channels} channel(s); give kernels "
                             "with as many")
    if "selected" not in parts and "kernels" in parts:
        parts = {**parts, "selected": min(base.selected, parts["kernels"].shape[0] - 1)}
    try:
        return base.replace(**parts)
    except SceneError:
        raise
    except (TypeError, ValueError) as exc:  # defensive: a dataclass argument error
        raise SceneError(f"scene: {exc}") from None


def _dict(what: str, value: Any, allowed: set[str], required: set[str] = frozenset()) -> dict:
    if not isinstance(value, dict):
        raise SceneError(f"{what}: expected an object, got {_short(value)}")
    for key in value:
        if not isinstance(key, str) or key not in allowed:
            shown = key if isinstance(key, str) and key.isidentifier() else repr(key)
            name = shown if what == "scene" else f"{what}.{shown}"
            raise SceneError(f"{name}: unknown field")
    for key in sorted(required - set(value)):
        raise SceneError(f"{key if what == 'scene' else what + '.' + key}: missing")
    return value


def _str(what: str, value: Any, allowed: tuple[str, ...]) -> str:
    if not isinstance(value, str):
        raise SceneError(f"{what}: expected one of {', '.join(allowed)}, got {_short(value)}")
    return _name(what, value, allowed)


def _name(what: str, value: Any, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise SceneError(f"{what}: unknown {_short(value)}; choose one of {', '.join(allowed)}")
    return value


def _int(what: str, value: Any, lo: int, hi: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise SceneError(f"{what}: expected an integer, got {_short(value)}")
    if not lo <= value <= hi:
        raise SceneError(f"{what}: must be {lo}..{hi}, got {value}")
    return int(value)


def _int_pair(what: str, value: Any, lo: int, hi: int) -> tuple[int, int]:
    if not isinstance(value, tuple | list) or len(value) != 2:
        raise SceneError(f"{what}: expected two integers, got {_short(value)}")
    return _int(f"{what}[0]", value[0], lo, hi), _int(f"{what}[1]", value[1], lo, hi)


def _nested(what: str, value: Any, ndims: tuple[int, ...], limits: tuple[int, ...]) -> np.ndarray:
    """A float32 array from nested lists, every length checked before anything is allocated."""
    shape: list[int] = []
    level = value
    while isinstance(level, list):
        if len(shape) >= max(ndims):
            raise SceneError(f"{what}: nested more than {max(ndims)} levels deep")
        shape.append(len(level))
        if not level:
            raise SceneError(f"{what}: an empty list")
        level = level[0]
    if len(shape) not in ndims:
        want = " or ".join(str(n) for n in ndims)
        raise SceneError(f"{what}: expected {want} levels of nested lists, got {len(shape)}")
    lim = limits[-len(shape):]
    for axis, (n, top) in enumerate(zip(shape, lim, strict=True)):
        if n > top:
            raise SceneError(f"{what}: axis {axis} has {n} entries, at most {top} allowed")
    _check_rect(what, value, shape, 0)
    return _array(what, np.array(value, dtype=np.float64))


def _check_rect(what: str, value: Any, shape: list[int], depth: int) -> None:
    if depth == len(shape):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise SceneError(f"{what}: expected numbers, got {_short(value)}")
        return
    if not isinstance(value, list) or len(value) != shape[depth]:
        raise SceneError(f"{what}: rows of different lengths (expected {shape[depth]} "
                         f"entries at depth {depth})")
    for v in value:
        _check_rect(what, v, shape, depth + 1)


def _array(what: str, value: Any) -> np.ndarray:
    if isinstance(value, np.ndarray) and value.dtype == np.float32:  # the state's own arrays
        if not np.isfinite(value).all():  # (finite float32 is within float32 by definition)
            raise SceneError(f"{what}: must hold finite numbers")
        return np.array(value, dtype=np.float32, order="C", copy=True)
    try:
        arr = np.array(value, dtype=np.float64, copy=True)
    except (TypeError, ValueError, OverflowError) as exc:
        raise SceneError(f"{what}: not an array of numbers ({exc})") from None
    if not np.isfinite(arr).all():
        raise SceneError(f"{what}: must hold finite numbers")
    if arr.size and np.abs(arr).max() > _F32_MAX:
        raise SceneError(f"{what}: values beyond float32 (|x| > {_F32_MAX:.3g})")
    return np.ascontiguousarray(arr, dtype=np.float32)


def _kernel_shape(shape: tuple[int, ...], channels: int) -> None:
    if len(shape) != 4:
        raise SceneError(f"kernels: must be (K, C, kh, kw), got shape {shape}")
    k, c, kh, kw = shape
    if not 1 <= k <= MAX_KERNELS:
        raise SceneError(f"kernels: 1..{MAX_KERNELS} kernels, got {k}")
    if not (1 <= kh <= MAX_KERNEL and 1 <= kw <= MAX_KERNEL):
        raise SceneError(f"kernels: each side must be 1..{MAX_KERNEL}, got {kh}x{kw}")
    if c != channels:
        raise SceneError(f"kernels: {c} channel(s) but the input has {channels}")


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return (isinstance(a, np.ndarray) and isinstance(b, np.ndarray) and a.shape == b.shape
                and np.array_equal(a, b))
    return a == b


def _short(value: Any) -> str:
    text = repr(value) if not isinstance(value, list | dict) else type(value).__name__
    return text if len(text) <= 40 else text[:37] + "..."
