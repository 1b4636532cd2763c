"""Output-size and padding arithmetic: the one source of the formulas the UI displays.

Every size follows ``floor((n + p_before + p_after - d(f - 1) - 1) / s) + 1`` (PyTorch's floor
mode; with dilation ``d = 1`` that is ``floor((n + 2p - f) / s) + 1``); pooling is the same with
no padding, ``floor((H - K) / s) + 1``. A convolution's settings travel as one frozen
:class:`ConvGeometry`, which validates itself and computes the output size, so the backends never
recompute it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

PaddingSpec = int | str | Sequence[int]
Pads = tuple[int, int, int, int]
"""Resolved zero padding ``(top, bottom, left, right)``."""


def pair(value: int | Sequence[int], name: str) -> tuple[int, int]:
    """An int or a 2-sequence as ``(rows, cols)``; ValueError for anything else."""
    if isinstance(value, bool):
        raise ValueError(f"{name} must be an int or a pair of ints, got {value!r}")
    if isinstance(value, int) or hasattr(value, "__index__"):
        v = int(value)
        return v, v
    try:
        a, b = value
        return int(a), int(b)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be an int or a pair of ints, got {value!r}") from None


def same_padding(f: int) -> tuple[int, int]:
    """Zero padding ``(before, after)`` that keeps a stride-1 output the size of the input.

    Odd kernels pad ``(f-1)/2`` on both sides; even kernels put the extra row or column after.
    """
    total = f - 1
    return total // 2, total - total // 2


def resolve_padding(padding: PaddingSpec, kernel_hw: tuple[int, int]) -> Pads:
    """``"valid"``, ``"same"``, an int or ``(ph, pw)`` as ``(top, bottom, left, right)``."""
    fh, fw = kernel_hw
    if isinstance(padding, str):
        mode = padding.lower()
        if mode == "valid":
            return 0, 0, 0, 0
        if mode == "same":
            return (*same_padding(fh), *same_padding(fw))
        raise ValueError(f"padding must be 'valid', 'same', an int or (ph, pw), got {padding!r}")
    if not isinstance(padding, (int, str)) and len(padding) == 4:  # type: ignore[arg-type]
        pads = tuple(int(p) for p in padding)  # type: ignore[union-attr]
    else:
        ph, pw = pair(padding, "padding")  # type: ignore[arg-type]
        pads = (ph, ph, pw, pw)
    if min(pads) < 0:
        raise ValueError(f"padding must be >= 0, got {padding!r}")
    return pads  # type: ignore[return-value]


def resolve_stride(stride: int | Sequence[int]) -> tuple[int, int]:
    """Stride as ``(sh, sw)``; ValueError when either is below 1."""
    sh, sw = pair(stride, "stride")
    if sh < 1 or sw < 1:
        raise ValueError(f"stride must be >= 1 along both axes, got {stride!r}")
    return sh, sw


def _span(n: int, f: int, padding: int | tuple[int, int], dilation: int) -> int:
    """Positions past the first that a window of ``f`` taps, ``dilation`` apart, can take."""
    if dilation < 1:
        raise ValueError(f"dilation must be >= 1, got {dilation}")
    p_total = 2 * padding if isinstance(padding, int) else int(padding[0]) + int(padding[1])
    return n + p_total - dilation * (f - 1) - 1


def output_size(n: int, f: int, padding: int | tuple[int, int] = 0, stride: int = 1,
                dilation: int = 1) -> int:
    """Length of a convolution (or pooling) output along one axis.

    Notes
    -----
    ``floor((n + 2p - d(f - 1) - 1) / s) + 1`` with ``2p`` replaced by ``before + after`` for a
    pair; with ``d = 1`` it is the lecture's ``floor((n + 2p - f) / s) + 1``.
    Returns 0 when the window does not fit: callers decide how to report it.
    """
    if stride < 1:
        raise ValueError(f"stride must be >= 1, got {stride}")
    span = _span(n, f, padding, dilation)
    if span < 0:
        return 0
    return span // stride + 1


def dropped(n: int, f: int, padding: int | tuple[int, int] = 0, stride: int = 1,
            dilation: int = 1) -> int:
    """How many trailing (padded) rows/columns no window reaches when the stride does not divide."""
    span = _span(n, f, padding, dilation)
    return span % stride if span >= 0 else 0


def pool_output_size(n: int, k: int, stride: int | None = None) -> int:
    """Pooled length ``floor((H - K) / s) + 1`` (the lecture misprints it as ``(H-K)/(s+1)``)."""
    return output_size(n, k, 0, k if stride is None else stride)


def _positive_pair(value: int | Sequence[int], name: str) -> tuple[int, int]:
    a, b = pair(value, name)
    if a < 1 or b < 1:
        raise ValueError(f"{name} must be >= 1 along both axes, got {value!r}")
    return a, b


@dataclass(frozen=True)
class ConvGeometry:
    """Where a 2-D convolution's windows go: stride, zero padding and dilation, validated.

    ``stride`` and ``dilation`` are ints or ``(rows, cols)`` pairs (stored as pairs, each >= 1);
    ``padding`` is ``(top, bottom, left, right)`` (or an int / ``(ph, pw)`` pair), each >= 0.
    Build one from the public API's looser spellings (``"same"``) with :meth:`resolve`.

    Notes
    -----
    ``H' = floor((H + pt + pb - dh(fh - 1) - 1) / sh) + 1``, the same along the columns.
    """

    stride: tuple[int, int] = (1, 1)
    padding: Pads = (0, 0, 0, 0)
    dilation: tuple[int, int] = (1, 1)

    def __post_init__(self) -> None:
        object.__setattr__(self, "stride", _positive_pair(self.stride, "stride"))
        object.__setattr__(self, "dilation", _positive_pair(self.dilation, "dilation"))
        pad = self.padding
        if isinstance(pad, str):
            raise ValueError(
                f"ConvGeometry takes resolved padding (top, bottom, left, right), got {pad!r}; "
                "use ConvGeometry.resolve for 'same' or 'valid'")
        pads = resolve_padding(pad, (1, 1))
        object.__setattr__(self, "padding", pads)

    @classmethod
    def resolve(cls, kernel_hw: tuple[int, int], stride: int | Sequence[int] = 1,
                padding: PaddingSpec = 0, dilation: int | Sequence[int] = 1) -> ConvGeometry:
        """The geometry for a ``kernel_hw`` filter; ``padding`` may be ``"same"`` or ``"valid"``.

        ``"same"`` keeps a stride-1 output the input's size, so it pads for the dilated extent.
        """
        dh, dw = _positive_pair(dilation, "dilation")
        fh, fw = kernel_hw
        extent = (dh * (fh - 1) + 1, dw * (fw - 1) + 1)
        return cls(resolve_stride(stride), resolve_padding(padding, extent), (dh, dw))

    @property
    def undilated(self) -> bool:
        """Whether the taps are adjacent (dilation 1 along both axes)."""
        return self.dilation == (1, 1)

    def output_hw(self, hw: tuple[int, int], kernel_hw: tuple[int, int]) -> tuple[int, int]:
        """``(H', W')`` for an ``hw`` input and a ``kernel_hw`` filter; ValueError if none fits.

        :func:`output_size` along each axis, written out: this runs on every live-preview call.
        """
        (h, w), (fh, fw) = hw, kernel_hw
        (sh, sw), (dh, dw) = self.stride, self.dilation
        pt, pb, pl, pr = self.padding
        span_h = h + pt + pb - dh * (fh - 1) - 1
        span_w = w + pl + pr - dw * (fw - 1) - 1
        if span_h < 0 or span_w < 0:
            extent = f"{dh * (fh - 1) + 1}x{dw * (fw - 1) + 1}"
            dil = "" if self.undilated else f" (dilated to {extent})"
            raise ValueError(
                f"kernel {fh}x{fw}{dil} is larger than the padded input "
                f"{h + pt + pb}x{w + pl + pr} (input {h}x{w}, padding {self.padding}): no output"
            )
        return span_h // sh + 1, span_w // sw + 1


def conv2d_output_hw(
    hw: tuple[int, int], kernel_hw: tuple[int, int], stride: tuple[int, int], pads: Pads
) -> tuple[int, int]:
    """``(H', W')`` of an undilated 2-D convolution; ValueError naming the shapes when none fits."""
    return ConvGeometry(stride, pads).output_hw(hw, kernel_hw)


def pool2d_output_hw(
    hw: tuple[int, int], size: tuple[int, int], stride: tuple[int, int]
) -> tuple[int, int]:
    """``(H', W')`` of a pooling; ValueError naming the shapes when the window exceeds the map."""
    (h, w), (kh, kw), (sh, sw) = hw, size, stride
    if kh < 1 or kw < 1:
        raise ValueError(f"pooling window must be >= 1, got {kh}x{kw}")
    if kh > h or kw > w:
        raise ValueError(
            f"pooling window {kh}x{kw} is larger than the feature map {h}x{w}: no output"
        )
    if sh < 1 or sw < 1:
        raise ValueError(f"pooling stride must be >= 1, got {sh}x{sw}")
    return (h - kh) // sh + 1, (w - kw) // sw + 1  # pool_output_size, written out (hot path)


def conv_params(k: int, c: int, fh: int, fw: int, bias: bool = True) -> int:
    """Learnable numbers in a conv layer: ``K*C*fh*fw`` weights plus ``K`` biases."""
    return k * c * fh * fw + (k if bias else 0)


def conv_macs(k: int, c: int, fh: int, fw: int, ho: int, wo: int) -> int:
    """Multiply-adds of one image through a conv layer: ``K*H'*W'`` outputs of ``C*fh*fw`` each."""
    return k * ho * wo * c * fh * fw


def dense_params(n_in: int, n_out: int, bias: bool = True) -> int:
    """Learnable numbers in a fully connected layer."""
    return n_in * n_out + (n_out if bias else 0)
