"""A generator of hostile inputs: malformed model files, IDX files, images and command lines.

Every generator takes a seeded ``random.Random`` and a size ``n`` (how many random variants to add
to the fixed hand-made cases) and yields ``(name, payload)`` pairs, where the payload is the
file's bytes (or, for command lines, an argument list with ``{tmp}``/``{model}``/``{image}``
placeholders). ``n=0`` gives the hand-made cases only, small enough for the default test suite.
"""

from __future__ import annotations

import gzip
import io
import json
import random
import struct
import zipfile
import zlib
from collections.abc import Iterator

import numpy as np

Item = tuple[str, bytes]


# ---------------------------------------------------------------------------------- model files
def valid_model_bytes(arch: str = "lenet5-small", n_classes: int = 10) -> bytes:
    """A real model file, saved by the app (the seed every model-file mutation starts from)."""
    import tempfile
    from pathlib import Path

    from playground.nn import build_model

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "m.npz"
        extra = {} if n_classes == 10 else {"n_classes": n_classes}
        build_model(arch, seed=1, backend="reference", **extra).save(path)
        return path.read_bytes()


def _large_model_bytes() -> bytes:
    """A 12.8-million-weight custom model (51 MB of zeros stored; under every limit)."""
    import tempfile
    from pathlib import Path

    from playground.nn import Flatten, Linear, Model, ReLU

    model = Model([Flatten(), Linear(784, 16384), ReLU(), Linear(16384, 10)], "custom",
                  "reference")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "big.npz"
        model.save(path)
        return path.read_bytes()


def _npz_members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {info.filename: zf.read(info) for info in zf.infolist()}


