"""Tainan labour-law assistant: shared library code (CLI, settings, law math, text handling)."""
