"""Lesson files: round trip, answers checked, every kind of bad file refused with a message."""

from __future__ import annotations

import copy
import json
import os

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from playground.lessons import schema
from playground.lessons.schema import (
    Action,
    Lesson,
    LessonError,
    LessonScene,
    Question,
    append_scene,
    bundled_lessons,
    lesson_from_json,
    lesson_to_json,
    load_lesson,
    save_lesson,
    shown_scene,
)
from playground.scene import LayerSettings, Scene


def _matrix_scene() -> Scene:
    return Scene(np.arange(1, 10, dtype=np.float32).reshape(3, 3),
                 np.ones((1, 1, 2, 2), np.float32), np.zeros(1, np.float32),
                 input_kind="matrix", layer=LayerSettings(padding_mode="valid"))


def _lesson() -> Lesson:
    return Lesson("demo", "Demo", (
        LessonScene("A", "A matrix.", notes="say hi", scene=_matrix_scene(), view="stepper",
                    highlight=("canvas", "maps"), steps=4,
                    question=Question("What is c12?", "16", "number")),
        LessonScene("B", "Keep it.", tab="network", view="templates",
                    action=Action("race", "lenet5", 2)),
    ))


def test_round_trip_and_save(tmp_path):
    lesson = _lesson()
    data = lesson_to_json(lesson)
    assert data["format"] == "conv-playground-lesson" and data["version"] == 1
    assert "scene" not in data["scenes"][1] and "question" not in data["scenes"][1]
    assert lesson_from_json(json.loads(json.dumps(data))) == lesson
    path = tmp_path / "demo.json"
    save_lesson(lesson, path)
    assert load_lesson(path) == lesson
    assert sorted(os.listdir(tmp_path)) == ["demo.json"]  # no temporary file left behind


_texts = st.text(st.characters(codec="utf-8"), max_size=30)
_titles = _texts.filter(lambda t: t.strip() != "")


@st.composite
def _scenes(draw) -> LessonScene:
    tab = draw(st.sampled_from(schema.TABS))
    scene = None
    if draw(st.booleans()):
        h, w = draw(st.integers(1, 4)), draw(st.integers(1, 4))
        vals = draw(st.lists(st.floats(-1e6, 1e6, width=32), min_size=h * w, max_size=h * w))
        scene = Scene(np.array(vals, np.float32).reshape(h, w), np.ones((1, 1, 1, 1), np.float32),
                      np.zeros(1, np.float32), input_kind="matrix")
    question = draw(st.none() | st.builds(Question, _titles, st.just("3x2"), st.just("size"))
                    | st.builds(Question, _titles, st.just("768,000"), st.just("number"))
                    | st.builds(Question, _titles, _titles, st.just("reveal")))
    action = draw(st.none() | st.builds(Action, st.sampled_from(schema.ACTION_KINDS),
                                        st.sampled_from(schema.MODELS), st.integers(1, 3)))
    return LessonScene(draw(_titles), draw(_texts), draw(_texts), scene, tab,
                       draw(st.sampled_from(schema.TAB_VIEWS[tab])),
                       tuple(draw(st.lists(st.sampled_from(schema.PANELS), unique=True))),
                       question, action, draw(st.integers(0, 50)))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.from_regex(schema.NAME_RE, fullmatch=True), _titles,
       st.lists(_scenes(), min_size=1, max_size=4))
def test_round_trip_any_small_lesson(name, title, scenes):
    lesson = Lesson(name, title, tuple(scenes))
    text = json.dumps(lesson_to_json(lesson))
    assert lesson_from_json(json.loads(text)) == lesson


@pytest.mark.parametrize("kind, answer, good, bad", [
    ("size", "14x14", ["14x14", "14 x 14", "14×14", " 14X14 ", "(14, 14)", "14"],
     ["14x15", "", "14x", "fourteen", "1414"]),
    ("size", "3x2", ["3x2", "3 × 2"], ["2x3", "3x3"]),
    ("number", "768000", ["768000", "768,000", "768 000", "768000.0", "7.68e5"],
     ["768001", "76,8000", "768.000,0", "", "nan"]),
    ("number", "0.25", ["0.25", ".25", "0.2500", "0.2549"], ["0.26", "1/4"]),
    ("reveal", "Max pooling", ["max pooling", "  Max   Pooling "], ["max", ""]),
    ("reveal", "[[5, 6], [8, 9]]", ["[[5,6],[8,9]]", " [[5, 6],\n [8, 9]] "], ["[[5, 6]]"]),
])
def test_question_check(kind, answer, good, bad):
    q = Question("?", answer, kind)
    assert all(q.check(t) for t in good), [t for t in good if not q.check(t)]
    assert not any(q.check(t) for t in bad), [t for t in bad if q.check(t)]


