"""``conv-playground bench lesson``: how long each scene of a lesson takes to appear.

Drives the real main window offscreen in the presenter layout with the clicker's PageDown, from
the first scene to the last. A sample is the time from sending the key press until the event
loop is idle again: the scene applied to the state in one step, the layer computed, the views
updated and the window's dirty regions repainted. Scene changes and animation steps are reported
apart. A scene's training run or race is described but not started (it would time the trainer).
"""

from __future__ import annotations

import argparse
import json
import os
import time

from playground.bench.ui import _percentiles

TARGET_P95_MS = 100.0
"""A scene should appear within a tenth of a second (a click feels instant)."""


def _window_size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise ValueError(f"--window must look like 1280x720, got {text!r}") from None
    if not (320 <= w <= 8000 and 240 <= h <= 8000):
        raise ValueError(f"--window must be between 320x240 and 8000x8000, got {text}")
    return w, h


def measure(window, lesson, app) -> dict[str, list[float]]:
    """Walks ``lesson`` in ``window`` with PageDown; milliseconds per scene change and step."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    ctl = window.lessons
    ctl.driver.run_actions = False
    ctl.start_lesson(lesson)
    ctl.presenter.enter(full_screen=False)
    app.processEvents()
    driver = ctl.driver
    scenes: list[float] = []
    steps: list[float] = []
    answers: list[float] = []
    for _ in range(sum(s.steps + 2 for s in lesson.scenes)):
        before = (driver.index, driver.step)
        if driver.index == driver.count - 1 and driver.step == driver.current.steps \
                and not driver.player.answer_pending:
            break
        t0 = time.perf_counter()
        QTest.keyClick(window, Qt.Key.Key_PageDown)
        app.processEvents()  # the apply, the compute, the views and their paint
        ms = (time.perf_counter() - t0) * 1000.0
        if driver.index != before[0]:
            scenes.append(ms)
        elif driver.step != before[1]:
            steps.append(ms)
        else:
            answers.append(ms)
    ctl.presenter.leave()
    return {"scene_ms": scenes, "step_ms": steps, "reveal_ms": answers}


def run(args: argparse.Namespace) -> int:
    """Prints p50/p95/max of the scene changes and animation steps of ``--lesson``."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    size = _window_size(getattr(args, "window", "1280x720"))
    from playground.ui.lesson.controller import load_lesson_or_bundled

    lesson = load_lesson_or_bundled(getattr(args, "lesson", "lecture"))
    from playground.app import make_application, open_window

    app = make_application()
    window = open_window(restore=False, backend=getattr(args, "backend", None))
    try:
        window.resize(*size)
        window.show()
        window.backend_session.start()
        window.backend_session.wait()
        app.processEvents()
        samples = measure(window, lesson, app)
    finally:
        window.save_on_close = False
        window.close()
    from playground import engine

    result = {"lesson": lesson.name, "scenes": len(lesson.scenes), "window": list(size),
              "backend": engine.backend_name(), "target_p95_ms": TARGET_P95_MS}
    result.update({k: _percentiles(v) for k, v in samples.items() if v})
    if getattr(args, "json", False):
        print(json.dumps(result, indent=2))
        return 0
    print(f"bench lesson: {lesson.name} ({len(lesson.scenes)} scenes), window "
          f"{size[0]}x{size[1]} presenter layout, backend {result['backend']}, "
          "PageDown -> applied -> repainted window")
    for key, label in (("scene_ms", "scene changes"), ("step_ms", "animation steps"),
                       ("reveal_ms", "answer reveals")):
        r = result.get(key)
        if r:
            print(f"  {label:16s} n={r['n']:4d}  p50 {r['p50']:7.2f} ms  p95 {r['p95']:7.2f} ms"
                  f"  max {r['max']:7.2f} ms")
    ok = "scene_ms" in result and result["scene_ms"]["p95"] <= TARGET_P95_MS
    print(f"  target scene p95 <= {TARGET_P95_MS:.0f} ms: {'met' if ok else 'NOT met'}")
    return 0
