"""The joint-call world of tests/calls/conftest.py, re-exported for the API's tests (pytest
sees conftest fixtures only in their own directory tree)."""

from tests.calls.conftest import _no_observatory, _private_files, submitted, world

__all__ = ["_no_observatory", "_private_files", "submitted", "world"]
