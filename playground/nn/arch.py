"""A network architecture as plain data, and the lecture's arithmetic for every row of it (no Qt).

An :class:`Arch` is an input shape ``(C, H, W)``, a number of classes and a tuple of
:class:`LayerSpec` rows. :func:`analyse` walks the rows with the shape formulas of
:mod:`playground.engine.shapes` and gives each row its output shape, parameters and multiply-adds,
or the reason the row is impossible (a kernel larger than its input, dense without flatten, a value
out of range). It never raises for a bad architecture: the designer shows the reasons on the rows.
:func:`build_from_arch` turns a valid architecture into a trainable :class:`~playground.nn.Model`.
The text form (``conv 6 5x5 same``) lives in :mod:`playground.nn.archtext`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from types import ModuleType

from playground.engine import shapes
from playground.nn.model import MAX_CLASSES
from playground.nn.modelfile import MAX_ACTIVATION, MAX_LAYER_PARAMS, MAX_LAYERS

CONV, MAXPOOL, AVGPOOL, FLATTEN, DENSE, DROPOUT = (
    "conv", "maxpool", "avgpool", "flatten", "dense", "dropout")
ACTIVATIONS = ("relu", "tanh", "sigmoid", "none")
KINDS = (CONV, MAXPOOL, AVGPOOL, *ACTIVATIONS, FLATTEN, DENSE, DROPOUT)
"""Every layer kind a row can have, in the designer's menu order."""

LIMITS = {"filters": (1, 512), "size": (1, 31), "stride": (1, 16), "padding": (0, 32),
          "dilation": (1, 16), "units": (1, 65536), "channels": (1, 64), "side": (1, 1024),
          "classes": (2, MAX_CLASSES)}
"""Allowed ranges (inclusive) of the numbers in a row or the input."""
MAX_ACTIVATIONS = MAX_ACTIVATION
"""Largest feature map (numbers per image) a row may produce: what a model file may hold."""
MAX_PARAMS = MAX_LAYER_PARAMS
"""Largest number of parameters one row may hold (the model files' limit too)."""
MAX_ROWS = MAX_LAYERS
"""Most rows with a layer behind them (activation 'none' rows are free)."""


@dataclass(frozen=True)
class LayerSpec:
    """One row. Fields that a kind does not use stay at their defaults and are ignored.

    ``stride`` None means the kind's default (1 for conv, the window for pooling); ``padding`` is
    ``"valid"``, ``"same"`` or an int; ``p`` is dropout's probability of zeroing a number.
    """

    kind: str
    filters: int = 0
    size: int = 0
    stride: int | None = None
    padding: str | int = "valid"
    dilation: int = 1
    units: int = 0
    p: float = 0.5


def conv(filters: int, size: int, padding: str | int = "valid", stride: int | None = None,
         dilation: int = 1) -> LayerSpec:
    """A conv row: ``filters`` kernels of ``size x size`` (times the input's channels)."""
    return LayerSpec(CONV, filters=filters, size=size, stride=stride, padding=padding,
                     dilation=dilation)


def pool(size: int = 2, stride: int | None = None, kind: str = MAXPOOL) -> LayerSpec:
    """A max (or average) pooling row with a ``size x size`` window."""
    return LayerSpec(kind, size=size, stride=stride)


def dense(units: int) -> LayerSpec:
    """A fully connected row with ``units`` outputs."""
    return LayerSpec(DENSE, units=units)


def act(kind: str = "relu") -> LayerSpec:
    """An activation row (relu, tanh, sigmoid or none)."""
    return LayerSpec(kind)


def flatten() -> LayerSpec:
    return LayerSpec(FLATTEN)


def dropout(p: float = 0.5) -> LayerSpec:
    return LayerSpec(DROPOUT, p=p)


