"""The common room of the UI."""
