"""The IDX file format of MNIST, Fashion-MNIST and KMNIST: read, write, load a folder.

An IDX file is a 4-byte magic number ``00 00 TT NN`` (``TT`` the element type, ``NN`` the number
of dimensions), ``NN`` big-endian 32-bit sizes, then the elements in C order, big-endian. The files
may be gzip-compressed; compression is recognised from the content, not the name.
"""

from __future__ import annotations

import gzip
import os
import struct
import zlib
from pathlib import Path

import numpy as np

from playground.data.digits import Digits
from playground.data.errors import DataError

#: IDX type code -> big-endian NumPy dtype.
IDX_TYPES: dict[int, np.dtype] = {
    0x08: np.dtype(">u1"),
    0x09: np.dtype(">i1"),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}
_CODES = {dt.newbyteorder("="): code for code, dt in IDX_TYPES.items()}

#: The four files of a standard split, by role.
STANDARD_FILES: dict[str, str] = {
    "train images": "train-images-idx3-ubyte",
    "train labels": "train-labels-idx1-ubyte",
    "test images": "t10k-images-idx3-ubyte",
    "test labels": "t10k-labels-idx1-ubyte",
}


MAX_IDX_BYTES = 600 << 20
"""Largest data section an IDX file may declare (600 MiB: EMNIST ByClass's 522 MiB fits). A
bigger declaration is refused from the header alone, before anything is allocated or inflated."""


def _open(path: Path):
    """The file as a binary stream: a ``gzip`` reader that inflates on demand when compressed."""
    try:
        fh = path.open("rb")
        magic = fh.read(2)
        fh.seek(0)
    except FileNotFoundError:
        raise DataError(f"{path}: file not found") from None
    except OSError as exc:
        raise DataError(f"{path}: cannot read ({exc.strerror or exc})") from None
    return (gzip.GzipFile(fileobj=fh, mode="rb"), fh) if magic == b"\x1f\x8b" else (fh, fh)


def _read_exact(stream, n: int) -> bytes:
    out = bytearray()
    while len(out) < n:
        chunk = stream.read(n - len(out))
        if not chunk:
            break
        out += chunk
    return bytes(out)


def read_idx(path: str | os.PathLike) -> np.ndarray:
    """Read one IDX file, plain or gzip-compressed.

    The header is read first and its declared size checked against :data:`MAX_IDX_BYTES` and
    (for plain files) the file's size; the data is then read (inflated in a stream, never more
    than declared plus one byte) straight into the array.

    Parameters
    ----------
    path : str or path-like
        The file.

    Returns
    -------
    numpy.ndarray
        The array with the shape from the header, in native byte order (``uint8`` for images and
        labels).

    Raises
    ------
    DataError
        Missing or unreadable file, bad magic number, unknown element type, a declared size over
        the limit, or a data section that is shorter or longer than the header promises; the
        message names the file.
    """
    path = Path(path)
    stream, raw = _open(path)
    try:
        with raw, stream:
            return _parse(path, stream, compressed=stream is not raw)
    except (OSError, EOFError, zlib.error) as exc:
        raise DataError(f"{path}: damaged gzip data ({exc})") from None


def _parse(path: Path, stream, compressed: bool) -> np.ndarray:
    head = _read_exact(stream, 4)
    if len(head) < 4:
        raise DataError(f"{path}: too short to be an IDX file ({len(head)} bytes)")
    zero, code, ndim = struct.unpack(">HBB", head)
    if zero != 0 or code not in IDX_TYPES:
        raise DataError(f"{path}: bad magic number 0x{head.hex()} (not an IDX file)")
    if ndim == 0:
        raise DataError(f"{path}: IDX header declares zero dimensions")
    dims = _read_exact(stream, 4 * ndim)
    header = 4 + 4 * ndim
    if len(dims) < 4 * ndim:
        raise DataError(f"{path}: truncated header ({4 + len(dims)} bytes, needs {header})")
    shape = struct.unpack(f">{ndim}I", dims)
    dtype = IDX_TYPES[code]
    expected = dtype.itemsize
    for d in shape:
        expected *= d
    if expected > MAX_IDX_BYTES:
        raise DataError(f"{path}: the header declares {shape} ({expected:,} bytes of data), "
                        f"more than the {MAX_IDX_BYTES:,}-byte limit")
    if not compressed:
        found = path.stat().st_size - header
        if found < expected:
            raise DataError(f"{path}: truncated data ({found} bytes, the header {shape} needs "
                            f"{expected})")
    array = np.empty(shape, dtype=dtype)
    view = memoryview(array.reshape(-1).view(np.uint8))
    got = 0
    while got < expected:  # in slices: gzip's readinto inflates into a temporary of the size
        n = stream.readinto(view[got:got + (16 << 20)])
        if not n:
            break
        got += n
    if got < expected:
        raise DataError(f"{path}: truncated data ({got} bytes, the header {shape} needs "
                        f"{expected})")
    extra = len(stream.read(1 << 16))
    if extra:
        raise DataError(f"{path}: {extra if extra < 1 << 16 else 'many'} unexpected bytes after "
                        f"the data (header {shape})")
    return array.astype(dtype.newbyteorder("="), copy=False)


