"""The main window's menus, as one table: every command with its menu, shortcut and tooltip.

Each :class:`Entry` names its slot as a dotted path from the window (``"kernel_editor.flip"``)
plus the arguments to call it with, so the table is plain data that a test (or a future lesson
that wants to point at a command) can read. :func:`build_menus` turns it into ``QAction``\\ s.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import reduce

from PySide6.QtGui import QAction, QActionGroup, QKeySequence

from playground.ui.common import theme as th

Keys = str | QKeySequence.StandardKey | tuple[str | QKeySequence.StandardKey, ...] | None

SEPARATOR = "-"
"""A ``slot`` that draws a separator line instead of an action."""
UNDO, REDO, SCALES, THEMES = "@undo", "@redo", "@scales", "@themes"
"""Special slots: the undo stack's own undo / redo actions, the UI-scale and theme submenus."""


@dataclass(frozen=True)
class Entry:
    """One menu item: ``slot`` is a dotted attribute path from the window, called with ``args``;
    a ``checkable`` one gets the checked state as its argument. ``name`` stores the action on the
    window under that attribute; ``sub`` puts it in a submenu of that title within ``menu``."""

    menu: str
    text: str
    keys: Keys
    slot: str
    tip: str = ""
    args: tuple = ()
    checkable: bool = False
    name: str | None = None
    sub: str | None = None


def _sep(menu: str) -> Entry:
    return Entry(menu, "", None, SEPARATOR)