@dataclass(frozen=True)
class Arch:
    """Rows applied in order to a ``(C, H, W)`` input, ending in ``n_classes`` scores."""

    layers: tuple[LayerSpec, ...]
    input_shape: tuple[int, int, int] = (1, 28, 28)
    n_classes: int = 10

    def __post_init__(self) -> None:
        object.__setattr__(self, "layers", tuple(self.layers))
        object.__setattr__(self, "input_shape", tuple(self.input_shape))

    def with_layers(self, layers) -> Arch:
        return replace(self, layers=tuple(layers))


@dataclass(frozen=True)
class RowResult:
    """What :func:`analyse` says about one row.

    ``out_shape`` None: the row is impossible (``reason`` says why) or follows an impossible row
    (``reason`` empty, ``blocked`` True).
    """

    index: int
    spec: LayerSpec
    in_shape: tuple[int, ...] | None
    out_shape: tuple[int, ...] | None
    params: int = 0
    macs: int = 0
    reason: str = ""
    blocked: bool = False

    @property
    def ok(self) -> bool:
        return self.out_shape is not None and not self.reason


@dataclass(frozen=True)
class Analysis:
    """Every row's result plus a problem of the whole network (empty input, wrong output)."""

    rows: tuple[RowResult, ...]
    problem: str = ""
    out_shape: tuple[int, ...] | None = None
    params: int = 0
    macs: int = 0
    first_bad: int | None = field(default=None)

    @property
    def ok(self) -> bool:
        return not self.problem and all(r.ok for r in self.rows)

    @property
    def reason(self) -> str:
        """The first thing that stops training, as one line (empty when the network is fine)."""
        for r in self.rows:
            if r.reason:
                return f"row {r.index + 1} ({r.spec.kind}): {r.reason}"
        return self.problem


def _fmt(shape: tuple[int, ...]) -> str:
    return "x".join(map(str, shape))


def _whole(value, name: str, key: str) -> str:
    """'' when ``value`` is an int within LIMITS[key], else the reason."""
    lo, hi = LIMITS[key]
    if isinstance(value, bool) or not isinstance(value, int):
        return f"{name} must be a whole number, got {value!r}"
    if not lo <= value <= hi:
        return f"{name} must be between {lo} and {hi}, got {value}"
    return ""


def _values(s: LayerSpec) -> str:
    """Why a row's own numbers are out of range ('' when they are fine)."""
    if s.kind == CONV:
        checks = [(s.filters, "filters", "filters"), (s.size, "kernel size", "size"),
                  (s.dilation, "dilation", "dilation")]
        if s.stride is not None:
            checks.append((s.stride, "stride", "stride"))
        if not (isinstance(s.padding, str) and s.padding in ("valid", "same")):
            if isinstance(s.padding, str):
                return f"padding must be valid, same or a number, got {s.padding!r}"
            checks.append((s.padding, "padding", "padding"))
    elif s.kind in (MAXPOOL, AVGPOOL):
        checks = [(s.size, "window", "size")]
        if s.stride is not None:
            checks.append((s.stride, "stride", "stride"))
    elif s.kind == DENSE:
        checks = [(s.units, "units", "units")]
    elif s.kind == DROPOUT:
        ok = isinstance(s.p, (int, float)) and not isinstance(s.p, bool) and math.isfinite(s.p)
        return "" if ok and 0 <= s.p < 1 else f"dropout p must be in [0, 1), got {s.p!r}"
    elif s.kind in ACTIVATIONS or s.kind == FLATTEN:
        return ""
    else:
        return f"unknown layer {s.kind!r}; use one of {', '.join(KINDS)}"
    for value, name, key in checks:
        why = _whole(value, name, key)
        if why:
            return why
    return ""


