"""Field readers for scene JSON: each checks one value and raises :class:`SceneError` naming it.

Nested lists are measured level by level against the limits before an array is built from them;
numbers must be finite and within float32; integers must be integers (not ``1.0``, not ``true``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from playground.scene.limits import MAX_KERNEL, MAX_KERNELS

_F32_MAX = float(np.finfo(np.float32).max)


class SceneError(ValueError):
    """A scene (or its JSON) is invalid; the message names the field."""


def obj(what: str, value: Any, allowed: set[str], required: set[str] = frozenset()) -> dict:
    """``value`` as a JSON object with only ``allowed`` keys and all ``required`` ones."""
    if not isinstance(value, dict):
        raise SceneError(f"{what}: expected an object, got {short(value)}")
    for key in value:
        if not isinstance(key, str) or key not in allowed:
            shown = key if isinstance(key, str) and key.isidentifier() else repr(key)
            name = shown if what == "scene" else f"{what}.{shown}"
            raise SceneError(f"{name}: unknown field")
    for key in sorted(required - set(value)):
        raise SceneError(f"{key if what == 'scene' else what + '.' + key}: missing")
    return value


def choice(what: str, value: Any, allowed: tuple[str, ...]) -> str:
    """``value`` as one of the ``allowed`` strings."""
    if not isinstance(value, str):
        raise SceneError(f"{what}: expected one of {', '.join(allowed)}, got {short(value)}")
    return known(what, value, allowed)


def known(what: str, value: Any, allowed: tuple[str, ...]) -> str:
    """``value`` if it is one of ``allowed`` (any type; for constructor arguments)."""
    if value not in allowed:
        raise SceneError(f"{what}: unknown {short(value)}; choose one of {', '.join(allowed)}")
    return value


def integer(what: str, value: Any, lo: int, hi: int) -> int:
    """``value`` as an integer in ``lo..hi`` (booleans and floats such as 1.0 are refused)."""
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise SceneError(f"{what}: expected an integer, got {short(value)}")
    if not lo <= value <= hi:
        raise SceneError(f"{what}: must be {lo}..{hi}, got {value}")
    return int(value)


def int_pair(what: str, value: Any, lo: int, hi: int) -> tuple[int, int]:
    """``value`` as a pair of integers in ``lo..hi``."""
    if not isinstance(value, tuple | list) or len(value) != 2:
        raise SceneError(f"{what}: expected two integers, got {short(value)}")
    return integer(f"{what}[0]", value[0], lo, hi), integer(f"{what}[1]", value[1], lo, hi)


def nested_array(what: str, value: Any, ndims: tuple[int, ...], limits: tuple[int, ...]
                 ) -> np.ndarray:
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
    return array(what, np.array(value, dtype=np.float64))


def _check_rect(what: str, value: Any, shape: list[int], depth: int) -> None:
    if depth == len(shape):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise SceneError(f"{what}: expected numbers, got {short(value)}")
        return
    if not isinstance(value, list) or len(value) != shape[depth]:
        raise SceneError(f"{what}: rows of different lengths (expected {shape[depth]} "
                         f"entries at depth {depth})")
    for v in value:
        _check_rect(what, v, shape, depth + 1)


def array(what: str, value: Any) -> np.ndarray:
    """``value`` as a C-contiguous float32 copy; finite and within float32, or SceneError."""
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


def kernel_shape(shape: tuple[int, ...], channels: int) -> None:
    """Refuses a kernel shape other than (1..16, ``channels``, 1..11, 1..11)."""
    if len(shape) != 4:
        raise SceneError(f"kernels: must be (K, C, kh, kw), got shape {shape}")
    k, c, kh, kw = shape
    if not 1 <= k <= MAX_KERNELS:
        raise SceneError(f"kernels: 1..{MAX_KERNELS} kernels, got {k}")
    if not (1 <= kh <= MAX_KERNEL and 1 <= kw <= MAX_KERNEL):
        raise SceneError(f"kernels: each side must be 1..{MAX_KERNEL}, got {kh}x{kw}")
    if c != channels:
        raise SceneError(f"kernels: {c} channel(s) but the input has {channels}")


def short(value: Any) -> str:
    """``value`` shortened for a message."""
    text = repr(value) if not isinstance(value, list | dict) else type(value).__name__
    return text if len(text) <= 40 else text[:37] + "..."
