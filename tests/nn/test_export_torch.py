"""The exported PyTorch script: it loads in PyTorch alone and predicts what we do, to 1e-5."""

from __future__ import annotations

import importlib.util
import subprocess
import sys

import numpy as np
import pytest

from playground.nn.export import export_model
from tests.nn.export_cases import CASES, inputs_for, make_case, ours

torch = pytest.importorskip("torch")


def _load_script(path):
    spec = importlib.util.spec_from_file_location(f"exported_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("case", CASES)
def test_predictions_match_ours_on_100_inputs(case, tmp_path, digits):
    model = make_case(case)
    path = export_model(model, tmp_path / f"{case.replace('-', '_')}.py", "pytorch")
    script = _load_script(path)
    net = script.load_model()
    assert not net.training
    assert sum(p.numel() for p in net.parameters()) == model.n_params()
    images = inputs_for(model, digits)
    logits, probs = ours(model, images)
    with torch.no_grad():
        got_logits = net(script.preprocess(images)).numpy()
    got_probs = script.predict_proba(net, images).numpy()
    assert got_logits.shape == logits.shape == (100, model.n_classes)
    np.testing.assert_allclose(got_logits, logits, rtol=0, atol=1e-5)
    np.testing.assert_allclose(got_probs, probs, rtol=0, atol=1e-5)
    np.testing.assert_allclose(got_probs, model.predict_proba(images) if case != "colour"
                               else probs, rtol=0, atol=1e-5)


def test_preprocess_takes_the_shapes_the_app_takes(tmp_path, digits):
    script = _load_script(export_model(make_case("lenet5"), tmp_path / "m.py"))
    one = digits.images[0]
    x = script.preprocess(one)
    assert tuple(x.shape) == (1, 1, 28, 28) and x.dtype == torch.float32
    assert float(x.max()) == pytest.approx(1.0)
    assert tuple(script.preprocess(digits.images[:3]).shape) == (3, 1, 28, 28)
    assert tuple(script.preprocess(one[None, None] / 255.0).shape) == (1, 1, 28, 28)
    with pytest.raises(ValueError, match=r"\(N, 1, 28, 28\)"):
        script.preprocess(np.zeros((2, 27, 28), np.uint8))


def test_running_the_script_prints_a_summary_without_playground(tmp_path):
    path = export_model(make_case("three-conv"), tmp_path / "net.py")
    code = ("import runpy, sys; runpy.run_path(sys.argv[1], run_name='__main__'); "
            "assert not [m for m in sys.modules if m.startswith('playground')]")
    out = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True,
                         text=True, cwd=tmp_path, timeout=120, check=True).stdout
    lines = out.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("designed: 11 modules, 13,898 parameters, input 1x28x28 -> 10 "
                               "classes")
