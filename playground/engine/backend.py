"""The backend contract: what the reference, cpu and cuda modules each provide, typed once.

A backend is a module; :class:`Backend` spells out its attributes as a :class:`typing.Protocol`,
so a type checker sees one interface and :func:`conformance_problems` checks a module against it
at run time: every function present, with the protocol's parameter names, kinds and defaults.
Arrays are the backend's own (NumPy for reference and cpu, Numba device arrays for cuda); the
public wrappers in :mod:`playground.engine.ops` validate and allocate before calling in, and a
convolution's settings arrive as one :class:`~playground.engine.shapes.ConvGeometry`.
"""

from __future__ import annotations

import inspect
from types import ModuleType
from typing import Any, Protocol, runtime_checkable

from playground.engine.shapes import ConvGeometry

Array = Any
"""A backend's array type (``numpy.ndarray`` on the host, a device array for cuda)."""


@runtime_checkable
class Backend(Protocol):
    """The functions and attributes every compute backend module exposes."""

    name: str

    def is_available(self) -> bool:
        """Whether this backend can run in this process."""
        ...

    def to_device(self, a: Array) -> Array:
        """A float32 copy of host array ``a`` in the backend's memory (its arrays pass through)."""
        ...

    def to_host(self, a: Array) -> Any:
        """A host NumPy array of the backend array ``a``."""
        ...

    def zeros(self, shape: tuple[int, ...]) -> Array:
        """A zero-filled float32 array of ``shape``."""
        ...

    def conv2d(self, x: Array, w: Array, b: Array | None, geometry: ConvGeometry) -> Array:
        """``(N, C, H, W) * (K, C, fh, fw) (+ b) -> (N, K, H', W')``, cross-correlation."""
        ...

    def conv2d_backward(self, x: Array, w: Array, dy: Array, geometry: ConvGeometry,
                        need_dx: bool = True) -> tuple[Array | None, Array, Array]:
        """``(dx, dw, db)`` of :meth:`conv2d`; ``dx`` is None when not ``need_dx``."""
        ...

    def max_pool2d(self, x: Array, size: tuple[int, int], stride: tuple[int, int]) -> Array:
        """Window maxima (floor mode, no padding)."""
        ...

    def max_pool2d_backward(self, x: Array, dy: Array, size: tuple[int, int],
                            stride: tuple[int, int]) -> Array:
        """Gradient of :meth:`max_pool2d`: to each window's first maximum."""
        ...

    def avg_pool2d(self, x: Array, size: tuple[int, int], stride: tuple[int, int]) -> Array:
        """Window means (floor mode, no padding)."""
        ...

    def avg_pool2d_backward(self, x: Array, dy: Array, size: tuple[int, int],
                            stride: tuple[int, int]) -> Array:
        """Gradient of :meth:`avg_pool2d`: spread evenly over each window."""
        ...

    def relu(self, x: Array) -> Array:
        """``max(0, x)`` elementwise."""
        ...

    def relu_backward(self, x: Array, dy: Array) -> Array:
        """``dy`` where ``x > 0``, else 0."""
        ...

    def linear(self, x: Array, w: Array, b: Array | None) -> Array:
        """``x @ w.T + b``: ``(N, F), (O, F), (O,) -> (N, O)``."""
        ...

    def linear_backward(self, x: Array, w: Array, dy: Array) -> tuple[Array, Array, Array]:
        """``(dx, dw, db)`` of :meth:`linear`."""
        ...

    def softmax_cross_entropy(self, logits: Array, labels: Array) -> tuple[float, Array]:
        """Mean cross-entropy against integer labels, and the gradient of the logits."""
        ...

    def softmax(self, logits: Array) -> Array:
        """Row-wise softmax probabilities."""
        ...

    def sgd_update(self, p: Array, g: Array, v: Array, lr: float, momentum: float,
                   weight_decay: float = 0.0) -> None:
        """In place: PyTorch's SGD with momentum."""
        ...

    def adam_update(self, p: Array, g: Array, m: Array, v: Array, lr: float, beta1: float,
                    beta2: float, eps: float, t: int) -> None:
        """In place: one bias-corrected Adam step."""
        ...


class FusedPreview(Protocol):
    """An optional extra: the live preview's conv -> ReLU -> pooling in one call (cpu has it)."""

    def feature_maps(self, x4: Array, w4: Array, b1: Array | None, geometry: ConvGeometry,
                     relu: bool, pool: str, size: tuple[int, int],
                     pool_stride: tuple[int, int]) -> tuple[Array, Array, Array | None]:
        """``(conv, activated, pooled)`` of one image, each ``(1, K, H', W')``."""
        ...


class FusedTraining(Protocol):
    """An optional extra: a training step's conv -> ReLU -> max pool and its backward (cpu has it).

    ``act``, the ReLU's output, is what the backward needs; the trailing arguments are scratch
    arrays a caller keeps between steps (used when their shape fits, else replaced)."""

    def conv_relu_maxpool(self, x: Array, w: Array, b: Array | None, geometry: ConvGeometry,
                          size: tuple[int, int], stride: tuple[int, int],
                          act: Array | None = None,
                          pooled: Array | None = None) -> tuple[Array, Array]:
        """``(pooled, act)``."""
        ...

    def conv_relu_maxpool_backward(self, x: Array, w: Array, act: Array, dpool: Array,
                                   geometry: ConvGeometry, size: tuple[int, int],
                                   stride: tuple[int, int], need_dx: bool = True,
                                   dact: Array | None = None, dx: Array | None = None,
                                   ) -> tuple[Array | None, Array, Array]:
        """``(dx, dw, db)``; ``dx`` is None when not ``need_dx``."""
        ...


def _methods(protocol: type) -> dict[str, inspect.Signature]:
    """The protocol's functions with ``self`` dropped, as a module's functions are called."""
    out = {}
    for attr, fn in vars(protocol).items():
        if attr.startswith("_") or not inspect.isfunction(fn):
            continue
        sig = inspect.signature(fn)
        out[attr] = sig.replace(parameters=list(sig.parameters.values())[1:])
    return out


def _shape(sig: inspect.Signature) -> list[tuple[str, Any, Any]]:
    """What callers rely on: parameter names, kinds and defaults (not the annotations' spelling)."""
    return [(p.name, p.kind, p.default) for p in sig.parameters.values()]


def conformance_problems(module: ModuleType) -> list[str]:
    """What ``module`` lacks or spells differently from :class:`Backend`; empty when it conforms."""
    problems = []
    if not isinstance(getattr(module, "name", None), str):
        problems.append("name: missing or not a str")
    wanted = _methods(Backend)
    if hasattr(module, "feature_maps"):
        wanted.update(_methods(FusedPreview))
    if hasattr(module, "conv_relu_maxpool"):
        wanted.update(_methods(FusedTraining))
    for attr, sig in wanted.items():
        fn = getattr(module, attr, None)
        if not callable(fn):
            problems.append(f"{attr}: missing")
            continue
        got = inspect.signature(fn)
        if _shape(got) != _shape(sig):
            problems.append(f"{attr}{got} differs from the protocol's {attr}{sig}")
    return problems
