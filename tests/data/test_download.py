"""The MNIST downloader against a local HTTP server (never the internet)."""

from __future__ import annotations

import hashlib
import http.server
import re
import socket
import tempfile
import threading
from pathlib import Path

import numpy as np
import pytest

from playground.cli import main
from playground.data import (
    MIRRORS,
    MNIST_FILES,
    DownloadError,
    RemoteFile,
    download_mnist,
    load_dataset,
    write_idx,
)
from playground.data import download as download_module
from playground.data.idx import STANDARD_FILES


class _Handler(http.server.BaseHTTPRequestHandler):
    """GET /<mirror>/<name> with byte-range support and scripted misbehaviour."""

    def do_GET(self):
        server = self.server
        name = self.path.rsplit("/", 1)[-1]
        server.requests.append((self.path, self.headers.get("Range")))
        if name not in server.files or self.path.split("/")[1] in server.missing_on:
            self.send_error(404)
            return
        data = server.files[name]
        start = 0
        match = re.fullmatch(r"bytes=(\d+)-", self.headers.get("Range") or "")
        if match and not server.ignore_range:
            start = int(match.group(1))
            if start >= len(data):
                self.send_response(416)
                self.send_header("Content-Range", f"bytes */{len(data)}")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_response(206)
            self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
        else:
            self.send_response(200)
        body = data[start:]
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if name in server.drop_once or name in server.drop_always:
            server.drop_once.discard(name)
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        self.wfile.write(body)

    def log_message(self, *args):  # keep the test output quiet
        pass


@pytest.fixture
def server(monkeypatch):
    for var in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy",
                "ALL_PROXY"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    httpd = http.server.HTTPServer(("127.0.0.1", 0), _Handler)
    httpd.files, httpd.requests = {}, []
    httpd.drop_once, httpd.drop_always, httpd.missing_on = set(), set(), set()
    httpd.ignore_range = False
    httpd.url = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05},
                              name="test-http-server")
    thread.start()
    try:
        yield httpd
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(server, sizes=(200_000, 1_000)) -> list[RemoteFile]:
    rng = np.random.default_rng(7)
    specs = []
    for i, size in enumerate(sizes):
        data = rng.integers(0, 256, size, dtype=np.uint8).tobytes()
        name = f"file{i}.gz"
        server.files[name] = data
        specs.append(RemoteFile(name, hashlib.sha256(data).hexdigest(), size,
                                hashlib.md5(data).hexdigest()))
    return specs


def _fetch(server, dest, specs, **kw):
    kw.setdefault("mirrors", [server.url + "/m1/"])
    return download_mnist(dest, files=specs, backoff=0, timeout=5, **kw)


def test_downloads_and_verifies(server, tmp_path):
    specs = _serve(server)
    calls = []
    out = _fetch(server, tmp_path / "dl", specs,
                 progress=lambda *a: calls.append(a))
    assert out == tmp_path / "dl"
    for spec in specs:
        assert (out / spec.name).read_bytes() == server.files[spec.name]
    assert not list(out.glob("*.part"))
    first = [c for c in calls if c[0] == "file0.gz"]
    assert first[-1] == ("file0.gz", 200_000, 200_000)
    assert [c[1] for c in first] == sorted(c[1] for c in first)
    # A second call finds the verified files and asks the server nothing.
    n = len(server.requests)
    _fetch(server, out, specs)
    assert len(server.requests) == n


def test_resumes_from_partial_file(server, tmp_path):
    specs = _serve(server)
    (tmp_path / "file0.gz.part").write_bytes(server.files["file0.gz"][:120_000])
    calls = []
    _fetch(server, tmp_path, specs[:1], progress=lambda *a: calls.append(a))
    assert server.requests == [("/m1/file0.gz", "bytes=120000-")]
    assert calls[0][1] > 120_000
    assert (tmp_path / "file0.gz").read_bytes() == server.files["file0.gz"]
    assert not (tmp_path / "file0.gz.part").exists()


def test_server_ignoring_range_restarts_cleanly(server, tmp_path):
    specs = _serve(server)
    server.ignore_range = True
    (tmp_path / "file0.gz.part").write_bytes(server.files["file0.gz"][:50_000])
    _fetch(server, tmp_path, specs[:1])
    assert (tmp_path / "file0.gz").read_bytes() == server.files["file0.gz"]


def test_oversized_partial_file_is_discarded(server, tmp_path):
    specs = _serve(server)
    (tmp_path / "file1.gz.part").write_bytes(bytes(5_000))
    _fetch(server, tmp_path, specs[1:])
    assert (tmp_path / "file1.gz").read_bytes() == server.files["file1.gz"]


def test_dropped_connection_is_retried_and_resumed(server, tmp_path):
    specs = _serve(server)
    server.drop_once.add("file0.gz")
    _fetch(server, tmp_path, specs[:1])
    assert server.requests == [("/m1/file0.gz", None), ("/m1/file0.gz", "bytes=100000-")]
    assert (tmp_path / "file0.gz").read_bytes() == server.files["file0.gz"]


def test_checksum_mismatch_removes_part_file(server, tmp_path):
    specs = _serve(server)
    wrong = RemoteFile("file1.gz", "0" * 64, specs[1].size)
    with pytest.raises(DownloadError, match="checksum"):
        _fetch(server, tmp_path, [wrong])
    assert not (tmp_path / "file1.gz.part").exists()
    assert not (tmp_path / "file1.gz").exists()


