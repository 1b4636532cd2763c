"""A dataset from a folder of images with one sub-folder per class ("your own classes"; no Qt).

Layout: ``FOLDER/<class name>/<image>``. The classes are the visible sub-folders, sorted by name
(label 0 is the first); the images are the PNG, JPEG, BMP and GIF files directly inside a class
folder. Anything else (other files, folders inside a class folder, hidden entries) is ignored and
counted in the report. Files are never trusted: each is opened with Pillow restricted to those
four formats, its size is read from the header and checked before a pixel is decoded, and a file
that cannot be read is skipped and reported (the load is refused when none is left).

Resizing rule (:mod:`playground.data.image_fit`): each image is scaled so that its longer side
fills the target size, centred, and padded with the mean colour of its border, so the aspect
ratio is kept and nothing is cropped. An image is *colour* when its scaled channels differ
anywhere by more than :data:`~playground.data.image_fit.COLOUR_SPREAD`; when any image is colour
the dataset keeps 3 channels (N, 3, H, W) and grey images are repeated into all three, else it is
grey (N, H, W) like MNIST.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Generator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from playground.data.digits import MAX_CLASS_NAME, MAX_SIDE, Digits
from playground.data.errors import DataError
from playground.data.image_fit import is_colour, read_image, to_grey

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".gif")
MAX_FILES = 60_000
"""Most image files a folder may hold (MNIST's training set); counted before any is decoded."""
MAX_DATASET_BYTES = 512 << 20
"""Largest dataset built (N x C x H x W bytes), checked before it is allocated."""
MIN_PER_CLASS = 5
"""Fewest images a class may have: with fewer nothing can be learned or validated."""
IMBALANCE = 3.0
"""Largest / smallest class above this gets a warning."""
MAX_CLASSES = 256
_FORBIDDEN = set('/\\:*?"<>|')


@dataclass(frozen=True)
class FolderReport:
    """What :func:`load_image_folder` found: classes, counts, channels and what went wrong."""

    folder: str
    class_names: tuple[str, ...]
    counts: tuple[int, ...]
    channels: int
    size: tuple[int, int]
    colour_images: int
    skipped: tuple[tuple[str, str], ...]
    """(file relative to the folder, why) for every image file that could not be read."""
    n_ignored: int
    """Entries that are not image files of a class (other files, nested folders)."""
    warnings: tuple[str, ...]
    seconds: float

    @property
    def n_images(self) -> int:
        return sum(self.counts)

    def summary(self) -> str:
        """A few lines for the UI and the command line: classes with counts, channels, warnings."""
        classes = ", ".join(f"{n} ({c})" for n, c in zip(self.class_names, self.counts,
                                                         strict=True))
        kind = "colour (3 channels)" if self.channels == 3 else "grey (1 channel)"
        lines = [f"{len(self.class_names)} classes, {self.n_images:,} images, {kind}, "
                 f"{self.size[0]}x{self.size[1]}: {classes}"]
        return "\n".join(lines + [f"warning: {w}" for w in self.warnings])


def check_label_name(name: str) -> str:
    """``name`` stripped, if it can name a class and its folder (ValueError saying why not)."""
    text = name.strip() if isinstance(name, str) else ""
    if not text:
        raise ValueError("a class name cannot be empty")
    if len(text) > MAX_CLASS_NAME:
        raise ValueError(f"class names are at most {MAX_CLASS_NAME} characters")
    if not text.isprintable() or _FORBIDDEN & set(text) or text.startswith(".") \
            or text.endswith("."):
        raise ValueError(f"{text!r} cannot name a folder: leave out / \\ : * ? \" < > | and a "
                         "leading or trailing dot")
    return text


def _listing(root: Path) -> tuple[list[tuple[str, list[Path]]], int]:
    """``[(class name, image files)]`` sorted by name, and the number of ignored entries."""
    if not root.is_dir():
        raise DataError(f"{root}: not a folder" if root.exists() else f"{root}: no such folder")
    ignored = 0
    classes: list[tuple[str, list[Path]]] = []
    loose = 0
    total = 0
    try:
        entries = _sorted_entries(root)
        for entry in entries:
            if entry.name.startswith(".") or entry.name == "__MACOSX":
                continue
            if not entry.is_dir():
                loose += Path(entry.name).suffix.lower() in IMAGE_SUFFIXES
                ignored += 1
                continue
            files: list[Path] = []
            for item in _sorted_entries(Path(entry.path)):
                if item.name.startswith("."):
                    continue
                if item.is_file() and Path(item.name).suffix.lower() in IMAGE_SUFFIXES:
                    files.append(Path(item.path))
                    total += 1
                    if total > MAX_FILES:
                        raise DataError(f"{root}: more than {MAX_FILES:,} image files; use a "
                                        "smaller folder (a subset of each class)")
                else:
                    ignored += 1
            classes.append((entry.name, files))
    except OSError as exc:
        raise DataError(f"{root}: cannot list it ({exc.strerror or exc})") from None
    if not classes:
        hint = (f" it holds {loose} image file{'s' if loose != 1 else ''} itself: " if loose
                else " ")
        raise DataError(f"{root}: no class sub-folders;{hint}put each class's images in a "
                        "sub-folder named after the class (e.g. cats/, dogs/)")
    return classes, ignored


def _sorted_entries(folder: Path) -> list[os.DirEntry]:
    """The folder's entries by name, refusing (before sorting) a folder of over 2 x MAX_FILES."""
    out = []
    with os.scandir(folder) as entries:
        for entry in entries:
            out.append(entry)
            if len(out) > 2 * MAX_FILES:
                raise DataError(f"{folder}: more than {2 * MAX_FILES:,} entries; use a smaller "
                                "folder")
    return sorted(out, key=lambda e: e.name)


def _check_classes(root: Path, classes: list[tuple[str, list[Path]]], strict: bool) -> None:
    if len(classes) < 2 and strict:
        raise DataError(f"{root}: only one class sub-folder ({classes[0][0]!r}); a classifier "
                        "needs at least 2 classes")
    if len(classes) > MAX_CLASSES:
        raise DataError(f"{root}: {len(classes)} class sub-folders, more than {MAX_CLASSES}")
    for name, _files in classes:
        if len(name) > MAX_CLASS_NAME or not name.isprintable():
            raise DataError(f"{root}: the sub-folder name {name[:60]!r} cannot be a class name "
                            f"(at most {MAX_CLASS_NAME} printable characters)")
    empty = [name for name, files in classes if not files]
    if empty and strict:
        raise DataError(f"{root}: class folder{'s' if len(empty) > 1 else ''} "
                        f"{_names(empty)} hold{'' if len(empty) > 1 else 's'} no images (PNG, "
                        "JPEG, BMP or GIF): add images or remove the folder")


def _names(names: list[str], limit: int = 6) -> str:
    shown = ", ".join(repr(n) for n in names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


def is_image_folder(path: str | os.PathLike) -> bool:
    """True when ``path`` is a folder with at least one visible sub-folder (a cheap look)."""
    root = Path(path)
    try:
        if not root.is_dir():
            return False
        with os.scandir(root) as entries:
            return any(e.is_dir() and not e.name.startswith(".") for e in entries)
    except OSError:
        return False


def load_steps(path: str | os.PathLike, size: tuple[int, int] = (28, 28),
               channels: int | None = None, strict: bool = True,
               ) -> Generator[tuple[int, int], None, tuple[Digits, FolderReport]]:
    """:func:`load_image_folder` as a generator: yields ``(done, total)`` files now and then
    (for a progress bar in a worker thread), returns ``(Digits, FolderReport)``.

    ``strict=False`` (the collect mode reopening its own unfinished work) accepts one class,
    empty classes and classes under :data:`MIN_PER_CLASS` images; training checks those later.
    """
    start = time.perf_counter()
    root = Path(path)
    th, tw = (int(v) for v in size)
    if not (1 <= th <= MAX_SIDE and 1 <= tw <= MAX_SIDE):
        raise DataError(f"image size {th}x{tw}: sides must be 1 to {MAX_SIDE}")
    if channels not in (None, 1, 3):
        raise DataError(f"channels must be 1 or 3, got {channels!r}")
    classes, ignored = _listing(root)
    _check_classes(root, classes, strict)
    total = sum(len(files) for _n, files in classes)
    need = total * (channels or 3) * th * tw
    if need > MAX_DATASET_BYTES:
        raise DataError(f"{root}: {total:,} images of {th}x{tw} would take {need >> 20:,} MiB, "
                        f"more than {MAX_DATASET_BYTES >> 20} MiB; use fewer or smaller images")
    images = np.empty((total, 3, th, tw), np.uint8)
    labels = np.empty(total, np.uint8)
    skipped: list[tuple[str, str]] = []
    colour, n, done = 0, 0, 0
    for label, (name, files) in enumerate(classes):
        for file in files:
            try:
                rgb = read_image(file, (th, tw))
            except DataError as exc:
                skipped.append((f"{name}/{file.name}", str(exc).split(": ", 1)[-1]))
            else:
                images[n], labels[n] = rgb, label
                colour += is_colour(rgb)
                n += 1
            done += 1
            if done % 64 == 0:
                yield done, total
    yield done, total
    names = [name for name, _f in classes]
    if n == 0 and (strict or skipped):
        raise DataError(f"{root}: none of the {total:,} image files could be read "
                        f"(first: {_skipped_text(skipped)})")
    counts = np.bincount(labels[:n], minlength=len(names))
    empty = [names[i] for i in np.flatnonzero(counts == 0)]
    if empty and strict:
        raise DataError(f"{root}: no readable images in {_names(empty)} ({len(skipped)} "
                        f"unreadable file{'s' if len(skipped) != 1 else ''}, first: "
                        f"{_skipped_text(skipped)})")
    tiny = [f"{names[i]!r} ({counts[i]})" for i in np.flatnonzero(counts < MIN_PER_CLASS)]
    if tiny and strict:
        raise DataError(f"{root}: every class needs at least {MIN_PER_CLASS} images; too few in "
                        f"{', '.join(tiny[:8])}{' and more' if len(tiny) > 8 else ''}")
    use = channels or (3 if colour else 1)
    data = images[:n] if use == 3 else to_grey(images[:n])
    notes = _warnings(names, counts, skipped, ignored, colour, n, use)
    report = FolderReport(str(root), tuple(names), tuple(int(c) for c in counts), use, (th, tw),
                          colour, tuple(skipped), ignored, tuple(notes),
                          time.perf_counter() - start)
    return Digits(np.ascontiguousarray(data), labels[:n].copy(), root.name or str(root),
                  tuple(names)), report


def _skipped_text(skipped: list[tuple[str, str]], limit: int = 3) -> str:
    return "; ".join(f"{f}: {why}" for f, why in skipped[:limit]) + (
        f"; and {len(skipped) - limit} more" if len(skipped) > limit else "")


def _warnings(names, counts, skipped, ignored, colour, n, channels) -> list[str]:
    notes = []
    big, small = int(np.argmax(counts)), int(np.argmin(counts))
    if counts[small] and counts[big] > IMBALANCE * counts[small]:
        notes.append(f"the classes are imbalanced: {names[big]!r} has {counts[big]} images, "
                     f"{names[small]!r} only {counts[small]} ({counts[big] / counts[small]:.1f}x);"
                     " the network will favour the big classes (balance them, or read the "
                     "per-class accuracy)")
    if skipped:
        notes.append(f"skipped {len(skipped)} unreadable file{'s' if len(skipped) > 1 else ''} "
                     f"({_skipped_text(skipped)})")
    if ignored:
        notes.append(f"ignored {ignored} entr{'ies' if ignored > 1 else 'y'} that are not "
                     "images of a class (other files, nested folders)")
    if channels == 3 and 0 < colour < n:
        notes.append(f"{n - colour} of {n} images are grey; they are repeated into the 3 "
                     "colour channels")
    return notes


def load_image_folder(path: str | os.PathLike, size: tuple[int, int] = (28, 28),
                      channels: int | None = None,
                      progress: Callable[[int, int], None] | None = None,
                      strict: bool = True) -> tuple[Digits, FolderReport]:
    """Loads a folder of class sub-folders as a dataset (see the module docstring for the rules).

    Parameters
    ----------
    path : str or path-like
        The folder.
    size : (int, int)
        (H, W) of every image in the dataset; 28x28 for the built-in networks.
    channels : {None, 1, 3}
        None: 3 when any image is colour, else 1. 1 turns colour into grey (luminance); 3 repeats
        grey into three channels (to match a model).
    progress : callable, optional
        ``progress(done, total)`` now and then.
    strict : bool
        False accepts unfinished work (see :func:`load_steps`).

    Returns
    -------
    (Digits, FolderReport)
        Images uint8 (N, H, W) or (N, 3, H, W) with ``class_names``, and what was found.

    Raises
    ------
    DataError
        Not a folder; no class sub-folders or only one; an empty class; a class with under
        :data:`MIN_PER_CLASS` readable images (named); no readable image at all; over
        :data:`MAX_FILES` files or :data:`MAX_DATASET_BYTES` of images.
    """
    gen = load_steps(path, size, channels, strict)
    while True:
        try:
            done, total = next(gen)
        except StopIteration as stop:
            return stop.value
        if progress is not None:
            progress(done, total)


def save_image_folder(folder: str | os.PathLike, data: Digits) -> Path:
    """Writes ``data`` (with class names) as ``folder/<class>/example_0001.png``..., one
    sub-folder per class, first removing the ``example_*.png`` files an earlier save left in any
    sub-folder (other files are kept); returns the folder. Reopen it with
    :func:`load_image_folder`."""
    from PIL import Image

    if not data.class_names:
        raise ValueError("only a dataset with class names can be saved as class folders")
    names = [check_label_name(n) for n in data.class_names]
    root = Path(folder)
    root.mkdir(parents=True, exist_ok=True)
    for sub in [p for p in root.iterdir() if p.is_dir()]:
        for old in sub.glob("example_*.png"):
            old.unlink()
        if sub.name not in names and not any(sub.iterdir()):
            sub.rmdir()
    for label, name in enumerate(names):
        sub = root / name
        sub.mkdir(exist_ok=True)
        for i, img in enumerate(data.images[data.labels == label], start=1):
            arr = img if img.ndim == 2 else np.ascontiguousarray(img.transpose(1, 2, 0))
            if arr.ndim == 3 and arr.shape[2] == 1:
                arr = arr[:, :, 0]
            Image.fromarray(arr).save(sub / f"example_{i:04d}.png")
    return root


def open_dataset(spec: str | os.PathLike, size: tuple[int, int] = (28, 28),
                 channels: int | None = None,
                 ) -> tuple[Digits, Digits | None, FolderReport | None]:
    """``bundled``, ``mnist``, an IDX folder or a folder of class sub-folders, told apart by
    their content: ``(train, test or None, report or None)`` (the report for image folders).

    Raises DataError naming what a folder lacks when it is neither kind.
    """
    from playground.data.digits import load_dataset
    from playground.data.idx import STANDARD_FILES, find_idx_file

    text = os.fspath(spec)
    if text in ("bundled", "mnist") or not Path(text).is_dir():
        train, test = load_dataset(text)
        return train, test, None
    try:
        find_idx_file(text, STANDARD_FILES["train images"])
    except DataError:
        if not is_image_folder(text):
            raise DataError(f"{text}: neither a folder of IDX files (train-images-idx3-ubyte "
                            "...) nor a folder of class sub-folders of images") from None
        train, report = load_image_folder(text, size, channels)
        return train, None, report
    train, test = load_dataset(text)
    return train, test, None
