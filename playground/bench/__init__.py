"""Benchmarks behind ``conv-playground bench``: medians after warm-up, ratios to a same-run base."""
