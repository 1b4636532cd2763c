"""Architectures, counts, the summary table, prediction, traces and weight editing."""

from __future__ import annotations

import numpy as np
import pytest

from playground.nn import ARCHITECTURES, Conv2d, build_model
from playground.nn.model import as_batch


def test_lenet5_counts_match_the_lecture():
    model = build_model("lenet5", backend="reference")
    assert model.n_params() == 61_706
    assert model.macs() == 416_520
    rows = {r["name"]: r for r in model.summary()}
    assert rows["conv1"]["output_shape"] == (6, 28, 28)
    assert rows["conv1"]["macs"] == 6 * 28 * 28 * 25
    assert rows["pool1"]["output_shape"] == (6, 14, 14)
    assert rows["conv2"]["output_shape"] == (16, 10, 10)
    assert rows["conv2"]["params"] == 2_416
    assert rows["pool2"]["output_shape"] == (16, 5, 5)
    assert rows["flatten"]["output_shape"] == (400,)
    assert [rows[f"fc{i}"]["macs"] for i in (1, 2, 3)] == [48_000, 10_080, 840]
    assert all(rows[n]["params"] == 0 and rows[n]["macs"] == 0
               for n in ("relu1", "pool1", "relu2", "pool2", "flatten"))


@pytest.mark.parametrize(("name", "params", "macs"), [
    ("fcnn", 101_770, 784 * 128 + 128 * 10),
    ("lenet5-small", 6 * 25 + 6 + 1176 * 10 + 10, 6 * 28 * 28 * 25 + 11_760),
])
def test_other_counts(name, params, macs):
    model = build_model(name, backend="reference")
    assert model.n_params() == params
    assert model.macs() == macs


def test_lenet5_small_is_the_lecture_network():
    model = build_model("lenet5-small", backend="reference")
    assert [layer.kind for layer in model.layers] == ["conv", "relu", "maxpool", "flatten",
                                                      "linear"]
    assert model.layers[0].pads == (2, 2, 2, 2)
    assert model.summary()[3]["output_shape"] == (1176,)


def test_repr_is_a_table_with_totals():
    text = repr(build_model("lenet5", backend="reference"))
    lines = text.splitlines()
    assert "lenet5" in lines[0]
    for needed in ("conv1", "6@5x5", "pool2", "16x5x5", "fc3", "84 -> 10"):
        assert needed in text
    assert lines[-1].split()[0] == "total"
    assert "61,706" in lines[-1] and "416,520" in lines[-1]
    assert repr(build_model("fcnn", backend="reference")).count("\n") > 5


def test_unknown_model_name():
    with pytest.raises(ValueError, match="unknown model"):
        build_model("resnet", backend="reference")


def test_init_is_seeded_he_and_glorot():
    a = build_model("lenet5", seed=1, backend="reference").state_dict()
    b = build_model("lenet5", seed=1, backend="reference").state_dict()
    c = build_model("lenet5", seed=2, backend="reference").state_dict()
    assert all(np.array_equal(a[k], b[k]) for k in a)
    assert not np.array_equal(a["conv1.weight"], c["conv1.weight"])
    assert np.all(a["fc1.bias"] == 0)
    # He: std sqrt(2/400) for fc1; Glorot: |w| <= sqrt(6/(84+10)) for fc3.
    assert abs(a["fc1.weight"].std() - np.sqrt(2 / 400)) < 0.01
    assert np.abs(a["fc3.weight"]).max() <= np.sqrt(6 / 94)


def test_as_batch_accepts_uint8_and_float():
    img = np.zeros((28, 28), np.uint8)
    img[10:18, 12:16] = 255
    a = as_batch(img)
    assert a.shape == (1, 1, 28, 28) and a.dtype == np.float32 and a.max() == 1.0
    np.testing.assert_array_equal(as_batch(img.astype(np.float32) / 255), a)
    assert as_batch(np.stack([img, img])).shape == (2, 1, 28, 28)
    with pytest.raises(ValueError, match="28, 28"):
        as_batch(np.zeros((3, 27, 28)))
    with pytest.raises(ValueError, match="NaN"):
        as_batch(np.full((28, 28), np.nan))