def _bad(mutate):
    data = lesson_to_json(_lesson())
    mutate(data)
    return data


_CASES = [
    ("format", lambda d: d.update(format="conv-playground-scene"), "format"),
    ("version", lambda d: d.update(version=2), "version: this app reads version 1"),
    ("version type", lambda d: d.update(version="1"), "version: expected an integer"),
    ("missing name", lambda d: d.pop("name"), "name: missing"),
    ("bad name", lambda d: d.update(name="Has Spaces"), "name:"),
    ("unknown top key", lambda d: d.update(extra=1), "extra: unknown field"),
    ("no scenes", lambda d: d.update(scenes=[]), "scenes: 1..200"),
    ("too many scenes", lambda d: d.update(scenes=d["scenes"][1:] * 201), "scenes: 1..200"),
    ("scenes not a list", lambda d: d.update(scenes={}), "scenes: expected a list"),
    ("scene missing title", lambda d: d["scenes"][1].pop("title"), "scene 2: title: missing"),
    ("scene unknown key", lambda d: d["scenes"][0].update(colour="red"),
     "scene 1: colour: unknown field"),
    ("long text", lambda d: d["scenes"][1].update(text="x" * 4001),
     "scene 2: text: 4001 characters"),
    ("text type", lambda d: d["scenes"][1].update(notes=3), "scene 2: notes: expected text"),
    ("tab", lambda d: d["scenes"][1].update(tab="other"), "scene 2: tab: unknown"),
    ("view of another tab", lambda d: d["scenes"][1].update(view="stepper"),
     "scene 2: view: 'stepper' is not a view of the network tab"),
    ("highlight", lambda d: d["scenes"][0].update(highlight=["nowhere"]),
     "scene 1: highlight[0]: unknown"),
    ("highlight type", lambda d: d["scenes"][0].update(highlight="canvas"),
     "scene 1: highlight: expected a list"),
    ("steps", lambda d: d["scenes"][0].update(steps=-1), "scene 1: steps: must be"),
    ("steps float", lambda d: d["scenes"][0].update(steps=1.0), "scene 1: steps: expected an int"),
    ("question kind", lambda d: d["scenes"][0]["question"].update(kind="essay"),
     "scene 1: question.kind: unknown"),
    ("question answer", lambda d: d["scenes"][0]["question"].update(kind="size", answer="c12"),
     "scene 1: question.answer: 'c12' is not a size"),
    ("question key", lambda d: d["scenes"][0]["question"].update(hint="x"),
     "scene 1: question.hint: unknown field"),
    ("question missing", lambda d: d["scenes"][0]["question"].pop("answer"),
     "scene 1: question.answer: missing"),
    ("action model", lambda d: d["scenes"][1]["action"].update(model="resnet"),
     "scene 2: action.model: unknown"),
    ("action epochs", lambda d: d["scenes"][1]["action"].update(epochs=1000),
     "scene 2: action.epochs: must be 1..20"),
    ("NaN", lambda d: d["scenes"][0]["scene"]["input"].update(data=[[float("nan")]]),
     "scene 1: scene.input.data: must hold finite numbers"),
    ("huge array", lambda d: d["scenes"][0]["scene"]["input"].update(data=[[0.0] * 513]),
     "scene 1: scene.input.data: axis 1 has 513 entries"),
    ("scene format", lambda d: d["scenes"][0]["scene"].update(format="x"),
     "scene 1: scene.format"),
    ("scene not an object", lambda d: d["scenes"][0].update(scene=[1]),
     "scene 1: scene: expected an object"),
    ("not an object", lambda d: d.clear(), "format: missing"),
]


@pytest.mark.parametrize("mutate, message", [c[1:] for c in _CASES], ids=[c[0] for c in _CASES])
def test_bad_lessons_refused(mutate, message):
    with pytest.raises(LessonError) as err:
        lesson_from_json(_bad(mutate), "my.json")
    assert str(err.value).startswith("my.json: "), str(err.value)
    assert message in str(err.value), str(err.value)


def test_bad_files_refused(tmp_path, monkeypatch):
    cases = {"missing.json": None, "empty.json": b"", "notjson.json": b"{not json",
             "binary.json": b"\xff\xfe\x00", "list.json": b"[]"}
    for name, content in cases.items():
        if content is not None:
            (tmp_path / name).write_bytes(content)
        with pytest.raises(LessonError, match=name.replace(".", r"\.")):
            load_lesson(tmp_path / name)
    monkeypatch.setattr(schema, "MAX_FILE_BYTES", 100)
    big = tmp_path / "big.json"
    big.write_text(json.dumps(lesson_to_json(_lesson())))
    with pytest.raises(LessonError, match="bytes is more than 100"):
        load_lesson(big)
    with pytest.raises(LessonError, match="not a file"):
        load_lesson(tmp_path)


