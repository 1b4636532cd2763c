"""``bench lesson``: times every scene change of a lesson, with its figures in JSON."""

from __future__ import annotations

import json

import pytest

from playground import cli


@pytest.mark.bench
def test_bench_lesson_json(capsys, monkeypatch):
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    assert cli.main(["bench", "lesson", "--json", "--backend", "reference"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["scene_ms"]["n"] == result["scenes"] - 1
    assert 0 < result["scene_ms"]["p50"] <= result["scene_ms"]["p95"]


def test_bench_lesson_refuses_bad_window(capsys):
    assert cli.main(["bench", "lesson", "--window", "12x"]) == 2
    assert "--window" in capsys.readouterr().err
