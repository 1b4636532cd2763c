"""Lesson fixtures: the bundled lecture lesson and a small hand-made one with every feature."""

from __future__ import annotations

import numpy as np
import pytest

from playground.lessons import schema
from playground.scene import Scene


@pytest.fixture
def lecture():
    """The bundled lesson that walks the lecture."""
    return schema.bundled_lessons()["lecture"]


def _matrix_scene() -> Scene:
    image = np.arange(1, 10, dtype=np.float32).reshape(3, 3)
    return Scene(image, np.ones((1, 1, 2, 2), np.float32), np.zeros(1, np.float32), "matrix")


@pytest.fixture
def small_lesson():
    """Four scenes: a highlighted matrix with 3 animation steps, a typed size question, a reveal
    question on a view this window lacks, the Network tab's invariance page."""
    LS, Q = schema.LessonScene, schema.Question
    return schema.Lesson("small", "A small lesson", (
        LS("A ⊛ W", "The 3x3 matrix and a 2x2 kernel of ones.", notes="Say: four windows.",
           scene=_matrix_scene(), view="stepper", steps=3, highlight=("maps", "kernel")),
        LS("The size", "How big is the output?", view="formula",
           question=Q("Output size of 3x3 ⊛ 2x2?", "2x2", "size")),
        LS("Symbols", "Written with symbols.", view="symbolic",
           question=Q("c11 = ?", "a11 w11 + a12 w12 + a21 w21 + a22 w22")),
        LS("Shift it", "Move the digit.", tab="network", view="invariance"),
    ))