def _step(s: LayerSpec, shape: tuple[int, ...]) -> tuple[tuple[int, ...], int, int]:
    """(output shape, parameters, multiply-adds) of a row with valid values; ValueError if none."""
    if s.kind in (CONV, MAXPOOL, AVGPOOL):
        if len(shape) != 3:
            raise ValueError(f"{s.kind} needs a CxHxW map but gets {shape[0]} flat features "
                             "(after flatten or dense there is no image left)")
        c, h, w = shape
        if s.kind == CONV:
            stride = 1 if s.stride is None else s.stride
            geo = shapes.ConvGeometry.resolve((s.size, s.size), stride, s.padding, s.dilation)
            ho, wo = geo.output_hw((h, w), (s.size, s.size))
            out = (s.filters, ho, wo)
            params = shapes.conv_params(s.filters, c, s.size, s.size)
            macs = shapes.conv_macs(s.filters, c, s.size, s.size, ho, wo)
        else:
            stride = s.size if s.stride is None else s.stride
            out = (c, *shapes.pool2d_output_hw((h, w), (s.size, s.size), (stride, stride)))
            params = macs = 0
    elif s.kind == DENSE:
        if len(shape) != 1:
            raise ValueError(f"dense needs flat features but gets a {_fmt(shape)} map: "
                             "add flatten before it")
        out, params = (s.units,), shapes.dense_params(shape[0], s.units)
        macs = shape[0] * s.units
    elif s.kind == FLATTEN:
        out, params, macs = (math.prod(shape),), 0, 0
    else:  # activations and dropout keep the shape
        out, params, macs = shape, 0, 0
    if math.prod(out) > MAX_ACTIVATIONS:
        raise ValueError(f"output {_fmt(out)} has {math.prod(out):,} numbers per image, more than "
                         f"the {MAX_ACTIVATIONS:,} allowed")
    if params > MAX_PARAMS:
        raise ValueError(f"{params:,} parameters is more than the {MAX_PARAMS:,} allowed")
    return out, params, macs


def _input_problem(arch: Arch) -> str:
    shape = arch.input_shape
    if len(shape) != 3:
        return f"the input must be CxHxW, got {shape!r}"
    for value, name, key in zip(shape, ("channels", "height", "width"),
                                ("channels", "side", "side"), strict=True):
        why = _whole(value, f"input {name}", key)
        if why:
            return why
    if math.prod(shape) > MAX_ACTIVATIONS:
        return f"the input {_fmt(shape)} has more than {MAX_ACTIVATIONS:,} numbers"
    n = sum(isinstance(s, LayerSpec) and s.kind != "none" for s in arch.layers)
    if n > MAX_ROWS:
        return f"{n} layers is more than the {MAX_ROWS} a model may have"
    return _whole(arch.n_classes, "classes", "classes")


def analyse(arch: Arch) -> Analysis:
    """Each row's output shape, parameters and multiply-adds, or the reason it is impossible.

    Rows after an impossible one are ``blocked`` (no shape) unless their own values are wrong.
    The network as a whole must end in ``n_classes`` flat scores (``problem`` otherwise).
    """
    problem = _input_problem(arch)
    shape: tuple[int, ...] | None = None if problem else tuple(arch.input_shape)
    rows: list[RowResult] = []
    total_p = total_m = 0
    for i, s in enumerate(arch.layers):
        if not isinstance(s, LayerSpec):
            rows.append(RowResult(i, LayerSpec(str(type(s).__name__)), shape, None,
                                  reason=f"not a layer: {s!r}"))
            shape = None
            continue
        why = _values(s)
        if why or shape is None:
            rows.append(RowResult(i, s, shape, None, reason=why, blocked=not why))
            shape = None
            continue
        try:
            out, params, macs = _step(s, shape)
        except ValueError as exc:
            rows.append(RowResult(i, s, shape, None, reason=str(exc)))
            shape = None
            continue
        rows.append(RowResult(i, s, shape, out, params, macs))
        total_p, total_m = total_p + params, total_m + macs
        shape = out
    if not problem:
        if not arch.layers:
            problem = "add at least one layer"
        elif shape is not None and shape != (arch.n_classes,):
            problem = (f"the network must end in {arch.n_classes} scores (dense "
                       f"{arch.n_classes}, one per class), but it ends in {_fmt(shape)}")
    bad = next((r.index for r in rows if r.reason), None)
    return Analysis(tuple(rows), problem, shape, total_p, total_m, bad)


