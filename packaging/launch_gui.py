"""Entry script of the bundle's windowed executable, ``conv-playground-gui`` (what a student
double-clicks: the Start-menu entry, the macOS .app, the Linux .desktop file).

On Windows and macOS a windowed executable has no console: ``sys.stdout`` and ``sys.stderr`` are
``None``, so a warning or a traceback would be lost. They go to ``conv-playground-gui.log`` in the
per-user cache folder instead (overwritten at each start), where a teacher can find them.
"""

import sys


def _log_to_file_without_console() -> None:
    if sys.stdout is not None and sys.stderr is not None:
        return
    try:
        from playground.paths import user_cache_dir

        log = open(user_cache_dir() / "conv-playground-gui.log", "w", encoding="utf-8")  # noqa: SIM115
    except OSError:
        return
    sys.stdout = sys.stdout or log
    sys.stderr = sys.stderr or log


if __name__ == "__main__":
    _log_to_file_without_console()
    from playground.cli import main

    sys.exit(main())
