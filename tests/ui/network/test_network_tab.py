"""Network tab: editing conv1 via the kernel editor, save/load, shifting, evaluating, closing."""

from __future__ import annotations

import numpy as np
import pytest
import shiboken6

from playground import nn
from playground.data import load_bundled, preset
from playground.ui.common.worker import live_threads
from playground.ui.network.invariance_view import shifted
from playground.ui.network.network_tab import NetworkTab


@pytest.fixture(scope="module")
def digits():
    d = load_bundled()
    return d.subset(np.arange(0, len(d), 25))


@pytest.fixture
def tab(qtbot, state, digits):
    state.set_image(digits.images[digits.labels == 3][0] / 255.0)
    t = NetworkTab(state)
    qtbot.addWidget(t)
    t.resize(1400, 900)
    yield t
    if shiboken6.isValid(t):
        t.shutdown()


def test_editing_a_learned_filter_changes_conv1_and_the_prediction(qtbot, tab, state):
    holder = tab.holder
    assert holder.model.conv_layers
    trained = holder.model.get_weights("conv1")
    maps_before = holder.trace()["conv1"].copy()
    probs_before = holder.probabilities.copy()
    with qtbot.waitSignal(tab.request_kernel_editor, timeout=2000):
        assert tab.edit_in_kernel_editor(2)
    assert holder.linked and tab.network_view.revert_button.isEnabled()
    np.testing.assert_array_equal(state.kernels, trained["weight"])
    np.testing.assert_array_equal(state.bias, trained["bias"])
    assert state.selected == 2

    prong = preset("prong")  # the lecture's hand-made filter, dropped in like a preset
    with qtbot.waitSignal(holder.prediction, timeout=2000):
        state.set_kernel(2, prong)
    w = holder.model.get_weights("conv1")["weight"]
    np.testing.assert_array_equal(w[2, 0], prong)
    np.testing.assert_array_equal(w[[0, 1, 3, 4, 5]], trained["weight"][[0, 1, 3, 4, 5]])
    maps_after = holder.trace()["conv1"]
    assert not np.allclose(maps_after[2], maps_before[2])
    np.testing.assert_allclose(maps_after[0], maps_before[0], atol=1e-5)
    assert not np.allclose(holder.probabilities, probs_before)
    assert holder.conv1_edited()

    with qtbot.waitSignal(holder.prediction, timeout=2000):
        state.set_kernel_cell(0, 0, 2, 2, 9.0)  # typing into a cell works the same
    assert holder.model.get_weights("conv1")["weight"][0, 0, 2, 2] == 9.0

    with qtbot.waitSignal(holder.weights_changed, timeout=2000):
        tab.network_view.revert_button.click()
    np.testing.assert_array_equal(holder.model.get_weights("conv1")["weight"], trained["weight"])
    np.testing.assert_array_equal(state.kernels, trained["weight"])
    np.testing.assert_allclose(holder.probabilities, probs_before, atol=1e-6)
    assert not holder.conv1_edited()


def test_a_new_model_unlinks_the_editor(qtbot, tab, state):
    tab.edit_in_kernel_editor(0)
    other = nn.build_model("lenet5", seed=3)
    with qtbot.waitSignal(tab.holder.link_changed, timeout=2000) as got:
        tab.holder.set_model(other, "test")
    assert got.args == [False]
    before = other.get_weights("conv1")["weight"].copy()
    state.set_kernel(0, preset("prong"))
    np.testing.assert_array_equal(other.get_weights("conv1")["weight"], before)


def test_fcnn_has_no_filters_to_edit_but_shows_templates(qtbot, tab):
    tab.show()
    tab.holder.set_model(nn.build_model("fcnn"), "test")
    assert not tab.edit_in_kernel_editor(0)
    assert "no convolution" in tab.message_label.text()
    qtbot.waitUntil(lambda: len(tab.network_view.templates.images) == 128, timeout=3000)
    assert tab.network_view.templates_box.isVisible()
    assert not tab.network_view.filter_box.isVisible()


def test_loading_a_bad_model_file_shows_an_error_and_keeps_the_model(qtbot, tab, tmp_path):
    bad = tmp_path / "broken.npz"
    bad.write_bytes(b"this is not a zip file")
    model = tab.holder.model
    with qtbot.assertNotEmitted(tab.holder.model_changed):
        assert not tab.load_model_file(bad)
    assert tab.holder.model is model
    assert tab.error_box is not None and tab.error_box.isVisible()
    assert "broken.npz" in tab.error_box.text() and "current model stays" in tab.error_box.text()
    tab.error_box.close()
    wrong = tmp_path / "other.npz"
    np.savez(wrong, x=np.zeros(3))
    assert not tab.load_model_file(wrong)
    assert tab.holder.model is model
    tab.error_box.close()


