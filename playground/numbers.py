"""Numbers typed by the user (kernel cells, pasted matrices, the 1-D stepper's vectors).

Everything the playground computes is float32, so a typed value must be a finite number that
float32 can hold: ``1e39``, ``3.5e38``, ``inf``, ``nan`` or a fraction that overflows such as
``1e38/1e-38`` are refused with a message (never stored as infinity). Values too small for
float32 (``1e-46``) are kept; they round to zero, as float32 itself does.
"""

from __future__ import annotations

import math
import re

import numpy as np

FLOAT32_MAX = float(np.finfo(np.float32).max)
"""The largest magnitude a weight may have (about 3.4e38)."""
MAX_CHARS = 100
"""A longer entry is refused before it is parsed."""
_FRACTION = re.compile(r"^\s*([-+]?[\d.eE+-]+)\s*/\s*([-+]?[\d.eE+-]+)\s*$")


def check_float32(value: float, what: str = "a weight") -> float:
    """``value`` if float32 can hold it (finite, ``|value| <= 3.4e38``); ValueError else."""
    if not math.isfinite(value):
        raise ValueError(f"{what} must be a finite number (no NaN or infinity)")
    if abs(value) > FLOAT32_MAX:
        raise ValueError(f"{what} must lie within ±{FLOAT32_MAX:.4g} (float32), got {value:.4g}")
    return value


def parse_number(text: str, what: str = "a weight") -> float:
    """A typed number or a fraction like ``1/9``, checked by :func:`check_float32`; ValueError
    with a readable message for anything else (empty, not a number, division by zero)."""
    t = str(text).strip().replace("−", "-")
    if not t:
        raise ValueError(f"{what} cannot be empty: type a number")
    if len(t) > MAX_CHARS:
        raise ValueError(f"{what} is at most {MAX_CHARS} characters long")
    m = _FRACTION.match(t)
    try:
        value = float(m.group(1)) / float(m.group(2)) if m else float(t)
    except (ValueError, ZeroDivisionError, OverflowError):
        shown = t if len(t) <= 20 else t[:20] + "…"
        raise ValueError(f"{shown!r} is not a number") from None
    return check_float32(value, what)
