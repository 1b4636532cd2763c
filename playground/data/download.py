"""Download the full MNIST (four gzip files, about 11 MB) into the per-user cache.

Standard library only (urllib). Each file is written to ``<name>.part`` and moved to its final name
with ``os.replace`` only once its size and SHA-256 (and MD5, for the official files) match, so a
half file never sits under the final name. An interrupted download resumes with an HTTP ``Range``
request; failed attempts are retried with exponential backoff, then the next mirror is tried.
"""

from __future__ import annotations

import hashlib
import os
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from playground.data.errors import DownloadError


@dataclass(frozen=True)
class RemoteFile:
    """One file to fetch: its name on the mirrors and what it must hash to."""

    name: str
    sha256: str
    size: int | None = None
    md5: str | None = None


#: The official MNIST files. SHA-256 as published with TensorFlow Datasets and elsewhere, MD5 as
#: listed by torchvision's ``MNIST.resources``; sizes in bytes.
MNIST_FILES: tuple[RemoteFile, ...] = (
    RemoteFile("train-images-idx3-ubyte.gz",
               "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
               9_912_422, "f68b3c2dcbeaaa9fbdd348bbdeb94873"),
    RemoteFile("train-labels-idx1-ubyte.gz",
               "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
               28_881, "d53e105ee54ea40749a09fcbcd1e9432"),
    RemoteFile("t10k-images-idx3-ubyte.gz",
               "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
               1_648_877, "9fb629c4189551a2d022fa330f9573f3"),
    RemoteFile("t10k-labels-idx1-ubyte.gz",
               "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
               4_542, "ec29112dd5afa0611ce80d1b7f02629c"),
)

#: Public mirrors, tried in order (PyTorch's and TensorFlow's).
MIRRORS: tuple[str, ...] = (
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
)

#: ``progress(file_name, done_bytes, total_bytes)``; total is ``None`` when unknown.
ProgressCallback = Callable[[str, int, int | None], None]

CHUNK = 64 * 1024
_CONTENT_RANGE = re.compile(r"bytes\s+(\d+)-(\d+)/(\d+|\*)")


class _IncompleteError(Exception):
    """The server answered but the body stopped short or was unusable: retry (resuming)."""


def _network_errors() -> tuple[type[BaseException], ...]:
    # Imported here, not at module level: urllib/http/ssl cost ~40 ms at `import playground.data`.
    import http.client
    import ssl
    import urllib.error

    return (urllib.error.URLError, http.client.HTTPException, ConnectionError, TimeoutError,
            ssl.SSLError)


def _hash(path: Path, algorithm: str) -> str:
    digest = hashlib.new(algorithm)
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _mismatch(path: Path, spec: RemoteFile) -> str | None:
    """Why ``path`` is not ``spec`` (size, SHA-256, MD5), or ``None`` when it is."""
    size = path.stat().st_size
    if spec.size is not None and size != spec.size:
        return f"size {size} bytes, expected {spec.size}"
    sha = _hash(path, "sha256")
    if sha != spec.sha256:
        return f"SHA-256 {sha}, expected {spec.sha256}"
    if spec.md5 is not None and _hash(path, "md5") != spec.md5:
        return f"MD5 differs from {spec.md5}"
    return None


def _fetch(url: str, part: Path, spec: RemoteFile, timeout: float,
           progress: ProgressCallback | None) -> None:
    """Fetch ``url`` into ``part``, resuming from its current size with a Range request."""
    import urllib.request

    have = part.stat().st_size if part.exists() else 0
    if spec.size is not None and have >= spec.size:
        if have == spec.size:
            return  # complete already; the caller verifies it
        part.unlink()
        have = 0
    from playground import __version__

    headers = {"User-Agent": f"conv-playground/{__version__}", "Accept-Encoding": "identity"}
    if have:
        headers["Range"] = f"bytes={have}-"
    request = urllib.request.Request(url, headers=headers)
    with urllib.request.urlopen(request, timeout=timeout) as response:
        try:
            length = response.headers.get("Content-Length")
            length = int(length) if length is not None else None
            total = spec.size
            if have and response.status == 206:
                match = _CONTENT_RANGE.match(response.headers.get("Content-Range", ""))
                if not match or int(match.group(1)) != have:
                    part.unlink()
                    raise _IncompleteError("the server resumed at the wrong offset")
                if match.group(3) != "*":
                    total = int(match.group(3))
                mode = "ab"
            else:  # a full body: the server ignored or was not sent a Range header
                have, mode = 0, "wb"
                if total is None and length is not None:
                    total = length
            received = 0
            with part.open(mode) as out:
                while chunk := response.read(CHUNK):
                    out.write(chunk)
                    received += len(chunk)
                    if progress is not None:
                        progress(spec.name, have + received, total)
        except _network_errors() as exc:
            raise _IncompleteError(_describe(exc)) from exc
    if length is not None and received < length:
        raise _IncompleteError(f"connection dropped after {have + received} bytes")


