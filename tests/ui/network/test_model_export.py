"""Network tab ▸ Export model: PyTorch script / ONNX through the file dialog, off the GUI thread,
with a clear message when it cannot be done (and File ▸ Export model in the window)."""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest
import shiboken6
from PySide6.QtWidgets import QFileDialog

from playground.ui.network import model_export
from playground.ui.network.network_tab import NetworkTab


@pytest.fixture
def tab(qtbot, state):
    t = NetworkTab(state)
    qtbot.addWidget(t)
    yield t
    if shiboken6.isValid(t):
        t.shutdown()


@pytest.fixture
def save_dialog(monkeypatch):
    """The save dialog answers with ``answer["path"]`` and records what it was asked."""
    answer = {"path": "", "asked": []}

    def fake(parent, title, name, filters):
        answer["asked"].append((title, name, filters))
        return answer["path"], filters

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(fake))
    return answer


def test_pytorch_script_through_the_dialog(qtbot, tab, save_dialog, tmp_path):
    save_dialog["path"] = str(tmp_path / "mine")  # no suffix typed: .py is added
    with qtbot.waitSignal(tab.exporter.exported, timeout=10_000) as blocker:
        tab.export_actions["pytorch"].trigger()
    title, name, filters = save_dialog["asked"][0]
    assert title == "Export model as PyTorch script" and name == "lenet5.py"
    assert filters == "Python scripts (*.py)"
    path = tmp_path / "mine.py"
    assert blocker.args == [str(path)]
    assert f"Exported to {path}" in tab.message_label.text()
    source = path.read_text()
    compile(source, str(path), "exec")
    assert "nn.Sequential(OrderedDict([" in source and "'conv2', nn.Conv2d(6, 16" in source
    if importlib.util.find_spec("torch") is not None:
        spec = importlib.util.spec_from_file_location("ui_exported", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        image = tab.holder.input_image()
        got = module.predict_proba(module.load_model(), image).numpy()[0]
        np.testing.assert_allclose(got, tab.holder.model.predict_proba(image), atol=1e-5)


def test_cancelling_the_dialog_writes_nothing(tab, save_dialog, tmp_path):
    tab.export_dialog("pytorch")
    assert save_dialog["asked"] and not tab.exporter.is_running()
    assert not list(tmp_path.rglob("*.py"))


def test_onnx_through_the_dialog_when_onnx_is_installed(qtbot, tab, save_dialog, tmp_path):
    onnx = pytest.importorskip("onnx")
    assert tab.export_actions["onnx"].isEnabled()
    save_dialog["path"] = str(tmp_path / "m.onnx")
    with qtbot.waitSignal(tab.exporter.exported, timeout=20_000):
        tab.export_actions["onnx"].trigger()
    onnx.checker.check_model(onnx.load(str(tmp_path / "m.onnx")), full_check=True)


def test_without_onnx_the_action_is_off_and_says_how_to_install(qtbot, state, monkeypatch,
                                                                 save_dialog):
    monkeypatch.setattr(model_export, "onnx_available", lambda: False)
    t = NetworkTab(state)
    qtbot.addWidget(t)
    act = t.export_actions["onnx"]
    assert not act.isEnabled() and "pip install" in act.toolTip()
    t.export_dialog("onnx")  # e.g. from the window's menu: a message, no dialog
    assert save_dialog["asked"] == []
    assert t.error_box is not None and "needs the onnx package" in t.error_box.text()
    assert not t.exporter.export("x.onnx", "onnx")
    t.shutdown()


def test_an_unwritable_place_gives_a_clear_message(qtbot, tab, save_dialog, tmp_path):
    save_dialog["path"] = str(tmp_path / "no such folder" / "m.py")
    with qtbot.waitSignal(tab.exporter.failed, timeout=10_000) as blocker:
        tab.export_dialog("pytorch")
    assert "Could not export the model" in blocker.args[0]
    assert "does not exist" in blocker.args[0]
    assert tab.error_box is not None and "does not exist" in tab.error_box.text()
    assert not (tmp_path / "no such folder").exists()


def test_no_export_while_training(tab, monkeypatch, tmp_path):
    monkeypatch.setattr(tab.training_panel, "is_running", lambda: True)
    assert not tab.export_model_file(tmp_path / "m.py", "pytorch")
    assert "Stop the training first" in tab.error_box.text()
    assert not (tmp_path / "m.py").exists()


def test_file_menu_export_shows_the_network_tab_and_exports(qtbot, window, save_dialog,
                                                            tmp_path):
    act = window.menu_actions["&PyTorch script…"]
    menu = act.associatedObjects()[0]
    assert menu.title() == "E&xport model"
    assert "ONNX…" in [a.text().replace("&", "") for a in menu.actions()]
    save_dialog["path"] = str(tmp_path / "w.py")
    act.trigger()
    tab = window.network_tab
    assert window.tabs.currentWidget() is tab
    assert tab.exporter.wait(10_000)
    qtbot.waitUntil(lambda: (tmp_path / "w.py").exists() and "Exported" in
                    tab.message_label.text(), timeout=5000)
