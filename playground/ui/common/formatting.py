"""Numbers and the per-cell ``c_ij = Σ a·w + b`` written out as the lecture writes them (no Qt).

Shared by the formulas, the feature maps, the step-through and the channels view so every widget
prints a number and a cell the same way.
"""

from __future__ import annotations

import html
import re

import numpy as np

MAX_WRITTEN_TERMS = 9
"""Windows with at most this many products (3x3, or 2x2 on one channel) are written out in full."""


def fmt(value: float) -> str:
    """A short readable number: integers without decimals, others to 3 decimals at most."""
    r = round(float(value), 3)
    if r == 0:
        return "0"
    if r == int(r) and abs(r) < 1e12:
        return str(int(r))
    return f"{r:.3f}".rstrip("0").rstrip(".")


def cell_formula_html(a: np.ndarray, w: np.ndarray, b: float, i: int, j: int,
                      value: float | None = None, hidden: bool = False) -> str:
    """``c_ij = (a)(w) + … + b = value`` with the real numbers, 1-based indices like the lecture.

    Small windows (at most :data:`MAX_WRITTEN_TERMS` products) are written term by term; bigger
    ones show the first terms, the count and the sum. ``value`` (the engine's result) is what is
    printed after the last ``=``; without it the float64 sum is printed. ``hidden`` (the answers
    are hidden) prints ``?`` for every sum.
    """
    av, wv = np.asarray(a, np.float64).ravel(), np.asarray(w, np.float64).ravel()
    dot = float(av @ wv)
    total = dot + float(b) if value is None else float(value)
    name = f"<i>c</i><sub>{i + 1},{j + 1}</sub>"
    terms = [f"({fmt(x)})({fmt(y)})" for x, y in zip(av, wv, strict=True)]
    bias = f"{fmt(b)}<sub>&nbsp;b</sub>"
    result = "?" if hidden else fmt(total)
    if len(terms) <= MAX_WRITTEN_TERMS:
        body = " + ".join([*terms, bias])
        return f"{name} = {body} = <b>{result}</b>"
    nonzero = [t for t, x, y in zip(terms, av, wv, strict=True) if x != 0 and y != 0]
    zeros = len(terms) - len(nonzero)
    shown = " + ".join(nonzero[:4]) + (" + …" if len(nonzero) > 4 else "") if nonzero else "0"
    count = (f"{len(terms)} products, {zeros} with a zero factor" if zeros else
             f"{len(terms)} products")
    sums = "" if hidden else f" = {fmt(dot)} + {fmt(b)}"
    return (f"{name} = Σ <i>a·w</i> + <i>b</i> = {shown} "
            f"<span style='color:{_muted()}'>({count})</span> + {bias}"
            f"{sums} = <b>{result}</b>")


def cell_formula_text(a: np.ndarray, w: np.ndarray, b: float, i: int, j: int,
                      value: float | None = None) -> str:
    """:func:`cell_formula_html` as plain text (tags stripped), for tooltips and tests."""
    return html.unescape(re.sub(r"<[^>]+>", "", cell_formula_html(a, w, b, i, j, value)))


def _muted() -> str:
    """The theme's colour for side remarks (grey on light, light grey on dark)."""
    from playground.ui.common.theme import theme

    return theme().colours.muted
