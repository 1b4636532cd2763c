"""Reading typed answers: numbers with thousands separators, sizes written ``14x14`` or ``14 × 14``.

Qt-free; :class:`playground.lessons.schema.Question` checks answers with these.
"""

from __future__ import annotations

import math
import re

_SPACES = re.compile(r"[\s_\u00a0\u2009\u202f']+")
_THOUSANDS = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d*)?")
_SIZE = re.compile(r"\(?\s*(\d+)\s*[x×X*,]\s*(\d+)\s*\)?|(\d+)\s*by\s*(\d+)")


def parse_number(text: str) -> float | None:
    """``text`` as a number: ``768000``, ``768,000``, ``768 000``, ``0.5``, ``1e3``; else None."""
    if not isinstance(text, str):
        return None
    t = _SPACES.sub("", text.strip())
    if _THOUSANDS.fullmatch(t):
        t = t.replace(",", "")
    try:
        value = float(t)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def parse_size(text: str) -> tuple[int, int] | None:
    """``text`` as a size: ``14x14``, ``14 x 14``, ``14×14``, ``(14, 14)``, ``14 by 14``; else None.

    A single number ``n`` means ``n x n``.
    """
    if not isinstance(text, str):
        return None
    t = text.strip().lower()
    m = _SIZE.fullmatch(t)
    if m:
        a, b = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
        return int(a), int(b)
    if t.isdigit():
        return int(t), int(t)
    return None


def decimals(text: str) -> int:
    """How many decimals ``text`` writes (0 for whole numbers and exponent forms)."""
    t = _SPACES.sub("", text.strip()).lower()
    if "e" in t or "." not in t:
        return 0
    return len(t.split(".", 1)[1])
