import pytest


@pytest.fixture
def rates(settings):
    """Set throttle rates for a test: rates(anon="3/min", diagnose="2/min")."""

    def set_rates(**scopes):
        framework = dict(settings.REST_FRAMEWORK)
        framework["DEFAULT_THROTTLE_RATES"] = {
            **framework["DEFAULT_THROTTLE_RATES"],
            **scopes,
        }
        settings.REST_FRAMEWORK = framework

    return set_rates
