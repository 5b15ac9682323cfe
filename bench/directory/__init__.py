"""Benchmarks of the directory: search and the ROR import."""
