"""The two errors the data package raises for problems the user can fix."""

from __future__ import annotations


class DataError(ValueError):
    """A data file is missing, unreadable or malformed; the message names the file."""


class DownloadError(RuntimeError):
    """A download failed: offline, every mirror refused, or the checksum did not match."""
