"""Feature maps and kernels as files and text: CSV, NumPy ``.npy`` and tab-separated rows (no Qt).

Every file goes through :func:`~playground.fileio.atomic_write`, so a failed save leaves the old
file (or none), never half of one.

CSV layout
----------
A 2-D array is one line per row, values separated by commas; a 1-D array is one line after a
``# shape: N (value)`` header. Values are
written as the shortest text that reads back to the same float32 (``0.1``, not
``0.10000000149011612``), so a CSV round-trips exactly.

A 3-D or 4-D array (``C x H x W`` maps, a ``K x C x fh x fw`` layer of filters) is written as its
2-D ``H x W`` slices, one block each, in C order::

    # shape: 2x3x4 (channel, row, column)
    # [0]
    1,2,3,4
    ...
    <blank line>
    # [1]
    ...

Lines starting with ``#`` and blank lines are comments to ``numpy.loadtxt`` and to most
spreadsheet importers' "skip" options, so ``np.loadtxt(f, delimiter=",").reshape(shape)`` (the
shape from the first line) gives the array back; :func:`read_csv` does exactly that.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import numpy as np

from playground.fileio import SaveError, atomic_write

MAX_TEXT_VALUES = 4_000_000
"""The most values written as CSV or copied as text (about 40 MB of text); more: use .npy."""
AXES = {1: ("value",), 2: ("row", "column"), 3: ("channel", "row", "column"),
        4: ("filter", "channel", "row", "column")}
"""What each axis is called in a CSV header, by the array's number of dimensions."""


def as_values(values: np.ndarray) -> np.ndarray:
    """``values`` as a C-contiguous float32 array of 1 to 4 dimensions; ValueError otherwise."""
    arr = np.asarray(values)
    if arr.dtype.kind not in "fiub":
        raise ValueError(f"cannot export values of type {arr.dtype}")
    if not 1 <= arr.ndim <= 4:
        raise ValueError(f"cannot export a {arr.ndim}-D array (1-D to 4-D only)")
    if arr.size == 0:
        raise ValueError("there are no values to export (the array is empty)")
    return np.ascontiguousarray(arr, dtype=np.float32)


def shape_text(shape: tuple[int, ...]) -> str:
    """``(16, 6, 5, 5)`` as ``"16×6×5×5"`` (how the app writes shapes)."""
    return "×".join(str(int(n)) for n in shape)


def format_value(v: np.float32) -> str:
    """The shortest text that reads back as the same float32 (``nan``, ``inf``, ``-inf`` too)."""
    v = np.float32(v)
    if not np.isfinite(v):
        return "nan" if np.isnan(v) else ("inf" if v > 0 else "-inf")
    if v == 0 or 1e-4 <= abs(v) < 1e7:
        return np.format_float_positional(v, unique=True, trim="-")
    return np.format_float_scientific(v, unique=True, trim="-")  # 3e-09, not 0.000000003


def _rows(block: np.ndarray, sep: str) -> list[str]:
    block = block.reshape(1, -1) if block.ndim == 1 else block
    return [sep.join(format_value(v) for v in row) for row in block]


def to_text(values: np.ndarray, sep: str = ",") -> str:
    """``values`` in the CSV layout of this module, with ``sep`` between values (``"\\t"``:
    what a spreadsheet pastes into cells). ValueError for what cannot be written."""
    arr = as_values(values)
    if arr.size > MAX_TEXT_VALUES:
        raise ValueError(f"{arr.size:,} values are too many for text (at most "
                         f"{MAX_TEXT_VALUES:,}); save them as NumPy (.npy) instead")
    if arr.ndim == 2:
        return "\n".join(_rows(arr, sep)) + "\n"
    lines = [f"# shape: {'x'.join(map(str, arr.shape))} ({', '.join(AXES[arr.ndim])})"]
    if arr.ndim == 1:
        return "\n".join(lines + _rows(arr, sep)) + "\n"
    for n, index in enumerate(np.ndindex(*arr.shape[:-2])):
        if n:
            lines.append("")
        lines.append(f"# [{', '.join(map(str, index))}]")
        lines.extend(_rows(arr[index], sep))
    return "\n".join(lines) + "\n"


_SHAPE_LINE = re.compile(r"#\s*shape:\s*([0-9x]+)")


def read_csv(path: str | Path) -> np.ndarray:
    """Reads a CSV written by :func:`write_csv` back as float32 with its shape."""
    text = Path(path).read_text(encoding="utf-8")
    first = text.split("\n", 1)[0]
    match = _SHAPE_LINE.match(first)
    arr = np.loadtxt(io.StringIO(text), delimiter=",", comments="#", dtype=np.float32, ndmin=2)
    if match:
        return arr.reshape(tuple(int(n) for n in match.group(1).split("x")))
    return arr


def _with_suffix(path: str | Path, suffix: str) -> Path:
    path = Path(path)
    if not path.name or path.name in (".", ".."):
        raise SaveError(f"cannot write {str(path)!r}: no file name")
    return path if path.suffix.lower() == suffix else path.with_name(path.name + suffix)


def write_csv(path: str | Path, values: np.ndarray) -> Path:
    """Writes ``values`` as CSV (the layout above) atomically; ``.csv`` is added when the name
    lacks it. Returns the path written; :class:`SaveError` or ValueError says why not."""
    text = to_text(values, ",")
    return atomic_write(_with_suffix(path, ".csv"),
                        lambda tmp: tmp.write_text(text, encoding="utf-8", newline="\n"))


def write_npy(path: str | Path, values: np.ndarray) -> Path:
    """Writes ``values`` as a float32 ``.npy`` of their true shape (``np.load`` reads it,
    no pickles), atomically; ``.npy`` is added when the name lacks it."""
    arr = as_values(values)

    def write(tmp: Path) -> None:
        with open(tmp, "wb") as fh:
            np.save(fh, arr, allow_pickle=False)

    return atomic_write(_with_suffix(path, ".npy"), write)


def file_stem(*parts: object) -> str:
    """A default file name from ``parts``: ``("conv1", "filter3")`` -> ``"conv1-filter3"``;
    lower case, letters, digits, ``.``, ``_`` and ``-`` only, never empty."""
    text = "-".join(str(p) for p in parts if str(p))
    text = re.sub(r"[^a-z0-9._-]+", "-", text.lower().replace("×", "x")).strip("-.")
    return text[:80] or "values"
