"""The network room of the UI."""
