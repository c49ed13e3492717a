"""Benchmarks of Tỉnh Số: `make bench` runs bench/run.py (see bench/README.md)."""