MENUS: tuple[Entry, ...] = (
    Entry("&File", "&Open image…", QKeySequence.StandardKey.Open, "input_panel.open_dialog",
          "Open a PNG or JPEG of a digit (made MNIST-style)", (False,)),
    Entry("&File", "Open image as &RGB…", "Ctrl+Shift+O", "input_panel.open_dialog",
          "Open a colour image: 3 channels, one kernel slice per channel", (True,)),
    Entry("&File", "Random &digit", "Ctrl+R", "input_panel.random_digit",
          "A handwritten digit from the bundled MNIST sample"),
    _sep("&File"),
    Entry("&File", "Open &scene…", "Ctrl+Alt+O", "lessons.open_scene_dialog",
          "Open a scene file: input, kernels and settings as they were saved"),
    Entry("&File", "Save s&cene…", "Ctrl+Alt+S", "lessons.save_scene_dialog",
          "Save what the Playground shows (input, kernels, settings) as a small JSON file"),
    Entry("&File", "Add this scene to a &lesson…", None, "lessons.add_to_lesson_dialog",
          "Append the scene on show to a lesson file (created when missing)"),
    _sep("&File"),
    Entry("&File", "Save &model…", None, "network_action", "Save the Network tab's model "
          "(weights and architecture) to a file", ("save",)),
    Entry("&File", "&Load model…", None, "network_action", "Load a model saved before, or by "
          "conv-playground train", ("load",)),
    Entry("&File", "Back to the &bundled model", None, "network_action", "Show the "
          "pre-trained network bundled with the app again", ("bundled",)),
    Entry("&File", "&PyTorch script…", None, "export_model_dialog",
          "The Network tab's model as one Python file: an nn.Sequential plus its weights",
          ("pytorch",), sub="E&xport model"),
    Entry("&File", "&ONNX…", None, "export_model_dialog",
          "The Network tab's model as an ONNX graph (needs the onnx package)", ("onnx",),
          sub="E&xport model"),
    _sep("&File"),
    Entry("&File", "Reset to &defaults", "Ctrl+Shift+R", "reset_to_defaults",
          "Forget the saved session: default kernels, settings and view"),
    _sep("&File"),
    Entry("&File", "&Quit", QKeySequence.StandardKey.Quit, "close"),

    Entry("&Edit", "&Undo", "Ctrl+Z", UNDO, name="undo_action"),
    Entry("&Edit", "&Redo", ("Ctrl+Shift+Z", "Ctrl+Y"), REDO, name="redo_action"),
    _sep("&Edit"),
    Entry("&Edit", "&Clear canvas", ("Ctrl+Backspace", "Ctrl+Delete"), "clear_canvas",
          "Erase the drawing"),
    Entry("&Edit", "&Eraser", "Ctrl+E", "eraser.setChecked", "Draw with black",
          checkable=True, name="eraser_action"),
    _sep("&Edit"),
    Entry("&Edit", "Copy kernel as text", "Ctrl+Shift+C", "kernel_editor.copy"),
    Entry("&Edit", "Paste kernel", "Ctrl+Shift+V", "kernel_editor.paste",
          "Paste rows of numbers (tabs, spaces, commas or numpy-style)"),
    Entry("&Edit", "Copy scene as te&xt", "Ctrl+Alt+C", "lessons.copy_scene_text",
          "The whole scene as one line of text (cpscene:…) to share"),
    Entry("&Edit", "Paste sce&ne", "Ctrl+Alt+V", "lessons.paste_scene_text",
          "Show the scene in the text on the clipboard (from Copy scene as text)"),

    Entry("&Kernel", "&Next kernel", ("Ctrl+K", "Ctrl+]"), "next_kernel", args=(1,)),
    Entry("&Kernel", "&Previous kernel", ("Ctrl+Shift+K", "Ctrl+["), "next_kernel", args=(-1,)),
    _sep("&Kernel"),
    Entry("&Kernel", "&Randomise", "Ctrl+Alt+R", "kernel_editor.randomise"),
    Entry("&Kernel", "Normalise: sum to &1", None, "kernel_editor.normalise", args=("sum",)),
    Entry("&Kernel", "Normalise: &L1 = 1", None, "kernel_editor.normalise", args=("l1",)),
    Entry("&Kernel", "&Flip 180°", "Ctrl+F", "kernel_editor.flip",
          "Rotate the kernel by 180°: cross-correlation with the flipped kernel is a true "
          "convolution"),

    Entry("&Layer", "Toggle padding &same / valid", "Ctrl+P", "toggle_padding",
          "same: zero-pad so the output is the size of the input; valid: no padding"),
    Entry("&Layer", "Toggle &pooling max / none", "Ctrl+M", "toggle_pooling",
          "Max pooling takes the strongest signal within each window"),
    Entry("&Layer", "Toggle &ReLU", "Ctrl+Shift+U", "toggle_relu",
          "ReLU: max(0, q) keeps only positive similarity"),

    Entry("&Step", "&Play / pause", "Ctrl+Space", "step_control", "Play or pause the "
          "step-through on screen", ("play",)),
    Entry("&Step", "Step &forward", "Ctrl+Right", "step_control", "One step forward",
          ("forward",)),
    Entry("&Step", "Step &back", "Ctrl+Left", "step_control", "One step back", ("back",)),

    Entry("&View", "UI &scale (projector)", None, SCALES),
    Entry("&View", "&Theme", None, THEMES),
    Entry("&View", "Zoom &in", (QKeySequence.StandardKey.ZoomIn, "Ctrl+="), "zoom", args=(1,)),
    Entry("&View", "Zoom &out", QKeySequence.StandardKey.ZoomOut, "zoom", args=(-1,)),
    Entry("&View", "S&hared colour scale", "Ctrl+Shift+H", "set_shared_scale",
          "One colour scale for all feature maps", checkable=True, name="shared_action"),
    Entry("&View", "&Hide the answers", "Ctrl+H", "set_hide_answers",
          "Blank output sizes and values (?) until revealed: for \"find it yourself\"",
          checkable=True, name="hide_answers_action"),
    Entry("&View", "&Enlarge panel / back", ("Z", "F11"), "lessons.toggle_zoom",
          "The focused panel fills the window; again brings the layout back"),
    Entry("&View", "Presenter &notes window", None, "lessons.show_notes",
          "This scene's notes and the next scene's title, for the lecturer's screen"),

    Entry("&Lesson", "&Present lesson", "F5", "lessons.present",
          "Full screen, driven by a clicker: PageDown / PageUp, Space, arrows; B blanks; "
          "Esc leaves"),
    Entry("&Lesson", "&Open lesson…", None, "lessons.open_lesson_dialog",
          "Open a lesson file"),
    Entry("&Lesson", "&Next step or scene", "Alt+PgDown", "lessons.next_scene"),
    Entry("&Lesson", "&Back a step or scene", "Alt+PgUp", "lessons.previous_scene"),

    Entry("&Help", "&Help on the focused control", "F1", "help_on_focus",
          "Explains the control that has the keyboard focus"),
    Entry("&Help", "What's &This?", "Shift+F1", "enter_whats_this",
          "Then click any control to read what it does"),
    _sep("&Help"),
    Entry("&Help", "&About", None, "show_about"),
)


