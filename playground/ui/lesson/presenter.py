"""Presenter mode: the lesson full screen on the chosen screen, driven by a clicker.

Keys while presenting (an application-wide filter, so a focused tab bar or spin box cannot eat
them): PageDown / Space / Right / Down advance (animation step, answer, next scene), PageUp /
Left / Up go back, B or "." blanks the screen and again unblanks, Esc leaves, Z or F11 enlarges
the focused panel and back (that one works outside presenter mode too, from the View menu).
Typing an answer keeps Space and the arrows for the answer box.

The projector layout hides the chrome (menu bar, status bar, the side columns no scene points
at) so the maps get the room, and a second window shows the notes and the next scene's title.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QGuiApplication, QKeyEvent, QScreen
from PySide6.QtWidgets import QAbstractSpinBox, QApplication, QLineEdit, QTextEdit, QWidget

from playground.ui.lesson.driver import LessonDriver
from playground.ui.lesson.notes_window import NotesWindow
from playground.ui.lesson.panels import PanelZoom, box_of

K = Qt.Key
FORWARD = frozenset({K.Key_PageDown, K.Key_Space, K.Key_Right, K.Key_Down})
BACKWARD = frozenset({K.Key_PageUp, K.Key_Left, K.Key_Up, K.Key_Backspace})
BLANK = frozenset({K.Key_B, K.Key_Period})
LEAVE = frozenset({K.Key_Escape})
ZOOM = frozenset({K.Key_Z, K.Key_F11})
TYPING_KEEPS = frozenset({K.Key_Space, K.Key_Right, K.Key_Left, K.Key_Up, K.Key_Down,
                          K.Key_Backspace, K.Key_B, K.Key_Period, K.Key_Z})
"""Keys an answer box keeps while it has the focus (PageDown / PageUp / Esc still drive)."""


class BlankScreen(QWidget):
    """A black cover over the whole window (B on a clicker)."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setAutoFillBackground(True)
        self.setStyleSheet("background: black;")
        self.setObjectName("presenter_blank")
        self.hide()
        parent.installEventFilter(self)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize and obj is self.parentWidget():
            self.setGeometry(obj.rect())
        return False


