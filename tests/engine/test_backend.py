"""Every backend module conforms to the Backend protocol: functions, parameter names, defaults."""

from __future__ import annotations

import types

import pytest

from playground.engine import backend as contract
from playground.engine import cpu, dispatch
from playground.engine import reference as ref
from playground.engine.shapes import ConvGeometry


@pytest.mark.parametrize("module", [ref, cpu], ids=["reference", "cpu"])
def test_host_backends_conform(module):
    assert isinstance(module, contract.Backend)
    assert contract.conformance_problems(module) == []


def _copy_of(module: types.ModuleType) -> types.ModuleType:
    fake = types.ModuleType("fake_backend")
    fake.__dict__.update({k: v for k, v in vars(module).items() if not k.startswith("__")})
    return fake


def test_a_missing_function_is_named():
    fake = _copy_of(ref)
    del fake.relu_backward
    assert contract.conformance_problems(fake) == ["relu_backward: missing"]


def test_an_old_positional_signature_is_caught():
    """The pre-geometry ``conv2d(x, w, b, stride, pads)`` no longer conforms."""
    fake = _copy_of(ref)

    def conv2d(x, w, b, stride, pads):
        return ref.conv2d(x, w, b, ConvGeometry(stride, pads))

    fake.conv2d = conv2d
    problems = contract.conformance_problems(fake)
    assert len(problems) == 1 and problems[0].startswith("conv2d(x, w, b, stride, pads)")


def test_a_changed_default_is_caught():
    fake = _copy_of(cpu)

    def conv2d_backward(x, w, dy, geometry, need_dx=False):
        return cpu.conv2d_backward(x, w, dy, geometry, need_dx)

    fake.conv2d_backward = conv2d_backward
    assert contract.conformance_problems(fake)[0].startswith("conv2d_backward")


def test_optional_fused_preview_is_checked_when_present():
    fake = _copy_of(cpu)
    fake.feature_maps = lambda x4, w4, b1, stride, pads, relu, pool, size, pool_stride: None
    assert contract.conformance_problems(fake)[0].startswith("feature_maps")


def test_dispatch_refuses_a_non_conforming_backend(monkeypatch):
    fake = _copy_of(ref)
    fake.name = "reference"
    del fake.softmax
    monkeypatch.setattr(dispatch, "_checked", set())
    monkeypatch.setattr(dispatch.importlib, "import_module", lambda _name: fake)
    with pytest.raises(TypeError, match="softmax: missing"):
        dispatch.get_backend("reference")
