"""``conv-playground lesson check FILE``: validate a lesson file (exit 2 with the reason)."""

from __future__ import annotations

import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``check FILE``."""
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    check = actions.add_parser("check", help="validate a lesson file and summarise it",
                               description="Validate a lesson file: exit 0 and a short summary, "
                                           "or exit 2 and the reason in one line.")
    check.add_argument("file", metavar="FILE", help="a lesson .json file")


def summary(lesson) -> str:
    """One line: name, title and what the scenes hold."""
    scenes = lesson.scenes
    questions = sum(s.question is not None for s in scenes)
    actions = sum(s.action is not None for s in scenes)
    shown = sum(s.scene is not None for s in scenes)
    return (f"lesson {lesson.name!r} ({lesson.title}): {len(scenes)} scenes, {shown} with a "
            f"Playground scene, {questions} questions, {actions} actions")


def run(args: argparse.Namespace) -> int:
    """Checks ``args.file``; a LessonError reaches the CLI, which prints it and exits 2."""
    from playground.lessons.schema import LessonError, load_lesson

    try:
        lesson = load_lesson(args.file)
    except LessonError as exc:
        raise LessonError(" ".join(str(exc).split())) from None  # one line, whatever the cause
    print(f"{args.file}: OK: {summary(lesson)}")
    return 0
