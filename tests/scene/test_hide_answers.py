"""The scene's "hide the answers" display choice: JSON, validation, undo comparison, the state."""

from __future__ import annotations

import pytest

from playground.scene import Change, Scene, SceneError, default_scene


def test_round_trip_and_old_files_read_as_shown():
    scene = default_scene().replace(hide_answers=True)
    data = scene.to_json()
    assert data["view"]["hide_answers"] is True
    assert Scene.from_json(data).hide_answers
    shown = default_scene().to_json()
    assert "hide_answers" not in shown["view"]  # files written before it existed stay the same
    assert not Scene.from_json(shown).hide_answers


def test_bad_values_are_refused_with_the_field_name():
    data = default_scene().to_json()
    data["view"]["hide_answers"] = 1
    with pytest.raises(SceneError, match=r"view\.hide_answers"):
        Scene.from_json(data)
    with pytest.raises(SceneError, match="hide_answers"):
        default_scene().replace(hide_answers="yes")


def test_it_is_a_display_choice_undo_does_not_compare():
    a = default_scene()
    assert a.same_content(a.replace(hide_answers=True))
    assert a != a.replace(hide_answers=True)


def test_state_set_view_and_apply():
    from playground.ui.playground.state import PlaygroundState

    st = PlaygroundState()
    seen = []
    st.changed.connect(seen.append)
    st.set_view(hide_answers=True)
    assert st.hide_answers and seen == [Change.VIEW] and st.scene().hide_answers
    st.set_view(hide_answers=True)
    assert len(seen) == 1  # no change, no event
    st.apply(st.scene().replace(hide_answers=False), view=False)
    assert st.hide_answers  # undo leaves display choices alone
    st.apply(st.scene().replace(hide_answers=False))
    assert not st.hide_answers
