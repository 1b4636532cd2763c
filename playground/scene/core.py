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

from playground.scene.fields import (
    SceneError,
    array,
    choice,
    int_pair,
    integer,
    kernel_shape,
    known,
    nested_array,
    obj,
    short,
)
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

FORMAT = "conv-playground-scene"
VERSION = 1


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
    """Padding, stride, dilation, activation and pooling of the single conv layer on show."""

    padding_mode: str = "same"
    padding: tuple[int, int] = (0, 0)
    stride: tuple[int, int] = (1, 1)
    activation: str = "relu"
    pool: str = "max"
    pool_size: tuple[int, int] = (2, 2)
    pool_stride: tuple[int, int] = (2, 2)
    dilation: int = 1
    """Taps ``d`` cells apart along both axes (1: adjacent, the lecture's convolution); scenes
    saved before it existed read as 1."""

    def __post_init__(self) -> None:
        known("layer.padding_mode", self.padding_mode, PADDING_MODES)
        known("layer.activation", self.activation, ACTIVATIONS)
        known("layer.pool", self.pool, POOLS)
        for key, lo, hi in (("padding", 0, MAX_PADDING), ("stride", 1, MAX_STRIDE),
                            ("pool_size", 1, MAX_POOL), ("pool_stride", 1, MAX_POOL)):
            object.__setattr__(self, key, int_pair(f"layer.{key}", getattr(self, key), lo, hi))
        object.__setattr__(self, "dilation",
                           integer("layer.dilation", self.dilation, 1, MAX_DILATION))

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
    hide_answers: bool = False
    """Output sizes and values blanked ("?") until revealed (a question's answer stays hidden);
    a display choice like ``view``, written to JSON only when true."""

    def __post_init__(self) -> None:
        image = array("image", self.image)
        kernels = array("kernels", self.kernels)
        bias = array("bias", self.bias)
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
        kernel_shape(kernels.shape, channels)
        if bias.shape != (kernels.shape[0],):
            raise SceneError(f"bias: needs one value per kernel ({kernels.shape[0]}), "
                             f"got shape {bias.shape}")
        known("input_kind", self.input_kind, INPUT_KINDS)
        known("view", self.view, VIEWS)
        known("backend", self.backend, BACKENDS)
        if not isinstance(self.layer, LayerSettings):
            raise SceneError("layer: must be LayerSettings")
        if not isinstance(self.shared_scale, bool | np.bool_):
            raise SceneError("shared_scale: must be true or false")
        object.__setattr__(self, "shared_scale", bool(self.shared_scale))
        if not isinstance(self.hide_answers, bool | np.bool_):
            raise SceneError("hide_answers: must be true or false")
        object.__setattr__(self, "hide_answers", bool(self.hide_answers))
        sel = integer("selected", self.selected, 0, kernels.shape[0] - 1)
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

    def same_content(self, other: Scene) -> bool:
        """Equal but for the display choices (``view``, ``shared_scale``, ``hide_answers``): what
        undo compares."""
        return all(_same(getattr(self, f.name), getattr(other, f.name)) for f in fields(self)
                   if f.name not in _DISPLAY)

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
                     "shared_scale": self.shared_scale,
                     **({"hide_answers": True} if self.hide_answers else {})},
            "backend": self.backend,
        }

    @classmethod
    def from_json(cls, data: Any) -> Scene:
        """The scene ``data`` describes; SceneError (naming the field) if anything is off."""
        top = obj("scene", data, {"format", "version", "input", "kernels", "bias", "layer",
                                    "view", "backend"}, required={"format", "version"})
        if top["format"] != FORMAT:
            raise SceneError(f"format: expected {FORMAT!r}, got {short(top['format'])}")
        if integer("version", top["version"], 1, 10**6) != VERSION:
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
                problems.append(f"{exc} (so the {_PART_NAMES[key]} stayed at the default)")
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
_VIEW_KEYS = {"selected_kernel", "view", "shared_scale", "hide_answers"}
_DISPLAY = ("view", "shared_scale", "hide_answers")
"""The display choices: not compared by :meth:`Scene.same_content` (undo leaves them alone)."""
_PART_NAMES = {"input": "input", "arrays": "kernels", "layer": "layer settings",
               "view": "selection and view", "backend": "backend"}
_PART_OF = {"image": "input", "input_kind": "input", "kernels": "arrays", "bias": "arrays"}


def _parts(top: dict, only: str | None = None) -> dict[str, Any]:
    """Scene constructor arguments read from the JSON dict (only one part when ``only``)."""
    out: dict[str, Any] = {}
    if only in (None, "input") and "input" in top:
        inp = obj("input", top["input"], {"kind", "data"}, required={"data"})
        if "kind" in inp:
            out["input_kind"] = choice("input.kind", inp["kind"], INPUT_KINDS)
        out["image"] = nested_array("input.data", inp["data"], (2, 3),
                               (MAX_CHANNELS, MAX_INPUT_SIDE, MAX_INPUT_SIDE))
    if only in (None, "arrays"):
        if ("kernels" in top) != ("bias" in top):
            raise SceneError("kernels and bias: give both or neither")
        if "kernels" in top:
            out["kernels"] = nested_array("kernels", top["kernels"], (4,),
                                     (MAX_KERNELS, MAX_CHANNELS, MAX_KERNEL, MAX_KERNEL))
            out["bias"] = nested_array("bias", top["bias"], (1,), (MAX_KERNELS,))
    if only in (None, "layer") and "layer" in top:
        lay = obj("layer", top["layer"], _LAYER_KEYS)
        names = {"padding_mode": PADDING_MODES, "activation": ACTIVATIONS, "pool": POOLS}
        settings = {}
        for key, value in lay.items():
            if key in names:
                settings[key] = choice(f"layer.{key}", value, names[key])
            elif key == "dilation":
                settings[key] = integer("layer.dilation", value, 1, MAX_DILATION)
            else:
                if not isinstance(value, list):
                    raise SceneError(f"layer.{key}: expected a list of two integers, got "
                                     f"{short(value)}")
                settings[key] = tuple(value)
        out["layer"] = LayerSettings(**settings)
    if only in (None, "view") and "view" in top:
        view = obj("view", top["view"], _VIEW_KEYS)
        if "selected_kernel" in view:
            out["selected"] = integer("view.selected_kernel", view["selected_kernel"], 0,
                                   MAX_KERNELS - 1)
            k = out.get("kernels")
            if k is not None and out["selected"] >= k.shape[0]:
                raise SceneError(f"view.selected_kernel: must be 0..{k.shape[0] - 1}, got "
                                 f"{out['selected']}")
        if "view" in view:
            out["view"] = choice("view.view", view["view"], VIEWS)
        if "shared_scale" in view:
            if not isinstance(view["shared_scale"], bool):
                raise SceneError("view.shared_scale: expected true or false, got "
                                 f"{short(view['shared_scale'])}")
            out["shared_scale"] = view["shared_scale"]
        if "hide_answers" in view:
            if not isinstance(view["hide_answers"], bool):
                raise SceneError("view.hide_answers: expected true or false, got "
                                 f"{short(view['hide_answers'])}")
            out["hide_answers"] = view["hide_answers"]
    if only in (None, "backend") and "backend" in top:
        out["backend"] = choice("backend", top["backend"], BACKENDS)
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


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return (isinstance(a, np.ndarray) and isinstance(b, np.ndarray) and a.shape == b.shape
                and np.array_equal(a, b))
    return a == b
