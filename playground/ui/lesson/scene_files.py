"""Scene files and scene text: what a teacher saves, shares and pastes (no Qt here).

A scene file is ``Scene.to_json()`` as JSON (it carries the ``format`` / ``version`` header);
scene text is one line, ``cpscene:`` + base64url of the zlib-compressed compact JSON, so it fits
in a chat message or an e-mail the way a TensorFlow Playground link does. Both are size-checked
before anything is decoded or allocated and validated by :meth:`Scene.from_json`; every problem
is a :class:`~playground.scene.SceneError` whose message names it.
"""

from __future__ import annotations

import base64
import binascii
import json
import zlib
from pathlib import Path
from typing import Any

from playground.scene import FORMAT, MAX_JSON_CHARS, Scene, SceneError, dumps, loads, parse

TEXT_PREFIX = "cpscene:"
MAX_FILE_BYTES = MAX_JSON_CHARS
"""A scene file larger than this is refused before it is read."""
MAX_TEXT_CHARS = 2_000_000
"""A pasted scene text longer than this is refused before it is decoded."""
SUFFIX = ".cpscene.json"


def read_json_file(path: str | Path, what: str = "scene") -> Any:
    """The JSON in ``path`` after a size check; SceneError (one line) for every problem."""
    p = Path(path)
    try:
        size = p.stat().st_size
    except OSError as exc:
        raise SceneError(f"{what} file {p.name}: {exc.strerror or exc}") from None
    if size > MAX_FILE_BYTES:
        raise SceneError(f"{what} file {p.name}: {size} bytes is more than {MAX_FILE_BYTES}")
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SceneError(f"{what} file {p.name}: cannot be read ({exc})") from None
    return parse(text)


def is_scene_json(data: Any) -> bool:
    """True when ``data`` says it is a scene (its ``format`` header), valid or not."""
    return isinstance(data, dict) and data.get("format") == FORMAT


def load_scene(path: str | Path) -> Scene:
    """The scene saved in ``path``; SceneError naming what is wrong."""
    data = read_json_file(path)
    if not is_scene_json(data):
        raise SceneError(f"scene file {Path(path).name}: not a scene (no format {FORMAT!r})")
    return Scene.from_json(data)


def save_scene(scene: Scene, path: str | Path) -> Path:
    """Writes ``scene`` to ``path`` (pretty enough to diff: one key per line at the top)."""
    p = Path(path)
    text = json.dumps(scene.to_json(), separators=(",", ":"))
    p.write_text(text + "\n", encoding="utf-8")
    return p


def scene_to_text(scene: Scene) -> str:
    """``scene`` as one line of text: ``cpscene:`` + base64url(zlib(compact JSON))."""
    packed = zlib.compress(dumps(scene).encode("utf-8"), 9)
    return TEXT_PREFIX + base64.urlsafe_b64encode(packed).decode("ascii").rstrip("=")


def scene_from_text(text: str) -> Scene:
    """The scene in ``text`` (from :func:`scene_to_text`, or plain scene JSON); SceneError if the
    text is too long, not a scene, or decompresses to more than the scene limit."""
    if not isinstance(text, str):
        raise SceneError("scene text: expected text")
    text = text.strip()
    if len(text) > MAX_TEXT_CHARS:
        raise SceneError(f"scene text: {len(text)} characters is more than {MAX_TEXT_CHARS}")
    if text.startswith("{"):
        return loads(text)
    if not text.startswith(TEXT_PREFIX):
        raise SceneError(f"scene text: does not start with {TEXT_PREFIX!r}")
    body = "".join(text[len(TEXT_PREFIX):].split())
    try:
        packed = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    except (binascii.Error, ValueError):
        raise SceneError("scene text: not valid base64url") from None
    inflate = zlib.decompressobj()
    try:
        raw = inflate.decompress(packed, MAX_JSON_CHARS + 1)
    except zlib.error:
        raise SceneError("scene text: damaged (cannot be decompressed)") from None
    if len(raw) > MAX_JSON_CHARS or inflate.unconsumed_tail:
        raise SceneError(f"scene text: unpacks to more than {MAX_JSON_CHARS} characters")
    if not inflate.eof:
        raise SceneError("scene text: cut short (copy the whole line)")
    try:
        return loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise SceneError("scene text: not UTF-8 inside") from None
