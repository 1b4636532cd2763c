"""Dilation in the Scene: carried through JSON, validated, and 1 for scenes saved before it."""

from __future__ import annotations

import json

import pytest

from playground.scene import LayerSettings, SceneError, default_scene, dumps, loads


def test_dilation_round_trips_and_old_scenes_read_as_one() -> None:
    s = default_scene().replace(layer=LayerSettings(dilation=3))
    text = dumps(s)
    assert json.loads(text)["layer"]["dilation"] == 3
    assert loads(text).layer.dilation == 3
    doc = json.loads(text)
    del doc["layer"]["dilation"]  # a scene written before dilation existed
    assert loads(json.dumps(doc)).layer.dilation == 1


@pytest.mark.parametrize("bad", [0, 5, 1.5, True, "2"])
def test_the_constructor_refuses_a_bad_dilation(bad) -> None:
    with pytest.raises(SceneError, match=r"^layer\.dilation"):
        LayerSettings(dilation=bad)
