"""The window's lesson and scene commands: the Lesson menu, presenter mode, scene files and text.

:class:`LessonController` is made by the main window (``window.lessons``) and owns the lesson
player (a dock), the :class:`~playground.ui.lesson.driver.LessonDriver` and the
:class:`~playground.ui.lesson.presenter.PresenterMode`. The menu table (``ui/menus.py``) points
at its methods; the parts of the menus that depend on what is installed (the bundled lessons,
the attached screens) are filled in by :meth:`install_menus`.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QAction, QActionGroup, QGuiApplication
from PySide6.QtWidgets import QDockWidget, QFileDialog, QInputDialog, QMenu, QMessageBox

from playground.scene import Scene
from playground.ui.lesson import scene_files
from playground.ui.lesson.driver import LessonDriver
from playground.ui.lesson.player import LessonPlayer
from playground.ui.lesson.presenter import PresenterMode

log = logging.getLogger(__name__)
SCENE_FILTER = "Scenes (*.json);;All files (*)"
LESSON_FILTER = "Lessons (*.json);;All files (*)"


def _schema():
    from playground.lessons import schema

    return schema


def load_lesson_or_bundled(name: str):
    """The bundled lesson ``name`` or the lesson file at path ``name``; LessonError if neither."""
    schema = _schema()
    bundled = schema.bundled_lessons()
    if name in bundled:
        return bundled[name]
    if Path(name).suffix == ".json" or Path(name).exists():
        return schema.load_lesson(name)
    known = ", ".join(sorted(bundled)) or "none"
    raise schema.LessonError(f"no bundled lesson {name!r} (bundled: {known}) and no such file")


def checked_lesson(name: str, scene: int = 1):
    """``--lesson NAME --scene N``'s lesson; ValueError (one line) for an unknown lesson or a
    scene number it does not have (checked before any window opens)."""
    lesson = load_lesson_or_bundled(name)
    if not 1 <= scene <= len(lesson.scenes):
        raise ValueError(f"--scene must be 1..{len(lesson.scenes)} for lesson {lesson.name!r}, "
                         f"got {scene}")
    return lesson


def show_for_screenshot(window, name: str, scene: int = 1, presenter: bool = False) -> None:
    """``--screenshot --lesson NAME --scene N [--presenter]``: shows that scene (1-based) in
    ``window``, in the presenter layout (not full screen: the screenshot's size rules), without
    starting its training run; ValueError (one line) for an unknown lesson or scene number."""
    lesson = checked_lesson(name, scene)
    window.lessons.driver.run_actions = False
    window.lessons.start_lesson(lesson, scene - 1)
    if presenter:
        window.lessons.presenter.enter(full_screen=False)


class LessonController(QObject):
    """Lessons, presenter mode and scene files for one main window."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self.player = LessonPlayer()
        self.dock = QDockWidget("Lesson", window)
        self.dock.setObjectName("lesson_dock")
        self.dock.setWidget(self.player)
        self.dock.setAllowedAreas(Qt.DockWidgetArea.LeftDockWidgetArea |
                                  Qt.DockWidgetArea.RightDockWidgetArea)
        window.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.dock)
        self.dock.hide()
        window.installEventFilter(self)  # the dock's width follows the window's
        window.page.centre.installEventFilter(self)  # and the pictures' least width
        self.driver = LessonDriver(window, self.player)
        self.player.answer_shown.connect(lambda: window.set_hide_answers(False))  # the answers too
        self.driver.scene_shown.connect(lambda _i: self.fit_dock())  # its pictures' room
        self.presenter = PresenterMode(window, self.driver)
        self.message_box: QMessageBox | None = None
        self.last_error = ""

    DOCK_SHARE = 0.27
    """The lesson dock takes at most this share of the window's width (at least what it needs):
    the pictures keep the rest."""

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if obj is self.window and event.type() == QEvent.Type.Resize:
            self.fit_dock()
        elif obj is self.window.page.centre and event.type() == QEvent.Type.LayoutRequest \
                and self.dock.isVisible():  # a picture view asks for another width
            QTimer.singleShot(0, self, self.fit_dock)
        return False

    def fit_dock(self) -> None:
        """Caps the dock's width at :data:`DOCK_SHARE` of the window, and below that at what the
        page on show leaves (its pictures' least width), never below the dock's own least."""
        w = self.window
        tabs = w.tabs
        need = tabs.minimumSizeHint().width()
        if tabs.currentWidget() is w.page:  # the page scrolls its sides: its centre must fit
            need = max(need, w.page.centre.minimumSizeHint().width() + 56)
        cap = max(self.dock.minimumSizeHint().width(),
                  min(int(w.width() * self.DOCK_SHARE), w.width() - need))
        if self.dock.maximumWidth() != cap:
            self.dock.setMaximumWidth(cap)

    # ---- lessons ---------------------------------------------------------------------------------
    def start_lesson(self, lesson, index: int = 0) -> None:
        """Shows ``lesson`` in the player dock from scene ``index``."""
        self.driver.start(lesson, index)
        self.dock.show()
        self.dock.raise_()
        self.window.statusBar().showMessage(  # short: the status bar is narrow at 200 %
            "Lesson: F5 presents, PgDn / PgUp walk", 6000)

    def open_bundled(self, name: str) -> bool:
        """Starts the bundled lesson ``name``."""
        lesson = _schema().bundled_lessons().get(name)
        if lesson is None:
            return self._error("Lesson", f"No bundled lesson {name!r}.")
        self.start_lesson(lesson)
        return True

    def open_lesson_file(self, path: str | Path) -> bool:
        """Starts the lesson in ``path``; a bad file gives a message and changes nothing."""
        schema = _schema()
        try:
            lesson = schema.load_lesson(path)
        except (ValueError, OSError) as exc:
            return self._error("Cannot open the lesson", str(exc))
        self.start_lesson(lesson)
        return True

    def open_lesson_dialog(self) -> None:
        """Lesson ▸ Open lesson…"""
        path, _ = QFileDialog.getOpenFileName(self.window, "Open lesson", "", LESSON_FILTER)
        if path:
            self.open_lesson_file(path)

    def present(self) -> None:
        """F5: presents the lesson on show, else the first bundled one."""
        if self.driver.current is None:
            bundled = _schema().bundled_lessons()
            if not bundled:
                self._error("Presenter mode", "No lesson to present: open one first.")
                return
            self.start_lesson(next(iter(bundled.values())))
        self.presenter.enter()

    def leave_presenter(self) -> None:
        """Esc: leaves presenter mode."""
        self.presenter.leave()

    def show_notes(self) -> None:
        """View ▸ Presenter notes window."""
        if self.driver.current is None:
            self._error("Presenter notes", "Open a lesson first.")
            return
        self.presenter.show_notes()

    def toggle_blank(self) -> None:
        """B / '.': blanks the window."""
        self.presenter.toggle_blank()

    def toggle_zoom(self) -> None:
        """Z / F11: enlarges the focused panel to fill the window, and back."""
        self.presenter.zoom.toggle()

    def next_scene(self) -> None:
        """Lesson ▸ Next (step or scene)."""
        self.driver.advance()

    def previous_scene(self) -> None:
        """Lesson ▸ Back (step or scene)."""
        self.driver.back()

    # ---- scenes ----------------------------------------------------------------------------------
    def apply_scene(self, scene: Scene, what: str = "Open scene") -> bool:
        """Shows ``scene`` (one undoable step); a backend that cannot run here gives a message."""
        try:
            self.window.undo.run(what, lambda: self.window.state.apply(scene))
        except (ValueError, RuntimeError) as exc:
            return self._error(what, str(exc))
        return True

    def open_scene_file(self, path: str | Path) -> bool:
        """Shows the scene in ``path``; a bad file gives a message and the scene stays."""
        try:
            scene = scene_files.load_scene(path)
        except ValueError as exc:
            return self._error("Cannot open the scene", str(exc))
        return self.apply_scene(scene)

    def save_scene_file(self, path: str | Path) -> bool:
        """Writes the scene on show to ``path``."""
        try:
            scene_files.save_scene(self.window.state.scene(), path)
        except OSError as exc:
            return self._error("Cannot save the scene", str(exc))
        self.window.statusBar().showMessage(f"Scene saved to {path}", 5000)
        return True

    def open_scene_dialog(self) -> None:
        """File ▸ Open scene…"""
        path, _ = QFileDialog.getOpenFileName(self.window, "Open scene", "", SCENE_FILTER)
        if path:
            self.open_scene_file(path)

    def save_scene_dialog(self) -> None:
        """File ▸ Save scene…"""
        path, _ = QFileDialog.getSaveFileName(self.window, "Save scene", "scene" +
                                              scene_files.SUFFIX, SCENE_FILTER)
        if path:
            self.save_scene_file(path)

    def add_to_lesson(self, path: str | Path, title: str, text: str) -> bool:
        """Appends the scene on show to the lesson file ``path`` (created when missing)."""
        schema = _schema()
        p = Path(path)
        scene = schema.LessonScene(title=title, text=text, scene=self.window.state.scene())
        try:
            if p.exists():
                lesson = schema.append_scene(schema.load_lesson(p), scene)
            else:
                name = re.sub(r"[^a-z0-9_-]+", "-", p.name.split(".")[0].lower()).strip("-_")
                lesson = schema.Lesson(name=name[:64] or "lesson", title=p.stem or "Lesson",
                                       scenes=(scene,))
            schema.save_lesson(lesson, p)
        except (ValueError, OSError) as exc:
            return self._error("Cannot add the scene to the lesson", str(exc))
        self.window.statusBar().showMessage(
            f"Scene {len(lesson.scenes)} added to {p.name}", 5000)
        return True

    def add_to_lesson_dialog(self) -> None:
        """File ▸ Add this scene to a lesson…: asks for the file, a title and a text."""
        w = self.window
        path, _ = QFileDialog.getSaveFileName(
            w, "Add this scene to a lesson", "lesson.json", LESSON_FILTER,
            options=QFileDialog.Option.DontConfirmOverwrite)
        if not path:
            return
        title, ok = QInputDialog.getText(w, "Scene title", "Title of this scene:")
        if not ok or not title.strip():
            return
        text, ok = QInputDialog.getMultiLineText(w, "Scene text", "What to say about it:")
        if ok:
            self.add_to_lesson(path, title.strip(), text.strip())

    def copy_scene_text(self) -> str:
        """Edit ▸ Copy scene as text: one line on the clipboard."""
        text = scene_files.scene_to_text(self.window.state.scene())
        QGuiApplication.clipboard().setText(text)
        self.window.statusBar().showMessage(
            f"Scene copied as text ({len(text)} characters)", 5000)
        return text

    def paste_scene_text(self, text: str | None = None) -> bool:
        """Edit ▸ Paste scene: the scene in ``text`` (default: the clipboard)."""
        text = QGuiApplication.clipboard().text() if text is None else text
        try:
            scene = scene_files.scene_from_text(text)
        except ValueError as exc:
            return self._error("Cannot paste the scene", str(exc))
        return self.apply_scene(scene, "Paste scene")

    # ---- menus and messages ----------------------------------------------------------------------
    def install_menus(self) -> None:
        """Lists the bundled lessons in the Lesson menu and the screens in View ▸ Presenter
        screen (shown when more than one is attached)."""
        menus = {a.text(): a.menu() for a in self.window.menuBar().actions() if a.menu()}
        lesson_menu: QMenu | None = menus.get("&Lesson")
        if lesson_menu is not None:
            try:
                bundled = _schema().bundled_lessons()
            except (ImportError, ValueError, OSError) as exc:
                log.warning("bundled lessons unavailable: %s", exc)
                bundled = {}
            lesson_menu.addSeparator()
            for name, lesson in bundled.items():
                act = lesson_menu.addAction(f"{lesson.title} ({len(lesson.scenes)} scenes)")
                act.setToolTip(f"Start the bundled lesson {name!r}")
                act.triggered.connect(lambda _=False, n=name: self.open_bundled(n))
        view_menu: QMenu | None = menus.get("&View")
        if view_menu is not None:
            self.screen_menu = view_menu.addMenu("Presenter s&creen")
            self._fill_screen_menu()
            app = QGuiApplication.instance()
            app.screenAdded.connect(self._fill_screen_menu)
            app.screenRemoved.connect(self._fill_screen_menu)

    def _fill_screen_menu(self, *_args) -> None:
        menu = self.screen_menu
        menu.clear()
        group = QActionGroup(menu)
        screens = QGuiApplication.screens()
        current = self.presenter.chosen_screen()
        for s in screens:
            g, name = s.geometry(), s.name()
            act = QAction(f"{s.name() or 'screen'} ({g.width()}x{g.height()})", menu,
                          checkable=True)
            act.setChecked(s is current)
            act.triggered.connect(lambda _=False, n=name: self.presenter.set_screen(n))
            group.addAction(act)
            menu.addAction(act)
        menu.menuAction().setVisible(len(screens) > 1)

    def _error(self, title: str, text: str) -> bool:
        """A message box (not blocking the tests: shown, kept in ``message_box``); False."""
        self.last_error = text
        log.info("%s: %s", title, text)
        box = QMessageBox(QMessageBox.Icon.Warning, title, text, parent=self.window)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        self.message_box = box
        return False

    def shutdown(self) -> None:
        """Presenter mode ends and the notes window closes with the main window."""
        self.presenter.shutdown()
