"""``--screenshot --tab NAME``: the designer and conv2's filter stacks as the closing figures."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from playground.cli import SCREENSHOT_TABS, main
from playground.ui.common.screenshot import TABS, show_tab


def test_the_command_line_knows_every_tab():
    assert tuple(TABS) == SCREENSHOT_TABS


def test_show_tab_reaches_each_page(window):
    show_tab(window, "design")
    tab = window.network_tab
    assert window.tabs.currentWidget() is tab and tab.sub_tabs.currentWidget() is tab.designer
    assert tab.designer.arch.layers[tab.designer.current_row()].kind == "conv"  # fields on show
    window.resize(1280, 720)
    show_tab(window, "filters")
    assert tab.sub_tabs.currentWidget() is tab.network_view
    view = tab.network_view
    bar = view.left_scroll.verticalScrollBar()
    assert bar.value() == min(bar.maximum(), view.stack_box.y())
    show_tab(window, "playground")
    assert window.tabs.currentIndex() == 0


def test_a_designer_screenshot(tmp_path, monkeypatch, qapp):
    from playground.ui.common import backend_session

    monkeypatch.setattr(backend_session, "backends_to_warm", lambda asked: [])
    out = tmp_path / "designer.png"
    assert main(["--screenshot", str(out), "--size", "1280x720", "--tab", "design"]) == 0
    img = Image.open(out)
    assert img.size == (1280, 720)
    assert np.asarray(img.convert("L")).std() > 10


def test_an_unknown_tab_is_refused(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--screenshot", "x.png", "--tab", "nowhere"])
    assert exc.value.code == 2 and "--tab" in capsys.readouterr().err
