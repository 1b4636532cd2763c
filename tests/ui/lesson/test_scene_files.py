"""Scene files and scene text: round trips, and bad input refused with the current scene kept."""

from __future__ import annotations

import json
import zlib

import numpy as np
import pytest

from playground.lessons import schema
from playground.scene import SceneError
from playground.ui.lesson import scene_files
from playground.ui.lesson.scene_files import scene_from_text, scene_to_text


@pytest.fixture
def edited(window):
    """The window with a scene that differs from the default one."""
    window.state.set_settings(stride=(2, 2), padding_mode="same", pool="max")
    window.state.select_kernel(3)
    return window


def test_scene_file_round_trip(edited, tmp_path):
    ctl = edited.lessons
    before = edited.state.scene()
    path = tmp_path / "s.cpscene.json"
    assert ctl.save_scene_file(path)
    data = json.loads(path.read_text())
    assert data["format"] == "conv-playground-scene" and data["version"] == 1
    edited.reset_to_defaults()
    assert edited.state.scene() != before
    assert ctl.open_scene_file(path)
    assert edited.state.scene() == before
    edited.undo_stack.undo()  # opening a scene is one undoable step
    assert edited.state.scene() != before


def _good(window) -> dict:
    return window.state.scene().to_json()


BAD = {
    "wrong version": lambda d: {**d, "version": 2},
    "wrong format": lambda d: {**d, "format": "something-else"},
    "missing header": lambda d: {k: v for k, v in d.items() if k != "version"},
    "unknown key": lambda d: {**d, "colour": "red"},
    "NaN weight": lambda d: {**d, "kernels": [[[[float("nan")] * 5] * 5]] * 6},
    "huge input": lambda d: {**d, "input": {"kind": "matrix", "data": [[0.0] * 600] * 600}},
    "bias count": lambda d: {**d, "bias": [0.0]},
    "not an object": lambda d: [1, 2, 3],
}


@pytest.mark.parametrize("case", BAD)
def test_bad_scene_file_refused_scene_kept(edited, tmp_path, case):
    before = edited.state.scene()
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(BAD[case](_good(edited))))
    ctl = edited.lessons
    assert not ctl.open_scene_file(path)
    assert ctl.last_error and ctl.message_box is not None  # a message box says why
    assert edited.state.scene() == before


def test_unreadable_files_refused(edited, tmp_path, monkeypatch):
    before = edited.state.scene()
    ctl = edited.lessons
    (tmp_path / "junk.json").write_bytes(b"{not json")
    assert not ctl.open_scene_file(tmp_path / "junk.json") and "JSON" in ctl.last_error
    assert not ctl.open_scene_file(tmp_path / "missing.json")
    monkeypatch.setattr(scene_files, "MAX_FILE_BYTES", 100)
    (tmp_path / "big.json").write_text(json.dumps(_good(edited)))
    assert not ctl.open_scene_file(tmp_path / "big.json") and "bytes" in ctl.last_error
    assert edited.state.scene() == before


def test_text_round_trip_and_clipboard(edited):
    before = edited.state.scene()
    text = edited.lessons.copy_scene_text()
    assert text.startswith("cpscene:") and "\n" not in text and len(text) < 2000
    assert scene_from_text(text) == before
    assert scene_from_text(f"  {text[:40]}\n{text[40:]}  ") == before  # wrapped by a mailer
    edited.reset_to_defaults()
    assert edited.lessons.paste_scene_text()  # from the clipboard
    assert edited.state.scene() == before


def test_bad_text_refused(edited, monkeypatch):
    before = edited.state.scene()
    good = scene_to_text(before)
    for text in ("hello", "cpscene:!!!", "cpscene:" + good[8:-6], good.replace("cpscene", "x")):
        assert not edited.lessons.paste_scene_text(text)
    bomb = zlib.compress(b"{" + b" " * 20_000_000 + b"}")  # unpacks past the scene limit
    import base64

    with pytest.raises(SceneError, match="more than"):
        scene_from_text("cpscene:" + base64.urlsafe_b64encode(bomb).decode())
    monkeypatch.setattr(scene_files, "MAX_TEXT_CHARS", 100)
    with pytest.raises(SceneError, match="characters"):
        scene_from_text(good)
    assert edited.state.scene() == before


def test_add_scene_to_a_lesson_builds_a_lesson(edited, tmp_path):
    path = tmp_path / "My Lesson.json"
    ctl = edited.lessons
    assert ctl.add_to_lesson(path, "First", "The first scene.")
    edited.state.set_settings(stride=(1, 1))
    assert ctl.add_to_lesson(path, "Second", "")
    lesson = schema.load_lesson(path)
    assert lesson.name == "my-lesson" and [s.title for s in lesson.scenes] == ["First", "Second"]
    assert lesson.scenes[1].scene == edited.state.scene()
    assert lesson.scenes[0].scene.layer.stride == (2, 2)
    assert ctl.open_lesson_file(path) and ctl.driver.count == 2
    path.write_text("{}")
    assert not ctl.add_to_lesson(path, "Third", "") and ctl.last_error
    assert not ctl.open_lesson_file(path)


def test_matrix_scene_text_is_short(window):
    from playground.scene import Scene

    s = Scene(np.arange(9, dtype=np.float32).reshape(3, 3), np.ones((1, 1, 2, 2), np.float32),
              np.zeros(1, np.float32), "matrix")
    assert scene_from_text(scene_to_text(s)) == s and len(scene_to_text(s)) < 400
