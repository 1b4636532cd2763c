"""Architectures as data: the templates' arithmetic, row-level reasons, building a model."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from playground.nn.arch import (
    KINDS,
    TEMPLATES,
    Arch,
    LayerSpec,
    act,
    analyse,
    arch_from_specs,
    arch_of,
    build_from_arch,
    conv,
    dense,
    dropout,
    flatten,
    layers_from_arch,
    pool,
)
from playground.nn.model import ARCHITECTURES, build_model

COUNTS = {"fcnn": (101_770, 101_632), "lenet5-small": (11_926, 129_360),
          "lenet5": (61_706, 416_520)}


@pytest.mark.parametrize("name", list(TEMPLATES))
def test_templates_reproduce_the_built_in_models(name):
    result = analyse(TEMPLATES[name])
    built = build_model(name)
    assert result.ok, result.reason
    assert (result.params, result.macs) == COUNTS[name] == (built.n_params(), built.macs())
    assert [r.out_shape for r in result.rows] == [r["output_shape"] for r in built.summary()]
    assert [r.params for r in result.rows] == [r["params"] for r in built.summary()]
    assert [r.macs for r in result.rows] == [r["macs"] for r in built.summary()]
    # the same layers, spelled the same way, so a designed LeNet-5 is LeNet-5
    designed = [layer.spec() for layer in layers_from_arch(TEMPLATES[name])]
    assert designed == [layer.spec() for layer in ARCHITECTURES[name]()]
    assert arch_of(built) == TEMPLATES[name]


def test_lenet5_rows_in_the_lectures_numbers():
    rows = analyse(TEMPLATES["lenet5"]).rows
    assert rows[0].out_shape == (6, 28, 28) and rows[0].params == 156
    assert rows[0].macs == 6 * 28 * 28 * 25
    assert rows[3].in_shape == (6, 14, 14) and rows[3].out_shape == (16, 10, 10)
    assert rows[3].params == 16 * 6 * 25 + 16 and rows[3].macs == 240_000
    assert rows[6].out_shape == (400,)


BAD = [
    ((conv(6, 29), flatten(), dense(10)), 0, "larger than"),
    ((conv(6, 5), dense(10)), 1, "add flatten"),
    ((flatten(), conv(6, 5), flatten(), dense(10)), 1, "flat features"),
    ((flatten(), pool(2), dense(10)), 1, "flat features"),
    ((conv(6, 5), pool(30), flatten(), dense(10)), 1, "larger than the feature map"),
    ((conv(0, 5), flatten(), dense(10)), 0, "filters must be between"),
    ((conv(6, 5, stride=0), flatten(), dense(10)), 0, "stride must be between"),
    ((conv(6, 5, padding="half"), flatten(), dense(10)), 0, "padding must be"),
    ((conv(6, 5, dilation=7), flatten(), dense(10)), 0, "dilated to 29x29"),
    ((flatten(), dropout(1.0), dense(10)), 1, "dropout p"),
    ((flatten(), dense(-3)), 1, "units must be"),
    ((LayerSpec("conv3d"), flatten(), dense(10)), 0, "unknown layer"),
    ((conv(64, 31, "same"), conv(512, 31, "same", 4), flatten(), dense(10)), 1, "parameters"),
    ((conv(512, 3, "same"), flatten(), dense(10)), 0, "numbers per image"),
]


@pytest.mark.parametrize(("layers", "row", "words"), BAD)
def test_impossible_rows_are_refused_with_their_reason(layers, row, words):
    result = analyse(Arch(layers))
    assert not result.ok
    assert result.first_bad == row
    assert words in result.rows[row].reason
    assert result.reason.startswith(f"row {row + 1} ")
    assert all(r.out_shape is None for r in result.rows[row:])
    assert all(r.blocked or r.reason for r in result.rows[row + 1:])
    with pytest.raises(ValueError, match="cannot be built"):
        layers_from_arch(Arch(layers))


@pytest.mark.parametrize(("arch", "words"), [
    (Arch(()), "at least one layer"),
    (Arch((flatten(), dense(12))), "end in 10 scores"),
    (Arch((conv(6, 5),)), "ends in 6x24x24"),
    (Arch((flatten(), dense(10)), (0, 28, 28)), "input channels"),
    (Arch((flatten(), dense(10)), n_classes=1), "classes"),
])
def test_whole_network_problems(arch, words):
    result = analyse(arch)
    assert not result.ok and words in result.problem and words in result.reason


def test_dilation_and_stride_follow_the_geometry():
    rows = analyse(Arch((conv(4, 3, "same", dilation=2), conv(4, 3, stride=2, dilation=3),
                         flatten(), dense(10)))).rows
    assert rows[0].out_shape == (4, 28, 28)
    assert rows[1].out_shape == (4, (28 - 3 * 2 - 1) // 2 + 1, 11)


def test_old_layer_specs_read_back_as_architecture():
    specs = [{"kind": "conv", "in_channels": 1, "out_channels": 4, "kernel_size": [3, 3],
              "stride": [2, 2], "padding": "same"}, {"kind": "avgpool", "size": [2, 2],
                                                     "stride": [1, 1]},
             {"kind": "tanh"}, {"kind": "flatten"}, {"kind": "dropout", "p": 0.25},
             {"kind": "linear", "in_features": 676, "out_features": 10}]
    arch = arch_from_specs(specs)
    assert arch.layers == (conv(4, 3, "same", 2), pool(2, 1, "avgpool"), act("tanh"), flatten(),
                           dropout(0.25), dense(10))
    assert analyse(arch).ok


def test_built_model_runs_and_remembers_its_architecture():
    arch = Arch((conv(4, 3, "same"), act("tanh"), pool(2, kind="avgpool"), conv(8, 3),
                 act("sigmoid"), act("none"), flatten(), dropout(0.3), dense(10)))
    model = build_from_arch(arch, seed=1, backend="reference")
    assert model.arch == arch and model.n_params() == analyse(arch).params
    assert "none" not in [layer.kind for layer in model.layers]
    probs = model.predict_proba(np.zeros((3, 28, 28), np.uint8))
    assert probs.shape == (3, 10) and np.allclose(probs.sum(axis=1), 1)


_numbers = st.one_of(st.integers(-3, 40), st.sampled_from([0, 1, 2, 5, 600, 10**9]),
                     st.text(max_size=3), st.none(), st.floats(allow_nan=True))
_rows = st.builds(LayerSpec, kind=st.sampled_from([*KINDS, "conv3d", ""]), filters=_numbers,
                  size=_numbers, stride=st.one_of(st.none(), _numbers),
                  padding=st.one_of(st.sampled_from(["same", "valid", "x"]), _numbers),
                  dilation=_numbers, units=_numbers, p=_numbers)


@settings(max_examples=300, deadline=None)
@given(st.lists(_rows, max_size=8), st.sampled_from([(1, 28, 28), (3, 5, 7), (1, 1, 1)]))
def test_analyse_never_raises_only_reasons(layers, shape):
    result = analyse(Arch(tuple(layers), shape))
    assert len(result.rows) == len(layers)
    for row in result.rows:
        assert row.ok or row.reason or row.blocked
        if row.ok:
            assert all(isinstance(d, int) and d >= 1 for d in row.out_shape)
    if result.ok:
        assert result.out_shape == (10,)
        assert build_from_arch(Arch(tuple(layers), shape), backend="reference").n_params() \
            == result.params


def test_dilation_builds_once_the_engine_has_it_and_is_refused_clearly_before():
    import inspect

    from playground.nn.layers import Conv2d

    arch = Arch((conv(4, 3, dilation=2), act(), flatten(), dense(10)))
    assert analyse(arch).rows[0].out_shape == (4, 24, 24)
    if "dilation" in inspect.signature(Conv2d).parameters:
        model = build_from_arch(arch, backend="reference")
        assert model.layers[0].out_shape((1, 28, 28)) == (4, 24, 24)
    else:
        with pytest.raises(ValueError, match="dilation > 1 needs the engine"):
            build_from_arch(arch, backend="reference")
