"""Benchmarks behind ``conv-playground bench``: medians after warm-up, ratios against a same-run reference."""
