"""The bundled lecture lesson: every scene loads; its numbers are the engine's and the lecture's."""

from __future__ import annotations

import math

import numpy as np
import pytest
from PIL import Image

from playground import engine
from playground.engine import shapes
from playground.lessons import lecture, lecture_lesson
from playground.lessons import lecture_scenes as ls
from playground.lessons.schema import (
    SCENE_VIEWS,
    Lesson,
    bundled_lessons,
    lesson_from_json,
    lesson_to_json,
    parse_number,
    parse_size,
    shown_scene,
)
from playground.paths import resource_path
from playground.scene import Scene


@pytest.fixture(scope="module")
def lesson() -> Lesson:
    return bundled_lessons()["lecture"]


def _index(lesson: Lesson, start: str) -> int:
    found = [i for i, s in enumerate(lesson.scenes) if s.title.startswith(start)]
    assert len(found) == 1, (start, found)
    return found[0]


def _shown(lesson: Lesson, start: str) -> tuple[object, Scene]:
    """The lesson scene titled ``start...`` and the Playground scene in force there."""
    i = _index(lesson, start)
    scene = shown_scene(lesson, i)
    assert scene is not None, f"no Playground scene up to {start!r}"
    return lesson.scenes[i], scene


def _maps(scene: Scene) -> engine.FeatureMaps:
    lay = scene.layer
    return engine.feature_maps(scene.image, scene.kernels, scene.bias, stride=lay.stride,
                               padding=lay.padding_spec(), activation=lay.activation,
                               pool=lay.pool, pool_size=lay.pool_size,
                               pool_stride=lay.pool_stride, backend="reference")


def test_bundled_file_is_what_the_builder_makes(lesson):
    assert lesson == lecture_lesson.build()
    assert lesson_from_json(lesson_to_json(lesson)) == lesson
    assert 30 <= len(lesson.scenes) <= 40
    assert lesson.scenes[0].scene is not None  # the first scene sets the stage


def test_lecture_order(lesson):
    order = ["A hidden unit is a template", "75 weights", "1-D:", "2-D:", "Size exercise 1",
             "Size exercise 3", "The rule", "Same padding", "How much padding",
             "A hand-made filter", "K filters", "Strided convolution", "When the stride",
             "Max pooling", "Average pooling", "The pooled size", "Filters on a colour",
             "LeNet-5", "What a convolution layer costs", "Race", "Translation invariance"]
    positions = [_index(lesson, t) for t in order]
    assert positions == sorted(positions)


def test_every_scene_computes_and_every_answer_parses(lesson):
    for i, s in enumerate(lesson.scenes, 1):
        if s.scene is not None:
            maps = _maps(s.scene)
            assert np.isfinite(maps.activated).all(), i
        if s.question is not None and s.question.kind != "reveal":
            assert s.question.check(s.question.answer), i
        assert len(s.text) <= 4000 and s.text.strip(), i


def test_scene_views_agree(lesson):
    for i, s in enumerate(lesson.scenes, 1):
        if s.scene is not None and s.view in SCENE_VIEWS:
            assert s.scene.view == SCENE_VIEWS[s.view], i


def test_templates_and_invariance_on_the_network_tab(lesson):
    views = {(s.tab, s.view) for s in lesson.scenes}
    assert ("network", "templates") in views and ("network", "invariance") in views


def test_one_d_example(lesson):
    s, scene = _shown(lesson, "1-D:")
    out = _maps(scene).conv.ravel().tolist()
    assert out == [5, 8, 11, 14, 17] == lecture.CONV_1D.tolist()
    assert scene.image.ravel().tolist() == [1, 2, 3, 4, 5, 6] and scene.input_kind == "vector"
    assert s.view == "stepper_1d" and s.steps == len(out)
    assert s.question.check(str(out[-1]))


def test_symbolic_example(lesson):
    s, scene = _shown(lesson, "2-D:")
    c = _maps(scene).conv[0]
    assert c.tolist() == [[12, 16], [24, 28]]
    assert s.view == "symbolic" and s.steps == c.size and scene.input_kind == "matrix"
    assert "c12" in s.question.prompt and s.question.check(str(int(c[0, 1])))


