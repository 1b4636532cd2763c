"""Lessons in the window: the lesson player, presenter mode and its notes, scene files and text."""
