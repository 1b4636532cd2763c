"""Layers on an engine backend: forward, backward and parameters, caching only what backward needs.

Every layer works on its backend's arrays (NumPy for ``reference``/``cpu``, Numba device arrays for
``cuda``) and calls only backend ops, so a model trained with the CUDA backend stays on the GPU.
Shapes are per batch: images ``(N, C, H, W)`` float32, features ``(N, F)``.
"""

from __future__ import annotations

from types import ModuleType

import numpy as np

from playground.engine import shapes


class Param:
    """A learnable array on the backend and its latest gradient (overwritten by each backward)."""

    __slots__ = ("data", "grad", "name")

    def __init__(self, name: str, data: np.ndarray) -> None:
        self.name = name
        self.data = data
        self.grad = None

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(self.data.shape)


class Layer:
    """Base class. Subclasses set ``kind`` and implement forward/backward/out_shape."""

    kind = "layer"
    activation_after = False

    def __init__(self) -> None:
        self.be: ModuleType | None = None
        self.name = self.kind

    # -- backend -----------------------------------------------------------------------------
    def bind(self, be: ModuleType) -> None:
        """Moves the parameters to backend ``be`` (a no-op for layers without parameters)."""
        for p in self.params():
            host = p.data if self.be is None else self.be.to_host(p.data)
            p.data = be.to_device(np.ascontiguousarray(host, np.float32))
            p.grad = None
        self.be = be
        self.clear_cache()

    def clear_cache(self) -> None:
        """Forgets what forward kept for backward."""
        self._x = None

    def params(self) -> list[Param]:
        return []

    # -- description -------------------------------------------------------------------------
    def out_shape(self, in_shape: tuple[int, ...]) -> tuple[int, ...]:
        return in_shape

    def n_params(self) -> int:
        return int(sum(int(np.prod(p.shape)) for p in self.params()))

    def macs(self, in_shape: tuple[int, ...]) -> int:
        """Multiply-adds per image (0 for activations and pooling)."""
        return 0

    def spec(self) -> dict:
        """JSON-able constructor arguments (``kind`` plus keywords)."""
        return {"kind": self.kind}

    def describe(self) -> str:
        return self.kind

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.describe()})"

    # -- weights as NumPy copies -------------------------------------------------------------
    def get_weights(self) -> dict[str, np.ndarray]:
        """Host copies of the parameters, keyed ``weight`` / ``bias``."""
        return {p.name: np.array(self.be.to_host(p.data), np.float32, copy=True)
                for p in self.params()}

    def set_weights(self, weight: np.ndarray | None = None, bias: np.ndarray | None = None) -> None:
        """Replaces parameters with copies of host arrays of the same shape."""
        given = {"weight": weight, "bias": bias}
        for p in self.params():
            new = given.get(p.name)
            if new is None:
                continue
            arr = np.asarray(new, np.float32)
            if arr.shape != p.shape:
                raise ValueError(f"{self.name}.{p.name} must have shape {p.shape}, got {arr.shape}")
            if not np.isfinite(arr).all():
                raise ValueError(f"{self.name}.{p.name} must be finite")
            p.data = self.be.to_device(np.array(arr, np.float32, copy=True))


