"""An architecture as short text, one layer per line, easy to type and to paste (no Qt).

::

    # LeNet-5
    input 1x28x28          (optional; this is the default)
    classes 10             (optional; this is the default)
    conv 6 5x5 pad 2       filters, kernel, then any of: same | valid | pad N, stride N, dilation N
    relu                   relu | tanh | sigmoid | none
    maxpool 2              maxpool | avgpool WINDOW [stride N]   (pool = maxpool)
    conv 16 5x5
    relu
    maxpool 2
    flatten
    dense 120              dense | linear | fc UNITS
    relu
    dropout 0.5
    dense 10

Words are case-insensitive; ``stride=2`` and ``stride 2`` both work, commas count as spaces and
``#`` starts a comment. :func:`parse_arch` only reads the words: whether the network can be built
(a kernel too large, dense before flatten) is :func:`playground.nn.arch.analyse`'s question.
"""

from __future__ import annotations

import math
import re

from playground.nn.arch import (
    ACTIVATIONS,
    AVGPOOL,
    CONV,
    DENSE,
    DROPOUT,
    FLATTEN,
    MAXPOOL,
    Arch,
    LayerSpec,
)

ALIASES = {"pool": MAXPOOL, "max": MAXPOOL, "avg": AVGPOOL, "linear": DENSE, "fc": DENSE,
           "identity": "none", "linearact": "none"}
_OPTION_NAMES = {"stride": "stride", "s": "stride", "dilation": "dilation", "d": "dilation",
                 "dil": "dilation", "pad": "padding", "padding": "padding", "p": "padding"}
MAX_TEXT = 100_000
MAX_LAYERS = 200