@pytest.mark.parametrize("n, shape, f, answer", [
    (1, (4, 4), 2, (3, 3)), (2, (4, 4), 3, (2, 2)), (3, (4, 3), 2, (3, 2))])
def test_size_exercises(lesson, n, shape, f, answer):
    s, scene = _shown(lesson, f"Size exercise {n}")
    assert s.scene is scene and scene.image.shape == shape and scene.kernels.shape[2:] == (f, f)
    assert s.question.kind == "size" and parse_size(s.question.answer) == answer
    assert _maps(scene).conv.shape[1:] == answer
    assert tuple(n - f + 1 for n in shape) == answer  # the general rule


def test_general_rule(lesson):
    s, scene = _shown(lesson, "The rule")
    assert _maps(scene).conv.shape[1:] == parse_size(s.question.answer) == (24, 24)


def test_same_padding(lesson):
    s, scene = _shown(lesson, "Same padding")
    out = _maps(scene).conv
    assert out.shape[1:] == scene.image.shape == (3, 3) and s.steps == out[0].size
    assert np.array_equal(scene.image, lecture.MATRIX_A)
    s, scene = _shown(lesson, "How much padding")
    f = scene.kernels.shape[-1]
    assert parse_number(s.question.answer) == (f - 1) / 2 == shapes.same_padding(f)[0] == 2
    assert "p = (f − 1)/2" in s.title
    assert _maps(scene).conv.shape[1:] == scene.image.shape


def test_prong_and_six_maps(lesson):
    s, scene = _shown(lesson, "A hand-made filter")
    assert np.array_equal(scene.kernels[0, 0], lecture.PRONG) and len(scene.kernels) == 1
    assert scene.input_kind == "digit" and np.array_equal(scene.image, ls.digit_three())
    from playground.data.digits import load_bundled

    d = load_bundled()
    assert any(np.abs(img / 255.0 - scene.image).max() < 1 / 256
               for img in d.images[d.labels == 3])
    s, scene = _shown(lesson, "K filters")
    assert _maps(scene).activated.shape == (6, 28, 28) and s.question.check("6")
    s, scene = _shown(lesson, "Six filters, few weights")
    k, c, fh, fw = scene.kernels.shape
    assert shapes.conv_params(k, c, fh, fw, bias=False) == 150
    assert parse_number(s.question.answer) == shapes.dense_params(28 * 28, 6, bias=False) == 4704


def test_75_against_2352(lesson):
    s, scene = _shown(lesson, "75 weights")
    k, c, fh, fw = scene.kernels.shape
    assert (k, c, fh, fw) == (1, 3, 5, 5) and scene.image.shape == (3, 28, 28)
    assert shapes.conv_params(k, c, fh, fw, bias=False) == parse_number(s.question.answer) == 75
    assert shapes.dense_params(scene.image.size, 1, bias=False) == 2352
    ex = lecture.COST_EXAMPLES["unit_vs_filter"]
    assert (ex.c * ex.n * ex.n, ex.c * ex.f * ex.f) == (2352, 75)
    s, _ = _shown(lesson, "Dense layers on pictures")
    assert s.question.check("2352") and 2352 * 128 == 301_056 and "301,056" in s.text


def test_768000_operations(lesson):
    s, scene = _shown(lesson, "What a convolution layer costs")
    assert scene.image.shape == (3, 32, 32) and scene.kernels.shape == (10, 3, 5, 5)
    out = _maps(scene).conv
    assert out.shape == (10, 32, 32)
    assert shapes.conv_params(10, 3, 5, 5) == 750 + 10
    macs = shapes.conv_macs(10, 3, 5, 5, *out.shape[1:])
    assert macs == 75 * 1024 * 10 == parse_number(s.question.answer) == 768_000
    assert all(np.array_equal(f[0], f[ch]) for f in scene.kernels for ch in (1, 2))
    assert s.view == "cost"


