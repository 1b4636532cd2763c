"""``conv-playground download``: fetch the full MNIST (about 11 MB) into the per-user cache."""

from __future__ import annotations

import argparse
import sys


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Destination folder, retries and timeout."""
    parser.add_argument("--dest", metavar="PATH", default=None,
                        help="folder for the four MNIST files (default: the app's cache, where "
                             "--data mnist looks)")
    parser.add_argument("--retries", type=int, default=3, metavar="N",
                        help="attempts per file and mirror (default 3)")
    parser.add_argument("--timeout", type=float, default=30.0, metavar="SECONDS",
                        help="network timeout per attempt (default 30)")


class _Progress:
    """Prints ``name  42%  4.2/9.9 MB`` on stderr: redrawn in place on a terminal, else per file."""

    def __init__(self, stream=None) -> None:
        self.stream = stream or sys.stderr
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.last: tuple[str, int] | None = None

    def __call__(self, name: str, done: int, total: int | None) -> None:
        finished = total is not None and done >= total
        percent = int(100 * done / total) if total else -1
        if (name, percent) == self.last and not finished:
            return
        if not self.tty and not finished:
            return
        self.last = (name, percent)
        size = f"{done / 1e6:.1f}/{total / 1e6:.1f} MB" if total else f"{done / 1e6:.1f} MB"
        line = f"{name:<28} {percent:3d}%  {size}" if total else f"{name:<28} {size}"
        end = "\n" if finished else ""
        self.stream.write(("\r" if self.tty else "") + line + end)
        self.stream.flush()


def run(args: argparse.Namespace) -> int:
    """Downloads, verifies, prints the folder on stdout; errors go through the CLI (exit 2)."""
    from playground.data.download import download_mnist

    folder = download_mnist(args.dest, progress=_Progress(), retries=args.retries,
                            timeout=args.timeout)
    print(folder)
    return 0
