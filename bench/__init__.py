"""Benchmarks of the platform and their instance generators; never run by `make test`."""
