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


def _read_bytes(path: Path) -> bytes:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise DataError(f"{path}: file not found") from None
    except OSError as exc:
        raise DataError(f"{path}: cannot read ({exc.strerror or exc})") from None
    if raw[:2] == b"\x1f\x8b":
        try:
            return gzip.decompress(raw)
        except (OSError, EOFError, zlib.error) as exc:
            raise DataError(f"{path}: damaged gzip data ({exc})") from None
    return raw


def read_idx(path: str | os.PathLike) -> np.ndarray:
    """Read one IDX file, plain or gzip-compressed.

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
        Missing or unreadable file, bad magic number, unknown element type, or a data section that
        is shorter or longer than the header promises; the message names the file.
    """
    path = Path(path)
    data = _read_bytes(path)
    if len(data) < 4:
        raise DataError(f"{path}: too short to be an IDX file ({len(data)} bytes)")
    zero, code, ndim = struct.unpack(">HBB", data[:4])
    if zero != 0 or code not in IDX_TYPES:
        raise DataError(f"{path}: bad magic number 0x{data[:4].hex()} (not an IDX file)")
    if ndim == 0:
        raise DataError(f"{path}: IDX header declares zero dimensions")
    header = 4 + 4 * ndim
    if len(data) < header:
        raise DataError(f"{path}: truncated header ({len(data)} bytes, needs {header})")
    shape = struct.unpack(f">{ndim}I", data[4:header])
    dtype = IDX_TYPES[code]
    expected = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    found = len(data) - header
    if found < expected:
        raise DataError(f"{path}: truncated data ({found} bytes, the header {shape} needs "
                        f"{expected})")
    if found > expected:
        raise DataError(f"{path}: {found - expected} unexpected bytes after the data "
                        f"(header {shape})")
    array = np.frombuffer(data, dtype=dtype, count=expected // dtype.itemsize, offset=header)
    return array.reshape(shape).astype(dtype.newbyteorder("="))


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