class Conv2d(Layer):
    """``K`` filters of ``C x fh x fw`` (cross-correlation) plus a bias each.

    ``dilation`` spaces the taps ``d`` rows/columns apart: a larger receptive field for the same
    weights (and the same parameter and multiply-add counts per output position).

    Notes
    -----
    ``H' = floor((H + pt + pb - d(fh - 1) - 1) / s) + 1``; MACs per image ``K*H'*W'*C*fh*fw``.
    """

    kind = "conv"

    def __init__(self, in_channels: int, out_channels: int, kernel_size: int = 5,
                 stride: int = 1, padding: int | str = 0, dilation: int = 1) -> None:
        super().__init__()
        self.in_channels, self.out_channels = int(in_channels), int(out_channels)
        self.kernel = shapes.pair(kernel_size, "kernel size")
        self.padding = padding
        self.geometry = shapes.ConvGeometry.resolve(self.kernel, stride, padding, dilation)
        self.stride, self.pads = self.geometry.stride, self.geometry.padding
        self.dilation = self.geometry.dilation
        fh, fw = self.kernel
        self.weight = Param("weight", np.zeros((out_channels, in_channels, fh, fw), np.float32))
        self.bias = Param("bias", np.zeros(out_channels, np.float32))
        self.need_input_grad = True
        """False for a network's first layer: nothing uses the gradient of the images."""
        self._x = None

    def params(self) -> list[Param]:
        return [self.weight, self.bias]

    def forward(self, x, train: bool = False):
        if train:
            self._x = x
        return self.be.conv2d(x, self.weight.data, self.bias.data, self.geometry)

    def backward(self, dy):
        dx, self.weight.grad, self.bias.grad = self.be.conv2d_backward(
            self._x, self.weight.data, dy, self.geometry, self.need_input_grad)
        self._x = None
        return dx

    def out_shape(self, in_shape):
        if len(in_shape) != 3 or in_shape[0] != self.in_channels:
            raise ValueError(f"conv layer expects {self.in_channels} input channels (C, H, W), "
                             f"got {in_shape}")
        ho, wo = self.geometry.output_hw(in_shape[1:], self.kernel)
        return (self.out_channels, ho, wo)

    def macs(self, in_shape):
        _, ho, wo = self.out_shape(in_shape)
        return shapes.conv_macs(self.out_channels, self.in_channels, *self.kernel, ho, wo)

    def spec(self):
        pad = self.padding if isinstance(self.padding, (int, str)) else list(self.padding)
        spec = {"kind": self.kind, "in_channels": self.in_channels,
                "out_channels": self.out_channels, "kernel_size": list(self.kernel),
                "stride": list(self.stride), "padding": pad}
        if self.dilation != (1, 1):  # undilated specs (and old files) stay as they were
            spec["dilation"] = list(self.dilation)
        return spec

    def describe(self):
        fh, fw = self.kernel
        pad = self.padding if isinstance(self.padding, str) else self.pads[0]
        extra = "" if self.stride == (1, 1) else f", stride {self.stride[0]}"
        if self.dilation != (1, 1):
            extra += f", dilation {self.dilation[0]}"
        return f"{self.out_channels}@{fh}x{fw}, pad {pad}{extra}"


class ReLU(Layer):
    """``max(0, x)``; keeps its input for the backward pass."""

    kind = "relu"

    def forward(self, x, train: bool = False):
        y = self.be.relu(x)
        if train:
            self._x = y  # y > 0 exactly where x > 0, and y may be the only copy kept
        return y

    def backward(self, dy):
        dx = self.be.relu_backward(self._x, dy)
        self._x = None
        return dx

    def describe(self):
        return ""


class _Pool(Layer):
    op = ""

    def __init__(self, size: int = 2, stride: int | None = None) -> None:
        super().__init__()
        self.size = shapes.pair(size, "pool size")
        self.stride = self.size if stride is None else shapes.resolve_stride(stride)
        self._fwd = f"{self.op}_pool2d"
        self._bwd = f"{self.op}_pool2d_backward"
        self._x = None

    def forward(self, x, train: bool = False):
        if train:
            self._x = x
        return getattr(self.be, self._fwd)(x, self.size, self.stride)

    def backward(self, dy):
        dx = getattr(self.be, self._bwd)(self._x, dy, self.size, self.stride)
        self._x = None
        return dx

    def out_shape(self, in_shape):
        if len(in_shape) != 3:
            raise ValueError(f"pooling expects feature maps (C, H, W), got {in_shape}")
        return (in_shape[0], *shapes.pool2d_output_hw(in_shape[1:], self.size, self.stride))

    def spec(self):
        return {"kind": self.kind, "size": list(self.size), "stride": list(self.stride)}

    def describe(self):
        kh, kw = self.size
        return f"{kh}x{kw}" + ("" if self.stride == self.size else f", stride {self.stride[0]}")


class MaxPool2d(_Pool):
    """Maximum over each window (floor mode); the gradient goes to each window's first maximum."""

    kind = "maxpool"
    op = "max"


class AvgPool2d(_Pool):
    """Mean over each window (floor mode); the gradient is spread evenly."""

    kind = "avgpool"
    op = "avg"


class Flatten(Layer):
    """``(N, C, H, W) -> (N, C*H*W)`` in C order (a reshape, no copy)."""

    kind = "flatten"

    def forward(self, x, train: bool = False):
        if train:
            self._x = tuple(x.shape)
        n = x.shape[0]
        return x.reshape(n, int(np.prod(x.shape[1:])))

    def backward(self, dy):
        shape, self._x = self._x, None
        return dy.reshape(*shape)

    def out_shape(self, in_shape):
        return (int(np.prod(in_shape)),)

    def describe(self):
        return ""


