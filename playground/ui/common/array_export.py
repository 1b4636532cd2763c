"""The context menu on every feature map and kernel picture: save it as PNG, its values as CSV or
NumPy, or copy them as text.

A view says what is under a point with a ``targets_at(pos)`` callable returning
:class:`ExportTarget`\\ s (the thing under the mouse first, then what contains it: one map, then
all maps); ``pos`` is None when the menu was asked for from the keyboard (the Menu key or
Shift+F10), and the view answers with its current item. :func:`install_export_menu` wires a
widget: right click, Menu key and Shift+F10 all open :func:`export_menu` for those targets.

Values are written by :mod:`playground.export_arrays` (exact float32, atomic); pictures by
:func:`~playground.ui.common.screenshot.write_png`. A failure is a message box, never a crash.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PySide6.QtCore import QEvent, QObject, QPoint, QSettings, QStandardPaths, Qt
from PySide6.QtGui import QContextMenuEvent, QImage, QKeySequence, QPainter, QPixmap, QShortcut
from PySide6.QtWidgets import QApplication, QFileDialog, QMenu, QMessageBox, QWidget

from playground import export_arrays as ex
from playground.ui.common.screenshot import write_png

PNG_MIN_SIDE = 280
"""A small map or kernel is enlarged (whole pixels, no smoothing) to at least this many pixels."""
STRIP_SIDE = 140
"""Each tile of a strip (a filter's slices, a row of maps) is enlarged to at least this side."""
FOLDER_KEY = "export/folder"
"""QSettings key: the folder of the last export, offered first next time."""
KINDS = {"png": ("Save as PNG…", "PNG images (*.png)"),
         "csv": ("Save values as CSV…", "CSV files (*.csv)"),
         "npy": ("Save values as NumPy (.npy)…", "NumPy arrays (*.npy)")}
COPY_TEXT = "Copy values"


@dataclass(frozen=True)
class ExportTarget:
    """One exportable picture: its menu title, default file name, values and picture.

    ``values`` is called for the shape in the menu's title and again when an action runs (the
    numbers as they are then); ``picture`` only when a PNG is saved, so opening a menu renders
    nothing. ``enlarge``: the picture is one pixel per value, saved enlarged by whole pixels
    (False for a widget's own grab, text included, which is saved as it is).
    """

    title: str
    stem: str
    values: Callable[[], np.ndarray]
    picture: Callable[[], QImage | QPixmap]
    enlarge: bool = True

    def shape(self) -> tuple[int, ...]:
        """The values' shape (for the menu's title)."""
        return tuple(np.shape(self.values()))


def enlarged(image: QImage | QPixmap, min_side: int = PNG_MIN_SIDE) -> QImage:
    """``image`` scaled by a whole factor (nearest pixel) so its longer side is at least
    ``min_side``: every weight or map cell stays a crisp square."""
    img = image.toImage() if isinstance(image, QPixmap) else image
    side = max(img.width(), img.height(), 1)
    factor = max(1, -(-min_side // side))
    if factor == 1:
        return img
    return img.scaled(img.width() * factor, img.height() * factor,
                      Qt.AspectRatioMode.IgnoreAspectRatio,
                      Qt.TransformationMode.FastTransformation)


def strip(images: Sequence[QImage], gap: int = 6, background: int = 0xFFFFFFFF) -> QImage:
    """``images`` (same size) side by side with ``gap`` white pixels between, each enlarged
    first to :data:`STRIP_SIDE` (a filter's slices, a row of maps; save it with ``enlarge``
    False)."""
    if not images:
        return QImage()
    images = [enlarged(img, STRIP_SIDE) for img in images]
    w, h = images[0].width(), images[0].height()
    out = QImage(len(images) * (w + gap) - gap, h, QImage.Format.Format_RGB32)
    out.fill(background)
    p = QPainter(out)
    for i, img in enumerate(images):
        p.drawImage(i * (w + gap), 0, img)
    p.end()
    return out


# ---- the actions ----------------------------------------------------------------------------
def save(target: ExportTarget, kind: str, path: str | Path) -> Path:
    """Writes ``target`` as ``kind`` (png, csv or npy) to ``path`` atomically; returns the path.
    Raises :class:`~playground.fileio.SaveError` (OSError) or ValueError with the reason."""
    if kind == "png":
        path = Path(path)
        if path.suffix.lower() != ".png":
            path = path.with_name(path.name + ".png")
        picture = target.picture()
        return write_png(enlarged(picture) if target.enlarge else picture, path)
    if kind == "csv":
        return ex.write_csv(path, target.values())
    if kind == "npy":
        return ex.write_npy(path, target.values())
    raise ValueError(f"unknown export kind {kind!r}")


def copy_values(target: ExportTarget) -> str:
    """Puts ``target``'s values on the clipboard as tab-separated rows (the CSV layout, tabs
    instead of commas: pastes into a spreadsheet's cells); returns the text."""
    text = ex.to_text(target.values(), "\t")
    QApplication.clipboard().setText(text)
    return text


def ask_save_path(parent: QWidget | None, caption: str, suggested: str, file_filter: str) -> str:
    """The save dialog (tests replace this function); "" when cancelled."""
    path, _ = QFileDialog.getSaveFileName(parent, caption, suggested, file_filter)
    return path


def show_error(parent: QWidget | None, title: str, text: str) -> None:
    """A warning box saying what failed (tests replace this function)."""
    QMessageBox.warning(parent, title, text)


def _folder() -> Path:
    saved = QSettings().value(FOLDER_KEY, "", str)
    if saved and Path(saved).is_dir():
        return Path(saved)
    docs = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(docs) if docs and Path(docs).is_dir() else Path.home()


def run_action(parent: QWidget | None, target: ExportTarget, kind: str) -> Path | None:
    """What a menu entry does: asks where (``kind`` png/csv/npy) and saves, or copies
    (``kind`` "copy"); a failure is shown in a message box. Returns the file written, if any."""
    title = KINDS[kind][0].rstrip("…") if kind in KINDS else COPY_TEXT
    try:
        if kind == "copy":
            copy_values(target)
            _status(parent, f"Copied {target.title} ({ex.shape_text(target.shape())}) as text")
            return None
        caption, file_filter = KINDS[kind]
        suggested = str(_folder() / f"{target.stem}.{kind}")
        chosen = ask_save_path(parent, f"{caption.rstrip('…')}: {target.title}", suggested,
                               file_filter)
        if not chosen:
            return None
        written = save(target, kind, chosen)
    except (OSError, ValueError) as exc:
        show_error(parent, title, f"Could not {title.lower()}: {exc}")
        return None
    QSettings().setValue(FOLDER_KEY, str(written.parent))
    _status(parent, f"Saved {target.title} to {written}")
    return written


def _status(parent: QWidget | None, text: str) -> None:
    window = parent.window() if parent is not None else None
    bar = getattr(window, "statusBar", None)
    if callable(bar):
        bar().showMessage(text, 5000)


# ---- the menu -------------------------------------------------------------------------------
def _add_actions(menu: QMenu, parent: QWidget | None, target: ExportTarget) -> None:
    for kind, (text, _filter) in KINDS.items():
        act = menu.addAction(text)
        act.setObjectName(f"export-{kind}")
        act.triggered.connect(lambda _=False, k=kind: run_action(parent, target, k))
    act = menu.addAction(COPY_TEXT)
    act.setObjectName("export-copy")
    act.triggered.connect(lambda _=False: run_action(parent, target, "copy"))


def _title(target: ExportTarget) -> str:
    try:
        return f"{target.title} ({ex.shape_text(target.shape())})"
    except (ValueError, IndexError):
        return target.title


def export_menu(parent: QWidget | None, targets: Sequence[ExportTarget]) -> QMenu:
    """The menu for ``targets``: the first one's entries under its title, the others (what
    contains it) as submenus."""
    menu = QMenu(parent)
    if not targets:
        return menu
    head = menu.addAction(_title(targets[0]))
    head.setEnabled(False)
    _add_actions(menu, parent, targets[0])
    if len(targets) > 1:
        menu.addSeparator()
    for target in targets[1:]:
        sub = menu.addMenu(_title(target))
        _add_actions(sub, parent, target)
    return menu


class ExportMenuHook(QObject):
    """Opens the export menu on ``widget``: right click (on ``widget`` or its viewport), the
    Menu key and Shift+F10 while it has the focus. ``last_menu`` is the menu shown last."""

    def __init__(self, widget: QWidget,
                 targets_at: Callable[[QPoint | None], Sequence[ExportTarget]]) -> None:
        super().__init__(widget)
        self.widget, self.targets_at = widget, targets_at
        self.last_menu: QMenu | None = None
        self.viewport = getattr(widget, "viewport", lambda: None)()
        widget.installEventFilter(self)
        if self.viewport is not None:
            self.viewport.installEventFilter(self)
        if widget.focusPolicy() == Qt.FocusPolicy.NoFocus:
            widget.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # reachable with Tab, then Menu
        self.shortcut = QShortcut(QKeySequence("Shift+F10"), widget)
        self.shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.shortcut.activated.connect(lambda: self.open(None))

    def menu_for(self, pos: QPoint | None) -> QMenu | None:
        """The menu for what is at ``pos`` (viewport coordinates if the widget has one; None:
        the current item), or None when nothing there can be exported."""
        targets = list(self.targets_at(pos))
        if not targets:
            return None
        if self.last_menu is not None:
            self.last_menu.deleteLater()
        self.last_menu = export_menu(self.widget, targets)
        return self.last_menu

    def open(self, pos: QPoint | None) -> bool:
        """Shows the menu for ``pos`` (at it, or in the widget's middle from the keyboard)."""
        menu = self.menu_for(pos)
        if menu is None:
            return False
        area = self.viewport or self.widget
        where = pos if pos is not None else QPoint(self.widget.width() // 2,
                                                   self.widget.height() // 3)
        menu.popup((area if pos is not None else self.widget).mapToGlobal(where))
        return True

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ContextMenu and obj in (self.widget, self.viewport):
            assert isinstance(event, QContextMenuEvent)
            keyboard = event.reason() == QContextMenuEvent.Reason.Keyboard
            pos = None if keyboard else event.pos()
            if pos is not None and obj is self.widget and self.viewport is not None:
                pos = self.viewport.mapFrom(self.widget, pos)
            if self.open(pos):
                return True
        return super().eventFilter(obj, event)


def install_export_menu(widget: QWidget,
                        targets_at: Callable[[QPoint | None], Sequence[ExportTarget]]
                        ) -> ExportMenuHook:
    """Gives ``widget`` the export context menu (see the module docstring); returns the hook
    (kept alive by ``widget``)."""
    hook = ExportMenuHook(widget, targets_at)
    widget._export_hook = hook  # tests and the views reach it here
    return hook
