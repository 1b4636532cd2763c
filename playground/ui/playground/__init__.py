"""The playground room of the UI."""
