"""Throttles whose rates come from THROTTLE_ANON / THROTTLE_USER; "off" disables one."""

from rest_framework.throttling import AnonRateThrottle, UserRateThrottle


class RateFromSettingsMixin:
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
