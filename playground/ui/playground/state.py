"""The playground's state as plain Python: input image, kernels and layer settings, plus the result.

Widgets take a :class:`PlaygroundState`, write user intent through its setters and repaint when
``state.changed`` fires with a :class:`Change` saying what changed (napari-style thin views).
Nothing here imports Qt, so it is testable alone. Setters validate first and raise ``ValueError``
without touching the state; a combination that gives no output is accepted but recorded in
``error`` while ``result`` keeps the last good maps. :meth:`PlaygroundState.scene` and
:meth:`PlaygroundState.apply` convert to and from a :class:`~playground.scene.Scene` (undo, the
saved session and the lecture's examples use that one format).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import numpy as np

from playground import engine
from playground.engine import shapes
from playground.engine.channels import match_channels
from playground.numbers import FLOAT32_MAX, check_float32
from playground.scene import (
    ACTIVATIONS,
    COMPUTED,
    INPUT_KINDS,
    MAX_KERNEL,
    MAX_KERNELS,
    PADDING_MODES,
    POOLS,
    VIEWS,
    Change,
    LayerSettings,
    Scene,
    SceneError,
)

__all__ = ["ACTIVATIONS", "MAX_KERNEL", "MAX_KERNELS", "PADDING_MODES", "POOLS", "Change",
           "Event", "LayerSettings", "PlaygroundState"]


class Event:
    """A minimal observer list: ``connect(fn)``, ``emit(*args)``."""

    def __init__(self) -> None:
        self._slots: list[Callable[..., Any]] = []

    def connect(self, fn: Callable[..., Any]) -> None:
        """Calls ``fn`` on every emit."""
        self._slots.append(fn)

    def disconnect(self, fn: Callable[..., Any]) -> None:
        """Stops calling ``fn``."""
        self._slots.remove(fn)

    def emit(self, *args: Any) -> None:
        """Calls every connected function in order."""
        for fn in list(self._slots):
            fn(*args)


def _finite_array(a, what: str) -> np.ndarray:
    """``a`` as a float32 copy; ValueError unless every value is finite and fits float32."""
    try:
        arr = np.array(a, dtype=np.float64, copy=True)
    except (TypeError, ValueError):
        raise ValueError(f"{what} must hold numbers") from None
    if not np.isfinite(arr).all() or (arr.size and np.abs(arr).max() > FLOAT32_MAX):
        raise ValueError(f"{what} must hold finite numbers within ±{FLOAT32_MAX:.4g} (float32)")
    return arr.astype(np.float32)


class PlaygroundState:
    """Everything the playground window shows about one conv layer, and its last computed maps."""

    def __init__(self, image: np.ndarray | None = None, kernels: np.ndarray | None = None) -> None:
        from playground.lessons.lecture import lecture_kernels

        self.changed = Event()
        """Emitted with a :class:`Change` once the state (and ``result``) is up to date."""
        blank = np.zeros((28, 28), np.float32)
        self.image = blank if image is None else _finite_array(image, "image")
        k = lecture_kernels() if kernels is None else _finite_array(kernels, "kernels")
        self.kernels = self._match_channels(k)
        self.bias = np.zeros(self.kernels.shape[0], np.float32)
        self.selected = 0
        self.settings = LayerSettings()
        self.backend = "auto"
        self.input_kind = "drawing"
        self.view = "step-2d"
        self.shared_scale = True
        self.hide_answers = False
        """Output sizes and values are blanked until revealed (a display choice)."""
        self.result: engine.FeatureMaps | None = None
        self.error: str | None = None
        self.compute_ms = 0.0
        self.recompute()

    # ---- derived facts -------------------------------------------------------------------
    @property
    def channels(self) -> int:
        """Input channels: 1 for grayscale, 3 for RGB."""
        return 1 if self.image.ndim == 2 else self.image.shape[0]

    @property
    def input_hw(self) -> tuple[int, int]:
        """Height and width of the input."""
        return self.image.shape[-2], self.image.shape[-1]

    def pads(self) -> shapes.Pads:
        """Resolved ``(top, bottom, left, right)`` padding for the current kernels."""
        return self.geometry().padding

    def geometry(self) -> shapes.ConvGeometry:
        """Stride, resolved padding and dilation of the layer (``same`` pads the dilated extent)."""
        s = self.settings
        return shapes.ConvGeometry.resolve(self.kernels.shape[2:], s.stride, s.padding_spec(),
                                           s.dilation)

    @property
    def dilation(self) -> tuple[int, int]:
        """The dilation as ``(rows, cols)``."""
        return self.settings.dilation, self.settings.dilation

    # ---- setters (validate, then change, then notify) ------------------------------------
    def set_image(self, image: np.ndarray, kind: str = "drawing") -> None:
        """New input: (H, W) grayscale or (3, H, W) RGB; kernels follow its channel count.

        ``kind`` says what it is (one of :data:`~playground.scene.INPUT_KINDS`)."""
        img = _finite_array(image, "image")
        if img.ndim not in (2, 3) or min(img.shape[-2:]) < 1:
            raise ValueError(f"image must be (H, W) or (C, H, W), got shape {img.shape}")
        if kind not in INPUT_KINDS:
            raise ValueError(f"input kind must be one of {INPUT_KINDS}")
        channels_before = self.channels
        self.image, self.input_kind = img, kind
        what = Change.IMAGE
        if self.channels != channels_before:
            self.kernels = self._match_channels(self.kernels)
            what |= Change.KERNELS
        self._notify(what)

    def set_kernels(self, kernels: np.ndarray, bias: np.ndarray | None = None) -> None:
        """Replaces all kernels, (K, fh, fw) or (K, C, fh, fw); bias is zeros unless given."""
        k = _finite_array(kernels, "kernels")
        if k.ndim == 2:
            k = k[None]
        if k.ndim == 3:
            k = k[:, None]
        if k.ndim != 4 or not (1 <= k.shape[0] <= MAX_KERNELS):
            raise ValueError(f"kernels must be (K, C, fh, fw) with 1..{MAX_KERNELS} filters")
        if max(k.shape[2:]) > MAX_KERNEL:
            raise ValueError(f"kernels can be at most {MAX_KERNEL}x{MAX_KERNEL}")
        b = np.zeros(k.shape[0], np.float32) if bias is None else _finite_array(bias, "bias")
        if b.shape != (k.shape[0],):
            raise ValueError(f"bias needs one value per kernel ({k.shape[0]})")
        self.kernels = self._match_channels(k)
        self.bias = b.reshape(-1)
        self.selected = min(self.selected, self.kernels.shape[0] - 1)
        self._notify(Change.KERNELS)

    def set_kernel(self, index: int, kernel: np.ndarray) -> None:
        """Replaces one kernel; a different size resizes every kernel (centred crop or zero pad)."""
        k = _finite_array(kernel, "kernel")
        k = k[None] if k.ndim == 2 else k
        if k.ndim != 3 or max(k.shape[1:]) > MAX_KERNEL:
            raise ValueError(
                f"a kernel must be (fh, fw) or (C, fh, fw), at most {MAX_KERNEL}x{MAX_KERNEL}"
            )
        if k.shape[0] != self.channels:
            k = match_channels(k[None], self.channels)[0]
        kernels = self.kernels
        if k.shape[1:] != kernels.shape[2:]:
            kernels = np.stack([_fit(kk, k.shape[1:]) for kk in kernels])
        kernels = kernels.copy()
        kernels[index] = k
        self.kernels = kernels
        self._notify(Change.KERNELS)

    def set_kernel_cell(self, index: int, channel: int, row: int, col: int, value: float) -> None:
        """Sets one weight; ValueError (state unchanged) unless ``value`` is a finite number."""
        v = check_float32(float(value), "a kernel cell")
        self.kernels[index, channel, row, col] = v
        self._notify(Change.KERNELS)

    def set_bias(self, index: int, value: float) -> None:
        """Sets one kernel's bias."""
        v = check_float32(float(value), "the bias")
        self.bias[index] = v
        self._notify(Change.KERNELS)

    def resize_kernels(self, fh: int, fw: int) -> None:
        """Changes every kernel's size (1..11 each), keeping the centre values."""
        if not (1 <= fh <= MAX_KERNEL and 1 <= fw <= MAX_KERNEL):
            raise ValueError(f"kernel size must be 1..{MAX_KERNEL} on each axis, got {fh}x{fw}")
        self.kernels = np.stack([_fit(k, (fh, fw)) for k in self.kernels])
        self._notify(Change.KERNELS)

    def set_kernel_count(self, count: int) -> None:
        """Keeps the first ``count`` kernels or adds zero kernels (1..16)."""
        if not (1 <= count <= MAX_KERNELS):
            raise ValueError(f"the number of kernels must be 1..{MAX_KERNELS}, got {count}")
        k, b = self.kernels, self.bias
        if count <= k.shape[0]:
            k, b = k[:count], b[:count]
        else:
            extra = count - k.shape[0]
            k = np.concatenate([k, np.zeros((extra, *k.shape[1:]), np.float32)])
            b = np.concatenate([b, np.zeros(extra, np.float32)])
        self.kernels, self.bias = k.copy(), b.copy()
        self.selected = min(self.selected, count - 1)
        self._notify(Change.KERNELS)

    def select_kernel(self, index: int) -> None:
        """Chooses which kernel the editor and step-through show."""
        if not (0 <= index < self.kernels.shape[0]):
            raise ValueError(f"kernel index must be 0..{self.kernels.shape[0] - 1}")
        self.selected = index
        self.changed.emit(Change.SELECTED)

    def set_settings(self, **changes: Any) -> None:
        """Updates padding / stride / dilation / activation / pooling; ValueError (a
        :class:`~playground.scene.SceneError`) for impossible or out-of-range values."""
        unknown = set(changes) - set(self.settings.__dict__)
        if unknown:
            raise ValueError(f"unknown layer setting(s): {', '.join(sorted(unknown))}")
        new = LayerSettings(**{**self.settings.__dict__, **changes})  # validates every field
        self.settings = new
        self._notify(Change.SETTINGS)

    def set_backend(self, name: str) -> None:
        """Switches the compute backend; BackendUnavailable/ValueError leave it unchanged."""
        engine.get_backend(name)
        self.backend = name
        self._notify(Change.BACKEND)

    def set_view(self, view: str | None = None, shared_scale: bool | None = None,
                 hide_answers: bool | None = None) -> None:
        """Display choices that travel with the scene: the lower view, the shared colour scale,
        whether the answers (output sizes and values) are hidden."""
        if view is not None and view not in VIEWS:
            raise ValueError(f"view must be one of {VIEWS}")
        new_view = self.view if view is None else view
        new_shared = self.shared_scale if shared_scale is None else bool(shared_scale)
        new_hide = self.hide_answers if hide_answers is None else bool(hide_answers)
        if (new_view, new_shared, new_hide) != (self.view, self.shared_scale, self.hide_answers):
            self.view, self.shared_scale, self.hide_answers = new_view, new_shared, new_hide
            self.changed.emit(Change.VIEW)

    # ---- scenes: undo, the saved session, the lecture's examples ------------------------------
    def scene(self) -> Scene:
        """Everything the user set, as a frozen :class:`~playground.scene.Scene` (copies)."""
        return Scene(self.image, self.kernels, self.bias, self.input_kind, self.settings,
                     self.selected, self.view, self.shared_scale, self.backend, self.hide_answers)

    def apply(self, scene: Scene, view: bool = True) -> Change:
        """Puts ``scene`` on show in one step: at most one recompute and one ``changed`` event
        (carrying what differed; none when nothing did). ``view=False`` keeps the display
        choices (undo leaves the colour scale and the lower view alone). Returns what changed."""
        if not isinstance(scene, Scene):
            raise SceneError(f"expected a Scene, got {type(scene).__name__}")
        if scene.backend != self.backend:
            engine.get_backend(scene.backend)  # BackendUnavailable / ValueError: unchanged
        what = Change(0)
        if scene.input_kind != self.input_kind or not _same(scene.image, self.image):
            self.image, self.input_kind = np.array(scene.image), scene.input_kind
            what |= Change.IMAGE
        if not (_same(scene.kernels, self.kernels) and _same(scene.bias, self.bias)):
            self.kernels, self.bias = np.array(scene.kernels), np.array(scene.bias)
            what |= Change.KERNELS
        if scene.selected != self.selected:
            self.selected = scene.selected
            what |= Change.SELECTED
        if scene.layer != self.settings:
            self.settings = scene.layer
            what |= Change.SETTINGS
        if scene.backend != self.backend:
            self.backend = scene.backend
            what |= Change.BACKEND
        shown = (scene.view, scene.shared_scale, scene.hide_answers)
        if view and shown != (self.view, self.shared_scale, self.hide_answers):
            self.view, self.shared_scale, self.hide_answers = shown
            what |= Change.VIEW
        if what & COMPUTED:
            self.recompute()
        if what:
            self.changed.emit(what)
        return what

    # ---- computing --------------------------------------------------------------------------
    def recompute(self) -> None:
        """Runs the layer on the input; on a combination with no output keeps the last good maps."""
        s = self.settings
        start = time.perf_counter()
        try:
            backend = self.preview_backend()
            with np.errstate(over="ignore", invalid="ignore"):  # huge weights: ±inf, clipped
                self.result = engine.feature_maps(  # by the views, as the cpu backend gives
                    self.image, self.kernels, self.bias, s.stride, s.padding_spec(),
                    s.activation, s.pool, s.pool_size, s.pool_stride, s.dilation,
                    backend=backend,
                )
            self.error = None
        except (ValueError, engine.BackendUnavailable) as exc:
            self.error = str(exc)
        self.compute_ms = (time.perf_counter() - start) * 1000.0

    def preview_backend(self) -> str:
        """The backend the preview runs on: the engine's (the window's backend session puts it on
        the chosen one once that is ready), except that for ``auto`` a single small image stays
        on the CPU (host-device copies would dominate on CUDA)."""
        current = engine.backend_name()
        return "cpu" if self.backend == "auto" and current == "cuda" else current

    def _notify(self, what: Change) -> None:
        self.recompute()
        self.changed.emit(what)

    def _match_channels(self, kernels: np.ndarray) -> np.ndarray:
        return match_channels(kernels, self.channels)


def _same(a: np.ndarray, b: np.ndarray) -> bool:
    return a.shape == b.shape and np.array_equal(a, b)


def _fit(kernel: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """``kernel`` (C, fh, fw) centre-cropped or zero-padded to ``size``."""
    c, fh, fw = kernel.shape
    th, tw = size
    out = np.zeros((c, th, tw), np.float32)
    sh, sw = min(fh, th), min(fw, tw)
    si, sj = (fh - sh) // 2, (fw - sw) // 2
    di, dj = (th - sh) // 2, (tw - sw) // 2
    out[:, di : di + sh, dj : dj + sw] = kernel[:, si : si + sh, sj : sj + sw]
    return out
