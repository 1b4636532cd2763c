"""Views that repaint at once while visible, else when next shown: hidden tabs cost nothing."""

from __future__ import annotations

import html
import re

from playground.scene import Change


class RefreshWhenShown:
    """Mixin for a QWidget observing the playground state; subclasses implement ``refresh``
    (which clears ``_dirty``) and may narrow ``_needs_refresh``."""

    _dirty = True

    def refresh(self) -> None:
        raise NotImplementedError

    def _needs_refresh(self, what: Change) -> bool:
        return bool(what & ~Change.VIEW)  # display choices such as the colour scale: not here

    def _on_state_changed(self, what: Change) -> None:
        if not self._needs_refresh(what):
            return
        self._dirty = True
        if self.isVisible():  # type: ignore[attr-defined]
            self.refresh()

    def showEvent(self, event) -> None:
        if self._dirty:
            self.refresh()
        super().showEvent(event)  # type: ignore[misc]


class RichTextView(RefreshWhenShown):
    """A :class:`RefreshWhenShown` whose ``refresh`` writes rich text into ``_html``."""

    _html = ""

    def html(self) -> str:
        """The rich text on show (brought up to date first)."""
        if self._dirty:
            self.refresh()
        return self._html

    def plain_text(self) -> str:
        """The text on show without markup (what a reader sees)."""
        return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", self.html())).split())
