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


MAX_SIDE = 256
"""Largest image side a dataset holds (designed networks may take inputs other than 28x28)."""
MAX_CLASS_NAME = 40
"""Longest class name (a sub-folder's or a label's name)."""


def check_class_names(names, n_classes: int | None = None) -> tuple[str, ...]:
    """``names`` as a tuple of distinct, printable, non-empty strings (ValueError otherwise)."""
    if isinstance(names, str) or not isinstance(names, (list, tuple)):
        raise ValueError(f"class names must be a list of strings, got {type(names).__name__}")
    out = tuple(names)
    for name in out:
        if (not isinstance(name, str) or not name.strip() or len(name) > MAX_CLASS_NAME
                or not name.isprintable()):
            raise ValueError(f"class names must be 1 to {MAX_CLASS_NAME} printable characters, "
                             f"got {str(name)[:60]!r}")
    if len(set(out)) != len(out):
        raise ValueError(f"class names must differ from each other, got {list(out)}")
    if n_classes is not None and len(out) != n_classes:
        raise ValueError(f"{len(out)} class names for {n_classes} classes")
    return out


@dataclass(frozen=True, eq=False, repr=False)
class Digits:
    """Labelled images (digits, or classes of one's own); immutable (the arrays are read-only).

    Parameters
    ----------
    images : numpy.ndarray
        uint8, 0 = black, 255 = white: (N, H, W) grey (MNIST's (N, 28, 28)) or (N, C, H, W) with
        1 or 3 channels (colour images of an image folder).
    labels : numpy.ndarray
        uint8 (N,), the class of each image (0-9 for MNIST).
    source : str
        Where the digits came from, for display (``"bundled MNIST 5k"``, a folder name).
    class_names : tuple of str, optional
        A name per class (a folder's sub-folders, the collect mode's labels); None for digits,
        whose class is its label.
    """

    images: np.ndarray
    labels: np.ndarray
    source: str = ""
    class_names: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        images, labels = np.asarray(self.images), np.asarray(self.labels)
        grey = images.ndim == 3
        colour = images.ndim == 4 and images.shape[1] in (1, 3)
        side_ok = images.ndim >= 3 and all(1 <= d <= MAX_SIDE for d in images.shape[-2:])
        if images.dtype != np.uint8 or not (grey or colour) or not side_ok:
            raise ValueError(f"images must be uint8 (N, 28, 28), (N, H, W) or (N, C, H, W) with "
                             f"C 1 or 3 and sides up to {MAX_SIDE}, got {images.dtype} "
                             f"{images.shape}")
        if labels.dtype != np.uint8 or labels.shape != images.shape[:1]:
            raise ValueError(f"labels must be uint8 ({len(images)},), got {labels.dtype} "
                             f"{labels.shape}")
        if self.class_names is not None:
            names = check_class_names(self.class_names)
            if labels.size and int(labels.max()) >= len(names):
                raise ValueError(f"label {int(labels.max())} has no class name "
                                 f"({len(names)} names)")
            object.__setattr__(self, "class_names", names)
        object.__setattr__(self, "images", _read_only(images))
        object.__setattr__(self, "labels", _read_only(labels))

    def __len__(self) -> int:
        return len(self.labels)

    def __repr__(self) -> str:
        names = f", classes={list(self.class_names)}" if self.class_names else ""
        return (f"Digits(source={self.source!r}, n={len(self)}, "
                f"shape={'x'.join(map(str, self.image_shape))}{names}, "
                f"per_class={self.class_counts().tolist()})")

    @property
    def image_shape(self) -> tuple[int, int, int]:
        """One image as the network takes it, (C, H, W): (1, 28, 28) for digits."""
        shape = self.images.shape
        return (1, *shape[1:]) if self.images.ndim == 3 else tuple(shape[1:])

    @property
    def channels(self) -> int:
        """1 for grey images, 3 for colour."""
        return self.image_shape[0]

    @property
    def n_classes(self) -> int:
        """The number of classes: of the names when there are any, else ``max label + 1``
        (at least 2)."""
        if self.class_names is not None:
            return len(self.class_names)
        return max(2, int(self.labels.max()) + 1 if len(self.labels) else 2)

    def class_name(self, label: int) -> str:
        """The name of class ``label`` (the label itself as text for digits)."""
        if self.class_names is not None and 0 <= label < len(self.class_names):
            return self.class_names[label]
        return str(label)

    def class_counts(self, n_classes: int | None = None) -> np.ndarray:
        """How many images of each class: int64 (max(n_classes, max label + 1),); ``n_classes``
        defaults to the number of class names (10 for digits)."""
        if n_classes is None:
            n_classes = len(self.class_names) if self.class_names is not None else 10
        return np.bincount(self.labels, minlength=n_classes)

    def subset(self, indices: np.ndarray | list[int] | slice) -> Digits:
        """A new set of the images at ``indices`` (an index array, a boolean mask or a slice)."""
        if not isinstance(indices, slice):
            indices = np.asarray(indices)
            if indices.dtype != bool:
                indices = indices.astype(np.intp, copy=False).reshape(-1)
        return Digits(np.ascontiguousarray(self.images[indices]),
                      np.ascontiguousarray(self.labels[indices]), self.source, self.class_names)

    def by_class(self, label: int) -> Digits:
        """All images of one class, in their original order."""
        return self.subset(self.labels == label)

    def as_float(self) -> np.ndarray:
        """The images as float32 (N, C, H, W) in [0, 1], NCHW as the engine expects."""
        x = self.images.astype(np.float32) / np.float32(255.0)
        return x[:, None] if self.images.ndim == 3 else x

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
        ``conv-playground download``), a folder of IDX files (MNIST, Fashion-MNIST, KMNIST) or
        a folder of class sub-folders of images (:mod:`playground.data.folder`, 28x28).

    Returns
    -------
    (Digits, Digits or None)
        Training set and test set; the bundled digits and image folders have no separate test
        set (``None``).

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
        raise DataError(f"unknown dataset {text!r}: use 'bundled', 'mnist', a folder of IDX "
                        f"files or a folder of class sub-folders of images")
    try:
        find_idx_file(text, STANDARD_FILES["train images"])
    except DataError:
        from playground.data.folder import is_image_folder, load_image_folder

        if is_image_folder(text):
            return load_image_folder(text)[0], None
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