def test_predict_shapes_and_probabilities(backend, small_digits):
    model = build_model("lenet5", backend=backend)
    x = small_digits.images[:7]
    probs = model.predict_proba(x, batch_size=3)
    assert probs.shape == (7, 10) and probs.dtype == np.float32
    np.testing.assert_allclose(probs.sum(axis=1), 1, rtol=1e-5)
    labels = model.predict(x)
    assert labels.shape == (7,)
    np.testing.assert_array_equal(labels, probs.argmax(axis=1))
    one = model.predict_proba(x[0])
    assert one.shape == (10,)
    np.testing.assert_allclose(one, probs[0], rtol=1e-5, atol=1e-6)
    assert isinstance(model.predict(x[0]), int)
    np.testing.assert_allclose(model.predict_proba(x.astype(np.float32) / 255), probs, atol=1e-6)


def test_cpu_and_reference_agree(backend, small_digits):
    if backend == "reference":
        pytest.skip("the cpu backend is not available")
    ref = build_model("lenet5", seed=3, backend="reference")
    fast = build_model("lenet5", seed=3, backend=backend)
    x = as_batch(small_digits.images[:2])
    np.testing.assert_allclose(fast.forward(x), ref.forward(x), rtol=1e-4, atol=1e-5)


def test_forward_trace(backend, small_digits):
    model = build_model("lenet5", backend=backend)
    trace = model.forward_trace(small_digits.images[0])
    assert list(trace)[:4] == ["input", "conv1", "relu1", "pool1"]
    assert trace["conv1"].shape == (6, 28, 28)
    assert trace["pool1"].shape == (6, 14, 14)
    assert trace["conv2"].shape == (16, 10, 10)
    assert trace["pool2"].shape == (16, 5, 5)
    assert trace["fc3"].shape == (10,)
    np.testing.assert_allclose(trace["probs"], model.predict_proba(small_digits.images[0]),
                               rtol=1e-5, atol=1e-6)
    trace["conv1"][:] = 0  # a copy: the model is unaffected
    assert model.forward_trace(small_digits.images[0])["conv1"].any()
    with pytest.raises(ValueError, match="one image"):
        model.forward_trace(small_digits.images[:2])


def test_edit_a_filter_and_revert(backend, small_digits):
    model = build_model("lenet5", backend=backend)
    assert [c.name for c in model.conv_layers] == ["conv1", "conv2"]
    assert all(isinstance(c, Conv2d) for c in model.conv_layers)
    img = small_digits.images[0]
    before = model.forward_trace(img)["conv1"]
    saved = model.get_weights("conv1")
    edited = saved["weight"].copy()
    edited[0, 0] = 0
    edited[0, 0, 2, 2] = 1
    model.set_weights("conv1", weight=edited)
    after = model.forward_trace(img)["conv1"]
    np.testing.assert_allclose(after[0], img / 255 + saved["bias"][0], atol=1e-6)
    np.testing.assert_allclose(after[1:], before[1:], atol=1e-6)
    model.set_weights("conv1", **saved)
    np.testing.assert_allclose(model.forward_trace(img)["conv1"], before, atol=1e-6)
    saved["weight"][:] = 0  # get_weights gave a copy
    assert model.get_weights(0)["weight"].any()
    with pytest.raises(KeyError, match="conv9"):
        model.get_weights("conv9")


def test_move_between_backends_keeps_weights(backend):
    model = build_model("fcnn", backend="reference")
    before = model.state_dict()
    model.to(backend)
    assert model.backend_name == backend
    after = model.to("reference").state_dict()
    assert all(np.array_equal(before[k], after[k]) for k in before)


def test_architectures_listed():
    assert set(ARCHITECTURES) == {"fcnn", "lenet5-small", "lenet5"}