def _shortcuts(keys: Keys) -> list[QKeySequence]:
    if keys is None:
        return []
    return [QKeySequence(k) for k in (keys if isinstance(keys, tuple) else (keys,))]


def _slot(window, entry: Entry):
    target = reduce(getattr, entry.slot.split("."), window)
    if entry.checkable:
        return target
    return lambda _checked=False: target(*entry.args)


def build_menus(window, table: tuple[Entry, ...] = MENUS) -> dict[str, QAction]:
    """Adds ``table``'s menus to ``window``'s menu bar; returns the actions by their text."""
    menus = {}
    actions: dict[str, QAction] = {}
    for entry in table:
        if entry.menu not in menus:
            menus[entry.menu] = window.menuBar().addMenu(entry.menu)
        menu = menus[entry.menu]
        if entry.sub is not None:
            key = f"{entry.menu}/{entry.sub}"
            if key not in menus:
                menus[key] = menu.addMenu(entry.sub)
            menu = menus[key]
        if entry.slot == SEPARATOR:
            menu.addSeparator()
            continue
        if entry.slot == SCALES:
            _scale_menu(window, menu.addMenu(entry.text))
            continue
        if entry.slot == THEMES:
            _theme_menu(window, menu.addMenu(entry.text))
            continue
        if entry.slot in (UNDO, REDO):
            undo = getattr(window, "undo_router", None)  # the focused part's stack
            undo = undo.group if undo is not None else window.undo_stack
            make = undo.createUndoAction if entry.slot == UNDO else undo.createRedoAction
            act = make(window, entry.text)
        else:
            act = QAction(entry.text, window)
            act.setCheckable(entry.checkable)
            (act.toggled if entry.checkable else act.triggered).connect(_slot(window, entry))
        act.setShortcuts(_shortcuts(entry.keys))
        if entry.slot not in (UNDO, REDO):  # those name the step they undo themselves
            tip = entry.tip or entry.text.replace("&", "")
            act.setToolTip(tip)
            act.setStatusTip(tip)
        menu.addAction(act)
        actions[entry.text] = act
        if entry.name is not None:
            setattr(window, entry.name, act)
    return actions


def _scale_menu(window, menu) -> None:
    """One checkable action per UI scale, kept in ``window.scale_actions``."""
    group = QActionGroup(window)
    window.scale_actions = {}
    for pct in th.SCALES:
        act = QAction(f"{pct} %", window, checkable=True)
        act.setChecked(pct == th.theme().scale)
        act.triggered.connect(lambda _=False, p=pct: window.set_ui_scale(p))
        group.addAction(act)
        menu.addAction(act)
        window.scale_actions[pct] = act


THEME_TITLES = {"light": "&Light", "dark": "&Dark", "high-contrast": "&High contrast"}


def _theme_menu(window, menu) -> None:
    """One checkable action per colour theme, kept in ``window.theme_actions``."""
    group = QActionGroup(window)
    window.theme_actions = {}
    for name in th.THEMES:
        act = QAction(THEME_TITLES[name], window, checkable=True)
        act.setChecked(name == th.theme().name)
        act.setStatusTip(f"{THEME_TITLES[name].replace('&', '')} colours (kept with the session)")
        act.triggered.connect(lambda _=False, n=name: window.set_theme(n))
        group.addAction(act)
        menu.addAction(act)
        window.theme_actions[name] = act