class PresenterMode(QObject):
    """Enters and leaves presenter mode on ``window`` and routes the clicker keys to ``driver``.

    Signals
    -------
    entered, left : presenter mode started / ended.
    """

    entered = Signal()
    left = Signal()

    def __init__(self, window, driver: LessonDriver) -> None:
        super().__init__(window)
        self.window = window
        self.driver = driver
        self.active = False
        self.screen_name: str | None = None
        self.blank = BlankScreen(window)
        self.zoom = PanelZoom(window)
        self.notes = NotesWindow(window)  # its own window, owned by the main one
        self._hidden: list[QWidget] = []
        self._was_maximized = False
        self._geometry = None
        driver.scene_shown.connect(self._on_driver_scene_shown)
        driver.step_shown.connect(lambda _s: self._on_driver_scene_shown(driver.index))

    # ---- screens ---------------------------------------------------------------------------------
    def screens(self) -> list[QScreen]:
        """The attached screens."""
        return list(QGuiApplication.screens())

    def chosen_screen(self) -> QScreen | None:
        """The screen chosen in View ▸ Presenter screen (else the window's own)."""
        for s in self.screens():
            if s.name() == self.screen_name:
                return s
        return self.window.screen() or QGuiApplication.primaryScreen()

    def set_screen(self, name: str) -> None:
        """Presents on the screen called ``name`` (moves there now when presenting)."""
        self.screen_name = name
        if self.active:
            self._go_full_screen()

    # ---- enter / leave ---------------------------------------------------------------------------
    def enter(self, full_screen: bool = True) -> None:
        """Full screen on the chosen screen, chrome hidden, clicker keys on (``full_screen``
        False keeps the window's size: screenshots of the layout)."""
        if self.active or self.driver.current is None:
            return
        w = self.window
        self.active = True
        self._was_maximized = w.isMaximized()
        self._geometry = w.saveGeometry()
        QApplication.instance().installEventFilter(self)
        if full_screen:
            self._go_full_screen()
        self._projector_layout()
        if len(self.screens()) > 1:
            self.show_notes()
        self.entered.emit()

    def leave(self) -> None:
        """Back to the window as it was (size, chrome, panels)."""
        if not self.active:
            return
        self.active = False
        QApplication.instance().removeEventFilter(self)
        self.blank.hide()
        if self.zoom.active:
            self.zoom.restore()
        for widget in reversed(self._hidden):
            widget.show()
        self._hidden.clear()
        w = self.window
        w.page.show_sides(True, True)
        w.page.reflow()
        w.showNormal()
        if self._geometry is not None:
            w.restoreGeometry(self._geometry)
        if self._was_maximized:
            w.showMaximized()
        self.notes.hide()
        self.left.emit()

    def _go_full_screen(self) -> None:
        w = self.window
        screen = self.chosen_screen()
        if screen is not None:
            handle = w.windowHandle()
            if handle is not None:
                handle.setScreen(screen)
            w.setGeometry(screen.geometry())
        w.showFullScreen()

    def _projector_layout(self) -> None:
        """Hides what a projector does not need; the side columns stay when a scene points at
        one of their panels."""
        w = self.window
        self._hide(w.menuBar())
        self._hide(w.statusBar())
        self._hide(self.driver.player.lesson_label)  # the lesson's name: its lines go to the text
        self._update_side_columns()

    def _hide(self, widget: QWidget) -> None:
        if widget.isVisible() or not widget.isHidden():
            widget.hide()
            if widget not in self._hidden:
                self._hidden.append(widget)

    def _update_side_columns(self) -> None:
        w = self.window
        scene = self.driver.current
        marked = set(scene.highlight) if scene is not None else set()
        page = w.page
        left, right = bool(marked & {"canvas"}), bool(marked & {"kernel", "layer"})
        page.show_sides(left, right)  # the page re-arranges for the room the others leave
        if page.arrangement == "compact" and (left or right):  # they share one column of tabs
            page.bring_to_front(page.left_scroll if left else page.right_scroll)
        for extra in (w.input_panel, w.prediction_view):  # the canvas column's other boxes
            self._hide(box_of(extra))
        for name, widget in (("kernel", w.kernel_editor), ("layer", w.settings_panel)):
            if name in marked:  # the right column shows only the boxes a scene points at
                box_of(widget).show()
            else:
                self._hide(box_of(widget))
        page.reflow()  # the columns' widths follow the boxes they show

    def show_notes(self) -> None:
        """The notes window, on another screen than the presentation when there is one."""
        presenting = self.chosen_screen()
        other = next((s for s in self.screens() if s is not presenting), None)
        if other is not None:
            self.notes.setGeometry(other.availableGeometry().adjusted(40, 40, -40, -40))
        self._on_driver_scene_shown(self.driver.index)
        self.notes.show()
        self.notes.start_clock()

    # ---- keys ------------------------------------------------------------------------------------
    def toggle_blank(self) -> bool:
        """Blanks (black) or unblanks the window; True when blank afterwards."""
        if self.blank.isVisible():
            self.blank.hide()
            return False
        self.blank.setGeometry(self.window.rect())
        self.blank.show()
        self.blank.raise_()
        return True

    def handle_key(self, key: int) -> bool:
        """Acts on a clicker ``key``; True when it was one."""
        if key in LEAVE:
            if self.zoom.active:
                self.zoom.restore()
            else:
                self.leave()
        elif key in BLANK:
            self.toggle_blank()
        elif self.blank.isVisible() and (key in FORWARD or key in BACKWARD):
            self.toggle_blank()  # any clicker key brings the picture back first
        elif key in FORWARD:
            self.driver.advance()
        elif key in BACKWARD:
            self.driver.back()
        elif key in ZOOM:
            self.zoom.toggle()
        else:
            return False
        return True

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind not in (QEvent.Type.KeyPress, QEvent.Type.ShortcutOverride) or not self.active:
            return False
        if not isinstance(event, QKeyEvent) or event.modifiers() & ~(
                Qt.KeyboardModifier.KeypadModifier | Qt.KeyboardModifier.ShiftModifier):
            return False
        top = obj.window() if isinstance(obj, QWidget) else None
        if top is not self.window and top is not self.notes:
            return False
        key = event.key()
        if isinstance(QApplication.focusWidget(), QLineEdit | QAbstractSpinBox | QTextEdit) \
                and key in TYPING_KEEPS:
            return False
        if key not in FORWARD | BACKWARD | BLANK | LEAVE | ZOOM:
            return False
        if kind == QEvent.Type.ShortcutOverride:
            event.accept()  # ours, not a menu shortcut's
            return True
        if not event.isAutoRepeat() or key not in BLANK | LEAVE:
            self.handle_key(key)
        return True

    # ---- notes -----------------------------------------------------------------------------------
    def _on_driver_scene_shown(self, index: int) -> None:
        d = self.driver
        scene = d.current
        if scene is None:
            return
        if self.active:
            self._update_side_columns()
        nxt = d.lesson.scenes[index + 1] if index + 1 < d.count else None
        self.notes.show_scene(index, d.count, scene, nxt, d.step)

    def shutdown(self) -> None:
        """Leaves presenter mode and closes the notes window (the main window closes)."""
        self.leave()
        self.notes.close()  # a child of the main window: deleted with it
