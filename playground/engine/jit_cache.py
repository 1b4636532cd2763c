"""A self-healing Numba cache: a damaged cache file is cleared, the kernel recompiled, and said so.

Numba's on-disk cache (``.nbi`` index, ``.nbc`` data) is read with ``pickle``; a truncated,
random or bit-flipped file, or a folder in a file's place, makes the first call of a kernel raise
deep inside Numba. :func:`install` wraps Numba's cache load and save: a load that fails clears the
app's own cache folder (``config.OWN_CACHE_DIR``; only that kernel's files when the user chose the
folder with ``$NUMBA_CACHE_DIR``), logs one warning, and lets Numba compile afresh; a save that
fails is logged once and the kernel still runs. Damage inside the machine code itself that still
unpickles is beyond what any check short of a checksum can see.
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

from playground.engine import config

log = logging.getLogger("playground.engine")
_said: set[str] = set()


def _say(key: str, message: str) -> None:
    if key not in _said:
        _said.add(key)
        log.warning(message)


def _clear(cache, exc: BaseException) -> None:
    folder = Path(cache._cache_path)
    own = config.OWN_CACHE_DIR
    if own is not None and (folder == own or own in folder.parents):
        shutil.rmtree(own, ignore_errors=True)
        own.mkdir(parents=True, exist_ok=True)
        where = str(own)
    else:
        base = cache._impl.filename_base
        for entry in folder.glob(f"{base}.*"):
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)
        where = f"{folder} ({base}.*)"
    _say("cleared", f"the compiled-kernel cache in {where} was damaged "
                    f"({type(exc).__name__}: {str(exc)[:80]}); cleared it and recompiling "
                    "(once, about a minute)")


def install() -> None:
    """Wraps Numba's ``Cache.load_overload`` / ``save_overload`` once per process."""
    from numba.core import caching

    cls = caching.Cache
    if getattr(cls, "_playground_healing", False):
        return
    load, save = cls.load_overload, cls.save_overload

    def load_overload(self, sig, target_context):
        try:
            return load(self, sig, target_context)
        except Exception as exc:  # anything a damaged file can raise: a cache miss instead
            _clear(self, exc)
            return None

    def save_overload(self, sig, data):
        try:
            save(self, sig, data)
        except Exception as exc:
            _say("save", f"could not write a compiled kernel to the cache "
                         f"({type(exc).__name__}: {str(exc)[:80]}); it is compiled again "
                         "next start")

    cls.load_overload, cls.save_overload = load_overload, save_overload
    cls._playground_healing = True
