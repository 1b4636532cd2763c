"""conv1 linked to the kernel editor: an edited copy, visible, ended by shape changes, undoable by
one click. (On 0.x a later Matrix A, 1-D example, K or size change silently refitted the
pre-trained LeNet-5's conv1: a clean 3 then read "4 (52%)" under a "pre-trained, bundled" header.)
"""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from playground.data import load_bundled


@pytest.fixture(scope="module")
def a_three() -> np.ndarray:
    d = load_bundled()
    return d.images[d.labels == 3][0].astype(np.float32) / 255.0


@pytest.fixture
def linked(window, a_three):
    """A window with a 3 drawn and conv1 of the bundled LeNet-5 linked to the kernel editor."""
    window.state.set_image(a_three, "digit")
    tab = window.ensure_network_tab()
    holder = tab.holder
    bundled = {k: v.copy() for k, v in holder.model.get_weights("conv1").items()}
    probs = holder.predict().copy()
    assert int(probs.argmax()) == 3
    assert tab.edit_in_kernel_editor(0)
    assert holder.linked
    return window, tab, bundled, probs


def _rgb_file(tmp_path) -> str:
    path = tmp_path / "colour.png"
    rng = np.random.default_rng(0)
    Image.fromarray(rng.integers(0, 255, (20, 20, 3), dtype=np.uint8)).save(path)
    return str(path)


ACTIONS = {
    "Matrix A": lambda win, tmp: win.input_panel.load_matrix_a(),
    "1-D example": lambda win, tmp: win.input_panel.load_vector_example(),
    "fewer kernels": lambda win, tmp: win.kernel_editor.count.setValue(4),
    "smaller kernels": lambda win, tmp: win.kernel_editor.fh.setValue(3),
    "RGB image": lambda win, tmp: win.input_panel.open_file(_rgb_file(tmp), rgb=True),
}


@pytest.mark.parametrize("action", list(ACTIONS))
def test_a_shape_changing_action_ends_the_link_and_never_refits_conv1(
        linked, a_three, action, tmp_path, qtbot):
    window, tab, bundled, probs = linked
    holder = tab.holder
    assert window.link_banner.isVisibleTo(window)
    ACTIONS[action](window, tmp_path)
    assert not holder.linked
    conv1 = holder.model.get_weights("conv1")
    np.testing.assert_array_equal(conv1["weight"], bundled["weight"])
    np.testing.assert_array_equal(conv1["bias"], bundled["bias"])
    assert "no longer linked" in window.statusBar().currentMessage()
    assert not window.link_banner.isVisibleTo(window)
    window.state.set_image(a_three, "digit")
    np.testing.assert_allclose(holder.predict(), probs, atol=1e-6)  # still a clean 3


def test_the_network_being_edited_is_a_named_copy(linked):
    window, tab, bundled, _probs = linked
    holder = tab.holder
    assert holder.title == "LeNet-5, conv1 edited"
    header = tab.model_label.text()
    assert header.startswith("LeNet-5, conv1 edited — a copy; the original (pre-trained")
    assert "LeNet-5, conv1 edited" in window.link_banner.text()
    assert window.prediction_view.title == "LeNet-5, conv1 edited says:"
    window.state.set_kernel_cell(0, 0, 2, 2, 9.0)  # same shape: the edit flows into the copy
    assert holder.model.get_weights("conv1")["weight"][0, 0, 2, 2] == 9.0
    original = holder.pretrained("lenet5").get_weights("conv1")["weight"]
    np.testing.assert_array_equal(original, bundled["weight"])  # the bundled model is untouched


def test_back_to_bundled_model_is_one_click(linked, qtbot):
    window, tab, bundled, probs = linked
    holder = tab.holder
    window.state.set_kernel_cell(1, 0, 0, 0, -5.0)
    assert not np.allclose(holder.predict(), probs)
    assert tab.bundled_button.isEnabled()
    window.link_banner.bundled_button.click()
    assert not holder.linked and holder.is_bundled
    np.testing.assert_array_equal(holder.model.get_weights("conv1")["weight"], bundled["weight"])
    np.testing.assert_allclose(holder.predict(), probs, atol=1e-6)
    assert tab.model_label.text().startswith("LeNet-5 — pre-trained, bundled")
    assert not tab.bundled_button.isEnabled()
    assert not window.link_banner.isVisibleTo(window)


def test_unlink_keeps_the_edited_copy(linked):
    window, tab, _bundled, _probs = linked
    holder = tab.holder
    window.state.set_kernel_cell(0, 0, 1, 1, 3.0)
    window.link_banner.unlink_button.click()
    assert not holder.linked and not window.link_banner.isVisibleTo(window)
    window.state.set_kernel_cell(0, 0, 1, 1, 7.0)  # no longer written into the network
    assert holder.model.get_weights("conv1")["weight"][0, 0, 1, 1] == 3.0
    assert holder.title == "LeNet-5, conv1 edited"


def test_linking_is_refused_while_a_colour_image_is_on_show(window, tmp_path):
    assert window.input_panel.open_file(_rgb_file(tmp_path), rgb=True)
    tab = window.ensure_network_tab()
    assert not tab.edit_in_kernel_editor(0)
    assert "3-channel image" in tab.message_label.text()
    assert not tab.holder.linked and tab.holder.is_bundled  # no copy was made
