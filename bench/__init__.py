"""Warta benchmarks: ``make bench`` (``python -m bench``) writes bench/results/latest.json."""
