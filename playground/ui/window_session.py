"""The window's side of the saved session and of the scene's display choices.

:class:`WindowSession` is mixed into :class:`~playground.ui.main_window.MainWindow`: it gives
:mod:`~playground.ui.common.persistence` a :class:`~playground.ui.common.persistence.Session`
(``session()``) and takes one back (``restore_session``), keeps the shared colour scale and the
lower view in step with the state's scene, and resets everything to the defaults.
"""

from __future__ import annotations

import contextlib

from PySide6.QtCore import QSignalBlocker
from PySide6.QtWidgets import QWidget

from playground import engine
from playground.scene import Change, default_scene
from playground.ui.common import persistence
from playground.ui.common.persistence import Session


class WindowSession:
    """Session and display-choice handling for the main window (a mixin: it uses the window's
    own widgets, built in ``MainWindow.__init__``)."""

    # ---- saved session -----------------------------------------------------------------------
    def session(self) -> Session:
        """What :func:`persistence.save` stores: scene, drawing, tab, UI scale, layout."""
        return Session(scene=self.state.scene(), drawing=self.canvas.buffer(),
                       tab=self.tabs.currentIndex(), ui_scale=self.ui_scale,
                       theme=self.theme_name,
                       geometry=self.saveGeometry(), window_state=self.saveState())

    def restore_session(self, session: Session) -> list[str]:
        """Shows a saved session (None parts stay as they are); returns what could not be used."""
        problems: list[str] = []
        if session.ui_scale is not None:
            self.set_ui_scale(session.ui_scale)
        if session.theme is not None:
            self.set_theme(session.theme)
        if session.geometry is not None and not self.restoreGeometry(session.geometry):
            problems.append("window layout: unreadable geometry")
        if session.window_state is not None and not self.restoreState(session.window_state):
            problems.append("window layout: unreadable window state")
        if session.scene is not None:
            scene = session.scene  # the backend session follows its backend choice
            try:
                self.state.apply(scene)
            except (ValueError, engine.BackendUnavailable) as exc:
                problems.append(f"backend {scene.backend} cannot run here ({exc}); using auto")
                self.state.apply(scene.replace(backend="auto"))
        if session.drawing is not None:
            size = self.canvas.buffer().size()
            self.canvas.set_buffer(session.drawing.scaled(size), push=False)
        if session.tab is not None and 0 <= session.tab < self.tabs.count():
            self.tabs.setCurrentIndex(session.tab)
        return problems

    def reset_to_defaults(self) -> None:
        """Default kernels, settings, blank drawing, 100 % scale; forgets the saved session."""
        default = default_scene()

        def change() -> None:
            self.canvas.clear()
            self.state.apply(default)

        self.undo.run("Reset to defaults", change)
        persistence.clear()
        self.set_ui_scale(100)
        self.set_theme("light")
        self.statusBar().showMessage("Reset to defaults (Ctrl+Z brings the last state back)", 5000)

    # ---- display choices of the scene -----------------------------------------------------------
    @property
    def shared_scale(self) -> bool:
        """One colour scale for all feature maps (the scene's ``shared_scale``)."""
        return self.state.shared_scale

    def set_shared_scale(self, shared: bool) -> None:
        """One colour scale for all maps (True) or one per map."""
        self.state.set_view(shared_scale=bool(shared))
        self._show_view_choices()

    @property
    def hide_answers(self) -> bool:
        """Output sizes and values are blanked until revealed (the scene's ``hide_answers``)."""
        return self.state.hide_answers

    def set_hide_answers(self, hidden: bool) -> None:
        """Hides (True) or reveals the answers: output sizes, values and sums show "?"."""
        self.state.set_view(hide_answers=bool(hidden))
        self._show_view_choices()

    def lower_views(self) -> dict[str, QWidget]:
        """The Playground's lower views by their scene name."""
        return {"step-2d": self.stepper, "output-size": self.formula_panel,
                "step-1d": self.stepper_1d, "channels": self.channels_view,
                "cost": self.cost_panel, "symbolic": self.symbolic_view}

    def _on_lower_tab_changed(self, index: int) -> None:
        widget = self.lower_tabs.widget(index)
        for name, view in self.lower_views().items():
            if view is widget:
                self.state.set_view(view=name)

    def _on_state_view_changed(self, what: Change) -> None:
        if what & Change.VIEW:
            self._show_view_choices()

    def _show_view_choices(self) -> None:
        shared = self.state.shared_scale
        for w in (self.maps_view.shared_check, self.settings_panel.shared_scale,
                  getattr(self, "shared_action", None)):
            if w is not None and w.isChecked() != shared:
                with QSignalBlocker(w):
                    w.setChecked(shared)
        self.maps_view.set_shared_scale(shared)
        action = getattr(self, "hide_answers_action", None)
        if action is not None and action.isChecked() != self.state.hide_answers:
            with QSignalBlocker(action):
                action.setChecked(self.state.hide_answers)
        view = self.lower_views().get(self.state.view)
        if view is not None and self.lower_tabs.currentWidget() is not view:
            with contextlib.suppress(RuntimeError):
                self.lower_tabs.setCurrentWidget(view)
