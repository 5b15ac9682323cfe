"""Benchmarks of joint calls (bench/README.md)."""
