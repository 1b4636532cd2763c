"""``conv-playground open FILE``: opens the window on a scene file or a lesson file.

The file is read and validated before any window opens: a bad one is one line and exit code 2.
"""

from __future__ import annotations

import argparse
from pathlib import Path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """FILE, and which scene of a lesson to start at."""
    parser.add_argument("file", help="a scene file (File ▸ Save scene) or a lesson file")
    parser.add_argument("--scene", type=int, default=1, metavar="N",
                        help="lesson files: start at scene N (1-based, default 1)")
    parser.add_argument("--presenter", action="store_true",
                        help="lesson files: start in presenter mode (full screen)")


def read_file(path: str | Path, scene: int = 1):
    """``("scene", Scene)`` or ``("lesson", Lesson)`` for the file at ``path``; ValueError (one
    line naming the problem) for a missing, oversized, malformed or invalid file."""
    from playground.ui.lesson import scene_files

    data = scene_files.read_json_file(path, "file")
    if scene_files.is_scene_json(data):
        from playground.scene import Scene

        return "scene", Scene.from_json(data)
    from playground.lessons.schema import lesson_from_json

    lesson = lesson_from_json(data, str(path))
    if not 1 <= scene <= len(lesson.scenes):
        raise ValueError(f"--scene must be 1..{len(lesson.scenes)} for {Path(path).name}, "
                         f"got {scene}")
    return "lesson", lesson


def run(args: argparse.Namespace) -> int:
    """Validates FILE, then opens the window showing it."""
    kind, value = read_file(args.file, args.scene)

    def prepare(window) -> None:
        if kind == "scene":
            window.lessons.apply_scene(value)
            window.undo_stack.clear()
        else:
            window.lessons.start_lesson(value, args.scene - 1)
            if args.presenter:
                window.lessons.presenter.enter()

    from playground.app import run_app

    return run_app(args, prepare=prepare)
