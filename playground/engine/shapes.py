"""Output-size and padding arithmetic: the one source of the formulas the UI displays.

Every size follows ``floor((n + p_before + p_after - f) / s) + 1`` (PyTorch's floor mode);
pooling is the same with no padding, ``floor((H - K) / s) + 1``.
"""

from __future__ import annotations

from collections.abc import Sequence

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


def output_size(n: int, f: int, padding: int | tuple[int, int] = 0, stride: int = 1) -> int:
    """Length of a convolution (or pooling) output along one axis.

    Notes
    -----
    ``floor((n + 2p - f) / s) + 1`` with ``2p`` replaced by ``before + after`` for a pair.
    Returns 0 or less when the window does not fit: callers decide how to report it.
    """
    if stride < 1:
        raise ValueError(f"stride must be >= 1, got {stride}")
    p_total = 2 * padding if isinstance(padding, int) else int(padding[0]) + int(padding[1])
    span = n + p_total - f
    if span < 0:
        return 0
    return span // stride + 1


def dropped(n: int, f: int, padding: int | tuple[int, int] = 0, stride: int = 1) -> int:
    """How many trailing (padded) rows/columns no window reaches when the stride does not divide."""
    p_total = 2 * padding if isinstance(padding, int) else int(padding[0]) + int(padding[1])
    span = n + p_total - f
    return span % stride if span >= 0 else 0


def pool_output_size(n: int, k: int, stride: int | None = None) -> int:
    """Pooled length ``floor((H - K) / s) + 1`` (the lecture misprints it as ``(H-K)/(s+1)``)."""
    return output_size(n, k, 0, k if stride is None else stride)


def conv2d_output_hw(
    hw: tuple[int, int], kernel_hw: tuple[int, int], stride: tuple[int, int], pads: Pads
) -> tuple[int, int]:
    """``(H', W')`` of a 2-D convolution; ValueError naming the shapes when nothing fits."""
    (h, w), (fh, fw), (sh, sw) = hw, kernel_hw, stride
    pt, pb, pl, pr = pads
    ho = output_size(h, fh, (pt, pb), sh)
    wo = output_size(w, fw, (pl, pr), sw)
    if ho < 1 or wo < 1:
        raise ValueError(
            f"kernel {fh}x{fw} is larger than the padded input "
            f"{h + pt + pb}x{w + pl + pr} (input {h}x{w}, padding {pads}): no output"
        )
    return ho, wo


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
    return pool_output_size(h, kh, sh), pool_output_size(w, kw, sw)


def conv_params(k: int, c: int, fh: int, fw: int, bias: bool = True) -> int:
    """Learnable numbers in a conv layer: ``K*C*fh*fw`` weights plus ``K`` biases."""
    return k * c * fh * fw + (k if bias else 0)


def conv_macs(k: int, c: int, fh: int, fw: int, ho: int, wo: int) -> int:
    """Multiply-adds of one image through a conv layer: ``K*H'*W'`` outputs of ``C*fh*fw`` each."""
    return k * ho * wo * c * fh * fw


def dense_params(n_in: int, n_out: int, bias: bool = True) -> int:
    """Learnable numbers in a fully connected layer."""
    return n_in * n_out + (n_out if bias else 0)
