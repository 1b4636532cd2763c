"""Model files: one ``.npz`` holding the weight arrays and a JSON header.

The header (array ``__header__``, UTF-8 JSON bytes) records the format and its version, the
architecture name, every layer's spec, the training settings and history, the data provenance and
the app version. Writes are atomic (a temporary file in the same folder, then ``os.replace``).
Anything wrong with a file raises :class:`ModelFileError` (a ``ValueError``) naming the file.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import numpy as np

from playground import __version__
from playground.fileio import SaveError, atomic_write

FORMAT = "conv-playground-model"
FORMAT_VERSION = 1
HEADER_KEY = "__header__"


class ModelFileError(ValueError):
    """A model file is missing, truncated, corrupt, of another version or architecture."""


class _Refused(ValueError):
    """Something in a model file's archive that the reader refuses (said as it is)."""


def _jsonable(obj):
    if isinstance(obj, dict):
        return {str(k): _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_jsonable(v) for v in obj]
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    return obj


def header_for(model) -> dict:
    """The JSON header :func:`save_model` writes for ``model``.

    A designed model also carries its architecture as text (``arch_text``); files without it
    (the bundled ones, older saves) still load from their layer specs. A model trained on named
    classes (an image folder, collected drawings) carries ``class_names``, one per output; its
    input channels are ``input_shape[0]`` (3 for colour). Files without names are digit models.
    """
    header = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "architecture": model.name,
        "input_shape": list(model.input_shape),
        "layers": model.layer_specs(),
        "params": model.n_params(),
        "n_classes": model.n_classes,
        "training": _jsonable(model.training),
        "history": _jsonable(model.history),
        "data": _jsonable(model.data),
        "app_version": __version__,
    }
    if getattr(model, "class_names", None):
        header["class_names"] = list(model.class_names)
    if getattr(model, "arch", None) is not None:
        from playground.nn.archtext import format_arch

        header["arch_text"] = format_arch(model.arch)
    return header


def save_model(model, path) -> Path:
    """Writes ``model`` to ``path`` atomically; returns the path."""
    path = Path(path)
    if path.suffix != ".npz":
        raise ValueError(f"model files end in .npz, got {path.name!r}")
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise ModelFileError(f"cannot save model: folder {str(folder)!r} does not exist")
    header = json.dumps(header_for(model), indent=1).encode("utf-8")
    arrays = {HEADER_KEY: np.frombuffer(header, np.uint8), **model.state_dict()}

    def write(tmp: Path) -> None:
        with open(tmp, "wb") as fh:
            np.savez(fh, **arrays)

    try:
        atomic_write(path, write)
    except SaveError as exc:
        raise ModelFileError(f"cannot save model: {exc}") from None
    return path


MAX_FILE_BYTES = 64 << 20
"""Largest model file read (64 MiB; the bundled LeNet-5 is 250 KB). Checked before reading."""
MAX_ARRAYS = 64
MAX_ARRAY_BYTES = 64 << 20
"""Largest array a model file may declare, and all of them together (checked before reading)."""
MAX_HEADER_BYTES = 1 << 20
MAX_LAYERS = 64
MAX_LAYER_PARAMS = 1 << 24
"""Most learnable numbers in one layer of a model file (16.7 M; LeNet-5 has 61,706 in all)."""
MAX_ACTIVATION = 1 << 18
"""Most values one layer may output per image (LeNet-5's largest is 4,704)."""

_SIGNATURES = (
    (b"\x89PNG", "a PNG image"), (b"\xff\xd8\xff", "a JPEG image"), (b"GIF8", "a GIF image"),
    (b"BM", "a BMP image"), (b"\x1f\x8b", "gzip data"), (b"\x93NUMPY", "a single NumPy array"),
    (b"%PDF", "a PDF document"), (b"\x80", "a Python pickle"), (b"{", "JSON text"),
    (b"\x00\x00\x08", "an IDX data file"),
)
_ZIP = (b"PK\x03\x04", b"PK\x05\x06")


def _not_a_model(head: bytes) -> str | None:
    """Why the first bytes cannot start a model file (an .npz is a zip archive), or None."""
    if head.startswith(_ZIP):
        return None
    if not head:
        return "it is empty"
    for magic, what in _SIGNATURES:
        if head.startswith(magic):
            return f"it is {what}"
    return "it is not a zip archive"


