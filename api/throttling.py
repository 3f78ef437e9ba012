"""Throttles whose rates come from THROTTLE_ANON / THROTTLE_USER; "off" disables one.

Their counts live in the shared cache, so a client's allowance holds across every
web process. While that cache is unavailable (its breaker is open, see
config/redis_cache.py) each process counts in its own memory instead. A client may
then get the allowance once per process: looser than the shared limit, but still a
limit. Refusing every request would turn a cache outage into a site outage, and
counting nothing would leave the lookup open to floods while the site is weakest.
"""

from django.core.cache import cache as shared_cache
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

from config.redis_cache import shared_or_local


class LocalFallbackMixin:
    """Count in the shared cache, or in process memory while it is unavailable."""

    @property
    def cache(self):
        return shared_or_local(shared_cache)


class RateFromSettingsMixin(LocalFallbackMixin):
    def allow_request(self, request, view):
        if self.rate is None:
            return True
        return super().allow_request(request, view)

    def get_rate(self):
        from rest_framework.settings import api_settings

        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class AnonThrottle(RateFromSettingsMixin, AnonRateThrottle):
    pass


class UserThrottle(RateFromSettingsMixin, UserRateThrottle):
    pass
