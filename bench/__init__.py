"""Benchmarks: reproducible, printing ratios against same-run baselines (see QUALITY.md)."""
