"""Widgets following the playground state without outliving it."""

from __future__ import annotations

import contextlib
from collections.abc import Callable

import shiboken6
from PySide6.QtCore import QObject

from playground.scene import Change


def observe_state(widget: QObject, state, slot: Callable[[Change], None]) -> None:
    """Calls ``slot(what)`` on ``state.changed`` while ``widget`` lives; disconnects when it dies
    (``what`` is a :class:`~playground.scene.Change`: which aspects changed).

    The state is plain Python and outlives widgets, so a slot must never reach a deleted widget.
    """
    def relay(what: Change) -> None:
        if shiboken6.isValid(widget):
            slot(what)

    def drop(*_args) -> None:
        with contextlib.suppress(ValueError):
            state.changed.disconnect(relay)

    state.changed.connect(relay)
    widget.destroyed.connect(drop)
