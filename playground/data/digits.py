"""A labelled set of 28x28 digit images, the bundled 5,000 MNIST digits, and dataset lookup."""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from playground.data.errors import DataError

IMAGE_SHAPE = (28, 28)
BUNDLED_NPZ = "mnist_5k.npz"
BUNDLED_PROVENANCE = "mnist_5k.provenance.json"
REBUILD_HINT = "reinstall the app or run packaging/build_bundled_digits.py"


def _read_only(array: np.ndarray) -> np.ndarray:
    view = array.view()
    view.flags.writeable = False
    return view


@dataclass(frozen=True, eq=False, repr=False)
class Digits:
    """Images of digits with their labels; immutable (the arrays are read-only views).

    Parameters
    ----------
    images : numpy.ndarray
        uint8 (N, 28, 28), 0 = black background, 255 = white ink.
    labels : numpy.ndarray
        uint8 (N,), the class of each image (0-9 for MNIST).
    source : str
        Where the digits came from, for display (``"bundled MNIST 5k"``, a folder name).
    """

    images: np.ndarray
    labels: np.ndarray
    source: str = ""

    def __post_init__(self) -> None:
        images, labels = np.asarray(self.images), np.asarray(self.labels)
        if images.dtype != np.uint8 or images.ndim != 3 or images.shape[1:] != IMAGE_SHAPE:
            raise ValueError(f"images must be uint8 (N, 28, 28), got {images.dtype} "
                             f"{images.shape}")
        if labels.dtype != np.uint8 or labels.shape != images.shape[:1]:
            raise ValueError(f"labels must be uint8 ({len(images)},), got {labels.dtype} "
                             f"{labels.shape}")
        object.__setattr__(self, "images", _read_only(images))
        object.__setattr__(self, "labels", _read_only(labels))

    def __len__(self) -> int:
        return len(self.labels)

    def __repr__(self) -> str:
        return (f"Digits(source={self.source!r}, n={len(self)}, "
                f"per_class={self.class_counts().tolist()})")

    def class_counts(self, n_classes: int = 10) -> np.ndarray:
        """How many images of each class: int64 (max(n_classes, max label + 1),)."""
        return np.bincount(self.labels, minlength=n_classes)

    def subset(self, indices: np.ndarray | list[int] | slice) -> Digits:
        """A new set of the images at ``indices`` (an index array, a boolean mask or a slice)."""
        if not isinstance(indices, slice):
            indices = np.asarray(indices)
            if indices.dtype != bool:
                indices = indices.astype(np.intp, copy=False).reshape(-1)
        return Digits(np.ascontiguousarray(self.images[indices]),
                      np.ascontiguousarray(self.labels[indices]), self.source)

    def by_class(self, label: int) -> Digits:
        """All images of one class, in their original order."""
        return self.subset(self.labels == label)

    def as_float(self) -> np.ndarray:
        """The images as float32 (N, 1, 28, 28) in [0, 1], NCHW as the engine expects."""
        return (self.images.astype(np.float32) / np.float32(255.0))[:, None]

    def split(self, n_train: int | None = None, val_fraction: float = 0.1, seed: int = 0,
              *, stratify: bool = True) -> tuple[Digits, Digits]:
        """Deterministic split into a training and a validation set.

        Parameters
        ----------
        n_train : int, optional
            Size of the training set; ``None`` uses every image not held out for validation.
        val_fraction : float
            Share of all images held out for validation, in [0, 1).
        seed : int
            The same seed gives the same split.
        stratify : bool
            Keep each class's share in both sets (to within one image); ``False`` splits a plain
            shuffle.

        Returns
        -------
        (Digits, Digits)
            Training and validation sets, each in shuffled order (never sorted by class).
        """
        n = len(self)
        if not 0.0 <= val_fraction < 1.0:
            raise ValueError(f"val_fraction must be in [0, 1), got {val_fraction}")
        n_val = round(n * val_fraction)
        pool = n - n_val
        if n_train is None:
            n_train = pool
        if not 0 <= n_train <= pool:
            raise ValueError(f"n_train must be between 0 and {pool} (the {n} images less "
                             f"{n_val} for validation), got {n_train}")
        rng = np.random.default_rng(seed)
        if stratify:
            # Rank images within their class in random order, scaled to [0, 1): taking the lowest
            # keys first takes every class in proportion to its size.
            key = np.empty(n)
            jitter = rng.random(n)
            for label in np.unique(self.labels):
                members = np.flatnonzero(self.labels == label)
                ranks = rng.permutation(len(members))
                key[members] = (ranks + jitter[members]) / len(members)
            order = np.argsort(key, kind="stable")
        else:
            order = rng.permutation(n)
        val = rng.permutation(order[:n_val])
        train = rng.permutation(order[n_val:n_val + n_train])
        return self.subset(train), self.subset(val)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def load_bundled(folder: str | os.PathLike | None = None) -> Digits:
    """The 5,000 MNIST digits shipped with the app (500 per class), checked against their hash.

    Parameters
    ----------
    folder : str or path-like, optional
        Where ``mnist_5k.npz`` and ``mnist_5k.provenance.json`` are; default the app's resources.

    Returns
    -------
    Digits
        Images uint8 (5000, 28, 28), labels uint8 (5000,), ordered by class.

    Raises
    ------
    DataError
        A file is missing, or the npz does not match the SHA-256 in the provenance file.
    """
    from playground.paths import resource_dir

    base = Path(folder) if folder is not None else resource_dir()
    npz_path, record_path = base / BUNDLED_NPZ, base / BUNDLED_PROVENANCE
    for path in (npz_path, record_path):
        if not path.is_file():
            raise DataError(f"bundled digits: {path} is missing; {REBUILD_HINT}")
    try:
        expected = json.loads(record_path.read_text(encoding="utf-8"))["sha256"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise DataError(f"bundled digits: cannot read {record_path} ({exc}); {REBUILD_HINT}") \
            from None
    actual = _sha256(npz_path)
    if actual != expected:
        raise DataError(f"bundled digits: {npz_path} is corrupt (SHA-256 {actual[:12]}..., "
                        f"expected {str(expected)[:12]}...); {REBUILD_HINT}")
    with np.load(npz_path, allow_pickle=False) as npz:
        images, labels = npz["images"], npz["labels"]
    return Digits(images, labels, "bundled MNIST 5k")


def mnist_cache_dir() -> Path:
    """Where ``download_mnist`` puts the full MNIST by default: ``user_cache_dir() / "mnist"``."""
    from playground.paths import user_cache_dir

    return user_cache_dir() / "mnist"


def load_dataset(spec: str | os.PathLike) -> tuple[Digits, Digits | None]:
    """Resolve a dataset name as the command line and the UI accept it.

    Parameters
    ----------
    spec : str or path-like
        ``"bundled"`` (the 5,000 shipped digits), ``"mnist"`` (the full MNIST downloaded by
        ``conv-playground download``) or a folder of IDX files (MNIST, Fashion-MNIST, KMNIST).

    Returns
    -------
    (Digits, Digits or None)
        Training set and test set; the bundled digits have no separate test set (``None``).

    Raises
    ------
    DataError
        Unknown name, MNIST not downloaded yet, or a missing or malformed folder.
    """
    from playground.data.idx import STANDARD_FILES, find_idx_file, load_idx_folder

    text = os.fspath(spec)
    if text == "bundled":
        return load_bundled(), None
    if text == "mnist":
        folder = mnist_cache_dir()
        try:
            for stem in STANDARD_FILES.values():
                find_idx_file(folder, stem)
        except DataError:
            raise DataError(f"the full MNIST is not in {folder} yet: run "
                            f"`conv-playground download` (about 11 MB), or use the bundled "
                            f"digits") from None
        return load_idx_folder(folder)
    if not Path(text).is_dir():
        raise DataError(f"unknown dataset {text!r}: use 'bundled', 'mnist' or a folder of IDX "
                        f"files")
    return load_idx_folder(text)


def augment_by_default(spec: str | os.PathLike) -> tuple[bool, str]:
    """Whether digit augmentation (small shifts and rotations) suits a dataset, and why.

    On for handwriting: the bundled digits, the downloaded MNIST and IDX folders whose name says
    ``mnist``, ``emnist``, ``kmnist`` or ``digit``. Off for anything else, Fashion-MNIST included:
    on clothing images the digit augmentation costs accuracy.
    """
    text = os.fspath(spec)
    if text in ("bundled", "mnist"):
        return True, f"{text!r} is handwritten digits"
    name = Path(text).resolve().name.lower() if text else ""
    if "fashion" in name:
        return False, f"folder {name!r} looks like Fashion-MNIST, not handwriting"
    if "mnist" in name or "digit" in name:
        return True, f"folder {name!r} looks like handwriting"
    return False, f"folder {name!r} is not recognised as digits"
