"""Data files shipped with the app (installed as ``playground.resources``)."""
