"""PyInstaller runtime hook: one Numba cache that both executables of the bundle can reuse.

In a frozen app Numba stamps each cached kernel with a hash of ``sys.executable`` instead of the
kernel's source file. The bundle has two executables (``conv-playground-gui`` and
``conv-playground``) that differ in their bytes, so each start of the other one found the stamp
changed and compiled every kernel again (measured: 26-30 s instead of 2 s, alternating for good).
The bundle ships ``playground`` as plain ``.py`` files (see the spec), so the stamp is taken from
the source file whenever it exists, as Numba does outside a frozen app: identical for both
executables, and changed by a bundle update that changes the code. Numba's own index still checks
its version. Only ``numba.core.caching`` is touched, once, when Numba imports it (importing
Numba here would slow every start, ``--version`` included).
"""

import importlib.abc
import os
import sys

_MODULE = "numba.core.caching"


def _patch(caching) -> None:
    mixin = getattr(caching, "_SourceFileBackedLocatorMixin", None)
    hash_file = getattr(caching, "_hash_source_file", None)
    if mixin is None or hash_file is None:
        return
    frozen_stamp = mixin.get_source_stamp

    def get_source_stamp(self):
        path = getattr(self, "_py_file", "")
        if path and os.path.isfile(path):
            st = os.stat(path)
            return hash_file(path, st.st_mtime, st.st_size)
        return frozen_stamp(self)

    mixin.get_source_stamp = get_source_stamp


class _PatchingLoader(importlib.abc.Loader):
    """Runs the real loader, then patches the module."""

    def __init__(self, loader) -> None:
        self._loader = loader

    def create_module(self, spec):
        return self._loader.create_module(spec)

    def exec_module(self, module) -> None:
        self._loader.exec_module(module)
        _patch(module)

    def __getattr__(self, name):
        return getattr(self._loader, name)


class _Finder(importlib.abc.MetaPathFinder):
    """Wraps the loader of numba.core.caching; removes itself after that one import."""

    def find_spec(self, name, path, target=None):
        if name != _MODULE:
            return None
        sys.meta_path.remove(self)
        for finder in sys.meta_path:
            spec = finder.find_spec(name, path, target)
            if spec is not None:
                if spec.loader is not None:
                    spec.loader = _PatchingLoader(spec.loader)
                return spec
        return None


if _MODULE not in sys.modules:
    sys.meta_path.insert(0, _Finder())
