import pytest
from django.core.cache import cache

from kb import events
from kb.versioning import forget_kb_version


@pytest.fixture(autouse=True)
def _isolated_state():
    """Each test starts with an empty cache (and so a fresh lookup index) and no
    lookup events buffered by an earlier test."""
    cache.clear()
    forget_kb_version()
    events.discard()
    yield
    events.discard()
    cache.clear()
    forget_kb_version()


@pytest.fixture
def rates(settings):
    """Set throttle rates for a test: rates(anon="3/min", docs="2/min")."""

    def set_rates(**scopes):
        framework = dict(settings.REST_FRAMEWORK)
        framework["DEFAULT_THROTTLE_RATES"] = {
            **framework["DEFAULT_THROTTLE_RATES"],
            **scopes,
        }
        settings.REST_FRAMEWORK = framework

    return set_rates
