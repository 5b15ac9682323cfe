import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """allauth counts sign-ups, resets and confirmation mails per address in the cache; each
    test starts with none counted, so one test's requests cannot throttle another's."""
    cache.clear()
    yield
    cache.clear()
