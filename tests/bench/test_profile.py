"""``bench train --profile``: the per-layer, per-direction table of a training step."""

from __future__ import annotations

from playground.bench.profile import format_profile, profile


def test_profile_times_every_layer_both_ways_and_the_fused_blocks():
    result = profile("cpu", repeat=2, batch=4, with_torch=False, passes=1)
    ours = result["ours"]
    for name in ("conv1", "relu1", "pool1", "conv2", "pool2", "flatten", "fc1", "fc3"):
        assert f"{name} fwd" in ours and f"{name} bwd" in ours
    assert "conv1+relu1+pool1 bwd" in ours and "conv2+relu2+pool2 fwd" in ours
    assert ours["whole step"] > 0 and all(v >= 0 for v in ours.values())
    assert result["torch"] is None


def test_the_table_puts_pytorch_beside_ours_and_keeps_fused_rows_out_of_the_sum():
    ours = {"conv1 fwd": 100.0, "conv1 bwd": 300.0, "conv1+relu1+pool1 fwd": 90.0,
            "whole step": 500.0}
    ref = {"conv1 fwd": 200.0, "conv1 bwd": 300.0, "whole step": 1000.0}
    text = format_profile({"ours": ours, "torch": ref, "batch": 64}, "1 thread")
    lines = text.splitlines()
    assert "PyTorch CPU" in lines[1]
    assert next(ln for ln in lines if ln.startswith("conv1 fwd")).split()[-1] == "0.50"
    total = next(ln for ln in lines if ln.startswith("sum of rows")).split()
    assert total[3:] == ["400", "500", "0.80"]  # 100 + 300 ours; the fused row is not added
    assert next(ln for ln in lines if ln.startswith("whole step")).split()[-1] == "0.50"
    alone = format_profile({"ours": ours, "torch": None, "batch": 64}, "1 thread")
    assert "PyTorch" not in alone