def write_idx(path: str | os.PathLike, array: np.ndarray) -> Path:
    """Write ``array`` as an IDX file; gzip-compressed when the name ends in ``.gz``.

    Parameters
    ----------
    path : str or path-like
        Destination file.
    array : numpy.ndarray
        uint8, int8, int16, int32, float32 or float64, 1 to 255 dimensions.

    Returns
    -------
    pathlib.Path
        The path written.
    """
    path = Path(path)
    array = np.asarray(array)
    code = _CODES.get(array.dtype.newbyteorder("="))
    if code is None:
        raise ValueError(f"IDX cannot store dtype {array.dtype}")
    if not 1 <= array.ndim <= 255:
        raise ValueError(f"IDX needs 1 to 255 dimensions, got {array.ndim}")
    payload = struct.pack(f">HBB{array.ndim}I", 0, code, array.ndim, *array.shape)
    payload += np.ascontiguousarray(array, dtype=IDX_TYPES[code]).tobytes()
    if path.name.endswith(".gz"):
        payload = gzip.compress(payload, compresslevel=6, mtime=0)
    path.write_bytes(payload)
    return path


def _candidates(stem: str) -> list[str]:
    # train-images-idx3-ubyte and the dotted variant train-images.idx3-ubyte, plain or gzipped.
    prefix, _, suffix = stem.rpartition("-idx")
    names = [stem, f"{prefix}.idx{suffix}"]
    return [n + ext for n in names for ext in ("", ".gz")]


def find_idx_file(folder: str | os.PathLike, stem: str) -> Path:
    """The file for ``stem`` (``train-images-idx3-ubyte``) in ``folder``, in any usual spelling.

    Raises
    ------
    DataError
        None of the spellings exists; the message lists those tried.
    """
    folder = Path(folder)
    names = _candidates(stem)
    for name in names:
        if (folder / name).is_file():
            return folder / name
    raise DataError(f"{folder}: missing {stem} (looked for {', '.join(names)})")


def _load_pair(folder: Path, images_stem: str, labels_stem: str, source: str) -> Digits:
    images_path = find_idx_file(folder, images_stem)
    labels_path = find_idx_file(folder, labels_stem)
    images = read_idx(images_path)
    labels = read_idx(labels_path)
    if images.ndim != 3 or images.shape[1:] != (28, 28):
        raise DataError(f"{images_path}: expected images of shape (N, 28, 28), "
                        f"found {images.shape}")
    if images.dtype != np.uint8:
        raise DataError(f"{images_path}: expected unsigned bytes (IDX type 0x08), "
                        f"found {images.dtype}")
    if labels.ndim != 1:
        raise DataError(f"{labels_path}: expected a 1-D label vector, found shape {labels.shape}")
    if labels.dtype.kind not in "iu" or (labels.size and (labels.min() < 0 or labels.max() > 255)):
        raise DataError(f"{labels_path}: labels must be integers 0-255")
    if len(labels) != len(images):
        raise DataError(f"{labels_path}: {len(labels)} labels for {len(images)} images in "
                        f"{images_path.name}")
    return Digits(images, labels.astype(np.uint8), source)


def load_idx_folder(path: str | os.PathLike) -> tuple[Digits, Digits]:
    """Load a folder holding the four standard IDX files (MNIST, Fashion-MNIST, KMNIST).

    The files are ``train-images-idx3-ubyte``, ``train-labels-idx1-ubyte``,
    ``t10k-images-idx3-ubyte`` and ``t10k-labels-idx1-ubyte``, each plain or ``.gz``, also in
    the dotted spelling ``train-images.idx3-ubyte``.

    Parameters
    ----------
    path : str or path-like
        The folder.

    Returns
    -------
    (Digits, Digits)
        The training and the test set; images uint8 (N, 28, 28), labels uint8 (N,).

    Raises
    ------
    DataError
        A missing folder or file, or a malformed file (bad magic, wrong dimensions, truncated
        data, as many labels as images); the message names the file.
    """
    folder = Path(path)
    if not folder.is_dir():
        raise DataError(f"{folder}: no such folder")
    name = folder.name or str(folder)
    train = _load_pair(folder, STANDARD_FILES["train images"], STANDARD_FILES["train labels"],
                       f"{name} (train)")
    test = _load_pair(folder, STANDARD_FILES["test images"], STANDARD_FILES["test labels"],
                      f"{name} (test)")
    return train, test