def _read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int) -> np.ndarray:
    """One ``.npy`` member, its header checked before a byte of data is read or allocated."""
    fmt = np.lib.format
    with zf.open(info) as fp:
        version = fmt.read_magic(fp)
        if version == (1, 0):
            shape, fortran, dtype = fmt.read_array_header_1_0(fp, max_header_size=10_000)
        elif version == (2, 0):
            shape, fortran, dtype = fmt.read_array_header_2_0(fp, max_header_size=10_000)
        else:
            raise _Refused(f"array {info.filename!r} has unknown .npy version {version}")
        if dtype.hasobject:
            raise _Refused(f"array {info.filename!r} holds Python objects (pickled data); "
                             "model files hold numbers only")
        if dtype.kind not in "fu" or dtype.itemsize > 8:
            raise _Refused(f"array {info.filename!r} has dtype {dtype}; expected float32")
        count = 1
        for d in shape:
            count *= int(d)
        nbytes = count * dtype.itemsize
        if nbytes > budget:
            raise _Refused(f"array {info.filename!r} declares shape {shape} "
                             f"({nbytes:,} bytes), over the {MAX_ARRAY_BYTES:,}-byte limit")
        data = fp.read(nbytes)
        if len(data) != nbytes:
            raise _Refused(f"array {info.filename!r} is truncated ({len(data):,} of "
                             f"{nbytes:,} bytes)")
        if fp.read(1):
            raise _Refused(f"array {info.filename!r} has data after its end")
    arr = np.frombuffer(data, dtype).reshape(shape, order="F" if fortran else "C")
    return arr


def _read_arrays(path: Path) -> dict[str, np.ndarray]:
    """Every array of an .npz, refusing anything but small numeric ``.npy`` members."""
    with path.open("rb") as fh:
        head = fh.read(8)
        why = _not_a_model(head)
        if why:
            raise ModelFileError(f"not a model file ({why}; model files are .npz archives "
                                 "saved by conv-playground train or the Network tab)")
        fh.seek(0)
        with zipfile.ZipFile(fh) as zf:
            infos = zf.infolist()
            if len(infos) > MAX_ARRAYS:
                raise _Refused(f"it holds {len(infos)} entries, more than {MAX_ARRAYS}")
            budget = MAX_ARRAY_BYTES
            arrays: dict[str, np.ndarray] = {}
            for info in infos:
                name = info.filename
                if not name.endswith(".npy") or name[:-4] in arrays or info.is_dir():
                    raise _Refused(f"unexpected entry {name!r}")
                if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                    raise _Refused(f"entry {name!r} uses an unsupported compression")
                if info.file_size > budget + 10_000:
                    raise _Refused(f"entry {name!r} declares {info.file_size:,} bytes, over "
                                     f"the {MAX_ARRAY_BYTES:,}-byte limit")
                arr = _read_member(zf, info, budget)
                budget -= arr.nbytes
                arrays[name[:-4]] = arr
    return arrays


def read_header(path) -> dict:
    """Just the header of a model file (validated), without building the model."""
    return _read(path)[0]


def _check_header(header, where: str) -> dict:
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise ModelFileError(f"{where} is not a Convolution Playground model")
    version = header.get("format_version")
    if version != FORMAT_VERSION:
        raise ModelFileError(f"{where} has format version {version!r}; this app reads version "
                             f"{FORMAT_VERSION} (saved by app {header.get('app_version', '?')})")
    layers, arch = header.get("layers"), header.get("architecture")
    if not isinstance(layers, list) or not isinstance(arch, str):
        raise ModelFileError(f"{where} has a header without architecture or layers")
    if not layers or len(layers) > MAX_LAYERS or not all(isinstance(s, dict) for s in layers):
        raise ModelFileError(f"{where} has a corrupt header: 'layers' must be 1 to "
                             f"{MAX_LAYERS} layer specs")
    for key, kind in (("training", dict), ("data", dict), ("history", list)):
        if header.get(key) is not None and not isinstance(header[key], kind):
            raise ModelFileError(f"{where} has a corrupt header: {key!r} must be a "
                                 f"{kind.__name__}, got {type(header[key]).__name__}")
    history = header.get("history") or []
    if not all(isinstance(h, dict) for h in history):
        raise ModelFileError(f"{where} has a corrupt header: 'history' must hold one dict "
                             "per epoch")
    shape = header.get("input_shape", [1, 28, 28])
    if (not isinstance(shape, list) or len(shape) != 3
            or not all(isinstance(d, int) and not isinstance(d, bool) and d >= 1 for d in shape)
            or shape[0] * shape[1] * shape[2] > MAX_ACTIVATION):
        raise ModelFileError(f"{where} has a corrupt header: 'input_shape' must be 3 sizes "
                             f"(C, H, W) of at most {MAX_ACTIVATION:,} values, got {shape!r}")
    return header