def test_save_and_load_round_trip(qtbot, tab, tmp_path):
    path = tmp_path / "mine.npz"
    assert tab.save_model_file(path)
    expected = tab.holder.model.get_weights("conv2")["weight"]
    tab.holder.set_model(nn.build_model("fcnn"), "test")
    with qtbot.waitSignal(tab.holder.model_changed, timeout=2000):
        assert tab.load_model_file(path)
    np.testing.assert_array_equal(tab.holder.model.get_weights("conv2")["weight"], expected)
    assert "mine.npz" in tab.model_label.text()


def test_shifting_the_drawing(qtbot, tab, state):
    view = tab.invariance_view
    tab.show()
    tab.sub_tabs.setCurrentWidget(view)
    base = state.image.copy()
    view.move(0, 1)
    view.move(0, 1)
    view.move(1, 0)
    assert view.offset == (1, 2)
    np.testing.assert_array_equal(state.image, shifted(base, 1, 2))
    qtbot.waitUntil(lambda: not view._dirty, timeout=3000)
    cnn, fcnn = view.predictions()
    np.testing.assert_allclose(view.cnn_bars.probabilities, cnn, atol=1e-6)
    np.testing.assert_allclose(view.fcnn_bars.probabilities, fcnn, atol=1e-6)
    view.reset()
    np.testing.assert_array_equal(state.image, base)
    state.set_image(np.zeros((28, 28), np.float32))  # a new drawing starts from offset 0
    assert view.offset == (0, 0)


def test_evaluation_and_confusion_cells(qtbot, tab, digits):
    view = tab.evaluation_view
    sub = digits.subset(np.arange(0, 200, 20))  # 10 digits
    view.set_data(sub.images, sub.labels, "10 test digits")
    with qtbot.waitSignal(view.evaluated, timeout=30000) as got:
        assert view.run()
    ev = got.args[0]
    assert ev.confusion.sum() == 10
    assert view.matrix.item(0, 0) is not None
    row, col = int(ev.labels[0]), int(ev.predictions[0])
    idx = view.show_cell(row, col)
    assert 0 in idx and len(view.cell_digits.images) == len(idx)
    qtbot.waitUntil(lambda: view.run_button.isEnabled(), timeout=2000)


def test_closing_the_tab_while_training(qtbot, state, digits):
    t = NetworkTab(state)
    t.show()
    panel = t.training_panel
    panel.set_dataset(digits)
    panel.model_combo.setCurrentIndex(panel.model_combo.findData("fcnn"))
    panel.epochs.setValue(200)
    with qtbot.waitSignal(panel.worker.yielded, timeout=10000):
        assert panel.start()
    assert t.holder.training and not t.save_button.isEnabled()
    t.close()
    assert live_threads() == 0
    shiboken6.delete(t)
    state.set_image(np.ones((28, 28), np.float32))  # the state outlives the tab: no crash


def test_deleting_the_tab_while_training_leaves_no_thread(qtbot, state, digits):
    t = NetworkTab(state)
    panel = t.training_panel
    panel.set_dataset(digits)
    panel.model_combo.setCurrentIndex(panel.model_combo.findData("fcnn"))
    panel.epochs.setValue(200)
    with qtbot.waitSignal(panel.worker.yielded, timeout=10000):
        panel.start()
    shiboken6.delete(t)  # no close event: destruction alone must stop the worker
    qtbot.waitUntil(lambda: live_threads() == 0, timeout=2000)


def test_a_failed_training_opens_a_message(qtbot, tab):
    panel = tab.training_panel
    panel.training_failed.emit("The training stopped with an error.\n\nIndexError: boom")
    assert tab.error_box is not None and tab.error_box.isVisible()
    assert tab.error_box.windowTitle() == "Training failed"
    assert "IndexError: boom" in tab.error_box.text()
    assert "IndexError: boom" in tab.message_label.text()
    tab.error_box.close()


def test_fonts_follow_the_ui_scale_down_again(qtbot, state):
    from PySide6.QtWidgets import QApplication

    from playground.ui.common import theme as th
    from playground.ui.network.network_tab import NetworkTab

    tab = NetworkTab(state)
    qtbot.addWidget(tab)
    base = QApplication.font().pointSizeF()
    title = tab.training_panel.curves.loss_plot.titleLabel
    small_label, small_title = tab.model_label.font().pointSizeF(), title.opts["size"]
    th.theme().set_scale(200)
    assert tab.model_label.font().pointSizeF() == pytest.approx(2 * small_label)
    assert title.opts["size"] != small_title
    th.theme().set_scale(100)
    assert tab.model_label.font().pointSizeF() == pytest.approx(1.2 * base)
    assert title.opts["size"] == small_title
    tab.shutdown()
