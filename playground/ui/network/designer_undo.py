"""Undo for the network designer: every change of its rows is one :class:`ArchCommand` on the
designer's own ``QUndoStack`` (adding, removing, moving and editing rows, loading a template,
using pasted text, starting from the network on show).

A command holds the architecture and the selected row before and after (``Arch`` is a frozen
value, so nothing is copied); undo shows ``before``, redo ``after``. Edits of one row in a burst
(a spin box's arrows held down) merge into one step, as the Playground's do.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtGui import QUndoCommand

from playground.nn.arch import Arch

log = logging.getLogger(__name__)
EDIT_ROW_ID = 7001
"""``QUndoCommand.id`` of row edits; consecutive edits of the same row merge."""


@dataclass(frozen=True)
class DesignStep:
    """What the designer shows: the rows and the selected one (-1: none)."""

    arch: Arch
    selected: int


class ArchCommand(QUndoCommand):
    """Shows ``after`` on redo (the first redo is the change itself) and ``before`` on undo.

    ``show`` is the designer's painter; Qt calls undo/redo from C++, where an exception cannot be
    let through, so a failure is logged and the step left as it was.
    """

    def __init__(self, show: Callable[[DesignStep], None], text: str, before: DesignStep,
                 after: DesignStep, merge_row: int | None = None) -> None:
        super().__init__(text)
        self._show, self.before, self.after = show, before, after
        self.merge_row = merge_row

    def id(self) -> int:
        return EDIT_ROW_ID if self.merge_row is not None else -1

    def mergeWith(self, other: QUndoCommand) -> bool:
        if (not isinstance(other, ArchCommand) or self.merge_row is None
                or other.merge_row != self.merge_row):
            return False
        self.after = other.after
        self.setObsolete(self.after.arch == self.before.arch)  # edited back: no step at all
        return True

    def _apply(self, step: DesignStep, what: str) -> None:
        try:
            self._show(step)
        except Exception:
            log.exception("%s %r failed", what, self.text())

    def redo(self) -> None:
        self._apply(self.after, "redo")

    def undo(self) -> None:
        self._apply(self.before, "undo")
