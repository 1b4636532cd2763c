"""The Scene: a frozen value, its JSON round trip, and the refusal of every kind of bad input."""

from __future__ import annotations

import copy
import json
import math
import re

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from playground import scene as sc
from playground.scene import LayerSettings, Scene, SceneError

finite = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False, width=32)


@st.composite
def scenes(draw) -> Scene:
    c = draw(st.sampled_from([0, 1, 3]))  # 0: grey (H, W)
    h, w = draw(st.integers(1, 9)), draw(st.integers(1, 9))
    img_shape = (h, w) if c == 0 else (c, h, w)
    k = draw(st.integers(1, 4))
    kh, kw = draw(st.integers(1, sc.MAX_KERNEL)), draw(st.integers(1, sc.MAX_KERNEL))
    arr = lambda shape: np.array(draw(st.lists(finite, min_size=math.prod(shape),  # noqa: E731
                                               max_size=math.prod(shape))),
                                 np.float32).reshape(shape)
    pair = lambda lo, hi: (draw(st.integers(lo, hi)), draw(st.integers(lo, hi)))  # noqa: E731
    layer = LayerSettings(draw(st.sampled_from(sc.PADDING_MODES)), pair(0, sc.MAX_PADDING),
                          pair(1, sc.MAX_STRIDE), draw(st.sampled_from(sc.ACTIVATIONS)),
                          draw(st.sampled_from(sc.POOLS)), pair(1, sc.MAX_POOL),
                          pair(1, sc.MAX_POOL), draw(st.integers(1, sc.MAX_DILATION)))
    return Scene(arr(img_shape), arr((k, max(c, 1), kh, kw)), arr((k,)),
                 draw(st.sampled_from(sc.INPUT_KINDS)), layer, draw(st.integers(0, k - 1)),
                 draw(st.sampled_from(sc.VIEWS)), draw(st.booleans()),
                 draw(st.sampled_from(sc.BACKENDS)))


@settings(max_examples=60, deadline=None)
@given(scenes())
def test_round_trip_through_json_text(s: Scene) -> None:
    again = sc.loads(json.dumps(s.to_json()))
    assert again == s
    assert again.kernels.dtype == np.float32 and not again.kernels.flags.writeable


junk = st.one_of(
    st.none(), st.booleans(), st.integers(-10**40, 10**40), st.floats(allow_nan=True),
    st.text(max_size=8), st.lists(st.integers(-3, 3), max_size=3),
    st.dictionaries(st.text(max_size=4), st.integers(), max_size=2),
)


def _paths(value, path=()):
    yield path
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _paths(v, (*path, k))
    elif isinstance(value, list):
        for i, v in enumerate(value[:3]):
            yield from _paths(v, (*path, i))


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenes(), st.data())
def test_corrupted_json_is_a_valid_scene_or_a_scene_error(s: Scene, data) -> None:
    doc = copy.deepcopy(s.to_json())
    for _ in range(data.draw(st.integers(1, 3))):
        paths = list(_paths(doc))
        path = data.draw(st.sampled_from(paths[1:]))
        parent = doc
        for key in path[:-1]:
            parent = parent[key]
        action = data.draw(st.sampled_from(["replace", "delete", "add", "wrap"]))
        last = path[-1]
        if action == "replace":
            parent[last] = data.draw(junk)
        elif action == "delete":
            del parent[last]
        elif action == "add" and isinstance(parent, dict):
            parent[data.draw(st.text(max_size=5))] = data.draw(junk)
        elif action == "wrap":
            parent[last] = [parent[last]]
    try:
        got = Scene.from_json(doc)
    except SceneError as exc:
        assert str(exc)
        return
    assert Scene.from_json(got.to_json()) == got
    fallback, problems = Scene.from_json_lenient(doc)
    assert fallback == got and problems == []


@settings(max_examples=80, deadline=None)
@given(scenes(), st.data())
def test_lenient_reading_always_gives_a_valid_scene(s: Scene, data) -> None:
    doc = copy.deepcopy(s.to_json())
    section = data.draw(st.sampled_from(["input", "kernels", "layer", "view", "backend"]))
    doc[section] = data.draw(junk)
    got, problems = Scene.from_json_lenient(doc)
    assert isinstance(got, Scene)
    try:
        Scene.from_json(doc)
    except SceneError:
        assert problems
    else:
        assert problems == []


def _doc(**changes) -> dict:
    doc = sc.default_scene().to_json()
    for path, value in changes.items():
        *head, last = path.split("__")
        target = doc
        for key in head:
            target = target[key]
        target[last] = value
    return doc