def _read(path) -> tuple[dict, dict[str, np.ndarray]]:
    path = Path(path)
    where = f"model file {str(path)!r}"
    if path.is_dir():
        raise ModelFileError(f"{where} is a folder, not a file")
    if not path.is_file():
        raise ModelFileError(f"{where} does not exist")
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ModelFileError(f"{where} is {size:,} bytes, larger than any model file "
                                 f"({MAX_FILE_BYTES:,}-byte limit)")
        arrays = _read_arrays(path)
    except ModelFileError as exc:
        if str(exc).startswith("not a model file"):
            raise ModelFileError(f"{where} is {exc}") from None
        raise
    except _Refused as exc:
        raise ModelFileError(f"{where} is not a valid model file: {exc}") from None
    except Exception as exc:  # any failure to parse untrusted bytes means a corrupt file
        raise ModelFileError(f"{where} is truncated or not a model file ({exc})") from None
    raw = arrays.pop(HEADER_KEY, None)
    if raw is None or raw.dtype != np.uint8 or raw.ndim != 1 or raw.size > MAX_HEADER_BYTES:
        raise ModelFileError(f"{where} has no model header: not a Convolution Playground model")
    try:
        header = json.loads(raw.tobytes().decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise ModelFileError(f"{where} has a corrupt header ({type(exc).__name__})") from None
    return _check_header(header, where), arrays


def _spec_ints(spec: dict) -> list[int]:
    """The whole numbers in a layer spec (sizes, strides, paddings), refusing other types."""
    out = []
    for key, value in spec.items():
        if key == "kind" or (key == "padding" and isinstance(value, str)
                             and value.lower() in ("same", "valid")):
            continue
        if key == "p" and spec.get("kind") == "dropout":  # a probability, checked by Dropout
            continue
        for v in value if isinstance(value, list) else [value]:
            if isinstance(v, bool) or not isinstance(v, int) or v < (key != "padding"):
                raise ValueError(f"{spec.get('kind')} layer: {key} must be whole numbers "
                                 f"(>= 1 for sizes), got {value!r}")
            out.append(v)
    return out


def check_specs(specs: list[dict]) -> None:
    """ValueError unless every size in the layer specs is sane, checked before any allocation."""
    for spec in specs:
        ints = _spec_ints(spec)
        if any(v > 1 << 20 for v in ints):
            raise ValueError(f"{spec.get('kind')} layer has a size out of range: {spec!r}")
        params = 1
        for key in ("in_channels", "out_channels", "in_features", "out_features"):
            v = spec.get(key, 1)
            params *= v if isinstance(v, int) else 1
        k = spec.get("kernel_size", 1)
        params *= (k[0] * k[1] if isinstance(k, list) and len(k) == 2 else
                   k * k if isinstance(k, int) else 1)
        if params > MAX_LAYER_PARAMS:
            raise ValueError(f"{spec.get('kind')} layer would hold {params:,} weights, more "
                             f"than {MAX_LAYER_PARAMS:,}")


def _check_model(model, where: str) -> None:
    shapes = model._shapes
    for layer, shape in zip(model.layers, shapes, strict=True):
        n = int(np.prod(shape))
        if n > MAX_ACTIVATION:
            raise ModelFileError(f"{where}: layer {layer.name} outputs {n:,} values per image, "
                                 f"more than {MAX_ACTIVATION:,}")
    if len(shapes[-1]) != 1 or not 2 <= shapes[-1][0] <= 256:
        raise ModelFileError(f"{where} does not end in 2 to 256 class scores (its output is "
                             f"{'x'.join(map(str, shapes[-1]))})")


APP_INPUTS = ((1, 28, 28), (3, 28, 28))
"""The inputs the app's windows feed a model: the grey drawing, or it repeated in 3 channels."""


def load_model(path, architecture: str | None = None, backend=None,
               input_shape=APP_INPUTS):
    """Reads a model saved by :func:`save_model`.

    ``architecture``, when given, must match the file's; so must ``input_shape`` (one (C, H, W)
    or a tuple of them; by default :data:`APP_INPUTS`, 28x28 grey or colour; None accepts any,
    for models of other inputs). Raises
    :class:`ModelFileError` for a missing, truncated, corrupt, wrong-version or wrong-architecture
    file, a missing, extra or misshapen array, or sizes over the limits above, all checked before
    anything big is allocated.
    """
    from playground.nn.model import ARCHITECTURES, model_from_specs

    header, arrays = _read(path)
    where = f"model file {str(path)!r}"
    arch = header["architecture"]
    if architecture is not None and arch != architecture:
        raise ModelFileError(f"{where} holds a {arch!r} model, expected {architecture!r}")
    shape = tuple(header.get("input_shape", (1, 28, 28)))
    allowed = None if input_shape is None else (
        [tuple(input_shape)] if isinstance(input_shape[0], int) else
        [tuple(s) for s in input_shape])
    if allowed is not None and shape not in allowed:
        raise ModelFileError(f"{where} is for inputs {'x'.join(map(str, shape))}; this app "
                             f"needs {' or '.join('x'.join(map(str, s)) for s in allowed)}")
    try:
        check_specs(header["layers"])
        model = model_from_specs(header["layers"], arch, backend, shape)
    except (ValueError, TypeError, KeyError, IndexError) as exc:
        raise ModelFileError(f"{where} has invalid layer specs ({exc})") from None
    _check_model(model, where)
    if header.get("n_classes", model.n_classes) != model.n_classes:
        raise ModelFileError(f"{where} says {header['n_classes']!r} classes but its last layer "
                             f"has {model.n_classes} outputs")
    if arch in ARCHITECTURES:
        expected = [layer.spec() for layer in ARCHITECTURES[arch](model.n_classes, shape[0])]
        if _jsonable(expected) != header["layers"]:
            raise ModelFileError(f"{where} says {arch!r} but its layers differ from that "
                                 "architecture")
    state = model.state_dict()
    missing = [k for k in state if k not in arrays]
    if missing:
        raise ModelFileError(f"{where} is missing weight arrays: {', '.join(missing)}")
    extra = [k for k in arrays if k not in state]
    if extra:
        raise ModelFileError(f"{where} has arrays no layer uses: {', '.join(extra[:5])}")
    for key, ref in state.items():
        if arrays[key].shape != ref.shape:
            raise ModelFileError(f"{where}: {key} has shape {arrays[key].shape}, "
                                 f"expected {ref.shape}")
        if arrays[key].dtype.kind != "f":
            raise ModelFileError(f"{where}: {key} has dtype {arrays[key].dtype}, expected float32")
        with np.errstate(over="ignore"):
            arrays[key] = arrays[key].astype(np.float32)
        if not np.isfinite(arrays[key]).all():
            raise ModelFileError(f"{where}: {key} contains NaN or infinity")
    model.load_state_dict(arrays)
    model.training = dict(header.get("training") or {})
    model.history = list(header.get("history") or [])
    model.data = dict(header.get("data") or {})
    model.header = header
    model.class_names = _class_names(header, model.n_classes, where)
    if isinstance(header.get("arch_text"), str):
        model.arch = _design_of(header, where)
    return model


def _class_names(header: dict, n_classes: int, where: str) -> tuple[str, ...] | None:
    """The header's class names, one per output (None in digit models and older files)."""
    from playground.data.digits import check_class_names

    names = header.get("class_names")
    if names is None:
        return None
    try:
        return check_class_names(names, n_classes)
    except ValueError as exc:
        raise ModelFileError(f"{where} has unusable class names ({exc})") from None


def _design_of(header: dict, where: str):
    """The designed architecture in ``header["arch_text"]``, checked against its layer specs."""
    from playground.nn.arch import layers_from_arch
    from playground.nn.archtext import parse_arch

    try:
        design = parse_arch(header["arch_text"])
        built = _jsonable([layer.spec() for layer in layers_from_arch(design)])
    except ValueError as exc:
        raise ModelFileError(f"{where} has an unusable architecture text ({exc})") from None
    if built != header["layers"]:
        raise ModelFileError(f"{where}: its architecture text and its layers differ")
    return design


def load_pretrained(name: str = "lenet5", backend=None):
    """The bundled pretrained model ``resources/<name>.npz`` (``lenet5`` or ``fcnn``)."""
    from playground.paths import resource_path

    try:
        path = resource_path(f"{name}.npz")
    except FileNotFoundError as exc:
        raise ModelFileError(str(exc)) from None
    return load_model(path, architecture=name, backend=backend)
