"""Every scene of the bundled lesson fits a 1280x720 projector at 150 % and a 1024x768 one at
200 %, in the normal window and in presenter mode: nothing needs more than the screen, nothing is
clipped or scrolls sideways, and the scene's own view is the one in front."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication

from playground.ui.lesson.driver import LOWER_VIEWS

SCREEN = (1280, 720)
NARROW = (1024, 768)
"""A 4:3 projector: at 200 % beside the lesson text the pictures have about 760 px of width."""


def _settle() -> None:
    for _ in range(6):
        QApplication.processEvents()


def _misfits(window, screen: tuple[int, int] = SCREEN) -> list[str]:
    """Why the window does not fit ``screen`` as it is now (empty: it fits)."""
    need = window.minimumSizeHint()
    out = [] if need.width() <= screen[0] and need.height() <= screen[1] else [
        f"needs {need.width()}x{need.height()}"]
    if (window.width(), window.height()) != screen:
        out.append(f"is {window.width()}x{window.height()}")
    return out + window.overflow()


@pytest.mark.parametrize("presenter", [False, True], ids=["window", "presenter"])
@pytest.mark.parametrize(("screen", "scale"), [(SCREEN, 150), (NARROW, 200)],
                         ids=["1280x720@150", "1024x768@200"])
def test_every_scene_fits_the_projector(window, lecture, presenter, screen, scale):
    driver = window.lessons.driver
    driver.run_actions = False  # the race and training scenes only say what they would start
    window.set_ui_scale(scale)
    window.resize(*screen)
    window.lessons.start_lesson(lecture)
    if presenter:
        window.lessons.presenter.enter(full_screen=False)
    problems = {}
    for i, scene in enumerate(lecture.scenes):
        driver.go_to(i)
        window.resize(*screen)
        _settle()
        if _misfits(window, screen):
            problems[f"{i + 1} {scene.title}"] = _misfits(window, screen)
        view = window.lower_views().get(LOWER_VIEWS.get(scene.view, ""))
        if scene.tab != "network" and view is not None:
            assert window.lower_tabs.currentWidget() is view, scene.title  # in front, folded too
    if presenter:
        window.lessons.presenter.leave()
    window.set_ui_scale(100)
    assert problems == {}


def test_a_scene_without_steps_rewinds_the_step_through(window, lecture):
    driver = window.lessons.driver
    driver.run_actions = False
    stepped = next(i for i, s in enumerate(lecture.scenes) if s.steps > 0 and s.view == "stepper")
    still = next(i for i, s in enumerate(lecture.scenes)
                 if i > stepped and s.steps == 0 and s.view == "stepper" and s.scene is not None)
    window.lessons.start_lesson(lecture, stepped)
    for _ in range(3):
        driver.advance()
    controls = window.stepper.controls
    assert controls.step() == 3
    controls.play_button.click()  # playing when the scene changes
    driver.go_to(still)
    assert controls.step() == 0 and not controls.play_button.isChecked()
    assert not controls.timer.isActive()


def test_scene_titles_show_quotes_and_leave_the_pictures_room(window, lecture):
    """A title with quotes (scene 8's 'convolution') shows them, not "&#x27;", and a long word
    does not widen the lesson dock beyond its share of a 1280-pixel screen at 200 %."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QTextDocument

    window.lessons.driver.run_actions = False
    window.set_ui_scale(200)
    window.resize(*SCREEN)
    n = next(i for i, s in enumerate(lecture.scenes) if "'" in s.title)
    window.lessons.start_lesson(lecture, n)
    _settle()
    title = window.lessons.player.title
    assert title.textFormat() == Qt.TextFormat.RichText
    doc = QTextDocument()
    doc.setHtml(title.text())
    assert doc.toPlainText().replace("\u200b", "") == lecture.scenes[n].title
    assert window.lessons.dock.width() <= 0.3 * SCREEN[0]
    window.set_ui_scale(100)


def test_the_templates_scene_shows_the_fcnn_templates_then_lenet_again(window, lecture):
    """Regression: the templates scene asked for a page that did not exist and silently showed
    LeNet-5's conv1 filters; it now shows the bundled FCNN's 28x28 templates."""
    driver = window.lessons.driver
    driver.run_actions = False
    titles = [s.title for s in lecture.scenes]
    templates = next(i for i, s in enumerate(lecture.scenes) if s.view == "templates")
    window.lessons.start_lesson(lecture, templates)
    _settle()
    tab = window.network_tab
    assert "templates" not in driver.skipped
    assert tab.holder.model.name == "fcnn" and tab.holder.is_bundled
    assert tab.sub_tabs.currentWidget() is tab.network_view
    assert tab.network_view.templates_box.isVisible()
    lenet = titles.index("LeNet-5 (1998)")
    driver.go_to(lenet)
    _settle()
    assert tab.holder.model.name == "lenet5"