# -- templates -----------------------------------------------------------------------------------
TEMPLATES: dict[str, Arch] = {
    "fcnn": Arch((flatten(), dense(128), act(), dense(10))),
    "lenet5-small": Arch((conv(6, 5, "same"), act(), pool(2), flatten(), dense(10))),
    "lenet5": Arch((conv(6, 5, 2), act(), pool(2), conv(16, 5), act(), pool(2), flatten(),
                    dense(120), act(), dense(84), act(), dense(10))),
}
"""The lecture's three networks as architectures (same keys as :data:`nn.model.ARCHITECTURES`)."""

DESIGNED = "designed"
"""The model name a network built from an architecture carries (never a built-in name)."""


# -- to and from layers --------------------------------------------------------------------------
def layers_from_arch(arch: Arch) -> list:
    """The :mod:`playground.nn.layers` a valid architecture stands for (ValueError otherwise)."""
    from playground.nn import layers as nl

    result = analyse(arch)
    if not result.ok:
        raise ValueError(f"this network cannot be built: {result.reason}")
    out = []
    for row in result.rows:
        s, shape = row.spec, row.in_shape
        if s.kind == CONV:
            stride = 1 if s.stride is None else s.stride
            pad = 0 if s.padding == "valid" else s.padding  # the built-in models' spelling
            out.append(nl.Conv2d(shape[0], s.filters, s.size, stride, pad, dilation=s.dilation))
        elif s.kind in (MAXPOOL, AVGPOOL):
            cls = nl.MaxPool2d if s.kind == MAXPOOL else nl.AvgPool2d
            out.append(cls(s.size, s.stride))
        elif s.kind == DENSE:
            out.append(nl.Linear(shape[0], s.units))
        elif s.kind == FLATTEN:
            out.append(nl.Flatten())
        elif s.kind == DROPOUT:
            out.append(nl.Dropout(s.p))
        elif s.kind != "none":
            out.append(nl.LAYER_KINDS[s.kind]())
    return out


def build_from_arch(arch: Arch, seed: int = 0, backend: str | ModuleType | None = None,
                    name: str = DESIGNED):
    """A trainable model of ``arch``, He/Glorot-initialised from ``seed``; it remembers ``arch``."""
    from playground.nn.init import initialize
    from playground.nn.model import Model

    model = Model(layers_from_arch(arch), name, backend, arch.input_shape)
    model.arch = arch
    initialize(model.layers, seed)
    return model


def arch_from_specs(specs: list[dict], input_shape=(1, 28, 28), n_classes: int = 10) -> Arch:
    """The architecture of :meth:`Model.layer_specs` (old model files, built-in models)."""
    rows = []
    for spec in specs:
        kind = spec.get("kind")
        if kind == CONV:
            k = shapes.pair(spec.get("kernel_size", 5), "kernel size")
            if k[0] != k[1]:
                raise ValueError(f"only square kernels can be designed, got {k}")
            stride = shapes.pair(spec.get("stride", 1), "stride")[0]
            pad = spec.get("padding", 0)
            if isinstance(pad, list):
                pad = pad[0]
            dil = shapes.pair(spec.get("dilation", 1), "dilation")[0]
            rows.append(conv(int(spec["out_channels"]), k[0], pad if pad != 0 else "valid",
                             None if stride == 1 else stride, dil))
        elif kind in (MAXPOOL, AVGPOOL):
            size = shapes.pair(spec.get("size", 2), "pool size")[0]
            stride = shapes.pair(spec.get("stride", size), "stride")[0]
            rows.append(pool(size, None if stride == size else stride, kind))
        elif kind == "linear":
            rows.append(dense(int(spec["out_features"])))
        elif kind == DROPOUT:
            rows.append(dropout(float(spec.get("p", 0.5))))
        else:
            rows.append(LayerSpec(str(kind)))
    return Arch(tuple(rows), tuple(int(v) for v in input_shape), n_classes)


def arch_of(model) -> Arch:
    """The architecture of any model: the one it was built from, else read from its layers."""
    arch = getattr(model, "arch", None)
    if isinstance(arch, Arch):
        return arch
    return arch_from_specs(model.layer_specs(), model.input_shape)
