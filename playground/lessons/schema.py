"""Lesson files: a lecture as a sequence of scenes, as frozen, validated, Qt-free values.

A :class:`Lesson` is a named list of :class:`LessonScene`; each scene has a title, a few sentences,
optional presenter notes, optionally a :class:`~playground.scene.Scene` (what the Playground shows;
``None`` keeps the previous one), which tab and lower view are in front, what is highlighted, an
optional :class:`Question` (its answer hidden until revealed or typed in) and an optional
:class:`Action` (a short training run or a race). Files are versioned JSON
(``"format": "conv-playground-lesson"``); :func:`lesson_from_json` checks every field and refuses
bad input with a :class:`LessonError` naming the file, the scene number and the field.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from playground.lessons.answers import decimals, parse_number, parse_size
from playground.scene import Scene, SceneError

FORMAT = "conv-playground-lesson"
VERSION = 1
MAX_SCENES = 200
MAX_TEXT = 4000
"""Longest ``text`` or ``notes`` (characters)."""
MAX_TITLE = 200
"""Longest title, prompt or answer (characters)."""
MAX_FILE_BYTES = 2_000_000
"""Largest lesson file :func:`load_lesson` reads."""
MAX_STEPS = 10_000
MAX_EPOCHS = 20
QUESTION_KINDS = ("reveal", "number", "size")
ACTION_KINDS = ("train", "race")
MODELS = ("fcnn", "lenet5-small", "lenet5")
"""The architectures an :class:`Action` may train (``playground.nn.registry``'s keys)."""
TABS = ("playground", "network")
TAB_VIEWS = {
    "playground": ("", "stepper", "stepper_1d", "formula", "cost", "channels", "symbolic"),
    "network": ("", "templates", "invariance"),
}
"""The lower views each tab can bring to the front ("" leaves the view as it is)."""
VIEWS = ("", "stepper", "stepper_1d", "formula", "cost", "channels", "symbolic", "templates",
         "invariance")
SCENE_VIEWS = {"stepper": "step-2d", "stepper_1d": "step-1d", "formula": "output-size",
               "cost": "cost", "channels": "channels", "symbolic": "symbolic"}
"""Lesson views that are also a :class:`Scene` ``view`` (the Playground's own lower views)."""
PANELS = ("canvas", "kernel", "layer", "maps", "formula", "cost")
"""Panel names a scene may highlight."""
NAME_RE = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")
"""What a lesson's ``name`` looks like (it is used on the command line: ``--lesson NAME``)."""


class LessonError(ValueError):
    """A lesson (or its file) is invalid; the message names the file, the scene and the field."""


def _text(what: str, value: Any, limit: int, empty: bool = True) -> str:
    if not isinstance(value, str):
        raise LessonError(f"{what}: expected text, got {_short(value)}")
    if len(value) > limit:
        raise LessonError(f"{what}: {len(value)} characters, at most {limit} allowed")
    if not empty and not value.strip():
        raise LessonError(f"{what}: must not be empty")
    return value


def _int(what: str, value: Any, lo: int, hi: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise LessonError(f"{what}: expected an integer, got {_short(value)}")
    if not lo <= value <= hi:
        raise LessonError(f"{what}: must be {lo}..{hi}, got {value}")
    return value


def _choice(what: str, value: Any, allowed: tuple[str, ...]) -> str:
    if not isinstance(value, str) or value not in allowed:
        shown = ", ".join(repr(a) for a in allowed)
        raise LessonError(f"{what}: unknown {_short(value)}; choose one of {shown}")
    return value


def _short(value: Any) -> str:
    text = repr(value) if not isinstance(value, list | dict) else type(value).__name__
    return text if len(text) <= 40 else text[:37] + "..."


@dataclass(frozen=True)
class Question:
    """A question whose answer stays hidden: revealed (``reveal``) or typed and checked.

    ``number`` answers are compared with a tolerance of half a unit in the answer's last written
    decimal (exactly, for whole numbers); ``size`` answers are ``rows x columns``.
    """

    prompt: str
    answer: str
    kind: str = "reveal"

    def __post_init__(self) -> None:
        _text("question.prompt", self.prompt, MAX_TEXT, empty=False)
        _text("question.answer", self.answer, MAX_TITLE, empty=False)
        _choice("question.kind", self.kind, QUESTION_KINDS)
        if self.kind == "number" and parse_number(self.answer) is None:
            raise LessonError(f"question.answer: {_short(self.answer)} is not a number")
        if self.kind == "size" and parse_size(self.answer) is None:
            raise LessonError(f"question.answer: {_short(self.answer)} is not a size like 3x3")

    def check(self, text: str) -> bool:
        """Whether ``text`` is the answer (``reveal``: the same text, any case and spacing)."""
        if self.kind == "size":
            got = parse_size(text)
            return got is not None and got == parse_size(self.answer)
        if self.kind == "number":
            got, want = parse_number(text), parse_number(self.answer)
            if got is None or want is None:
                return False
            d = decimals(self.answer)
            tol = 0.5 * 10.0 ** -d if d else 1e-9 * max(1.0, abs(want))
            return abs(got - want) <= tol
        if not isinstance(text, str):
            return False
        return "".join(text.lower().split()) == "".join(self.answer.lower().split())


@dataclass(frozen=True)
class Action:
    """A short training run (``train``) or a race of FCNN against ``model`` (``race``)."""

    kind: str
    model: str = "lenet5-small"
    epochs: int = 1

    def __post_init__(self) -> None:
        _choice("action.kind", self.kind, ACTION_KINDS)
        _choice("action.model", self.model, MODELS)
        _int("action.epochs", self.epochs, 1, MAX_EPOCHS)


@dataclass(frozen=True)
class LessonScene:
    """One step of a lesson: what to show, what to say and what to ask."""

    title: str
    text: str
    notes: str = ""
    scene: Scene | None = None
    """What the Playground shows; None keeps the previous scene."""
    tab: str = "playground"
    view: str = ""
    """The lower view to bring to the front ("" leaves it); must belong to ``tab``."""
    highlight: tuple[str, ...] = ()
    question: Question | None = None
    action: Action | None = None
    steps: int = 0
    """Animation steps the clicker walks through before the next scene."""

    def __post_init__(self) -> None:
        _text("title", self.title, MAX_TITLE, empty=False)
        _text("text", self.text, MAX_TEXT)
        _text("notes", self.notes, MAX_TEXT)
        if self.scene is not None and not isinstance(self.scene, Scene):
            raise LessonError(f"scene: expected a Scene, got {_short(self.scene)}")
        _choice("tab", self.tab, TABS)
        _choice("view", self.view, VIEWS)
        if self.view not in TAB_VIEWS[self.tab]:
            raise LessonError(f"view: {self.view!r} is not a view of the {self.tab} tab "
                              f"(it has {', '.join(v for v in TAB_VIEWS[self.tab] if v)})")
        if not isinstance(self.highlight, tuple | list):
            raise LessonError(f"highlight: expected a list of panel names, got "
                              f"{_short(self.highlight)}")
        for i, name in enumerate(self.highlight):
            _choice(f"highlight[{i}]", name, PANELS)
        if len(set(self.highlight)) != len(self.highlight):
            raise LessonError("highlight: a panel is named twice")
        object.__setattr__(self, "highlight", tuple(self.highlight))
        if self.question is not None and not isinstance(self.question, Question):
            raise LessonError(f"question: expected a Question, got {_short(self.question)}")
        if self.action is not None and not isinstance(self.action, Action):
            raise LessonError(f"action: expected an Action, got {_short(self.action)}")
        _int("steps", self.steps, 0, MAX_STEPS)


@dataclass(frozen=True)
class Lesson:
    """A named, titled sequence of scenes (1..200)."""

    name: str
    title: str
    scenes: tuple[LessonScene, ...]
    version: int = VERSION

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not NAME_RE.fullmatch(self.name):
            raise LessonError(f"name: {_short(self.name)} must be 1-64 lower-case letters, "
                              "digits, '-' or '_'")
        _text("title", self.title, MAX_TITLE, empty=False)
        if self.version != VERSION or isinstance(self.version, bool):
            raise LessonError(f"version: this app reads version {VERSION}, got "
                              f"{_short(self.version)}")
        if not isinstance(self.scenes, tuple | list):
            raise LessonError(f"scenes: expected a list, got {_short(self.scenes)}")
        if not 1 <= len(self.scenes) <= MAX_SCENES:
            raise LessonError(f"scenes: 1..{MAX_SCENES} scenes, got {len(self.scenes)}")
        for i, s in enumerate(self.scenes, 1):
            if not isinstance(s, LessonScene):
                raise LessonError(f"scene {i}: expected a LessonScene, got {_short(s)}")
        object.__setattr__(self, "scenes", tuple(self.scenes))


# ---- JSON --------------------------------------------------------------------------------------
_TOP_KEYS = {"format", "version", "name", "title", "scenes"}
_SCENE_KEYS = {f.name for f in fields(LessonScene)}
_QUESTION_KEYS = {f.name for f in fields(Question)}
_ACTION_KEYS = {f.name for f in fields(Action)}


def _obj(what: str, value: Any, allowed: set[str], required: set[str]) -> dict:
    if not isinstance(value, dict):
        raise LessonError(f"{what}: expected an object, got {_short(value)}")
    for key in value:
        if key not in allowed:
            raise LessonError(f"{what}.{key}: unknown field" if what else f"{key}: unknown field")
    for key in sorted(required - set(value)):
        raise LessonError(f"{what}.{key}: missing" if what else f"{key}: missing")
    return value


def _scene_from_json(data: Any) -> LessonScene:
    d = _obj("", data, _SCENE_KEYS, {"title", "text"})
    args = {k: v for k, v in d.items() if k not in ("scene", "question", "action", "highlight")}
    if "highlight" in d:
        if not isinstance(d["highlight"], list):
            raise LessonError(f"highlight: expected a list of panel names, got "
                              f"{_short(d['highlight'])}")
        args["highlight"] = tuple(d["highlight"])
    if d.get("scene") is not None:
        try:
            args["scene"] = Scene.from_json(d["scene"])
        except SceneError as exc:
            msg = str(exc)
            raise LessonError(msg if msg.startswith("scene") else f"scene.{msg}") from None
    if d.get("question") is not None:
        args["question"] = Question(**_obj("question", d["question"], _QUESTION_KEYS,
                                           {"prompt", "answer"}))
    if d.get("action") is not None:
        args["action"] = Action(**_obj("action", d["action"], _ACTION_KEYS, {"kind"}))
    return LessonScene(**args)


def lesson_from_json(data: dict, source: str = "<data>") -> Lesson:
    """The lesson ``data`` describes; LessonError naming ``source``, the scene and the field."""
    try:
        top = _obj("", data, _TOP_KEYS, {"format", "version"})
        if top["format"] != FORMAT:
            raise LessonError(f"format: expected {FORMAT!r}, got {_short(top['format'])}")
        if _int("version", top["version"], 1, 10**6) != VERSION:
            raise LessonError(f"version: this app reads version {VERSION}, got {top['version']}")
        _obj("", top, _TOP_KEYS, {"name", "title", "scenes"})
        raw = top["scenes"]
        if not isinstance(raw, list):
            raise LessonError(f"scenes: expected a list, got {_short(raw)}")
        if not 1 <= len(raw) <= MAX_SCENES:
            raise LessonError(f"scenes: 1..{MAX_SCENES} scenes, got {len(raw)}")
    except LessonError as exc:
        raise LessonError(f"{source}: {exc}") from None
    scenes = []
    for i, item in enumerate(raw, 1):
        try:
            scenes.append(_scene_from_json(item))
        except (LessonError, TypeError) as exc:
            raise LessonError(f"{source}: scene {i}: {exc}") from None
    try:
        return Lesson(top["name"], top["title"], tuple(scenes), top["version"])
    except LessonError as exc:
        raise LessonError(f"{source}: {exc}") from None


def _scene_to_json(s: LessonScene) -> dict[str, Any]:
    out: dict[str, Any] = {"title": s.title, "text": s.text, "notes": s.notes}
    if s.scene is not None:
        out["scene"] = s.scene.to_json()
    out.update(tab=s.tab, view=s.view, highlight=list(s.highlight))
    if s.question is not None:
        out["question"] = {f.name: getattr(s.question, f.name) for f in fields(Question)}
    if s.action is not None:
        out["action"] = {f.name: getattr(s.action, f.name) for f in fields(Action)}
    out["steps"] = s.steps
    return out


def lesson_to_json(lesson: Lesson) -> dict[str, Any]:
    """A JSON-friendly dict that :func:`lesson_from_json` reads back to an equal lesson."""
    return {"format": FORMAT, "version": lesson.version, "name": lesson.name,
            "title": lesson.title, "scenes": [_scene_to_json(s) for s in lesson.scenes]}


def load_lesson(path: str | os.PathLike) -> Lesson:
    """The lesson in the file at ``path`` (its size is checked before it is read)."""
    p = Path(path)
    try:
        size = p.stat().st_size
        if not p.is_file():
            raise LessonError(f"{p}: not a file")
        if size > MAX_FILE_BYTES:
            raise LessonError(f"{p}: {size} bytes is more than {MAX_FILE_BYTES} (the largest "
                              "lesson file this app reads)")
        with p.open("rb") as fh:
            raw = fh.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise LessonError(f"{p}: cannot read ({exc.strerror or type(exc).__name__})") from None
    if len(raw) > MAX_FILE_BYTES:
        raise LessonError(f"{p}: more than {MAX_FILE_BYTES} bytes")
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise LessonError(f"{p}: not UTF-8 text") from None
    except (ValueError, RecursionError) as exc:
        raise LessonError(f"{p}: not valid JSON ({exc})") from None
    return lesson_from_json(data, str(p))


def save_lesson(lesson: Lesson, path: str | os.PathLike) -> None:
    """Writes ``lesson`` to ``path`` atomically (a temporary file in the same folder, replaced);
    :class:`playground.fileio.SaveError` (an OSError) says why when it cannot, the old file kept.
    """
    from playground.fileio import atomic_write_bytes

    data = lesson_to_json(lesson)
    scenes = data.pop("scenes")
    head = json.dumps(data, ensure_ascii=False)[:-1]
    lines = [json.dumps(s, ensure_ascii=False, separators=(",", ":")) for s in scenes]
    text = head + ', "scenes": [\n' + ",\n".join(lines) + "\n]}\n"  # one scene a line
    atomic_write_bytes(path, text.encode("utf-8"))


_BUNDLED: dict[Path, tuple[tuple[int, int], Lesson]] = {}
"""Bundled lessons already read, by path, with the file's (mtime, size) when it was read."""


def bundled_lessons() -> dict[str, Lesson]:
    """Every ``*.json`` lesson in the resources' ``lessons/`` folder, by name (sorted).

    Each file is read once (again only when its time stamp or size changes); a broken bundled file
    raises :class:`LessonError` naming it.
    """
    from playground.paths import resource_dir

    folder = resource_dir() / "lessons"
    out: dict[str, Lesson] = {}
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else ():
        try:
            st = path.stat()
            key = (st.st_mtime_ns, st.st_size)
        except OSError:
            key = None
        cached = _BUNDLED.get(path)
        if key is not None and cached is not None and cached[0] == key:
            lesson = cached[1]  # lessons are immutable: reading the same file again is waste
        else:
            lesson = load_lesson(path)
            if key is not None:
                _BUNDLED[path] = (key, lesson)
        if lesson.name in out:
            raise LessonError(f"{path}: name {lesson.name!r} is used by another bundled lesson")
        out[lesson.name] = lesson
    return out


def shown_scene(lesson: Lesson, index: int) -> Scene | None:
    """The Playground scene in force at scene ``index`` (0-based): its own, else the latest one
    before it (a ``None`` scene keeps the previous one); None when no scene up to there has one.

    What a player needs when it jumps straight to a scene (``--scene N``, a "go to" menu).
    """
    if not 0 <= index < len(lesson.scenes):
        raise IndexError(f"scene {index + 1} of {len(lesson.scenes)}")
    for s in reversed(lesson.scenes[:index + 1]):
        if s.scene is not None:
            return s.scene
    return None


def append_scene(lesson: Lesson, scene: LessonScene) -> Lesson:
    """``lesson`` with ``scene`` added at the end (LessonError past the scene limit)."""
    if len(lesson.scenes) >= MAX_SCENES:
        raise LessonError(f"scenes: the lesson already has {MAX_SCENES} scenes, the most allowed")
    return replace(lesson, scenes=(*lesson.scenes, scene))
