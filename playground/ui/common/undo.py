"""One undo stack for the window: every user change to the playground is a before/after snapshot.

:class:`UndoableState` wraps :class:`~playground.ui.playground.state.PlaygroundState` (and the
drawing canvas): ``run(text, fn)`` captures a :class:`Snapshot` (the state's
:class:`~playground.scene.Scene`, the one snapshot format, plus the canvas drawing), runs ``fn``
(a setter that may raise ``ValueError``), captures again and pushes a :class:`SnapshotCommand`.
Undo and redo apply a scene in one step (one recompute). Consecutive changes with the same
``merge`` key (spin-box bursts) collapse into one step.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QImage, QUndoCommand, QUndoStack

from playground.scene import Scene
from playground.ui.playground.state import PlaygroundState

_MERGE_IDS: dict[str, int] = {}
log = logging.getLogger(__name__)


def _merge_id(key: str | None) -> int:
    if key is None:
        return -1
    return _MERGE_IDS.setdefault(key, 1000 + len(_MERGE_IDS))


@dataclass(frozen=True, eq=False)
class Snapshot:
    """What one undo step restores: the scene and the canvas drawing (shared copy-on-write)."""

    scene: Scene
    canvas: QImage | None = None

    def same_as(self, other: Snapshot) -> bool:
        """Whether restoring ``other`` would change nothing the user can see (display choices
        such as the colour scale are not undone)."""
        return self.scene.same_content(other.scene) and self.canvas == other.canvas


class SnapshotCommand(QUndoCommand):
    """Restores ``before`` on undo and ``after`` on redo (the first redo is the change itself)."""

    def __init__(self, target: UndoableState, text: str, before: Snapshot, after: Snapshot,
                 merge: str | None = None) -> None:
        super().__init__(text)
        self._target, self.before, self.after = target, before, after
        self._id = _merge_id(merge)
        self._done = True

    def id(self) -> int:
        return self._id

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, SnapshotCommand) or other.id() != self._id or self._id < 0:
            return False
        self.after = other.after
        return True

    def redo(self) -> None:
        if self._done:
            self._done = False
            return
        self._target.apply_safely(self.after, f"Redo {self.text()!r}")

    def undo(self) -> None:
        self._target.apply_safely(self.before, f"Undo {self.text()!r}")


class UndoableState(QObject):
    """The widgets' way to change the state: validated, undoable, with rejections reported."""

    rejected = Signal(str)
    """A change was refused (the message says why); the state was left as it was."""

    def __init__(self, state: PlaygroundState, stack: QUndoStack | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.stack = stack if stack is not None else QUndoStack(self)
        self.canvas = None
        self._pending: Snapshot | None = None

    # ---- snapshots -------------------------------------------------------------------------
    def capture(self) -> Snapshot:
        """Everything undo restores: the state's scene and the canvas drawing."""
        return Snapshot(self.state.scene(), None if self.canvas is None else self.canvas.buffer())

    def apply(self, snap: Snapshot) -> None:
        """Puts a captured snapshot back (one recompute; the colour scale and view stay)."""
        if self.canvas is not None and snap.canvas is not None:
            self.canvas.set_buffer(snap.canvas, push=False)
        self.state.apply(snap.scene, view=False)

    def apply_safely(self, snap: Snapshot, what: str) -> None:
        """:meth:`apply` for undo commands, which Qt calls from C++ and which must never raise.

        PySide keeps an exception raised in a C++-called override pending until control comes
        back to Python; a second one in the same call (``QUndoStack.setIndex`` undoes several
        commands in one C++ loop) crashes the process. So a failure is logged with its
        traceback and reported through :attr:`rejected` instead.
        """
        try:
            self.apply(snap)
        except Exception as exc:
            log.exception("%s failed", what)
            self.rejected.emit(f"{what} failed: {exc}")

    # ---- changes ---------------------------------------------------------------------------
    def run(self, text: str, fn: Callable[[], Any], merge: str | None = None) -> bool:
        """Runs ``fn`` as one undoable step; False (and ``rejected``) when it raised.

        Setters raise ``ValueError`` before touching the state. Anything else (a view failing
        on the change) is logged and reported; whatever did change is still recorded, so the
        undo stack keeps telling the truth about the state.
        """
        before = self.capture()
        try:
            fn()
        except Exception as exc:
            if not isinstance(exc, ValueError | RuntimeError):
                log.exception("%s failed", text)
            self.rejected.emit(str(exc))
            self._settle(text, before, merge)
            return False
        self._push(text, before, merge)
        return True

    def _settle(self, text: str, before: Snapshot, merge: str | None) -> None:
        """After a failed change: record what changed, or put ``before`` back if the state is
        no longer a valid scene."""
        try:
            self._push(text, before, merge)
        except Exception:
            log.exception("the state after %r is invalid; restoring the previous one", text)
            self.apply_safely(before, f"Restoring before {text!r}")

    def begin(self) -> None:
        """Starts a change made over many events (a stroke); :meth:`end` records it."""
        self._pending = self.capture()

    def end(self, text: str) -> None:
        """Records the change started by :meth:`begin` as one step."""
        if self._pending is not None:
            before, self._pending = self._pending, None
            self._push(text, before, None)

    def _push(self, text: str, before: Snapshot, merge: str | None) -> None:
        after = self.capture()
        if not before.same_as(after):
            self.stack.push(SnapshotCommand(self, text, before, after, merge))
