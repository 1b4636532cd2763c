"""``conv-playground bench ui``: latency from an input event to the repainted window, offscreen.

Drives the real main window: mouse strokes on the canvas and kernel-cell edits. Each sample is the
time from sending the event until the event loop is idle again: the coalescing timer has fired,
the layer is computed, the views have updated and the window's dirty regions are repainted.
Also measures the
warm start: a fresh process, from launch to the window shown (kernel cache already on disk).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import time

TARGET_P95_MS = 16.0
DEFAULT_UPDATES = 240


def _percentiles(samples: list[float]) -> dict[str, float]:
    s = sorted(samples)
    return {"n": len(s), "p50": s[len(s) // 2], "p95": s[min(len(s) - 1, int(0.95 * len(s)))],
            "max": s[-1]}


def warm_start_seconds(runs: int = 3) -> float:
    """Median seconds from launching a process to its main window being shown and painted.

    The clock stops when the probe reports "shown"; the probe then finishes warming the kernels
    (so the cache stays complete) and exits, outside the measured time.
    """
    from playground.bench.child import child_command

    cmd = child_command("playground.bench.ui")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        with subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              env=env) as proc:
            shown = None
            for line in proc.stdout:
                if line.strip() == "shown":
                    shown = time.perf_counter() - t0
                    break
            try:
                _out, err = proc.communicate(timeout=300)
            except subprocess.TimeoutExpired:
                proc.kill()
                _out, err = proc.communicate()
        if shown is None:
            raise RuntimeError(f"startup probe failed: {err.strip()[-500:]}")
        times.append(shown)
    return statistics.median(times)


def _startup_probe() -> None:
    from playground.app import make_application, open_window

    app = make_application()
    window = open_window(restore=False)
    window.show()
    app.processEvents()
    window.repaint()
    print("shown", flush=True)
    window.warmup.start()  # a real start goes on warming; finish it so the cache stays complete
    window.warmup.wait()
    window.save_on_close = False
    window.close()


def run(args: argparse.Namespace) -> int:
    """Prints p50/p95/max latency of strokes and cell edits (>= 200 each) and the warm start."""
    if getattr(args, "while_training", False):
        from playground.bench.ui_training import run_while_training

        return run_while_training(args)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    n = max(200, args.repeat or DEFAULT_UPDATES)
    warm_s = warm_start_seconds()

    from PySide6.QtCore import QEvent, QPointF, Qt
    from PySide6.QtGui import QMouseEvent
    from PySide6.QtWidgets import QApplication

    from playground.app import make_application, open_window

    app = make_application()
    window = open_window(restore=False)
    window.resize(1600, 1000)
    window.show()
    window.warmup.start()
    window.warmup.wait()
    window.load_demo()
    app.processEvents()
    canvas = window.canvas
    side = min(canvas.width(), canvas.height())

    def mouse(kind, x, y, button=Qt.MouseButton.LeftButton):
        buttons = Qt.MouseButton.NoButton if kind == QEvent.Type.MouseButtonRelease else button
        pos = QPointF(x, y)
        QApplication.sendEvent(canvas, QMouseEvent(kind, pos, canvas.mapToGlobal(pos), button,
                                                   buttons, Qt.KeyboardModifier.NoModifier))

    def timed(fn) -> float:
        t0 = time.perf_counter()
        fn()
        app.processEvents()  # the coalesced push, the compute, the views and their paint
        return (time.perf_counter() - t0) * 1000.0

    strokes: list[float] = []
    i = 0
    while len(strokes) < n:
        cx = side * (0.3 + 0.4 * ((i * 37) % 10) / 10)
        cy = side * (0.2 + 0.6 * ((i * 53) % 10) / 10)
        mouse(QEvent.Type.MouseButtonPress, cx, cy)
        for step in range(20):
            x = cx + side * 0.15 * ((step % 7) / 7 - 0.5)
            y = cy + side * 0.02 * step
            strokes.append(timed(lambda x=x, y=y: mouse(QEvent.Type.MouseMove, x, y)))
        mouse(QEvent.Type.MouseButtonRelease, cx, cy)
        app.processEvents()
        i += 1
        if i % 4 == 0:
            window.clear_canvas()

    model = window.kernel_editor.model
    edits: list[float] = []
    rows, cols = model.rowCount(), model.columnCount()
    for j in range(n):
        index = model.index(j % rows, (j // rows) % cols)
        value = f"{((j * 7) % 11) - 5}"
        edits.append(timed(lambda index=index, value=value: model.setData(index, value)))

    backend = window.state.backend
    from playground import engine

    result = {
        "input": "28x28", "kernels": int(window.state.kernels.shape[0]),
        "backend": engine.backend_name() if backend == "auto" else backend,
        "stroke_ms": _percentiles(strokes), "cell_edit_ms": _percentiles(edits),
        "all_ms": _percentiles(strokes + edits), "warm_start_s": warm_s,
        "target_p95_ms": TARGET_P95_MS,
    }
    window.save_on_close = False
    window.close()
    if getattr(args, "json", False):
        print(json.dumps(result, indent=2))
        return 0
    print(f"bench ui: 28x28 input, {result['kernels']} kernels, backend {result['backend']}, "
          "event -> computed -> repainted window")
    for key, label in (("stroke_ms", "stroke moves"), ("cell_edit_ms", "kernel-cell edits"),
                       ("all_ms", "all updates")):
        r = result[key]
        print(f"  {label:18s} n={r['n']:4d}  p50 {r['p50']:6.2f} ms  p95 {r['p95']:6.2f} ms  "
              f"max {r['max']:6.2f} ms")
    ok = result["all_ms"]["p95"] <= TARGET_P95_MS
    print(f"  target p95 <= {TARGET_P95_MS:.0f} ms: {'met' if ok else 'NOT met'}")
    print(f"  warm start (launch -> window shown): {warm_s:.2f} s (target <= 1.5 s)")
    return 0


if __name__ == "__main__":  # the warm-start probe's own process (see warm_start_seconds)
    _startup_probe()
