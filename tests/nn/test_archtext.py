"""Architecture text: parse and format round trip, errors with line numbers."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from playground.nn.arch import TEMPLATES, Arch, LayerSpec, act, conv, dense, dropout, flatten, pool
from playground.nn.archtext import ArchTextError, format_arch, parse_arch

LENET = """
# LeNet-5, as in the lecture
conv 6 5x5 pad 2
relu
maxpool 2
conv 16 5x5   # depth 6
relu
maxpool 2
flatten
dense 120
relu
dense 84
relu
dense 10
"""


def test_typed_text_reads_as_the_template():
    assert parse_arch(LENET) == TEMPLATES["lenet5"]


@pytest.mark.parametrize("name", list(TEMPLATES))
def test_templates_round_trip(name):
    text = format_arch(TEMPLATES[name], title=name)
    assert text.startswith(f"# {name}\n")
    assert parse_arch(text) == TEMPLATES[name]


def test_spellings_people_paste():
    text = ("Input 3x32x32\nclasses 5\nCONV 8 3 same stride=2, dilation 2\npool 3 stride 2\n"
            "avgpool 2x2\nconv 4 3x3 pad=1\nTanh\nflatten\nfc 20\nsigmoid\ndropout\nlinear 5")
    arch = parse_arch(text)
    assert arch.input_shape == (3, 32, 32) and arch.n_classes == 5
    assert arch.layers == (conv(8, 3, "same", 2, 2), pool(3, 2), pool(2, kind="avgpool"),
                           conv(4, 3, 1), act("tanh"), flatten(), dense(20), act("sigmoid"),
                           dropout(0.5), dense(5))
    assert parse_arch(format_arch(arch)) == arch
    assert "input 3x32x32\nclasses 5\n" in format_arch(arch)


@pytest.mark.parametrize(("text", "line", "words"), [
    ("conv 6 5x5\nrelu\nfoo 3", 3, "unknown layer 'foo'"),
    ("conv 6", 1, "filters and a kernel size"),
    ("\n\nconv 6 5x3", 3, "square"),
    ("conv six 5", 1, "filters must be a whole number"),
    ("conv 6 5 stride", 1, "stride needs a value"),
    ("conv 6 5 stride 2 stride 3", 1, "given twice"),
    ("conv 6 5 units 3", 1, "unexpected 'units'"),
    ("relu 3", 1, "takes no values"),
    ("flatten\ndense", 2, "one number of units"),
    ("dropout half", 1, "must be a number"),
    ("dropout nan", 1, "must be a number"),
    ("maxpool", 1, "window size"),
    ("input 28x28", 1, "CxHxW"),
    ("classes", 1, "one number"),
])
def test_unreadable_lines_are_named(text, line, words):
    with pytest.raises(ArchTextError) as info:
        parse_arch(text)
    assert info.value.line == line
    assert str(info.value).startswith(f"line {line}: ") and words in str(info.value)


def test_too_many_layers_and_too_much_text():
    with pytest.raises(ArchTextError, match="more than 200 layers"):
        parse_arch("relu\n" * 201)
    with pytest.raises(ArchTextError, match="longer than"):
        parse_arch("#" * 100_001)


_row = st.one_of(
    st.builds(conv, st.integers(1, 512), st.integers(1, 31),
              st.one_of(st.sampled_from(["same", "valid"]), st.integers(0, 32)),
              st.one_of(st.none(), st.integers(1, 16)), st.integers(1, 16)),
    st.builds(pool, st.integers(1, 31), st.one_of(st.none(), st.integers(1, 16)),
              st.sampled_from(["maxpool", "avgpool"])),
    st.builds(dense, st.integers(1, 65536)),
    st.builds(dropout, st.floats(0, 0.99)),
    st.sampled_from([act("relu"), act("tanh"), act("sigmoid"), act("none"), flatten()]),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(_row, max_size=12), st.integers(2, 1000))
def test_round_trip_of_any_rows(layers, n_classes):
    arch = Arch(tuple(layers), (3, 40, 30), n_classes)
    assert parse_arch(format_arch(arch)) == arch


def test_unknown_kinds_are_not_written_silently():
    with pytest.raises(ArchTextError, match="unknown layer"):
        parse_arch(format_arch(Arch((LayerSpec("conv3d"),))))


_words = st.sampled_from(["conv", "maxpool", "avgpool", "pool", "dense", "fc", "dropout", "relu",
                          "tanh", "flatten", "input", "classes", "same", "valid", "stride",
                          "pad", "dilation=", "5x5", "3", "-1", "0.5", "1e9", "nan", "x", "#", ",",
                          "2x2x2", "99999999999", "é"])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(_words, max_size=6).map(" ".join), max_size=8).map("\n".join))
def test_any_text_reads_or_names_its_line(text):
    from playground.nn.arch import analyse

    try:
        arch = parse_arch(text)
    except ArchTextError as exc:
        assert 1 <= exc.line <= max(1, text.count("\n") + 1)
        return
    analyse(arch)  # never raises either: every problem is a row's reason
    assert parse_arch(format_arch(arch)) == arch