def test_md5_is_checked_too(server, tmp_path):
    specs = _serve(server)
    wrong = RemoteFile("file1.gz", specs[1].sha256, specs[1].size, "0" * 32)
    with pytest.raises(DownloadError, match="MD5"):
        _fetch(server, tmp_path, [wrong])
    assert not list(tmp_path.iterdir())


def test_corrupt_final_file_is_downloaded_again(server, tmp_path):
    specs = _serve(server)
    (tmp_path / "file1.gz").write_bytes(b"junk")
    _fetch(server, tmp_path, specs[1:])
    assert (tmp_path / "file1.gz").read_bytes() == server.files["file1.gz"]


def test_next_mirror_after_404(server, tmp_path):
    specs = _serve(server)
    server.missing_on.add("m1")
    _fetch(server, tmp_path, specs, mirrors=[server.url + "/m1", server.url + "/m2/"])
    assert ("/m1/file0.gz", None) in server.requests
    assert (tmp_path / "file0.gz").read_bytes() == server.files["file0.gz"]


def test_unreachable_mirror_then_working_one(server, tmp_path):
    specs = _serve(server)
    _fetch(server, tmp_path, specs[1:],
           mirrors=[f"http://127.0.0.1:{_closed_port()}/", server.url + "/m1/"])
    assert (tmp_path / "file1.gz").exists()


def test_all_mirrors_unreachable_says_offline(tmp_path):
    mirrors = [f"http://127.0.0.1:{_closed_port()}/", f"http://127.0.0.1:{_closed_port()}/"]
    with pytest.raises(DownloadError, match="offline") as info:
        download_mnist(tmp_path, mirrors=mirrors, retries=2, backoff=0, timeout=2)
    assert "bundled" in str(info.value)
    assert not list(tmp_path.glob("*.part"))


def test_gives_up_after_retries_and_keeps_part_for_later(server, tmp_path):
    specs = _serve(server)
    server.drop_always.add("file0.gz")
    with pytest.raises(DownloadError, match="attempts") as info:
        _fetch(server, tmp_path, specs[:1], retries=2)
    assert "offline" not in str(info.value)
    assert len(server.requests) == 2
    assert (tmp_path / "file0.gz.part").stat().st_size > 0
    assert not (tmp_path / "file0.gz").exists()


def test_bad_retries_value(tmp_path):
    with pytest.raises(ValueError, match="retries"):
        download_mnist(tmp_path, retries=0)


def test_official_file_table():
    assert [f.name for f in MNIST_FILES] == [s + ".gz" for s in STANDARD_FILES.values()]
    for f in MNIST_FILES:
        assert re.fullmatch(r"[0-9a-f]{64}", f.sha256) and re.fullmatch(r"[0-9a-f]{32}", f.md5)
    assert sum(f.size for f in MNIST_FILES) == 11_594_722
    assert all(m.startswith("https://") for m in MIRRORS)


def _serve_mnist_like(server) -> list[RemoteFile]:
    """Tiny IDX files under the four official names, and specs with their hashes."""
    rng = np.random.default_rng(0)
    arrays = {
        "train-images-idx3-ubyte.gz": rng.integers(0, 256, (12, 28, 28), dtype=np.uint8),
        "train-labels-idx1-ubyte.gz": (np.arange(12) % 10).astype(np.uint8),
        "t10k-images-idx3-ubyte.gz": rng.integers(0, 256, (5, 28, 28), dtype=np.uint8),
        "t10k-labels-idx1-ubyte.gz": (np.arange(5) % 10).astype(np.uint8),
    }
    specs = []
    for name, array in arrays.items():
        with tempfile.TemporaryDirectory() as tmp:
            data = write_idx(Path(tmp) / name, array).read_bytes()
        server.files[name] = data
        specs.append(RemoteFile(name, hashlib.sha256(data).hexdigest(), len(data)))
    return specs


def test_default_destination_feeds_load_dataset(server, tmp_path, monkeypatch):
    monkeypatch.setenv("PLAYGROUND_CACHE_DIR", str(tmp_path))
    specs = _serve_mnist_like(server)
    out = download_mnist(mirrors=[server.url + "/m1/"], files=specs, backoff=0, timeout=5)
    assert out == tmp_path / "mnist"
    train, test = load_dataset("mnist")
    assert (len(train), len(test)) == (12, 5)


def test_cli_download(server, tmp_path, monkeypatch, capsys):
    specs = _serve_mnist_like(server)
    monkeypatch.setattr(download_module, "MIRRORS", (server.url + "/m1/",))
    monkeypatch.setattr(download_module, "MNIST_FILES", tuple(specs))
    assert main(["download", "--dest", str(tmp_path / "d"), "--timeout", "5"]) == 0
    out, err = capsys.readouterr()
    assert out.strip() == str(tmp_path / "d")
    assert "train-images-idx3-ubyte.gz" in err and "100%" in err


def test_cli_download_offline_is_a_one_line_error(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(download_module, "MIRRORS", (f"http://127.0.0.1:{_closed_port()}/",))
    monkeypatch.setattr(download_module, "time", _NoSleep())
    assert main(["download", "--dest", str(tmp_path), "--retries", "1"]) == 2
    assert "offline" in capsys.readouterr().err


class _NoSleep:
    @staticmethod
    def sleep(_seconds):
        pass
