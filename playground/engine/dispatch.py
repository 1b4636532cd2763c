"""Backend registry: reference, cpu and cuda share one interface; ``auto`` picks the fastest.

A backend is a module that conforms to :class:`playground.engine.backend.Backend`; each is
checked against it the first time it loads, so a backend with a missing or misspelt function
fails there with the list of differences, not somewhere inside a training step.
"""

from __future__ import annotations

import ctypes.util
import functools
import importlib
import os
from typing import TYPE_CHECKING

from playground.engine import config

if TYPE_CHECKING:  # a module that conforms to the protocol (PEP 544)
    from playground.engine.backend import Backend

BACKENDS = ("reference", "cpu", "cuda")
CHOICES = ("auto", *BACKENDS)
_MODULES = {name: f"playground.engine.{name}" for name in BACKENDS}

_selected: str | None = None
_checked: set[str] = set()


class BackendUnavailable(RuntimeError):
    """The asked-for backend cannot run here (e.g. CUDA without an NVIDIA GPU)."""


def simulator_enabled() -> bool:
    """Whether Numba's CUDA simulator is switched on for this process."""
    return os.environ.get("NUMBA_ENABLE_CUDASIM", "0") not in ("", "0")


@functools.cache
def _driver_library_found() -> bool:
    """Whether libcuda is installed (``find_library`` runs ``ldconfig``: ~10 ms, so ask once)."""
    return ctypes.util.find_library("cuda") is not None


def cuda_present() -> bool:
    """True when CUDA kernels can run (a GPU or the simulator); imports numba.cuda only then."""
    if not simulator_enabled() and not _driver_library_found():
        return False
    try:
        from numba import cuda
    except ImportError:
        return False
    try:
        return bool(cuda.is_available())
    except Exception:
        return False


def real_gpu_present() -> bool:
    """True only with a real NVIDIA GPU (the simulator does not count for ``auto``)."""
    return not simulator_enabled() and cuda_present()


def available_backends() -> list[str]:
    """Names of the backends that can run in this process."""
    names = ["reference", "cpu"]
    if cuda_present():
        names.append("cuda")
    return names


def resolve(name: str) -> str:
    """Turns ``auto`` into a concrete backend name; ValueError for an unknown name."""
    key = (name or "auto").strip().lower()
    if key not in CHOICES:
        raise ValueError(f"unknown backend {name!r}: choose one of {', '.join(CHOICES)}")
    if key == "auto":
        return "cuda" if real_gpu_present() else "cpu"
    return key


def _load(name: str) -> Backend:
    if name == "cuda" and not cuda_present():
        raise BackendUnavailable(
            "the CUDA backend needs an NVIDIA GPU with its driver and the numba-cuda package "
            "(pip install 'conv-playground[cuda]'); none was found, so use --backend cpu"
        )
    module = importlib.import_module(_MODULES[name])
    if name not in _checked:
        from playground.engine.backend import conformance_problems

        problems = conformance_problems(module)
        if problems:
            raise TypeError(f"backend {name!r} does not match the Backend protocol: "
                            + "; ".join(problems))
        _checked.add(name)
    return module


def set_backend(name: str) -> str:
    """Selects the backend for later engine calls and returns its concrete name."""
    global _selected
    concrete = resolve(name)
    _load(concrete)
    _selected = concrete
    return concrete


def get_backend(name: str | None = None) -> Backend:
    """The backend module for ``name``, or the selected one (``$PLAYGROUND_BACKEND``, else auto)."""
    global _selected
    if name is not None:
        return _load(resolve(name))
    if _selected is None:
        _selected = resolve(os.environ.get(config.BACKEND_ENV, "auto"))
    return _load(_selected)


def backend_name() -> str:
    """The concrete name of the selected backend."""
    return get_backend().name
