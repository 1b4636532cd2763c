"""``conv-playground open FILE`` and ``--screenshot --lesson``: bad files exit 2 before a window."""

from __future__ import annotations

import json

import pytest

from playground import cli
from playground.commands import open as open_command


@pytest.fixture
def no_window(monkeypatch):
    """Fails the test if a window would open."""
    import playground.app

    def refuse(*_a, **_k):
        raise AssertionError("a window was opened")

    monkeypatch.setattr(playground.app, "run_app", refuse)


@pytest.mark.parametrize("content", ['{"format": "conv-playground-scene", "version": 9}',
                                     "{broken", '{"format": "conv-playground-lesson"}', "[]"])
def test_bad_file_exits_2_with_one_line(tmp_path, capsys, no_window, content):
    path = tmp_path / "bad.json"
    path.write_text(content)
    assert cli.main(["open", str(path)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("conv-playground: error:") and "\n" not in err


def test_missing_file_and_scene_number(tmp_path, capsys, no_window, window):
    assert cli.main(["open", str(tmp_path / "nope.json")]) == 2
    path = tmp_path / "l.json"
    window.lessons.add_to_lesson(path, "One", "")
    assert cli.main(["open", str(path), "--scene", "5"]) == 2
    assert "--scene must be 1..1" in capsys.readouterr().err


def test_good_files_open_the_window_on_them(tmp_path, monkeypatch, window):
    scene_path = tmp_path / "s.json"
    window.state.set_settings(stride=(3, 3))
    window.lessons.save_scene_file(scene_path)
    lesson_path = tmp_path / "l.json"
    window.lessons.add_to_lesson(lesson_path, "One", "Text")
    window.lessons.add_to_lesson(lesson_path, "Two", "Text")
    window.reset_to_defaults()
    import playground.app

    monkeypatch.setattr(playground.app, "run_app", lambda args, prepare: prepare(window) or 0)
    assert cli.main(["open", str(scene_path)]) == 0
    assert window.state.settings.stride == (3, 3)
    assert cli.main(["open", str(lesson_path), "--scene", "2"]) == 0
    assert window.lessons.driver.index == 1 and window.lessons.player.counter.text() == "2 / 2"
    assert json.loads(lesson_path.read_text())["format"] == "conv-playground-lesson"


def test_read_file_tells_scene_from_lesson(tmp_path, window):
    path = tmp_path / "s.json"
    window.lessons.save_scene_file(path)
    kind, scene = open_command.read_file(path)
    assert kind == "scene" and scene == window.state.scene()


def test_screenshot_of_a_lesson_scene(tmp_path, capsys):
    out = tmp_path / "shot.png"
    assert cli.main(["--screenshot", str(out), "--size", "1280x720", "--lesson", "lecture",
                     "--scene", "2", "--presenter"]) == 0
    from PySide6.QtGui import QImage

    img = QImage(str(out))
    assert (img.width(), img.height()) == (1280, 720)
    assert cli.main(["--screenshot", str(out), "--lesson", "no-such-lesson"]) == 2
    assert "no bundled lesson" in capsys.readouterr().err
    assert cli.main(["--screenshot", str(out), "--lesson", "lecture", "--scene", "999"]) == 2


def test_lesson_option_checked_before_the_window(capsys, monkeypatch):
    import playground.app

    monkeypatch.setattr(playground.app, "open_window", lambda **_k: pytest.fail("window opened"))
    assert cli.main(["--lesson", "no-such-lesson"]) == 2
    assert cli.main(["--lesson", "lecture", "--scene", "0"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 2 and "no bundled lesson" in err[0] and "--scene must be" in err[1]
