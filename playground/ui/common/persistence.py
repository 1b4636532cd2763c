"""The last session in ``QSettings``: the Playground's scene, the drawing, window layout, UI scale.

The window hands over what it persists as a :class:`Session` (``window.session()``) and takes one
back (``window.restore_session(session)``); nothing here touches the window's attributes. The
scene is stored as :meth:`~playground.scene.Scene.to_json` text and read back through
:meth:`~playground.scene.Scene.from_json_lenient`: every field is validated, an invalid part is
dropped (the default stays) and reported in the returned list, never raised. :func:`clear`
forgets it all ("Reset to defaults").
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any, Protocol

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSettings
from PySide6.QtGui import QImage

from playground.scene import FORMAT, MAX_JSON_CHARS, Scene, SceneError, parse
from playground.scene import VERSION as SCENE_VERSION
from playground.ui.common.theme import SCALES, THEMES

VERSION = 2
"""2: the playground is a Scene under ``playground/scene``; 1 had ``playground/state``."""
MAX_DRAWING_BYTES = 4_000_000
"""A saved drawing (PNG) larger than this is not decoded."""
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Session:
    """What the window keeps between runs; None: not saved (or unreadable), keep the current."""

    scene: Scene | None = None
    drawing: QImage | None = None
    tab: int | None = None
    ui_scale: int | None = None
    theme: str | None = None
    geometry: QByteArray | None = None
    window_state: QByteArray | None = None


class Persistent(Protocol):
    """The window's side: what it gives to be saved and how it takes a session back."""

    def session(self) -> Session:
        """Everything to save now."""
        ...

    def restore_session(self, session: Session) -> list[str]:
        """Shows ``session`` (its None fields are left alone); returns what could not be used."""
        ...


def image_to_png(img: QImage) -> QByteArray:
    """``img`` encoded as PNG bytes."""
    data = QByteArray()
    buf = QBuffer(data)
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    img.save(buf, "PNG")
    buf.close()
    return data


def save(window: Persistent) -> None:
    """Stores the window's :class:`Session` in ``QSettings``."""
    session = window.session()
    s = QSettings()
    s.remove("playground/state")  # the version-1 key
    s.setValue("version", VERSION)
    if session.geometry is not None:
        s.setValue("window/geometry", session.geometry)
    if session.window_state is not None:
        s.setValue("window/state", session.window_state)
    if session.tab is not None:
        s.setValue("window/tab", int(session.tab))
    if session.scene is not None:
        s.setValue("playground/scene", json.dumps(session.scene.to_json(),
                                                  separators=(",", ":")))
    if session.drawing is not None:
        s.setValue("canvas/png", image_to_png(session.drawing))
    if session.ui_scale is not None:
        s.setValue("view/ui_scale", int(session.ui_scale))
    if session.theme is not None:
        s.setValue("view/theme", str(session.theme))
    s.sync()


def read(fallback: Scene | None = None) -> tuple[Session, list[str]]:
    """The saved :class:`Session` (invalid parts left None or at ``fallback``'s value) and what
    had to be dropped, one line each."""
    s = QSettings()
    problems: list[str] = []
    if s.value("version") is None:
        return Session(), problems

    def attempt(what: str, fn) -> Any:
        try:
            return fn()
        except Exception as exc:  # corrupt settings must never stop the app
            problems.append(f"{what}: {exc}")
            log.info("ignored saved %s: %s", what, exc)
            return None

    def scene() -> Scene | None:
        text = s.value("playground/scene")
        if text is None and s.value("playground/state") is not None:
            data = _from_version_1(parse(_text(s.value("playground/state"))))
            old_shared = s.value("view/shared_scale")  # the version-1 key of the colour scale
            shared = {True: True, False: False, "true": True, "false": False}.get(
                old_shared) if isinstance(old_shared, bool | str) else None
            if shared is not None:
                data.setdefault("view", {})["shared_scale"] = shared
        elif text is None:
            return None
        else:
            data = parse(_text(text))
        got, dropped = Scene.from_json_lenient(data, fallback)
        problems.extend(f"playground {line}" for line in dropped)
        return got

    def scale() -> int | None:
        v = s.value("view/ui_scale")
        if v is None:
            return None
        if not str(v).isdigit() or int(v) not in SCALES:
            raise ValueError(f"{_short(v)} is not one of {', '.join(map(str, SCALES))} %")
        return int(v)

    def theme() -> str | None:
        v = s.value("view/theme")
        if v is None:
            return None
        if v not in THEMES:
            raise ValueError(f"{_short(v)} is not one of {', '.join(THEMES)}")
        return str(v)

    def drawing() -> QImage | None:
        data = s.value("canvas/png")
        if data is None:
            return None
        raw = QByteArray(data) if isinstance(data, bytes | QByteArray) else None
        if raw is None or raw.size() > MAX_DRAWING_BYTES:
            raise ValueError("unreadable drawing")
        img = QImage.fromData(raw, "PNG")
        if img.isNull() or img.width() != img.height():
            raise ValueError("unreadable drawing")
        return img.convertToFormat(QImage.Format.Format_Grayscale8)

    def tab() -> int | None:
        v = s.value("window/tab")
        if v is None:
            return None
        if not str(v).isdigit():
            raise ValueError(f"{_short(v)} is not a tab number")
        return int(v)

    def blob(key: str):
        v = s.value(key)
        if v is None:
            return None
        if not isinstance(v, bytes | QByteArray):
            raise ValueError("unreadable")
        return QByteArray(v)

    session = Session(
        scene=attempt("playground", scene),
        drawing=attempt("drawing", drawing),
        tab=attempt("tab", tab),
        ui_scale=attempt("UI scale", scale),
        theme=attempt("theme", theme),
        geometry=attempt("window layout", lambda: blob("window/geometry")),
        window_state=attempt("window layout", lambda: blob("window/state")),
    )
    return session, problems


def load(window: Persistent, fallback: Scene | None = None) -> list[str]:
    """Restores what :func:`save` stored; returns what had to be skipped (empty if nothing)."""
    session, problems = read(fallback)
    return problems + window.restore_session(session)


def clear() -> None:
    """Forgets everything saved."""
    s = QSettings()
    s.clear()
    s.sync()


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise SceneError(f"expected JSON text, got {type(value).__name__}")
    if len(value) > MAX_JSON_CHARS:
        raise SceneError(f"{len(value)} characters is more than {MAX_JSON_CHARS}")
    return value


def _from_version_1(old: Any) -> dict[str, Any]:
    """A version-1 ``playground/state`` snapshot as scene JSON (validated afterwards)."""
    if not isinstance(old, dict):
        raise SceneError(f"expected an object, got {type(old).__name__}")
    data: dict[str, Any] = {"format": FORMAT, "version": SCENE_VERSION}
    if "image" in old:
        data["input"] = {"kind": "drawing", "data": old["image"]}
    for key in ("kernels", "bias", "backend"):
        if key in old:
            data[key] = old[key]
    if "settings" in old:
        data["layer"] = old["settings"]
    if "selected" in old:
        data["view"] = {"selected_kernel": old["selected"]}
    return data


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 30 else text[:27] + "..."
