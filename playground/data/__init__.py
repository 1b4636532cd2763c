"""Digits, IDX files, the MNIST download, MNIST-style image preparation and kernel presets (no Qt).

Importing this package loads NumPy only; Pillow is imported when an image file is read.
"""

from __future__ import annotations

from playground.data.digits import (
    IMAGE_SHAPE,
    Digits,
    load_bundled,
    load_dataset,
    mnist_cache_dir,
)
from playground.data.download import MIRRORS, MNIST_FILES, RemoteFile, download_mnist
from playground.data.errors import DataError, DownloadError
from playground.data.folder import (
    FolderReport,
    load_image_folder,
    open_dataset,
    save_image_folder,
)
from playground.data.idx import find_idx_file, load_idx_folder, read_idx, write_idx
from playground.data.images import (
    MNIST_CENTRE,
    image_to_digit_input,
    load_image_file,
    prepare_digit,
    to_mnist_style,
)
from playground.data.kernels import PRESETS, describe, preset

__all__ = [
    "IMAGE_SHAPE",
    "MIRRORS",
    "MNIST_CENTRE",
    "MNIST_FILES",
    "PRESETS",
    "DataError",
    "Digits",
    "DownloadError",
    "FolderReport",
    "RemoteFile",
    "describe",
    "download_mnist",
    "find_idx_file",
    "image_to_digit_input",
    "load_bundled",
    "load_dataset",
    "load_idx_folder",
    "load_image_file",
    "load_image_folder",
    "mnist_cache_dir",
    "open_dataset",
    "prepare_digit",
    "preset",
    "read_idx",
    "save_image_folder",
    "to_mnist_style",
    "write_idx",
]