def _zip(members: dict[str, bytes], method: int = zipfile.ZIP_STORED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as zf:
        for name, payload in members.items():
            zf.writestr(name, payload)
    return buf.getvalue()


def _npy(arr: np.ndarray) -> bytes:
    buf = io.BytesIO()
    np.lib.format.write_array(buf, arr, allow_pickle=True)
    return buf.getvalue()


def _npy_lying(shape: tuple[int, ...], dtype: str = "<f4", payload: bytes = b"\0" * 64) -> bytes:
    """An .npy header that declares ``shape`` followed by only ``payload`` (a size bomb)."""
    header = {"descr": dtype, "fortran_order": False, "shape": shape}
    text = repr(header).encode("latin1")
    pad = 64 - (10 + len(text) + 1) % 64
    text += b" " * pad + b"\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(text)) + text + payload


def _header_of(members: dict[str, bytes]) -> dict:
    arr = np.lib.format.read_array(io.BytesIO(members["__header__.npy"]))
    return json.loads(arr.tobytes())


def _with_header(members: dict[str, bytes], header) -> dict[str, bytes]:
    raw = header if isinstance(header, bytes) else json.dumps(header).encode()
    return {**members, "__header__.npy": _npy(np.frombuffer(raw, np.uint8))}


def _header_mutations(members: dict[str, bytes]) -> Iterator[tuple[str, dict[str, bytes]]]:
    h = _header_of(members)
    lin = next(i for i, s in enumerate(h["layers"]) if s["kind"] == "linear")
    cases = {
        "no-format": {k: v for k, v in h.items() if k != "format"},
        "version-2": {**h, "format_version": 2},
        "layers-not-list": {**h, "layers": "conv"},
        "layers-empty": {**h, "layers": []},
        "layers-of-ints": {**h, "layers": [1, 2, 3]},
        "unknown-kind": {**h, "layers": [{"kind": "lstm"}]},
        "huge-linear": {**h, "layers": [{"kind": "flatten"},
                                        {"kind": "linear", "in_features": 784,
                                         "out_features": 10**9}]},
        "huge-conv": {**h, "layers": [{"kind": "conv", "in_channels": 1,
                                       "out_channels": 100_000, "kernel_size": [28, 28],
                                       "stride": [1, 1], "padding": 0}]},
        "float-sizes": {**h, "layers": [{"kind": "flatten"},
                                        {"kind": "linear", "in_features": 784.5,
                                         "out_features": 10}]},
        "bool-sizes": {**h, "layers": [{"kind": "flatten"},
                                       {"kind": "linear", "in_features": True,
                                        "out_features": 10}]},
        "negative-size": {**h, "layers": [{"kind": "flatten"},
                                          {"kind": "linear", "in_features": 784,
                                           "out_features": -10}]},
        "zero-channels": {**h, "layers": [{**h["layers"][0], "out_channels": 0}, *h["layers"][1:]]},
        "linear-after-conv": {**h, "layers": [h["layers"][0], h["layers"][lin]]},
        "ends-in-conv": {**h, "layers": h["layers"][:1]},
        "one-class": {**h, "layers": [*h["layers"][:lin],
                                      {**h["layers"][lin], "out_features": 1}]},
        "pool-after-flatten": {**h, "layers": [{"kind": "flatten"},
                                               {"kind": "maxpool", "size": [2, 2],
                                                "stride": [2, 2]}]},
        "bad-padding": {**h, "layers": [{**h["layers"][0], "padding": "circular"},
                                        *h["layers"][1:]]},
        "channels-mismatch": {**h, "layers": [{**h["layers"][0], "in_channels": 3},
                                              *h["layers"][1:]]},
        "input-shape-rgb": {**h, "input_shape": [3, 28, 28]},
        "input-shape-huge": {**h, "input_shape": [1, 100000, 100000]},
        "history-not-list": {**h, "history": {"epoch": 1}},
        "history-of-ints": {**h, "history": [1, 2]},
        "training-list": {**h, "training": [1]},
        "data-string": {**h, "data": "x"},
        "architecture-int": {**h, "architecture": 5},
        "architecture-other": {**h, "architecture": "fcnn"},
        "header-list": [h],
    }
    for name, header in cases.items():
        yield f"header-{name}", _with_header(members, header)
    yield "header-not-utf8", _with_header(members, b"\xff\xfe{}")
    yield "header-not-json", _with_header(members, b"{'format': 1")
    yield "header-deep-json", _with_header(members, b"[" * 100_000 + b"]" * 100_000)
    yield "header-float-array", {**members, "__header__.npy": _npy(np.zeros(4, np.float32))}
    yield "header-2d", {**members, "__header__.npy": _npy(np.zeros((2, 2), np.uint8))}
    yield "header-missing", {k: v for k, v in members.items() if k != "__header__.npy"}


def model_corpus(rng: random.Random, n: int = 0) -> Iterator[Item]:
    """Malformed (and a few valid) model files."""
    good = valid_model_bytes()
    members = _npz_members(good)
    weights = [k for k in members if k != "__header__.npy"]
    w0 = weights[0]
    shape0 = np.lib.format.read_array(io.BytesIO(members[w0])).shape
    yield "valid", good
    yield "valid-27-classes", valid_model_bytes("fcnn", 27)
    yield "valid-deflated", _zip(members, zipfile.ZIP_DEFLATED)
    yield "empty", b""
    yield "png", _png(8, 8)
    yield "jpeg-magic", b"\xff\xd8\xff\xe0" + bytes(100)
    yield "text", b"hello, I am a model\n"
    yield "pickle", b"\x80\x04\x95" + bytes(40)
    yield "npy-alone", _npy(np.zeros(3, np.float32))
    yield "gzip", gzip.compress(good[:1000])
    yield "zip-header-only", b"PK\x03\x04"
    yield "empty-zip", _zip({})
    for cut in (10, 30, 100, len(good) // 2, len(good) - 30, len(good) - 1):
        yield f"truncated-{cut}", good[:cut]
    yield "missing-weight", _zip({k: v for k, v in members.items() if k != w0})
    yield "extra-array", _zip({**members, "extra.npy": _npy(np.zeros(3, np.float32))})
    yield "not-npy-member", _zip({**members, "readme.txt": b"hi"})
    yield "dir-member", _zip({**members, "folder/": b""})
    yield "wrong-shape", _zip({**members, w0: _npy(np.zeros((3, 3), np.float32))})
    yield "transposed", _zip({**members, w0: _npy(np.zeros(shape0[::-1], np.float32))})
    for dt in ("int32", "float64", "float16", "complex64", "bool", "uint8", ">f4"):
        yield f"dtype-{dt}", _zip({**members, w0: _npy(np.zeros(shape0, dt))})
    yield "float64-overflow", _zip({**members, w0: _npy(np.full(shape0, 1e300))})
    yield "fortran-order", _zip({**members, w0: _npy(np.asfortranarray(
        np.ones(shape0, np.float32)))})
    yield "object-array", _zip({**members, w0: _npy(np.array([{"a": 1}, None], object))})
    yield "structured", _zip({**members, w0: _npy(np.zeros(3, "f4,i4"))})
    yield "nan-weights", _zip({**members, w0: _npy(np.full(shape0, np.nan, np.float32))})
    yield "inf-weights", _zip({**members, w0: _npy(np.full(shape0, np.inf, np.float32))})
    for shape in ((10**6, 10**6), (2**31, 2**31), (10**5, 10**5, 10), (2**62,)):
        yield f"huge-shape-{'x'.join(map(str, shape))}", _zip({**members,
                                                               w0: _npy_lying(shape)})
    yield "huge-header-array", _zip({**members, "__header__.npy": _npy_lying((10**10,), "|u1")})
    yield "npy-bad-version", _zip({**members, w0: b"\x93NUMPY\x09\x00" + bytes(100)})
    yield "npy-bad-header", _zip({**members, w0: b"\x93NUMPY\x01\x00\x10\x00{'descr': 1}   \n"})
    yield "deflate-bomb", _deflate_bomb(members, w0)
    yield "declared-size-bomb", _declared_size_bomb(_zip(members))
    yield "bz2-member", _zip(members, zipfile.ZIP_BZIP2)
    for name, mutated in _header_mutations(members):
        yield name, _zip(mutated)
    if n:  # a model near the size limits, deflated to a small file, for the peak-memory figures
        yield "valid-large-deflated", _zip(_npz_members(_large_model_bytes()), zipfile.ZIP_DEFLATED)
    for i in range(n):
        kind = rng.choice(("flip", "flip", "cut", "splice", "bytes"))
        data = bytearray(good)
        if kind == "flip":
            for _ in range(rng.randint(1, 8)):
                pos = rng.randrange(len(data))
                data[pos] ^= 1 << rng.randrange(8)
        elif kind == "cut":
            data = data[: rng.randrange(len(data))]
        elif kind == "splice":
            a = rng.randrange(len(data))
            data[a:a] = rng.randbytes(rng.randint(1, 64))
        else:
            data = bytearray(rng.randbytes(rng.randint(0, 4096)))
        yield f"random-{kind}-{i}", bytes(data)


def _deflate_bomb(members: dict[str, bytes], w0: str) -> bytes:
    """A member whose .npy header declares 256 MiB, followed by 128 MiB of deflated zeros."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, payload in members.items():
            if name != w0:
                zf.writestr(name, payload)
        with zf.open(w0, "w", force_zip64=True) as fh:
            fh.write(_npy_lying((1 << 26,), payload=b""))
            block = bytes(1 << 20)
            for _ in range(128):
                fh.write(block)
    return buf.getvalue()


def _declared_size_bomb(data: bytes) -> bytes:
    """The central directory claims a 4 GB uncompressed member (the data stays small)."""
    out = bytearray(data)
    pos = out.find(b"PK\x01\x02")
    out[pos + 24:pos + 28] = struct.pack("<I", 0xFFFFFFF0)
    return bytes(out)


# ---------------------------------------------------------------------------------- IDX files
def _idx(code: int, shape: tuple[int, ...], payload: bytes | None = None) -> bytes:
    head = struct.pack(f">HBB{len(shape)}I", 0, code, len(shape), *shape)
    if payload is None:
        payload = bytes(int(np.prod(shape, dtype=np.int64)))
    return head + payload


def idx_corpus(rng: random.Random, n: int = 0) -> Iterator[Item]:
    """Malformed (and valid) IDX files, plain and gzipped."""
    images = _idx(8, (5, 28, 28), bytes(range(256)) * 15 + bytes(80))
    labels = _idx(8, (5,), bytes([0, 1, 2, 3, 4]))
    yield "valid-images", images
    yield "valid-labels", labels
    yield "valid-gz", gzip.compress(images)
    yield "empty", b""
    yield "three-bytes", b"\0\0\x08"
    yield "bad-magic", b"\x01\x02\x08\x03" + images[4:]
    yield "unknown-type", b"\0\0\x07\x01" + images[4:]
    yield "zero-dims", b"\0\0\x08\x00"
    yield "255-dims", b"\0\0\x08\xff" + bytes(8)
    yield "truncated-header", images[:10]
    yield "truncated-data", images[:-7]
    yield "extra-data", images + b"xyz"
    yield "dims-overflow", _idx(8, (2**32 - 1, 2**32 - 1, 2**32 - 1), b"")
    yield "huge-declared", _idx(8, (10**8, 28, 28), bytes(1000))
    yield "float64-images", _idx(0x0E, (2, 28, 28))
    yield "int32-labels", _idx(0x0C, (5,))
    yield "wrong-image-size", _idx(8, (3, 10, 10))
    yield "gz-truncated", gzip.compress(images)[:-10]
    yield "gz-garbage-after", gzip.compress(images) + b"garbage"
    yield "gz-header-only", b"\x1f\x8b\x08\x00"
    yield "gz-bomb", _gz_bomb(_idx(8, (1000,), b""), 256)
    yield "gz-declared-huge", gzip.compress(_idx(8, (10**9, 28, 28), b""))
    if n:  # the largest inputs that are accepted, for the peak-memory figures
        from playground.data.idx import MAX_IDX_BYTES

        yield "valid-gz-at-limit", _gz_bomb(_idx(8, (MAX_IDX_BYTES >> 20, 1024, 1024), b""),
                                            MAX_IDX_BYTES >> 20)
    for i in range(n):
        data = bytearray(rng.choice((images, labels, gzip.compress(images))))
        for _ in range(rng.randint(1, 6)):
            pos = rng.randrange(len(data))
            data[pos] = rng.randrange(256)
        if rng.random() < 0.3:
            data = data[: rng.randrange(1, len(data))]
        yield f"random-{i}", bytes(data)


def _gz_bomb(head: bytes, mib: int) -> bytes:
    stream = zlib.compressobj(6, zlib.DEFLATED, 31)
    parts = [stream.compress(head)]
    block = bytes(1 << 20)
    parts += [stream.compress(block) for _ in range(mib)]
    return b"".join(parts) + stream.flush()


# ---------------------------------------------------------------------------------- images
def _png(width: int, height: int, color_type: int = 0, depth: int = 8,
         rows: bytes | None = None) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    channels = {0: 1, 2: 3, 4: 2, 6: 4}[color_type]
    stride = 1 + width * channels * depth // 8
    comp = zlib.compressobj(9)
    if rows is None:
        body = b"".join(comp.compress(bytes(stride)) for _ in range(height))
    else:
        body = comp.compress(rows)
    body += comp.flush()
    ihdr = struct.pack(">IIBBBBB", width, height, depth, color_type, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", body) + chunk(b"IEND", b"")


def _pil_bytes(fmt: str, mode: str, size: tuple[int, int], **kw) -> bytes:
    from PIL import Image

    img = Image.new(mode, size, 128 if mode in ("L", "I", "F") else None)
    buf = io.BytesIO()
    img.save(buf, fmt, **kw)
    return buf.getvalue()


def image_corpus(rng: random.Random, n: int = 0) -> Iterator[Item]:
    """Malformed (and a few valid, odd) images."""
    digit = np.zeros((28, 28), np.uint8)
    digit[6:22, 12:16] = 255
    from PIL import Image

    buf = io.BytesIO()
    Image.fromarray(digit).save(buf, "PNG")
    good = buf.getvalue()
    yield "valid-digit", good
    yield "valid-rgba", _pil_bytes("PNG", "RGBA", (40, 30))
    yield "valid-16bit", _pil_bytes("PNG", "I;16", (20, 20))
    yield "valid-float-tiff", _pil_bytes("TIFF", "F", (20, 20))
    yield "valid-gif", _pil_bytes("GIF", "P", (20, 20))
    yield "valid-jpeg", _pil_bytes("JPEG", "RGB", (30, 30))
    yield "valid-1x1", _png(1, 1)
    yield "valid-wide", _png(3000, 2)
    yield "pixel-bomb-12000", _png(12000, 12000)
    yield "pixel-bomb-rgb-5000", _png(5000, 5000, 2)
    yield "declared-huge-no-data", _png(60000, 60000, rows=b"")
    yield "bmp-huge-header", b"BM" + struct.pack("<IHHI", 100, 0, 0, 54) + struct.pack(
        "<IiiHHIIiiII", 40, 100000, 100000, 1, 24, 0, 0, 0, 0, 0, 0)
    yield "zero-size", _png(0, 0)
    yield "empty", b""
    yield "text", b"this is not an image"
    yield "model-file", b"PK\x03\x04" + bytes(60)
    for cut in (8, 20, 40, len(good) - 12):
        yield f"truncated-{cut}", good[:cut]
    jpeg = _pil_bytes("JPEG", "RGB", (64, 64))
    yield "jpeg-truncated", jpeg[: len(jpeg) // 2]
    if n:  # the largest image that is read, for the peak-memory figures
        from playground.data.images import MAX_PIXELS

        side = int(MAX_PIXELS**0.5)
        ramp = bytes([0]) + bytes(range(256)) * (side // 256)
        yield "valid-at-limit-gray", _png(side, side, rows=ramp * side)
        yield "valid-at-limit-rgb", _png(side, side, 2, rows=(bytes([0]) + bytes(3 * side)) * side)
    for i in range(n):
        data = bytearray(rng.choice((good, jpeg)))
        for _ in range(rng.randint(1, 6)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        yield f"random-{i}", bytes(data)


# ---------------------------------------------------------------------------------- command lines
def cli_corpus(rng: random.Random, n: int = 0) -> Iterator[tuple[str, list[str]]]:
    """Argument lists; ``{tmp}``, ``{model}`` (a valid model), ``{file:NAME}`` (a corpus file)."""
    tiny = ["--model", "fcnn", "--epochs", "1", "--train-size", "50", "--batch-size", "50",
            "--no-augment"]
    save = ["--save", "{tmp}/out.npz"]
    fixed = {
        "epochs-zero": ["train", "--epochs", "0", *save],
        "epochs-negative": ["train", "--epochs", "-3", *save],
        "epochs-text": ["train", "--epochs", "many", *save],
        "lr-nan": ["train", *tiny, "--lr", "nan", *save],
        "lr-inf": ["train", *tiny, "--lr", "inf", *save],
        "lr-negative": ["train", *tiny, "--lr", "-1", *save],
        "lr-zero": ["train", *tiny, "--lr", "0", *save],
        "batch-zero": ["train", *tiny, "--batch-size", "0", *save],
        "batch-huge": ["train", *tiny, "--batch-size", "1000000000", *save],
        "train-size-zero": ["train", *tiny, "--train-size", "0", *save],
        "train-size-huge": ["train", *tiny, "--train-size", "100000000", *save],
        "seed-negative": ["train", *tiny, "--seed", "-1", *save],
        "seed-huge": ["train", *tiny, "--seed", str(2**80), *save],
        "optimizer-bogus": ["train", "--optimizer", "rmsprop", *save],
        "model-bogus": ["train", "--model", "resnet", *save],
        "data-missing": ["train", *tiny, "--data", "{tmp}/none", *save],
        "data-a-file": ["train", *tiny, "--data", "{model}", *save],
        "data-empty-folder": ["train", *tiny, "--data", "{tmp}", *save],
        "save-txt": ["train", *tiny, "--save", "{tmp}/m.txt"],
        "save-no-folder": ["train", *tiny, "--save", "{tmp}/no/m.npz"],
        "save-under-a-file": ["train", *tiny, "--save", "{model}/m.npz"],
        "save-empty": ["train", *tiny, "--save", ""],
        "save-dot-npz": ["train", *tiny, "--save", ".npz"],
        "eval-missing": ["eval", "{tmp}/none.npz"],
        "eval-folder": ["eval", "{tmp}"],
        "eval-data-bogus": ["eval", "{model}", "--data", "nonsense"],
        "predict-missing-image": ["predict", "{model}", "{tmp}/none.png"],
        "predict-folder-image": ["predict", "{model}", "{tmp}"],
        "predict-model-as-image": ["predict", "{model}", "{model}"],
        "download-retries-zero": ["download", "--retries", "0", "--dest", "{tmp}/d"],
        "download-dest-under-file": ["download", "--dest", "{model}/d"],
        "backend-bogus": ["--backend", "tpu", "eval", "{model}"],
        "size-bogus": ["--size", "12x", "--screenshot", "{tmp}/s.png"],
        "unknown-command": ["frobnicate"],
        "unknown-flag": ["train", "--frobnicate", *save],
        "no-save": ["train"],
    }
    yield from fixed.items()
    yield "valid-train", ["train", *tiny, *save]
    for name in ("png", "text", "truncated-100", "object-array", "huge-shape-1000000x1000000",
                 "header-huge-linear", "pickle", "empty"):
        yield f"eval-model-{name}", ["eval", f"{{file:model/{name}}}"]
        yield f"predict-model-{name}", ["predict", f"{{file:model/{name}}}", "{image}"]
    for name in ("pixel-bomb-12000", "text", "truncated-20", "empty", "zero-size"):
        yield f"predict-image-{name}", ["predict", "{model}", f"{{file:image/{name}}}"]
    flags = ["--epochs", "--lr", "--batch-size", "--train-size", "--seed"]
    junk = ["0", "-1", "1e309", "nan", "", "0x10", "1_0", "\u0661", "inf", "-0", "3.5", "2"]
    for i in range(n):
        argv = ["train", *tiny]
        for _ in range(rng.randint(1, 3)):
            argv += [rng.choice(flags), rng.choice(junk)]
        yield f"random-{i}", [*argv, *save]