def test_strided_sizes(lesson):
    s, scene = _shown(lesson, "Strided convolution")
    n, f = scene.image.shape[0], scene.kernels.shape[-1]
    p, st = scene.layer.padding[0], scene.layer.stride[0]
    lecture_form = (n + 2 * p - f + st) / st
    floor_form = (n + 2 * p - f) // st + 1
    assert (n + 2 * p - f) % st == 0 and lecture_form == floor_form == 3
    assert _maps(scene).conv.shape[1:] == parse_size(s.question.answer) == (3, 3)
    s, scene = _shown(lesson, "When the stride")
    n, f = scene.image.shape[0], scene.kernels.shape[-1]
    p, st = scene.layer.padding[0], scene.layer.stride[0]
    lecture_form = (n + 2 * p - f + st) / st
    floor_form = (n + 2 * p - f) // st + 1
    assert (n + 2 * p - f) % st != 0 and lecture_form == 14.5 and floor_form == 14
    assert math.floor(lecture_form) == floor_form == engine.output_size(n, f, p, st)
    assert _maps(scene).conv.shape[1:] == parse_size(s.question.answer) == (14, 14)
    assert "14.5" in s.text and "floor" in s.text


def test_pooling(lesson):
    s, scene = _shown(lesson, "Max pooling")
    assert scene.layer.pool == "max" and scene.layer.pool_stride == (1, 1)
    maps = _maps(scene)
    assert np.array_equal(maps.activated[0], lecture.MATRIX_A)
    assert maps.pooled[0].tolist() == [[5, 6], [8, 9]] == lecture.MAXPOOL_A.tolist()
    assert s.question.answer == "[[5, 6], [8, 9]]"
    s, scene = _shown(lesson, "Average pooling")
    assert scene.layer.pool == "avg"
    assert _maps(scene).pooled[0].tolist() == [[3, 4], [6, 7]] and s.question.check("3")


def test_pooled_size(lesson):
    s, scene = _shown(lesson, "The pooled size")
    maps = _maps(scene)
    h = maps.activated.shape[1]
    k, st = scene.layer.pool_size[0], scene.layer.pool_stride[0]
    right = (h - k) / st + 1
    assert maps.pooled.shape[1:] == (right, right) == parse_size(s.question.answer) == (14, 14)
    assert engine.pool_output_size(h, k, st) == right
    assert (h - k) / (st + 1) != right  # the notes' misprint
    assert "(H − K)/s + 1" in s.title and "misprint" in s.text and "(H − K)/(s + 1)" in s.text


def test_rgb_picture(lesson):
    path = resource_path(ls.PARROT)
    assert path.stat().st_size <= 30_000
    with Image.open(path) as im:
        assert im.mode == "RGB" and im.size == (64, 64)
        rgb = np.asarray(im, np.float64).transpose(2, 0, 1) / 255.0
    assert np.array_equal(rgb * 255, ls.draw_parrot().transpose(2, 0, 1))  # the PNG is reproducible
    s, scene = _shown(lesson, "Filters on a colour")
    assert scene.input_kind == "rgb" and scene.image.shape == (3, 64, 64)
    assert np.abs(scene.image - rgb).max() <= 1 / 512
    assert scene.kernels.shape[1:] == (3, 5, 5) and s.view == "channels"
    assert _maps(scene).activated.shape == (len(scene.kernels), 64, 64)


def test_lenet5_and_race(lesson):
    from playground.nn.model import build_model

    s, _ = _shown(lesson, "LeNet-5")
    model = build_model("lenet5")
    assert s.tab == "network" and f"{model.n_params():,}" in s.text  # 61,706
    assert "48,120" in s.text and 400 * 120 + 120 == 48_120
    shapes_seen = model._trace_shapes()
    assert shapes_seen[2] == (6, 14, 14) and shapes_seen[5] == (16, 5, 5)
    race = lesson.scenes[_index(lesson, "Race")]
    assert race.action is not None and race.action.kind == "race" and race.tab == "network"
    train = [sc.action for sc in lesson.scenes if sc.action and sc.action.kind == "train"]
    assert train and all(a.epochs <= 2 for a in train)
