import pytest
from django.core.cache import cache

from kb import events


@pytest.fixture(autouse=True)
def _isolated_state():
    """Each test starts with an empty cache (and so a fresh lookup index) and no
    lookup events buffered by an earlier test."""
    cache.clear()
    events.discard()
    yield
    events.discard()
    cache.clear()
