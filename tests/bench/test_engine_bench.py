"""The engine benchmark's table names each side's device and compares like with like."""

from __future__ import annotations

from playground.bench import engine as bench


def _results(backend: str, torch_device: str | None) -> dict:
    side = {"preview_us": 20.0, "lenet_us": 7000.0, "ours_device": backend}
    if torch_device is not None:
        side |= {"torch_preview_off_us": 30.0, "torch_preview_on_us": 60.0,
                 "torch_lenet_us": 14000.0, "torch_device": torch_device}
    comp = {"cold": {"total_s": 10.0, "import_s": 0.3}, "warm": {"total_s": 0.6, "import_s": 0.3}}
    return {"backend": backend, "steady": {1: side, 2: side}, "compile": {1: comp, 2: comp},
            "repeat_preview": 3000, "repeat_lenet": 30}


def test_a_gpu_run_against_torch_on_the_cpu_says_so(capsys):
    bench._print_table(_results("cuda", "cpu"))
    out = capsys.readouterr().out
    assert "ours (cuda: CUDA GPU)" in out and "PyTorch CPU" in out
    assert "1 CPU thread" in out and "2 CPU threads" in out
    assert "playground.nn model" in out and "nn.Sequential" in out
    assert "0.50x" in out  # 7 ms against 14 ms


def test_torch_on_cuda_and_torch_absent_are_named():
    assert bench._sides(_results("cuda", "cuda")) == ("ours (cuda: CUDA GPU)", "PyTorch CUDA")
    assert bench._sides(_results("cpu", None)) == ("ours (cpu: CPU)", "PyTorch (not installed)")
