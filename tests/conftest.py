import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _clear_cache():
    """Each test starts with an empty cache (and so a fresh lookup index)."""
    cache.clear()
    yield
    cache.clear()
