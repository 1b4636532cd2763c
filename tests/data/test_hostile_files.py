"""Small files that claim to be huge, and homes or caches that cannot be written.

Each is refused from its header, before decoding or allocating, with a message naming the file.
"""

from __future__ import annotations

import gzip
import logging
import struct
import tempfile
import zlib

import numpy as np
import pytest

from playground import paths
from playground.data import DataError, load_dataset, read_idx, write_idx
from playground.data.download import download_mnist
from playground.data.idx import MAX_IDX_BYTES
from playground.data.images import MAX_PIXELS, image_to_digit_input


def _png(width: int, height: int) -> bytes:
    """A valid PNG of ``width x height`` black pixels, compressed to a few KB (a pixel bomb)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    rows = zlib.compressobj(9)
    body = b"".join(rows.compress(b"\0" * (width + 1)) for _ in range(height)) + rows.flush()
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", body) + chunk(b"IEND", b"")


def test_a_pixel_bomb_is_refused_before_decoding(tmp_path):
    path = tmp_path / "bomb.png"
    path.write_bytes(_png(12000, 12000))
    assert path.stat().st_size < 200_000
    with pytest.raises(DataError, match=r"12000x12000 pixels; images up to 16,777,216"):
        image_to_digit_input(path)


def test_an_image_just_under_the_limit_is_read(tmp_path):
    path = tmp_path / "big.png"
    side = int(MAX_PIXELS**0.5)
    path.write_bytes(_png(side, side))
    assert image_to_digit_input(path).shape == (28, 28)


@pytest.mark.parametrize("data", [b"", b"not an image at all", _png(40, 40)[:45]])
def test_broken_images_are_data_errors(tmp_path, data):
    path = tmp_path / "x.png"
    path.write_bytes(data)
    with pytest.raises(DataError, match="cannot read this image"):
        image_to_digit_input(path)


def test_idx_header_declaring_gigabytes_is_refused_from_the_header(tmp_path):
    path = tmp_path / "bomb-idx3-ubyte"
    path.write_bytes(struct.pack(">HBB3I", 0, 8, 3, 100_000_000, 28, 28) + b"\0" * 100)
    with pytest.raises(DataError, match=r"more than the .*-byte limit"):
        read_idx(path)


def test_gzip_bomb_is_inflated_only_as_far_as_declared(tmp_path):
    """1.5 MB of gzip used to inflate to 3 GB; a lying header now stops after what it declares."""
    path = tmp_path / "bomb-idx1-ubyte.gz"
    stream = zlib.compressobj(9, zlib.DEFLATED, 31)
    payload = [stream.compress(struct.pack(">HBBI", 0, 8, 1, 1000))]
    block = b"\0" * (1 << 20)
    payload += [stream.compress(block) for _ in range(1024)]  # 1 GiB of zeros, about 1 MB packed
    path.write_bytes(b"".join(payload) + stream.flush())
    assert path.stat().st_size < 2_000_000
    with pytest.raises(DataError, match="unexpected bytes after the data"):
        read_idx(path)


def test_declared_size_over_the_limit_in_a_gzip(tmp_path):
    path = tmp_path / "big-idx3-ubyte.gz"
    path.write_bytes(gzip.compress(struct.pack(">HBB3I", 0, 8, 3, MAX_IDX_BYTES // 784 + 1,
                                               28, 28)))
    with pytest.raises(DataError, match="limit"):
        read_idx(path)


def test_truncated_gzip_idx(tmp_path):
    path = tmp_path / "t-idx1-ubyte.gz"
    write_idx(path, np.arange(100, dtype=np.uint8))
    path.write_bytes(path.read_bytes()[:-12])
    with pytest.raises(DataError):
        read_idx(path)


@pytest.fixture
def unusable_cache(tmp_path, monkeypatch):
    """A cache path that is a regular file, and a private temporary folder to fall back to."""
    blocker = tmp_path / "cache-is-a-file"
    blocker.write_text("x")
    monkeypatch.setenv("PLAYGROUND_CACHE_DIR", str(blocker / "sub"))
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    monkeypatch.setattr(paths, "_fallback_note", None)
    return blocker


def test_cache_dir_that_cannot_be_created_falls_back_with_a_message(unusable_cache, tmp_path,
                                                                    caplog):
    with caplog.at_level(logging.WARNING, "playground"):
        folder = paths.user_cache_dir()
    assert folder.is_dir() and str(folder).startswith(str(tmp_path / "tmp"))
    assert "cannot use the cache folder" in caplog.text and "PLAYGROUND_CACHE_DIR" in caplog.text


def test_mnist_with_an_unusable_cache_says_what_to_do(unusable_cache):
    with pytest.raises(DataError, match=r"the full MNIST is not in .* yet: run `conv-playground "
                                        r"download`"):
        load_dataset("mnist")


def test_download_into_an_unwritable_folder_is_a_clear_error(unusable_cache):
    with pytest.raises(paths.NotWritableError,
                       match=r"MNIST download: cannot write to folder .*cache-is-a-file/mnist"):
        download_mnist(unusable_cache / "mnist", mirrors=["http://127.0.0.1:9/"], retries=1)


def test_no_writable_place_at_all(unusable_cache, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(unusable_cache))
    with pytest.raises(paths.NotWritableError, match="set PLAYGROUND_CACHE_DIR to a writable"):
        paths.user_cache_dir()
