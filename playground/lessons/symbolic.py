"""One output cell written as the lecture writes it: ``c_11 = a_11·w_11 + a_12·w_12 + …``, first
with symbols, then with the numbers and the result (no Qt).

The lecture's notation: ``a_rs`` is the input's row r, column s (1-based), ``w_uv`` the kernel's
row u, column v, ``c_ij`` the output. A tap that falls on the zero padding is written ``0`` in
both lines; stride and dilation move the taps (``a_{r,s}`` with ``r = (i-1)·s + (u-1)·d + 1 −
p_top``). With several input channels each symbol carries its channel (``a¹_11·w¹_11``). Only
one cell is written, so a 28x28 input with a 5x5 kernel costs 25 terms; windows with more than
:data:`MAX_TERMS` products are elided in the middle (the sum still counts all of them).
"""

from __future__ import annotations

import html
from dataclasses import dataclass

import numpy as np

MAX_TERMS = 49
"""Products written out in full (a 7x7 window); bigger windows show the first and last few."""
_ENDS = 6
"""Products kept at each end of an elided sum."""
_SUPER = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def compact(value: float) -> str:
    """A number in few characters: whole numbers in full (up to a million), others to 3
    significant digits (``0.988``, ``12.3``, ``1235`` for 1234.6); ``-0`` is ``0``."""
    v = float(value)
    if not np.isfinite(v):
        return str(v)
    if v == int(v) and abs(v) < 1e6:
        return str(int(v)) if v != 0 else "0"
    if abs(v) >= 1000 and abs(v) < 1e6:
        return str(round(v))
    text = f"{v:.3g}"
    return "0" if text in ("0", "-0") else text


def _index(*ix: int) -> str:
    """``11`` for (1, 1), ``10,2`` when an index has more than one digit (the lecture's style)."""
    return ("," if any(i > 9 for i in ix) else "").join(str(i) for i in ix)


@dataclass(frozen=True)
class Term:
    """One product of the sum: input tap × weight (``row``/``col`` 1-based; 0-based ``u``/``v``
    in the kernel). ``padded``: the tap lies on the zero padding (``a`` is 0)."""

    channel: int
    row: int
    col: int
    u: int
    v: int
    a: float
    w: float
    padded: bool

    def symbol(self, channels: int, rich: bool = False) -> str:
        """``a_11·w_11`` (``0·w_11`` on the padding), with the channel when there are several."""
        ch = str(self.channel + 1).translate(_SUPER) if channels > 1 else ""
        if rich:
            w = f"<i>w</i>{ch}<sub>{_index(self.u + 1, self.v + 1)}</sub>"
            a = "0" if self.padded else f"<i>a</i>{ch}<sub>{_index(self.row, self.col)}</sub>"
        else:
            w = f"w{ch}_{_index(self.u + 1, self.v + 1)}"
            a = "0" if self.padded else f"a{ch}_{_index(self.row, self.col)}"
        return f"{a}·{w}"

    def numbers(self) -> str:
        """``2·1`` (negative factors in parentheses: ``(-1)·2``)."""
        return "·".join(_factor(x) for x in (self.a, self.w))


def _factor(x: float) -> str:
    text = compact(x)
    return f"({text})" if text.startswith("-") else text


@dataclass(frozen=True)
class CellFormula:
    """Output cell (i, j) (0-based) of kernel ``k``: its products, bias and value.

    ``value`` is what the engine computed when given, else the float64 sum of the products plus
    the bias.
    """

    k: int
    i: int
    j: int
    channels: int
    terms: tuple[Term, ...]
    bias: float
    value: float
    window: tuple[int, int, int, int]
    """``(row, col, height, width)`` of the window's extent, 1-based rows/cols of the input
    (0 or less: the padding)."""

    @property
    def total(self) -> float:
        """The products summed in float64, plus the bias."""
        return float(sum(t.a * t.w for t in self.terms)) + self.bias

    def name(self, rich: bool = False) -> str:
        """``c_11`` (``c_10,2`` past nine)."""
        ix = _index(self.i + 1, self.j + 1)
        return f"<i>c</i><sub>{ix}</sub>" if rich else f"c_{ix}"

    def _join(self, parts: list[str]) -> str:
        if len(parts) > MAX_TERMS:
            hidden = len(parts) - 2 * _ENDS
            parts = [*parts[:_ENDS], f"… ({hidden} more) …", *parts[-_ENDS:]]
        return " + ".join(parts)

    def symbols(self, rich: bool = False) -> str:
        """``c_11 = a_11·w_11 + a_12·w_12 + … (+ b)``."""
        parts = [t.symbol(self.channels, rich) for t in self.terms]
        if self.bias != 0:
            parts.append("<i>b</i>" if rich else "b")
        return f"{self.name(rich)} = {self._join(parts)}"

    def numbers(self, rich: bool = False, hidden: bool = False) -> str:
        """``c_11 = 1·1 + 2·1 + 4·1 + 5·1 = 12``; ``= ?`` when ``hidden``."""
        parts = [t.numbers() for t in self.terms]
        if self.bias != 0:
            parts.append(_factor(self.bias))
        result = "?" if hidden else compact(self.value)
        body = self._join(parts)
        if rich:
            return f"{self.name(True)} = {html.escape(body)} = <b>{html.escape(result)}</b>"
        return f"{self.name()} = {body} = {result}"

    def text(self, hidden: bool = False) -> str:
        """Both lines, plain."""
        return f"{self.symbols()}\n{self.numbers(hidden=hidden)}"


def cell_formula(image: np.ndarray, kernels: np.ndarray, bias: np.ndarray, k: int, i: int, j: int,
                 pads: tuple[int, int, int, int] = (0, 0, 0, 0),
                 stride: tuple[int, int] = (1, 1), dilation: tuple[int, int] = (1, 1),
                 value: float | None = None) -> CellFormula:
    """The formula of output cell (i, j) (0-based) of kernel ``k``.

    ``image`` is (H, W) or (C, H, W); ``kernels`` (K, C, fh, fw); ``pads`` (top, bottom, left,
    right); ``value`` the engine's result for the cell (printed after the last ``=``). Costs one
    window's worth of work whatever the input's size.
    """
    x = np.asarray(image)
    x = x[None] if x.ndim == 2 else x
    w = np.asarray(kernels)[k]
    c, fh, fw = w.shape
    if x.shape[0] != c:
        raise ValueError(f"the input has {x.shape[0]} channel(s), the kernel {c}")
    (sh, sw), (dh, dw) = stride, dilation
    h, wd = x.shape[1:]
    r0, c0 = i * sh - pads[0], j * sw - pads[2]
    terms = []
    for ch in range(c):
        for u in range(fh):
            r = r0 + u * dh
            for v in range(fw):
                s = c0 + v * dw
                inside = 0 <= r < h and 0 <= s < wd
                terms.append(Term(ch, r + 1, s + 1, u, v, float(x[ch, r, s]) if inside else 0.0,
                                  float(w[ch, u, v]), not inside))
    b = float(np.asarray(bias)[k])
    total = float(sum(t.a * t.w for t in terms)) + b
    return CellFormula(k, i, j, c, tuple(terms), b, total if value is None else float(value),
                       (r0 + 1, c0 + 1, dh * (fh - 1) + 1, dw * (fw - 1) + 1))
