"""Walks a lesson on the main window: one scene at a time, then through its animation steps.

:class:`LessonDriver` applies a lesson scene in one step (``state.apply``), brings its tab and
lower view to front, frames the highlighted panels, starts its training run or race, and shows it
in the :class:`~playground.ui.lesson.player.LessonPlayer`. ``advance`` / ``back`` are what the
clicker keys call: a scene with ``steps > 0`` first walks the step-through's window positions,
a hidden answer is revealed before moving on, then the next scene comes.
"""

from __future__ import annotations

import logging
import time

from PySide6.QtCore import QObject, Signal

from playground import engine
from playground.scene import SceneError
from playground.ui.lesson.panels import Highlighter, box_of
from playground.ui.lesson.player import LessonPlayer

log = logging.getLogger(__name__)

LOWER_VIEWS = {"stepper": "step-2d", "stepper_1d": "step-1d", "formula": "output-size",
               "cost": "cost", "channels": "channels"}
"""A lesson's view name -> the window's lower view (its scene name)."""
NETWORK_VIEWS = {"invariance": "invariance_view", "templates": "network_view"}
"""A lesson's view name -> the Network tab's sub-page attribute (when the tab has it)."""


class LessonDriver(QObject):
    """The lesson on show in ``window`` and where in it we are.

    Signals
    -------
    scene_shown(int) : a scene (its 0-based index) is on show.
    step_shown(int) : an animation step of the current scene is on show.
    finished : ``advance`` was asked past the last scene.
    """

    scene_shown = Signal(int)
    step_shown = Signal(int)
    finished = Signal()

    def __init__(self, window, player: LessonPlayer | None = None) -> None:
        super().__init__(window)
        self.window = window
        self.player = player if player is not None else LessonPlayer()
        self.player.next_requested.connect(self.next_scene)
        self.player.back_requested.connect(self.previous_scene)
        self.highlighter = Highlighter(window)
        self.lesson = None
        self.index = -1
        self.step = 0
        self.skipped: list[str] = []
        self.last_show_ms = 0.0
        self.run_actions = True
        """False: a scene's training run or race is described but not started (screenshots,
        the lesson benchmark)."""

    # ---- the lesson ------------------------------------------------------------------------------
    @property
    def count(self) -> int:
        """Scenes in the lesson (0 when none is loaded)."""
        return 0 if self.lesson is None else len(self.lesson.scenes)

    @property
    def current(self):
        """The LessonScene on show (None before a lesson starts)."""
        return None if self.index < 0 or self.lesson is None else self.lesson.scenes[self.index]

    def start(self, lesson, index: int = 0) -> None:
        """Shows ``lesson`` from scene ``index``."""
        if not lesson.scenes:
            raise ValueError(f"lesson {lesson.name!r} has no scenes")
        self.lesson = lesson
        self.index = -1
        if any(s.tab == "network" or s.action is not None for s in lesson.scenes):
            self.window.ensure_network_tab()  # built now, not in front of the class (~0.4 s)
        kernels = [s.scene.kernels.shape[0] for s in lesson.scenes if s.scene is not None]
        self.window.maps_view.prepare_cells(max(kernels, default=0))  # the same (~2 ms a map)
        self.go_to(index)

    def stop(self) -> None:
        """Leaves the lesson (the playground keeps its last scene); frames go."""
        self.highlighter.show(())
        self.lesson, self.index, self.step = None, -1, 0

    def go_to(self, index: int) -> None:
        """Shows scene ``index`` (clamped) at its first animation step."""
        if self.lesson is None:
            return
        t0 = time.perf_counter()
        index = max(0, min(index, self.count - 1))
        self.index, self.step = index, 0
        scene = self.lesson.scenes[index]
        self.skipped = []
        self._apply_scene(scene, index)
        self._show_view(scene)
        self.skipped += self.highlighter.show(tuple(scene.highlight))
        self._front_side_panel(scene)
        if scene.steps > 0:
            self._set_step(0)
        else:
            self._rewind_steppers(to_start=scene.scene is not None)
        self.player.show_scene(self.lesson.title, index, self.count, scene)
        if scene.action is not None and self.run_actions:
            self._start_action(scene.action)
        self.last_show_ms = (time.perf_counter() - t0) * 1000.0
        self.scene_shown.emit(index)

    def _apply_scene(self, scene, index: int) -> None:
        """The scene in force at ``index`` (its own, else the latest before it: jumping or going
        back shows what walking forward showed), in one step."""
        from playground.lessons.schema import shown_scene

        shown = scene.scene if scene.scene is not None else shown_scene(self.lesson, index)
        if shown is None:
            return
        try:
            self.window.state.apply(shown)
        except (SceneError, ValueError, engine.BackendUnavailable) as exc:  # e.g. cuda asked
            log.info("lesson: scene backend unavailable (%s); computing with auto", exc)
            self.window.state.apply(shown.replace(backend="auto"))
        self.window.undo_stack.clear()

    # ---- clicker ---------------------------------------------------------------------------------
    def advance(self) -> None:
        """Next animation step, else reveal a hidden answer, else the next scene."""
        scene = self.current
        if scene is None:
            return
        if self.step < scene.steps:
            self._set_step(self.step + 1)
        elif self.player.answer_pending:
            self.player.reveal()
        elif self.index < self.count - 1:
            self.go_to(self.index + 1)
        else:
            self.finished.emit()

    def back(self) -> None:
        """Previous animation step, else the previous scene."""
        if self.current is None:
            return
        if self.step > 0:
            self._set_step(self.step - 1)
        elif self.index > 0:
            self.go_to(self.index - 1)

    def next_scene(self) -> None:
        """The next scene, skipping the rest of this one's steps."""
        if self.current is not None and self.index < self.count - 1:
            self.go_to(self.index + 1)

    def previous_scene(self) -> None:
        """The previous scene."""
        if self.current is not None and self.index > 0:
            self.go_to(self.index - 1)

    # ---- views -----------------------------------------------------------------------------------
    def _step_controls(self):
        scene = self.current
        w = self.window
        stepper = w.stepper_1d if scene is not None and scene.view == "stepper_1d" else w.stepper
        return getattr(stepper, "controls", None)

    def _set_step(self, step: int) -> None:
        self.step = step
        controls = self._step_controls()
        if controls is not None and controls.count() > 0:
            controls.pause()
            controls.set_step(min(step, controls.count() - 1))
        self.step_shown.emit(step)

    def _front_side_panel(self, scene) -> None:
        """Where the input and kernel panels share one column of tabs, the one the scene
        points at is in front (presenter mode arranges its own columns)."""
        page = self.window.page
        marked = set(scene.highlight)
        if page.arrangement != "compact" or not marked & {"canvas", "kernel", "layer"}:
            return
        page.bring_to_front(page.left_scroll if "canvas" in marked else page.right_scroll)

    def _rewind_steppers(self, to_start: bool) -> None:
        """A scene without steps pauses both step-throughs; one with its own example also puts
        them at their first window (a scene that goes on with the last example keeps its place)."""
        for stepper in (self.window.stepper, self.window.stepper_1d):
            controls = getattr(stepper, "controls", None)
            if controls is not None:
                controls.pause()
                if to_start and controls.count() > 0:
                    controls.set_step(0)

    def _show_view(self, scene) -> None:
        w = self.window
        if scene.tab == "network" or scene.view in NETWORK_VIEWS:
            tab = w.ensure_network_tab()
            w.tabs.setCurrentWidget(tab)
            self._network_model(tab, scene.view)
            page = getattr(tab, NETWORK_VIEWS.get(scene.view, ""), None)
            if page is not None:
                tab.sub_tabs.setCurrentWidget(page)
                if scene.view == "templates":  # the FCNN's 28x28 templates, scrolled to
                    page.left_scroll.ensureWidgetVisible(page.templates_box)
            elif scene.view:
                self._skip(scene.view)
            return
        w.tabs.setCurrentIndex(0)
        maps = box_of(w.maps_view)
        if not scene.view:
            w.page.bring_to_front(maps)  # in front when the maps share the tabs (small screens)
            return
        views = w.lower_views()
        view = views.get(LOWER_VIEWS.get(scene.view, scene.view)) or \
            getattr(w, f"{scene.view}_view", None) or getattr(w, f"{scene.view}_panel", None)
        if view is not None and w.lower_tabs.indexOf(view) >= 0:
            w.page.bring_to_front(view)  # also when the page folds or refolds later
        else:
            w.page.bring_to_front(maps)
            self._skip(scene.view)

    @staticmethod
    def _network_model(tab, view: str) -> None:
        """The templates scene shows the bundled FCNN; the other Network scenes the bundled
        LeNet-5 again if a templates scene put the FCNN there (a trained model stays)."""
        holder = tab.holder
        if view == "templates":
            holder.show_bundled("fcnn")
        elif holder.is_bundled and holder.model.name == "fcnn":
            holder.show_bundled("lenet5")

    def _skip(self, view: str) -> None:
        log.info("lesson: this window has no %r view; skipped", view)
        self.skipped.append(view)

    def _start_action(self, action) -> None:
        tab = self.window.ensure_network_tab()
        panel = tab.training_panel
        self.window.tabs.setCurrentWidget(tab)
        tab.sub_tabs.setCurrentWidget(panel)
        if panel.is_running():
            log.info("lesson: a training run is going on; the scene's %s waits", action.kind)
            return
        i = panel.model_combo.findData(action.model)
        if i >= 0:
            panel.model_combo.setCurrentIndex(i)
        else:
            log.info("lesson: no model %r; training the chosen one", action.model)
        panel.epochs.setValue(int(action.epochs))
        ok = panel.start_race() if action.kind == "race" else panel.start()
        if not ok:
            self.window.statusBar().showMessage(f"Cannot start: {panel.error}", 8000)