class Linear(Layer):
    """Fully connected ``y = x @ W.T + b`` with W ``(out, in)``; MACs per image ``in*out``."""

    kind = "linear"

    def __init__(self, in_features: int, out_features: int) -> None:
        super().__init__()
        self.in_features, self.out_features = int(in_features), int(out_features)
        self.weight = Param("weight", np.zeros((out_features, in_features), np.float32))
        self.bias = Param("bias", np.zeros(out_features, np.float32))
        self._x = None

    def params(self) -> list[Param]:
        return [self.weight, self.bias]

    def forward(self, x, train: bool = False):
        if train:
            self._x = x
        return self.be.linear(x, self.weight.data, self.bias.data)

    def backward(self, dy):
        dx, self.weight.grad, self.bias.grad = self.be.linear_backward(
            self._x, self.weight.data, dy)
        self._x = None
        return dx

    def out_shape(self, in_shape):
        if len(in_shape) != 1 or int(np.prod(in_shape)) != self.in_features:
            raise ValueError(f"linear layer expects {self.in_features} features, got {in_shape}")
        return (self.out_features,)

    def macs(self, in_shape):
        return self.in_features * self.out_features

    def spec(self):
        return {"kind": self.kind, "in_features": self.in_features,
                "out_features": self.out_features}

    def describe(self):
        return f"{self.in_features} -> {self.out_features}"


class _HostElementwise(Layer):
    """An elementwise layer computed in NumPy on host copies (no backend kernel needed).

    Subclasses give ``_f(x)`` and ``_df(y)`` (the derivative written in terms of the output).
    """

    def forward(self, x, train: bool = False):
        y = self._f(np.asarray(self.be.to_host(x), np.float32))
        if train:
            self._x = y
        return self.be.to_device(np.ascontiguousarray(y, np.float32))

    def backward(self, dy):
        y, self._x = self._x, None
        dx = np.asarray(self.be.to_host(dy), np.float32) * self._df(y)
        return self.be.to_device(np.ascontiguousarray(dx, np.float32))

    def describe(self):
        return ""


class Tanh(_HostElementwise):
    """``tanh(x)``; the gradient is ``1 - y**2``."""

    kind = "tanh"

    @staticmethod
    def _f(x):
        return np.tanh(x)

    @staticmethod
    def _df(y):
        return 1.0 - y * y


class Sigmoid(_HostElementwise):
    """``1 / (1 + exp(-x))``; the gradient is ``y (1 - y)``."""

    kind = "sigmoid"

    @staticmethod
    def _f(x):
        return (0.5 * (np.tanh(0.5 * x) + 1.0)).astype(np.float32)  # no overflow for large |x|

    @staticmethod
    def _df(y):
        return y * (1.0 - y)


class Dropout(Layer):
    """While training, zeroes each number with probability ``p`` and scales the rest by
    ``1/(1-p)`` (inverted dropout); at test time it passes the input through unchanged."""

    kind = "dropout"

    def __init__(self, p: float = 0.5, seed: int = 0) -> None:
        super().__init__()
        p = float(p)
        if not 0.0 <= p < 1.0:
            raise ValueError(f"dropout p must be in [0, 1), got {p}")
        self.p = p
        self._rng = np.random.default_rng(seed)
        self._x = None

    def forward(self, x, train: bool = False):
        if not train or self.p == 0.0:
            return x
        host = np.asarray(self.be.to_host(x), np.float32)
        mask = (self._rng.random(host.shape) >= self.p).astype(np.float32) / (1.0 - self.p)
        self._x = mask
        return self.be.to_device(np.ascontiguousarray(host * mask, np.float32))

    def backward(self, dy):
        mask, self._x = self._x, None
        if mask is None:
            return dy
        dx = np.asarray(self.be.to_host(dy), np.float32) * mask
        return self.be.to_device(np.ascontiguousarray(dx, np.float32))

    def spec(self):
        return {"kind": self.kind, "p": self.p}

    def describe(self):
        return f"p {self.p:g}"


LAYER_KINDS: dict[str, type[Layer]] = {
    cls.kind: cls for cls in (Conv2d, ReLU, MaxPool2d, AvgPool2d, Flatten, Linear, Tanh, Sigmoid,
                              Dropout)
}


def layer_from_spec(spec: dict) -> Layer:
    """Rebuilds a layer from :meth:`Layer.spec` (ValueError for an unknown kind or argument)."""
    if not isinstance(spec, dict) or spec.get("kind") not in LAYER_KINDS:
        raise ValueError(f"unknown layer spec {spec!r}")
    kwargs = {k: v for k, v in spec.items() if k != "kind"}
    try:
        return LAYER_KINDS[spec["kind"]](**kwargs)
    except TypeError as exc:
        raise ValueError(f"bad layer spec {spec!r}: {exc}") from None
