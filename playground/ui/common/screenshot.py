"""PNG files from Qt images, written atomically, and offscreen rendering of a window to a PNG of
an exact size (``conv-playground --screenshot``).

The picture is what a screen of that size would show: a window that cannot fit (its layout needs
more than ``WxH`` at the current UI scale) is an error, never a bigger picture.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QApplication, QWidget

from playground.fileio import atomic_write


def save_png(image: QImage | QPixmap, path: str | Path) -> None:
    """Writes ``image`` to ``path`` as PNG (whatever the file name ends in); OSError if Qt
    cannot (a full disk, a folder that cannot be written)."""
    if image.isNull():
        raise OSError("there is no image to save")
    if not image.save(str(path), "PNG"):
        raise OSError("Qt could not write the PNG image (is the disk full?)")


def write_png(image: QImage | QPixmap, path: str | Path) -> Path:
    """:func:`save_png` through :func:`~playground.fileio.atomic_write`: the old file stays
    unless the new one is complete; returns ``path``."""
    return atomic_write(path, lambda tmp: save_png(image, tmp))


TABS = {"playground": None, "network": "Inside the network", "filters": "Inside the network",
        "design": "Design", "train": "Train", "classes": "Your classes",
        "shift": "Shift the digit", "evaluate": "Evaluate"}
"""``--tab`` names: the Playground, or a page of the Network tab (its sub-tab's title);
``filters`` is the network page scrolled to its filter stacks."""


def show_tab(window, name: str) -> None:
    """Shows tab ``name`` (a key of :data:`TABS`) of the main window (again once the window has
    its size: ``filters`` scrolls to the stacks as laid out then)."""
    page = TABS[name]
    if page is None:
        window.tabs.setCurrentIndex(0)
        return
    tab = window.ensure_network_tab()
    window.tabs.setCurrentWidget(tab)
    titles = [tab.sub_tabs.tabText(i) for i in range(tab.sub_tabs.count())]
    tab.sub_tabs.setCurrentIndex(titles.index(page))
    tab.network_view.refresh()  # now, not on its 30 ms timer: the picture is taken next
    if name == "filters":
        view = tab.network_view
        bar = view.left_scroll.verticalScrollBar()
        bar.setValue(min(bar.maximum(), view.stack_box.y()))
    if name == "design" and tab.designer.current_row() < 0:
        conv = [i for i, r in enumerate(tab.designer.arch.layers) if r.kind == "conv"]
        if conv:  # the editor shows a conv row's fields, not an empty box
            tab.designer.table.selectRow(conv[-1])


class ScreenshotError(ValueError):
    """The screenshot cannot be made as asked (a size the window cannot fit, a bad path)."""


def _settle(rounds: int = 6) -> None:
    for _ in range(rounds):
        QApplication.processEvents()


def render_screenshot(window: QWidget, path: str | Path, size: tuple[int, int],
                      prepare: Callable[[QWidget], None] | None = None) -> Path:
    """Lays out ``window`` at exactly ``size`` and saves it to ``path`` (PNG, atomically);
    returns the path.

    ``prepare(window)`` runs first (a scene, a UI scale, presenter mode ...), then again once the
    window has its size, so that anything fitted to the size is fitted to this one. Raises
    :class:`ScreenshotError` when the window needs more than ``size``.
    """
    out = Path(path)
    if out.suffix.lower() != ".png":
        raise ScreenshotError(f"screenshot path must end in .png, got {out.name!r}")
    if not out.parent.exists():
        raise ScreenshotError(f"folder {out.parent} does not exist")
    w, h = (int(v) for v in size)
    if prepare is not None:
        prepare(window)
    window.resize(w, h)
    window.show()
    _settle()
    if prepare is not None:
        prepare(window)
        _settle()
    need = window.minimumSizeHint().expandedTo(window.minimumSize())
    if window.size() != QSize(w, h) or need.width() > w or need.height() > h:
        raise ScreenshotError(f"the window needs at least {need.width()}x{need.height()} here; "
                              f"{w}x{h} is too small")
    overflow = getattr(window, "overflow", None)  # a part that would be clipped or scroll
    problems = overflow() if callable(overflow) else []
    if problems:
        raise ScreenshotError(f"at {w}x{h} not everything fits: {'; '.join(problems)}")
    image: QImage | QPixmap = window.grab()
    if image.size() != QSize(w, h):  # a device pixel ratio other than 1: back to logical pixels
        image = image.toImage().scaled(w, h, Qt.AspectRatioMode.IgnoreAspectRatio,
                                       Qt.TransformationMode.SmoothTransformation)
    return write_png(image, out)
