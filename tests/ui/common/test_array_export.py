"""The export context menu itself: right click, Menu key and Shift+F10 open it; its four entries
write exact files or the clipboard; failures are message boxes and leave no file."""

from __future__ import annotations

import errno

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import QColor, QContextMenuEvent, QImage
from PySide6.QtWidgets import QApplication, QWidget

from playground import export_arrays as ex
from playground.ui.common import array_export as ae
from playground.ui.common.array_export import ExportTarget, export_menu, install_export_menu

from .export_helpers import actions_of, run_entry


def _image(w: int, h: int) -> QImage:
    img = QImage(w, h, QImage.Format.Format_RGB32)
    img.fill(QColor(10, 20, 30))
    img.setPixelColor(0, 0, QColor(200, 0, 0))
    return img


def _target(values=None) -> ExportTarget:
    values = np.arange(12, dtype=np.float32).reshape(3, 4) / 7 if values is None else values
    return ExportTarget("test map", "map-1-relu", lambda: values, lambda: _image(4, 3))


@pytest.fixture
def widget(qtbot):
    w = QWidget()
    qtbot.addWidget(w)
    w.resize(200, 100)
    w.show()
    qtbot.waitExposed(w)
    return w


def test_menu_lists_the_first_target_and_submenus_for_the_rest(widget):
    inner = _target()
    outer = ExportTarget("all maps", "maps", lambda: np.zeros((2, 3, 4)), lambda: _image(8, 3))
    menu = export_menu(widget, [inner, outer])
    texts = [a.text() for a in menu.actions()]
    assert texts[0] == "test map (3×4)" and not menu.actions()[0].isEnabled()
    assert texts[1:5] == ["Save as PNG…", "Save values as CSV…", "Save values as NumPy (.npy)…",
                          "Copy values"]
    sub = menu.actions()[-1].menu()
    assert menu.actions()[-1].text() == "all maps (2×3×4)"
    assert [a.text() for a in sub.actions()] == texts[1:5]


def test_each_entry_writes_what_the_target_holds(widget, tmp_path, monkeypatch):
    target = _target()
    menu = export_menu(widget, [target])
    npy = run_entry(menu, "npy", tmp_path / "m.npy", monkeypatch)
    assert np.array_equal(np.load(npy), target.values())
    csv = run_entry(menu, "csv", tmp_path / "m.csv", monkeypatch)
    assert np.array_equal(ex.read_csv(csv), target.values())
    png = run_entry(menu, "png", tmp_path / "m", monkeypatch)  # .png is added
    assert png.name == "m.png"
    img = QImage(str(png))
    factor = -(-ae.PNG_MIN_SIDE // 4)
    assert (img.width(), img.height()) == (4 * factor, 3 * factor)
    assert img.pixelColor(factor - 1, factor - 1) == QColor(200, 0, 0)  # crisp, not smoothed
    assert img.pixelColor(factor, 0) == QColor(10, 20, 30)
    actions_of(menu)["copy"].trigger()
    text = QApplication.clipboard().text()
    assert text.splitlines()[0].split("\t") == [ex.format_value(v) for v in target.values()[0]]


def test_the_dialog_suggests_a_telling_name_and_cancel_writes_nothing(widget, tmp_path,
                                                                       monkeypatch):
    asked = []
    monkeypatch.setattr(ae, "ask_save_path", lambda *a: asked.append(a) or "")
    assert ae.run_action(widget, _target(), "npy") is None
    assert asked[0][2].endswith("map-1-relu.npy") and "test map" in asked[0][1]
    assert not list(tmp_path.iterdir())


def test_failures_are_message_boxes_and_leave_no_file(widget, tmp_path, monkeypatch):
    shown = []
    monkeypatch.setattr(ae, "show_error", lambda _p, title, text: shown.append((title, text)))
    monkeypatch.setattr(ae, "ask_save_path", lambda *a: str(tmp_path / "nope" / "x.csv"))
    assert ae.run_action(widget, _target(), "csv") is None
    assert "does not exist" in shown[-1][1]
    monkeypatch.setattr(ae, "ask_save_path", lambda *a: str(tmp_path / "x.npy"))

    def full(*_a, **_k):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(np, "save", full)
    assert ae.run_action(widget, _target(), "npy") is None
    assert "No space left" in shown[-1][1]
    monkeypatch.setattr(QImage, "save", lambda *_a: False)
    monkeypatch.setattr(ae, "ask_save_path", lambda *a: str(tmp_path / "x.png"))
    assert ae.run_action(widget, _target(), "png") is None
    assert "disk full" in shown[-1][1]
    bad = _target(np.zeros((1, 1, 1, 1, 1)))
    assert ae.run_action(widget, bad, "copy") is None and "5-D" in shown[-1][1]
    assert list(tmp_path.iterdir()) == []


def test_right_click_the_menu_key_and_shift_f10_open_the_menu(qtbot, widget):
    seen: list[QPoint | None] = []

    def targets_at(pos):
        seen.append(pos)
        return [_target()]

    hook = install_export_menu(widget, targets_at)
    assert widget.focusPolicy() == Qt.FocusPolicy.StrongFocus
    QApplication.sendEvent(widget, QContextMenuEvent(QContextMenuEvent.Reason.Mouse,
                                                     QPoint(30, 40), widget.mapToGlobal(
                                                         QPoint(30, 40))))
    assert seen[-1] == QPoint(30, 40) and hook.last_menu is not None
    hook.last_menu.close()
    QApplication.sendEvent(widget, QContextMenuEvent(QContextMenuEvent.Reason.Keyboard,
                                                     QPoint(5, 5), widget.mapToGlobal(
                                                         QPoint(5, 5))))
    assert seen[-1] is None
    hook.last_menu.close()
    widget.activateWindow()
    widget.setFocus()
    qtbot.waitUntil(widget.hasFocus)
    n = len(seen)
    qtbot.keyClick(widget, Qt.Key.Key_F10, Qt.KeyboardModifier.ShiftModifier)
    assert len(seen) == n + 1 and seen[-1] is None
    qtbot.waitUntil(lambda: hook.last_menu.isVisible())
    hook.last_menu.close()


def test_nothing_to_export_lets_the_event_through(widget):
    install_export_menu(widget, lambda _pos: [])
    event = QContextMenuEvent(QContextMenuEvent.Reason.Mouse, QPoint(1, 1), QPoint(1, 1))
    event.ignore()
    assert event.type() == QEvent.Type.ContextMenu
    QApplication.sendEvent(widget, event)
    assert widget._export_hook.last_menu is None
