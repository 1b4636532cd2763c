"""Exports and saves in the window: atomic, and success reported only once the file is in place.

On fcacbfe the curves PNG export reported success when Qt could not write (it only checked that
a file existed), and the CSV export truncated the old file before a full disk stopped it.
"""

from __future__ import annotations

import csv
import errno

import pytest
from PySide6.QtGui import QImage, QPixmap

from playground.ui.common.screenshot import render_screenshot
from playground.ui.network import curves as curves_module
from playground.ui.network.curves import TrainingCurves
from playground.ui.network.model_holder import ModelHolder
from playground.ui.network.network_tab import NetworkTab
from playground.ui.network.training_panel import TrainingPanel


def full_disk(*_args, **_kwargs):
    raise OSError(errno.ENOSPC, "No space left on device")


@pytest.fixture
def panel(qtbot, state):
    holder = ModelHolder(state, pretrained="fcnn")
    p = TrainingPanel(holder)
    qtbot.addWidget(p)
    run = p.curves.begin_run("A", 10)
    for i in range(5):
        p.curves.add_step(run, i / 5, 2.0 - i * 0.1)
    p.curves.add_epoch(run, 1, 0.5, 0.6, 1.5)
    p.curves.resize(800, 300)
    yield p
    p.shutdown()
    holder.deleteLater()


def test_png_export_that_qt_cannot_write_is_a_failure(panel, tmp_path, monkeypatch):
    target = tmp_path / "curves.png"
    target.write_bytes(b"the old export")
    monkeypatch.setattr(QImage, "save", lambda self, *a: False)  # read-only folder or full disk
    warned = []
    assert not panel.export_curves("png", str(target), warned.append)
    assert target.read_bytes() == b"the old export"
    assert warned and "Could not export" in panel.status.text()
    monkeypatch.undo()
    assert panel.export_curves("png", str(target))
    assert target.read_bytes().startswith(b"\x89PNG") and "Exported to" in panel.status.text()


def test_csv_export_on_a_full_disk_keeps_the_old_file(panel, tmp_path, monkeypatch):
    target = tmp_path / "curves.csv"
    target.write_text("the old export")
    real_writer = csv.writer

    class HalfFull:
        def __init__(self, fh):
            self.inner, self.rows = real_writer(fh), 0

        def writerow(self, row):
            self.rows += 1
            if self.rows > 2:
                full_disk()
            self.inner.writerow(row)

    monkeypatch.setattr(curves_module.csv, "writer", HalfFull)
    assert not panel.export_curves("csv", str(target))
    assert target.read_text() == "the old export"
    assert "No space left" in panel.status.text()
    assert [p.name for p in tmp_path.iterdir()] == ["curves.csv"]  # no temporary file left


def test_export_to_a_folder_that_is_a_file(qtbot, tmp_path):
    curves = TrainingCurves()
    qtbot.addWidget(curves)
    blocker = tmp_path / "file"
    blocker.write_text("x")
    for export in (curves.export_csv, curves.export_png):
        with pytest.raises(OSError, match="does not exist"):
            export(blocker / "out")


def test_screenshot_that_fails_halfway_keeps_the_old_file(window, tmp_path, monkeypatch):
    target = tmp_path / "shot.png"
    target.write_bytes(b"the old screenshot")

    def partial(self, path, *_a):
        with open(path, "wb") as fh:
            fh.write(b"\x89PNG half")
        return False  # Qt's way of saying the disk filled up

    monkeypatch.setattr(QPixmap, "save", partial)
    with pytest.raises(OSError, match="could not write"):
        render_screenshot(window, target, (800, 600))
    assert target.read_bytes() == b"the old screenshot"
    monkeypatch.undo()
    render_screenshot(window, target, (800, 600))
    assert not QImage(str(target)).isNull()


def test_model_save_on_a_full_disk_keeps_the_old_file(qtbot, state, tmp_path, monkeypatch):
    from playground.nn import modelfile

    tab = NetworkTab(state)
    qtbot.addWidget(tab)
    target = tmp_path / "model.npz"
    assert tab.save_model_file(target)
    old = target.read_bytes()
    real_savez = modelfile.np.savez

    def savez_then_full(fh, **arrays):
        real_savez(fh, **dict(list(arrays.items())[:1]))
        full_disk()

    monkeypatch.setattr(modelfile.np, "savez", savez_then_full)
    assert not tab.save_model_file(target)
    assert target.read_bytes() == old
    assert "No space left" in tab.message_label.text()
    tab.shutdown()