class ArchTextError(ValueError):
    """A line of architecture text that cannot be read; ``line`` is 1-based."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"line {line}: {message}")
        self.line = line
        self.message = message


def _int(word: str, what: str) -> int:
    if not re.fullmatch(r"[+-]?\d{1,9}", word):
        raise ValueError(f"{what} must be a whole number, got {word!r}")
    return int(word)


def _square(word: str) -> int:
    """``5`` or ``5x5`` as 5 (kernels and windows are square)."""
    parts = word.split("x")
    if len(parts) == 2 and parts[0] != parts[1]:
        raise ValueError(f"kernels and windows are square here, got {word!r}")
    if len(parts) > 2:
        raise ValueError(f"expected a size such as 5 or 5x5, got {word!r}")
    return _int(parts[0], "size")


def _options(words: list[str], allowed: tuple[str, ...]) -> dict:
    """``stride 2``, ``stride=2``, ``same``, ``valid``, ``pad 2`` as a dict of option values."""
    out: dict = {}
    i = 0
    while i < len(words):
        word = words[i]
        if word in ("same", "valid") and "padding" in allowed:
            key, value = "padding", word
            i += 1
        else:
            name, _, inline = word.partition("=")
            key = _OPTION_NAMES.get(name)
            if key is None or key not in allowed:
                raise ValueError(f"unexpected {word!r}; this layer takes "
                                 f"{', '.join(allowed) or 'no options'}")
            if inline:
                raw, i = inline, i + 1
            elif i + 1 < len(words):
                raw, i = words[i + 1], i + 2
            else:
                raise ValueError(f"{name} needs a value")
            value = raw if key == "padding" and raw in ("same", "valid") else _int(raw, key)
        if key in out:
            raise ValueError(f"{key} given twice")
        out[key] = value
    return out


def _parse_line(words: list[str]) -> LayerSpec:
    kind, rest = ALIASES.get(words[0], words[0]), words[1:]
    if kind == CONV:
        if len(rest) < 2:
            raise ValueError("conv needs filters and a kernel size, e.g. 'conv 6 5x5'")
        opts = _options(rest[2:], ("stride", "padding", "dilation"))
        return LayerSpec(CONV, filters=_int(rest[0], "filters"), size=_square(rest[1]),
                         stride=opts.get("stride"), padding=opts.get("padding", "valid"),
                         dilation=opts.get("dilation", 1))
    if kind in (MAXPOOL, AVGPOOL):
        if not rest:
            raise ValueError(f"{kind} needs a window size, e.g. '{kind} 2'")
        opts = _options(rest[1:], ("stride",))
        return LayerSpec(kind, size=_square(rest[0]), stride=opts.get("stride"))
    if kind == DENSE:
        if len(rest) != 1:
            raise ValueError("dense needs one number of units, e.g. 'dense 120'")
        return LayerSpec(DENSE, units=_int(rest[0], "units"))
    if kind == DROPOUT:
        if len(rest) > 1:
            raise ValueError("dropout takes one probability, e.g. 'dropout 0.5'")
        try:
            p = float(rest[0]) if rest else 0.5
        except ValueError:
            raise ValueError(f"dropout p must be a number, got {rest[0]!r}") from None
        if not math.isfinite(p):
            raise ValueError(f"dropout p must be a number, got {rest[0]!r}")
        return LayerSpec(DROPOUT, p=p)
    if kind in ACTIVATIONS or kind == FLATTEN:
        if rest:
            raise ValueError(f"{kind} takes no values, got {' '.join(rest)!r}")
        return LayerSpec(kind)
    raise ValueError(f"unknown layer {words[0]!r}: use conv, maxpool, avgpool, relu, tanh, "
                     "sigmoid, none, flatten, dense or dropout")


def parse_arch(text: str) -> Arch:
    """Reads architecture text; :class:`ArchTextError` names the first unreadable line."""
    if not isinstance(text, str):
        raise ArchTextError(1, "architecture text must be a string")
    if len(text) > MAX_TEXT:
        raise ArchTextError(1, f"text is longer than {MAX_TEXT:,} characters")
    layers: list[LayerSpec] = []
    input_shape, n_classes = (1, 28, 28), 10
    for number, raw in enumerate(text.splitlines(), start=1):
        words = raw.split("#", 1)[0].replace(",", " ").lower().split()
        if not words:
            continue
        try:
            if words[0] == "input":
                dims = words[1].split("x") if len(words) == 2 else []
                if len(dims) != 3:
                    raise ValueError("input is written CxHxW, e.g. 'input 1x28x28'")
                input_shape = tuple(_int(d, "input size") for d in dims)
            elif words[0] == "classes":
                if len(words) != 2:
                    raise ValueError("classes needs one number, e.g. 'classes 10'")
                n_classes = _int(words[1], "classes")
            else:
                layers.append(_parse_line(words))
        except ValueError as exc:
            raise ArchTextError(number, str(exc)) from None
        if len(layers) > MAX_LAYERS:
            raise ArchTextError(number, f"more than {MAX_LAYERS} layers")
    return Arch(tuple(layers), input_shape, n_classes)


def format_layer(s: LayerSpec) -> str:
    """One row as a line of text (what :func:`parse_arch` reads back)."""
    if s.kind == CONV:
        parts = [CONV, str(s.filters), f"{s.size}x{s.size}"]
        if isinstance(s.padding, str):
            if s.padding != "valid":
                parts.append(s.padding)
        else:
            parts += ["pad", str(s.padding)]
        if s.stride is not None:
            parts += ["stride", str(s.stride)]
        if s.dilation != 1:
            parts += ["dilation", str(s.dilation)]
        return " ".join(parts)
    if s.kind in (MAXPOOL, AVGPOOL):
        return f"{s.kind} {s.size}" + ("" if s.stride is None else f" stride {s.stride}")
    if s.kind == DENSE:
        return f"dense {s.units}"
    if s.kind == DROPOUT:
        return f"dropout {s.p:g}" if float(f"{s.p:g}") == s.p else f"dropout {s.p!r}"
    return s.kind


def format_arch(arch: Arch, title: str = "") -> str:
    """The text of ``arch``; ``input``/``classes`` lines only when they are not the defaults."""
    lines = [f"# {title}"] if title else []
    if tuple(arch.input_shape) != (1, 28, 28):
        lines.append("input " + "x".join(map(str, arch.input_shape)))
    if arch.n_classes != 10:
        lines.append(f"classes {arch.n_classes}")
    lines += [format_layer(s) for s in arch.layers]
    return "\n".join(lines) + "\n"
