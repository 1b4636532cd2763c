"""Lesson content, Qt-free: the lecture's worked examples, presets and demo scenes.

:mod:`playground.lessons.lecture` is the one place the app's lecture material lives (the UI only
shows it); lesson files, their schema and checker will grow here. Depends on NumPy and
:mod:`playground.data` only.
"""
