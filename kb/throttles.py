"""Rate limits for the pages that do work per request: Diagnose runs the lookup
engine and a vote writes a row. They reuse DRF's throttle, so the rates come from
the same place as the API's (REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], set from
THROTTLE_DIAGNOSE and THROTTLE_VOTE like THROTTLE_ANON), live in the same cache and
count clients by the same rule (kb.clients)."""

import math
from functools import wraps

from django.shortcuts import render
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from api.throttling import LocalFallbackMixin
from kb.clients import client_address, client_key


class ScopedThrottle(LocalFallbackMixin, SimpleRateThrottle):
    """One allowance per client for ``scope``; a rate of None ("off") lets all
    through. Usable as a DRF throttle instance and from plain Django views."""

    def __init__(self, scope: str):
        self.scope = scope
        super().__init__()

    def get_rate(self):
        # Read at call time, not import time, so a changed setting takes effect.
        return api_settings.DEFAULT_THROTTLE_RATES[self.scope]

    def allow_request(self, request, view):
        if self.rate is None:
            return True
        return super().allow_request(request, view)

    def get_ident(self, request):
        return client_address(request)

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": client_key(request)}


def throttle_posts(scope: str):
    """Limit a page's POSTs to the scope's rate; over it, a 429 page that says
    when to come back (Retry-After). Reading the page is never limited."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method == "POST":
                throttle = ScopedThrottle(scope)
                if not throttle.allow_request(request, None):
                    return too_many_requests(request, throttle.wait())
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def too_many_requests(request, wait: float | None):
    seconds = max(1, math.ceil(wait or 1))
    response = render(request, "429.html", {"seconds": seconds}, status=429)
    response["Retry-After"] = str(seconds)
    return response
