"""The --self-test drives the real window offscreen and must pass (prints one line, returns 0)."""

from __future__ import annotations

import pytest

from playground.paths import resource_path


def _pretrained_present() -> bool:
    try:
        resource_path("lenet5.npz")
    except FileNotFoundError:
        return False
    return True


@pytest.mark.slow
@pytest.mark.skipif(not _pretrained_present(), reason="the bundled pre-trained LeNet-5 "
                    "(resources/lenet5.npz) is not built yet")
def test_self_test_passes(qtbot, capsys, monkeypatch):
    from playground.bench import self_test
    from playground.bench.self_test import run_self_test
    from playground.ui.common.worker import live_threads

    # timing is the benchmarks' business: a busy CI machine must not fail the behaviour test
    monkeypatch.setattr(self_test, "P99_LIMIT_MS", float("inf"))

    code = run_self_test()
    out = capsys.readouterr().out.strip().splitlines()
    assert code == 0, out
    assert len(out) == 1 and out[0].startswith("self-test OK")
    assert "predicts 1" in out[0] and "threads clean" in out[0]
    assert live_threads() == 0


def test_self_test_reports_a_failure_with_its_reason(qtbot, capsys, monkeypatch):
    """A broken check gives a non-zero code and one line saying why, never a traceback."""
    import playground.bench.ui_training as bench

    def broken():
        raise RuntimeError("no window today")

    monkeypatch.setattr(bench, "open_window_with_network_tab", broken)
    from playground.bench.self_test import run_self_test

    assert run_self_test() == 1
    assert capsys.readouterr().out.strip() == "self-test FAILED: RuntimeError: no window today"


@pytest.mark.slow
@pytest.mark.skipif(not _pretrained_present(), reason="needs the bundled pre-trained LeNet-5")
def test_self_test_fails_fast_when_the_training_worker_dies(qtbot, capsys, monkeypatch):
    """The worker's error ends the wait at once, even when the panel never reports the end (the
    old wait for ``training_finished`` sat out its 300 s timeout)."""
    import time

    from playground.bench.self_test import run_self_test
    from playground.nn import sessions
    from playground.ui.network import training_panel

    real_train = sessions.train
    started: list[float] = []

    def dying_train(*args, **kwargs):
        started.append(time.perf_counter())
        steps = real_train(*args, **kwargs)
        yield next(steps)
        raise RuntimeError("out of memory in the worker")

    monkeypatch.setattr(sessions, "train", dying_train)
    monkeypatch.setattr(training_panel.TrainingPanel, "_on_worker_finished", lambda self: None)
    code = run_self_test()
    seconds = time.perf_counter() - started[0]
    assert code == 1
    assert capsys.readouterr().out.strip().splitlines()[-1] == (
        "self-test FAILED: the training worker died: RuntimeError: out of memory in the worker")
    assert seconds < 15.0