@pytest.mark.parametrize(("changes", "field"), [
    ({"layer__padding": [5000, 5000]}, "layer.padding"),
    ({"layer__padding": [1.0, 1]}, "layer.padding[0]"),
    ({"layer__stride": [0, 1]}, "layer.stride[0]"),
    ({"layer__stride": [1, True]}, "layer.stride[1]"),
    ({"layer__activation": "sigmoid"}, "layer.activation"),
    ({"layer__pool": 3}, "layer.pool"),
    ({"layer__pool_size": [2, 2, 2]}, "layer.pool_size"),
    ({"layer__colour": 1}, "layer.colour"),
    ({"layer__dilation": 0}, "layer.dilation"),
    ({"layer__dilation": 5}, "layer.dilation"),
    ({"layer__dilation": 2.0}, "layer.dilation"),
    ({"layer__dilation": True}, "layer.dilation"),
    ({"layer__dilation": [2, 2]}, "layer.dilation"),
    ({"kernels": np.zeros((1000, 1, 3, 3)).tolist(), "bias": [0.0] * 1000}, "kernels"),
    ({"kernels": np.zeros((1, 1, 50, 50)).tolist(), "bias": [0.0]}, "kernels"),
    ({"kernels": np.zeros((2, 3, 3, 3)).tolist(), "bias": [0.0, 0.0]}, "kernels"),
    ({"bias": [0.0]}, "bias"),
    ({"bias": [1e39] * 6}, "bias"),
    ({"input__data": [[float("nan")] * 28] * 28}, "input.data"),
    ({"input__data": [[0.0] * 28] * 27 + [[0.0] * 27]}, "input.data"),
    ({"input__data": [[0.0] * 600]}, "input.data"),
    ({"input__data": [["a"] * 2]}, "input.data"),
    ({"input__kind": "video"}, "input.kind"),
    ({"view__selected_kernel": 6}, "view.selected_kernel"),
    ({"view__shared_scale": "yes"}, "view.shared_scale"),
    ({"backend": "tpu"}, "backend"),
    ({"version": 2}, "version"),
    ({"format": "something-else"}, "format"),
    ({"extra": 1}, "extra"),
])
def test_bad_fields_are_refused_by_name(changes: dict, field: str) -> None:
    with pytest.raises(SceneError, match="^" + re.escape(field)):
        Scene.from_json(_doc(**changes))


def test_sizes_are_checked_before_allocation() -> None:
    huge = [[0.0]] * (10**7)  # one list object repeated: no array is ever built from it
    with pytest.raises(SceneError, match="axis 0 has 10000000"):
        Scene.from_json(_doc(input__data=huge))


def test_text_that_is_not_json_or_too_long_is_refused() -> None:
    with pytest.raises(SceneError, match="not valid JSON"):
        sc.loads("{")
    with pytest.raises(SceneError, match="characters"):
        sc.loads(" " * (sc.MAX_JSON_CHARS + 1))
    with pytest.raises(SceneError, match="expected an object"):
        sc.loads("[1, 2]")


def test_a_scene_is_frozen_and_its_arrays_read_only() -> None:
    s = sc.default_scene()
    with pytest.raises(AttributeError):
        s.selected = 1  # type: ignore[misc]
    with pytest.raises(ValueError, match="read-only"):
        s.kernels[0, 0, 0, 0] = 1.0
    assert s.replace(selected=2).selected == 2 and s.selected == 0


def test_the_constructor_validates_too() -> None:
    s = sc.default_scene()
    with pytest.raises(SceneError, match="kernels: 1 channel"):
        s.replace(image=np.zeros((3, 4, 4), np.float32))
    with pytest.raises(SceneError, match=r"layer\.stride"):
        LayerSettings(stride=(0, 1))
    with pytest.raises(SceneError, match="selected"):
        s.replace(selected=99)


def test_lenient_reading_drops_only_the_bad_part() -> None:
    doc = _doc(layer__padding_mode="custom", layer__padding=[5000, 1], view__view="cost")
    doc["layer"]["stride"] = [2, 2]
    got, problems = Scene.from_json_lenient(doc)
    assert got.view == "cost"  # the valid parts are kept
    assert got.layer == LayerSettings()  # the layer with the bad padding is dropped whole
    assert len(problems) == 1 and problems[0].startswith("layer.padding")


def test_lenient_reading_keeps_the_default_input_when_kernels_do_not_fit_it() -> None:
    doc = _doc(input__data=np.zeros((3, 4, 4)).tolist(), input__kind="rgb")
    doc["kernels"] = "broken"
    got, problems = Scene.from_json_lenient(doc)
    assert got.channels == 1 and got.kernels.shape[1] == 1
    assert any(p.startswith("kernels") for p in problems)


def test_same_content_ignores_only_the_display_choices() -> None:
    s = sc.default_scene()
    assert s.same_content(s.replace(view="cost", shared_scale=False))
    assert not s.same_content(s.replace(selected=1))
    assert not s.same_content(s.replace(layer=LayerSettings(pool="avg")))
