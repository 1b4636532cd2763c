"""``conv-playground lessons``: list the bundled lessons (name, scene count, titles)."""

from __future__ import annotations

import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``--brief`` leaves out the scene titles."""
    parser.add_argument("--brief", action="store_true",
                        help="one line per lesson, without the scene titles")


def run(args: argparse.Namespace) -> int:
    """Prints each bundled lesson and its scenes; a broken bundled file is an error (exit 2)."""
    from playground.lessons.schema import bundled_lessons

    lessons = bundled_lessons()
    if not lessons:
        print("no bundled lessons")
        return 0
    for name, lesson in lessons.items():
        print(f"{name}  ({len(lesson.scenes)} scenes)  {lesson.title}")
        if not args.brief:
            width = len(str(len(lesson.scenes)))
            for i, scene in enumerate(lesson.scenes, 1):
                print(f"  {i:>{width}}. {scene.title}")
    return 0
