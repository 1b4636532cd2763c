"""Model files: one ``.npz`` holding the weight arrays and a JSON header.

The header (array ``__header__``, UTF-8 JSON bytes) records the format and its version, the
architecture name, every layer's spec, the training settings and history, the data provenance and
the app version. Writes are atomic (a temporary file in the same folder, then ``os.replace``).
Anything wrong with a file raises :class:`ModelFileError` (a ``ValueError``) naming the file.
"""

from __future__ import annotations

import json
import os
import uuid
import zipfile
from pathlib import Path

import numpy as np

from playground import __version__

FORMAT = "conv-playground-model"
FORMAT_VERSION = 1
HEADER_KEY = "__header__"


class ModelFileError(ValueError):
    """A model file is missing, truncated, corrupt, of another version or architecture."""


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
    (the bundled ones, older saves) still load from their layer specs.
    """
    header = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "architecture": model.name,
        "input_shape": list(model.input_shape),
        "layers": model.layer_specs(),
        "params": model.n_params(),
        "training": _jsonable(model.training),
        "history": _jsonable(model.history),
        "data": _jsonable(model.data),
        "app_version": __version__,
    }
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
    # os.open with 0o666 honours the umask (mkstemp would make the file private, 0600).
    tmp = folder / f".{path.name}.{os.getpid()}-{uuid.uuid4().hex[:8]}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    try:
        with os.fdopen(fd, "wb") as fh:
            np.savez(fh, **arrays)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def read_header(path) -> dict:
    """Just the header of a model file (validated), without building the model."""
    return _read(path)[0]


def _read(path) -> tuple[dict, dict[str, np.ndarray]]:
    path = Path(path)
    where = f"model file {str(path)!r}"
    if not path.is_file():
        raise ModelFileError(f"{where} does not exist")
    try:
        with path.open("rb") as fh, np.load(fh, allow_pickle=False) as npz:
            arrays = {k: npz[k] for k in npz.files}
    except (zipfile.BadZipFile, EOFError, OSError, ValueError, KeyError) as exc:
        raise ModelFileError(f"{where} is truncated or not a model file ({exc})") from None
    raw = arrays.pop(HEADER_KEY, None)
    if raw is None or raw.dtype != np.uint8 or raw.ndim != 1:
        raise ModelFileError(f"{where} has no model header: not a Convolution Playground model")
    try:
        header = json.loads(raw.tobytes().decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ModelFileError(f"{where} has a corrupt header ({exc})") from None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise ModelFileError(f"{where} is not a Convolution Playground model")
    version = header.get("format_version")
    if version != FORMAT_VERSION:
        raise ModelFileError(f"{where} has format version {version!r}; this app reads version "
                             f"{FORMAT_VERSION} (saved by app {header.get('app_version', '?')})")
    layers, arch = header.get("layers"), header.get("architecture")
    if not isinstance(layers, list) or not isinstance(arch, str):
        raise ModelFileError(f"{where} has a header without architecture or layers")
    return header, arrays


def load_model(path, architecture: str | None = None, backend=None):
    """Reads a model saved by :func:`save_model`.

    ``architecture``, when given, must match the file's. Raises :class:`ModelFileError` for a
    missing, truncated, corrupt, wrong-version or wrong-architecture file or a missing array.
    """
    from playground.nn.model import ARCHITECTURES, model_from_specs

    header, arrays = _read(path)
    where = f"model file {str(path)!r}"
    arch = header["architecture"]
    if architecture is not None and arch != architecture:
        raise ModelFileError(f"{where} holds a {arch!r} model, expected {architecture!r}")
    try:
        shape = tuple(int(v) for v in header.get("input_shape", (1, 28, 28)))
        model = model_from_specs(header["layers"], arch, backend, shape)
    except (ValueError, TypeError, KeyError) as exc:
        raise ModelFileError(f"{where} has invalid layer specs ({exc})") from None
    if arch in ARCHITECTURES:
        expected = [layer.spec() for layer in ARCHITECTURES[arch]()]
        if _jsonable(expected) != header["layers"]:
            raise ModelFileError(f"{where} says {arch!r} but its layers differ from that "
                                 "architecture")
    state = model.state_dict()
    missing = [k for k in state if k not in arrays]
    if missing:
        raise ModelFileError(f"{where} is missing weight arrays: {', '.join(missing)}")
    for key, ref in state.items():
        if arrays[key].shape != ref.shape:
            raise ModelFileError(f"{where}: {key} has shape {arrays[key].shape}, "
                                 f"expected {ref.shape}")
        if not np.isfinite(arrays[key]).all():
            raise ModelFileError(f"{where}: {key} contains NaN or infinity")
    model.load_state_dict(arrays)
    model.training = dict(header.get("training") or {})
    model.history = list(header.get("history") or [])
    model.data = dict(header.get("data") or {})
    model.header = header
    text = header.get("arch_text")
    if isinstance(text, str):
        from playground.nn.archtext import parse_arch

        try:
            arch = parse_arch(text)
        except ValueError as exc:
            raise ModelFileError(f"{where} has an unreadable architecture ({exc})") from None
        from playground.nn.arch import layers_from_arch

        try:
            built = _jsonable([layer.spec() for layer in layers_from_arch(arch)])
        except ValueError as exc:
            raise ModelFileError(f"{where} has an impossible architecture ({exc})") from None
        if built != header["layers"]:
            raise ModelFileError(f"{where}: its architecture text and its layers differ")
        model.arch = arch
    return model


def load_pretrained(name: str = "lenet5", backend=None):
    """The bundled pretrained model ``resources/<name>.npz`` (``lenet5`` or ``fcnn``)."""
    from playground.paths import resource_path

    try:
        path = resource_path(f"{name}.npz")
    except FileNotFoundError as exc:
        raise ModelFileError(str(exc)) from None
    return load_model(path, architecture=name, backend=backend)
