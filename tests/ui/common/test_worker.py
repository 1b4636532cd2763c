"""GeneratorWorker: signal order, copies, pause/resume/stop, errors, restart, teardown."""

from __future__ import annotations

import numpy as np
import pytest
import shiboken6
from PySide6.QtCore import QCoreApplication, QObject

from playground.ui.common.worker import GeneratorWorker, describe, live_threads, stop_all


def _record(worker: GeneratorWorker) -> list[tuple]:
    events: list[tuple] = []
    worker.started.connect(lambda: events.append(("started",)))
    worker.yielded.connect(lambda v: events.append(("yielded", v)))
    worker.returned.connect(lambda v: events.append(("returned", v)))
    worker.errored.connect(lambda m: events.append(("errored", m)))
    worker.aborted.connect(lambda: events.append(("aborted",)))
    worker.finished.connect(lambda: events.append(("finished",)))
    return events


def _endless(flags: dict):
    i = 0
    try:
        while True:
            yield i
            i += 1
    finally:
        flags["closed"] = True


def test_signals_arrive_in_order(qtbot):
    worker = GeneratorWorker()
    events = _record(worker)

    def gen():
        yield 1
        yield 2
        return "done"

    with qtbot.waitSignal(worker.finished, timeout=5000):
        worker.start(gen)
    assert events == [("started",), ("yielded", 1), ("yielded", 2), ("returned", "done"),
                      ("finished",)]
    assert not worker.is_running()


def test_yielded_arrays_are_copies(qtbot):
    worker = GeneratorWorker()
    got = []
    worker.yielded.connect(got.append)

    def gen():
        a = np.zeros(4)
        yield a
        a[:] = 7  # the generator keeps writing to its array after the yield

    with qtbot.waitSignal(worker.finished, timeout=5000):
        worker.start(gen)
    np.testing.assert_array_equal(got[0], np.zeros(4))


def test_pause_resume_stop(qtbot):
    worker = GeneratorWorker()
    flags: dict = {}
    with qtbot.waitSignal(worker.yielded, timeout=5000):
        worker.start(lambda: _endless(flags))
    worker.pause()
    assert worker.is_paused()
    qtbot.waitUntil(worker.is_parked, timeout=5000)
    QCoreApplication.processEvents()  # deliver a yield that was already on its way
    with qtbot.assertNotEmitted(worker.yielded, wait=150):
        pass
    worker.resume()
    assert not worker.is_paused()
    with qtbot.waitSignal(worker.yielded, timeout=5000):
        pass
    with qtbot.waitSignals([worker.aborted, worker.finished], timeout=2000, order="strict"):
        worker.stop()
    assert flags["closed"]  # stop closed the generator
    assert not worker.is_running()


def test_stop_while_paused(qtbot):
    worker = GeneratorWorker()
    flags: dict = {}
    with qtbot.waitSignal(worker.yielded, timeout=5000):
        worker.start(lambda: _endless(flags))
    worker.pause()
    with qtbot.waitSignal(worker.finished, timeout=2000):
        worker.stop()
    assert flags["closed"]


def test_error_is_reported_with_its_traceback_logged(qtbot, caplog):
    worker = GeneratorWorker(name="training-test")
    events = _record(worker)

    def gen():
        yield 1
        raise ValueError("boom")

    with qtbot.waitSignal(worker.finished, timeout=5000):
        worker.start(gen)
    (exc,) = [e[1] for e in events if e[0] == "errored"]
    assert isinstance(exc, ValueError) and describe(exc) == "ValueError: boom"
    assert events[-1] == ("finished",)
    assert "training-test failed: ValueError: boom" in caplog.text
    assert "Traceback" in caplog.text and "in gen" in caplog.text


def test_starting_again_stops_the_old_run(qtbot):
    worker = GeneratorWorker()
    flags: dict = {}
    with qtbot.waitSignal(worker.yielded, timeout=5000):
        worker.start(lambda: _endless(flags))

    def short():
        yield "b"
        return "b done"

    with qtbot.waitSignal(worker.returned, timeout=5000) as blocker:
        worker.start(short)
    assert flags["closed"]
    assert blocker.args == ["b done"]
    qtbot.waitUntil(lambda: not worker.is_running(), timeout=2000)


def test_quit_waits_for_the_thread(qtbot):
    worker = GeneratorWorker()
    with qtbot.waitSignal(worker.yielded, timeout=5000):
        worker.start(lambda: _endless({}))
    assert worker.quit(2000)  # True: the thread ended, and quit leaves the worker idle
    qtbot.waitUntil(lambda: live_threads() == 0, timeout=2000)


@pytest.mark.parametrize("via_parent", [True, False])
def test_deleting_the_worker_stops_its_thread(qtbot, via_parent):
    parent = QObject()
    worker = GeneratorWorker(parent if via_parent else None)
    flags: dict = {}
    with qtbot.waitSignal(worker.yielded, timeout=5000):
        worker.start(lambda: _endless(flags))
    shiboken6.delete(parent if via_parent else worker)
    qtbot.waitUntil(lambda: flags.get("closed", False), timeout=2000)
    qtbot.waitUntil(lambda: live_threads() == 0, timeout=2000)


def test_stop_all_waits_for_a_step_that_outlasts_the_worker(qtbot):
    import threading

    inside, release = threading.Event(), threading.Event()

    def slow_step():  # like a first-start kernel compile: one long step that cannot be interrupted
        inside.set()
        release.wait(10)
        return "compiled"
        yield

    worker = GeneratorWorker(name="slow")
    with qtbot.waitSignal(worker.started, timeout=5000):
        worker.start(slow_step)
    assert inside.wait(5)
    shiboken6.delete(worker)  # its window is gone; the thread is still inside the long step
    assert live_threads() == 1
    threading.Timer(0.3, release.set).start()  # the step ends while stop_all waits for it
    assert stop_all(timeout_ms=5000)
    assert live_threads() == 0
