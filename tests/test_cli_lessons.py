"""``conv-playground lessons`` and ``conv-playground lesson check FILE``."""

from __future__ import annotations

import json

import pytest

from playground.cli import main
from playground.lessons.schema import bundled_lessons, lesson_to_json


def test_lessons_lists_name_count_and_titles(capsys):
    assert main(["lessons"]) == 0
    out = capsys.readouterr().out.splitlines()
    lesson = bundled_lessons()["lecture"]
    assert out[0].startswith(f"lecture  ({len(lesson.scenes)} scenes)  {lesson.title}")
    assert out[1] == f"   1. {lesson.scenes[0].title}" and len(out) == 1 + len(lesson.scenes)
    assert main(["lessons", "--brief"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == len(bundled_lessons())


def test_lesson_check_good_file(tmp_path, capsys):
    path = tmp_path / "l.json"
    path.write_text(json.dumps(lesson_to_json(bundled_lessons()["lecture"])))
    assert main(["lesson", "check", str(path)]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"{path}: OK: lesson 'lecture'") and "questions" in out


@pytest.mark.parametrize("content, reason", [
    (None, "cannot read"),
    ("{oops", "not valid JSON"),
    ('{"format": "conv-playground-lesson", "version": 2}', "version: this app reads version 1"),
    ('{"format": "conv-playground-lesson", "version": 1, "name": "x", "title": "X", '
     '"scenes": [{"title": "t", "text": "a\\nb", "view": "nowhere"}]}', "scene 1: view: unknown"),
])
def test_lesson_check_bad_file_exits_2_with_one_line(tmp_path, capsys, content, reason):
    path = tmp_path / "bad.json"
    if content is not None:
        path.write_text(content)
    assert main(["lesson", "check", str(path)]) == 2
    captured = capsys.readouterr()
    err = captured.err.strip()
    assert captured.out == "" and "\n" not in err
    assert err.startswith(f"conv-playground: error: {path}: ") and reason in err, err


def test_lesson_needs_an_action(capsys):
    with pytest.raises(SystemExit) as info:
        main(["lesson"])
    assert info.value.code == 2
