"""Fresh processes for the benchmarks, from a Python install and from a frozen app alike.

The benchmarks measure in a new process (a warm start, an engine or training run with its own
thread count). From Python that is ``python -m playground.bench.<name> ...``. A frozen
(PyInstaller) executable has no ``-m`` or ``-c``: it only takes our own command line, so there the
child is the app itself with a hidden first argument, :data:`CHILD_FLAG`, which
:func:`playground.cli.main` hands to :func:`run_child`.
"""

from __future__ import annotations

import runpy
import sys
from collections.abc import Sequence

CHILD_FLAG = "--bench-child"
CHILD_PACKAGE = "playground.bench."


def child_command(module: str, *args: str, frozen: bool | None = None,
                  executable: str | None = None) -> list[str]:
    """The command line that runs ``module`` (a ``playground.bench`` module) as ``__main__``.

    ``frozen`` and ``executable`` default to this process's (``sys.frozen``, ``sys.executable``).
    """
    if not module.startswith(CHILD_PACKAGE):
        raise ValueError(f"not a benchmark module: {module!r}")
    frozen = bool(getattr(sys, "frozen", False)) if frozen is None else frozen
    exe = executable or sys.executable
    if frozen:
        return [exe, CHILD_FLAG, module, *args]
    return [exe, "-m", module, *args]


def run_child(argv: Sequence[str]) -> int:
    """Runs ``argv[0]`` (a ``playground.bench`` module) as ``__main__`` with ``argv`` as its
    ``sys.argv``, the way ``python -m`` would; returns its exit code."""
    if not argv or not argv[0].startswith(CHILD_PACKAGE):
        print(f"{CHILD_FLAG} needs a playground.bench module, got {list(argv)[:1]}",
              file=sys.stderr)
        return 2
    saved = sys.argv
    sys.argv = list(argv)
    try:
        runpy.run_module(argv[0], run_name="__main__", alter_sys=True)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    finally:
        sys.argv = saved
    return 0
