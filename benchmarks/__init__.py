"""Reproducible benchmarks of legami, run with `make bench` (`python -m benchmarks`)."""