def _describe(exc: BaseException) -> str:
    import urllib.error

    if isinstance(exc, urllib.error.HTTPError):
        return f"HTTP {exc.code} {exc.reason}"
    if isinstance(exc, urllib.error.URLError):
        return str(exc.reason)
    return str(exc) or type(exc).__name__


def _download_one(spec: RemoteFile, dest: Path, mirrors: Sequence[str],
                  progress: ProgressCallback | None, retries: int, timeout: float,
                  backoff: float) -> None:
    import urllib.error

    network_errors = _network_errors()
    final = dest / spec.name
    if final.is_file():
        if _mismatch(final, spec) is None:
            if progress is not None:
                size = final.stat().st_size
                progress(spec.name, size, size)
            return
        final.unlink()
    part = dest / (spec.name + ".part")
    problems: list[str] = []
    reached = False
    for mirror in mirrors:
        url = mirror.rstrip("/") + "/" + spec.name
        for attempt in range(retries):
            if attempt and backoff > 0:
                time.sleep(backoff * 2 ** (attempt - 1))
            try:
                _fetch(url, part, spec, timeout, progress)
            except urllib.error.HTTPError as exc:
                reached = True
                problems.append(f"{url}: {_describe(exc)}")
                if exc.code == 416:  # our partial file does not fit what the server has
                    part.unlink(missing_ok=True)
                    continue
                if 400 <= exc.code < 500 and exc.code not in (408, 429):
                    break  # this mirror does not have it: next mirror
                continue
            except _IncompleteError as exc:
                reached = True
                problems.append(f"{url}: {exc}")
                continue
            except network_errors as exc:
                problems.append(f"{url}: {_describe(exc)}")
                continue
            why = _mismatch(part, spec)
            if why is None:
                os.replace(part, final)
                return
            part.unlink(missing_ok=True)
            raise DownloadError(f"{spec.name} from {url} failed its checksum ({why}); the partial "
                                f"file was deleted. Run the download again.")
    last = problems[-1] if problems else "no mirrors given"
    if not reached:
        raise DownloadError(f"could not download {spec.name}: this machine seems offline (no "
                            f"mirror could be reached; last error: {last}). The bundled 5,000 "
                            f"digits still work; download the full MNIST when online.")
    kept = (f" What was fetched is kept in {part.name}; the next try resumes it."
            if part.exists() else "")
    raise DownloadError(f"could not download {spec.name} after {len(problems)} attempts "
                        f"(last error: {last}).{kept} The bundled digits still work.")


def download_mnist(dest: str | os.PathLike | None = None, *,
                   mirrors: Sequence[str] | None = None,
                   progress: ProgressCallback | None = None,
                   retries: int = 3, timeout: float = 30.0, backoff: float = 1.0,
                   files: Sequence[RemoteFile] | None = None) -> Path:
    """Download and verify the four official MNIST files.

    Files already present with the right hash are not downloaded again.

    Parameters
    ----------
    dest : str or path-like, optional
        Target folder; default ``user_cache_dir() / "mnist"`` (what ``load_dataset("mnist")``
        reads). Created if needed.
    mirrors : sequence of str, optional
        Base URLs tried in order; default :data:`MIRRORS`.
    progress : callable, optional
        ``progress(file_name, done_bytes, total_bytes)``, called as bytes arrive.
    retries : int
        Attempts per file and mirror before the next mirror is tried (at least 1).
    timeout : float
        Seconds to wait for a connection or for data before an attempt fails.
    backoff : float
        Seconds before the first retry; doubled for each further retry.
    files : sequence of RemoteFile, optional
        What to fetch; default :data:`MNIST_FILES`.

    Returns
    -------
    pathlib.Path
        The folder holding the verified files.

    Raises
    ------
    DownloadError
        A checksum mismatch (the ``.part`` file is deleted), every mirror failing, or no mirror
        reachable at all (the message says the machine seems offline).
    """
    if retries < 1:
        raise ValueError(f"retries must be at least 1, got {retries}")
    if dest is None:
        from playground.data.digits import mnist_cache_dir

        dest = mnist_cache_dir()
    from playground.paths import ensure_writable_dir

    dest = ensure_writable_dir(dest, "MNIST download")
    mirrors = MIRRORS if mirrors is None else tuple(mirrors)
    for spec in MNIST_FILES if files is None else files:
        _download_one(spec, dest, mirrors, progress, retries, timeout, backoff)
    return dest