def test_constructors_validate():
    with pytest.raises(LessonError, match=r"title: must not be empty"):
        LessonScene(" ", "x")
    with pytest.raises(LessonError, match=r"question\.answer"):
        Question("How many?", "many", "number")
    with pytest.raises(LessonError, match=r"action\.kind"):
        Action("dance")
    with pytest.raises(LessonError, match=r"scenes: 1\.\.200"):
        Lesson("x", "X", ())


def test_shown_scene_walks_back():
    lesson = _lesson()
    assert shown_scene(lesson, 0) is lesson.scenes[0].scene
    assert shown_scene(lesson, 1) is lesson.scenes[0].scene  # a None scene keeps the previous
    assert shown_scene(Lesson("x", "X", (LessonScene("C", "c"),)), 0) is None
    with pytest.raises(IndexError):
        shown_scene(lesson, 2)


_json = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
                     lambda inner: st.lists(inner, max_size=3)
                     | st.dictionaries(st.text(max_size=8), inner, max_size=3), max_leaves=8)


def _paths(value, prefix=()):
    yield prefix
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _paths(v, (*prefix, k))
    elif isinstance(value, list):
        for i, v in enumerate(value[:3]):
            yield from _paths(v, (*prefix, i))


_BASE = lesson_to_json(_lesson())
_ALL_PATHS = [p for p in _paths(_BASE) if p]


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(_ALL_PATHS), _json)
def test_any_mutation_is_a_lesson_error_or_a_lesson(path, value):
    data = copy.deepcopy(_BASE)
    node = data
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    try:
        lesson = lesson_from_json(data, "f.json")
    except LessonError as exc:
        assert str(exc).startswith("f.json: ")
    else:
        assert lesson_from_json(lesson_to_json(lesson)) == lesson


def test_append_scene():
    lesson = _lesson()
    more = append_scene(lesson, LessonScene("C", "More."))
    assert len(more.scenes) == 3 and more.scenes[:2] == lesson.scenes and len(lesson.scenes) == 2
    full = Lesson("x", "X", (LessonScene("C", "c"),) * 200)
    with pytest.raises(LessonError, match="already has 200"):
        append_scene(full, LessonScene("D", "d"))


def test_input_not_mutated_and_bundled_lessons_load():
    data = lesson_to_json(_lesson())
    before = copy.deepcopy(data)
    lesson_from_json(data)
    assert data == before
    lessons = bundled_lessons()
    assert all(isinstance(v, Lesson) and v.name == k for k, v in lessons.items())


def test_schema_and_lesson_builder_are_qt_free():
    import subprocess
    import sys

    code = ("import sys; import playground.lessons.schema, playground.lessons.lecture_lesson; "
            "playground.lessons.schema.bundled_lessons(); "
            "print('PySide6' in sys.modules, 'pyqtgraph' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_bundled_lessons_folder(tmp_path, monkeypatch):
    import playground.paths

    monkeypatch.setattr(playground.paths, "resource_dir", lambda: tmp_path)
    assert bundled_lessons() == {}
    (tmp_path / "lessons").mkdir()
    save_lesson(_lesson(), tmp_path / "lessons" / "a.json")
    first = bundled_lessons()
    assert list(first) == ["demo"] and bundled_lessons()["demo"] is first["demo"]  # read once
    data = lesson_to_json(_lesson())
    data["title"] = "Changed, and a longer title"
    (tmp_path / "lessons" / "a.json").write_text(json.dumps(data))
    assert bundled_lessons()["demo"].title == data["title"]  # a changed file is read again
    (tmp_path / "lessons" / "b.json").write_text(json.dumps(data))
    with pytest.raises(LessonError, match="name 'demo' is used by another bundled lesson"):
        bundled_lessons()
    (tmp_path / "lessons" / "b.json").write_text("{")
    with pytest.raises(LessonError, match=r"b\.json: not valid JSON"):
        bundled_lessons()


def test_save_failure_keeps_the_old_file(tmp_path):
    from playground.fileio import SaveError

    path = tmp_path / "l.json"
    save_lesson(_lesson(), path)
    before = path.read_bytes()
    with pytest.raises(SaveError, match="does not exist"):
        save_lesson(_lesson(), tmp_path / "missing" / "l.json")
    with pytest.raises(SaveError, match="it is a folder"):
        save_lesson(_lesson(), tmp_path)
    assert path.read_bytes() == before and sorted(os.listdir(tmp_path)) == ["l.json"]
