"""The admin's login lockout (django-axes), fitted to ErrorKB.

Failures are counted per username and client address (kb.clients, so a forged
X-Forwarded-For cannot spread them over many addresses); settings.py holds the
limit and the cool-off.
"""

import math

from axes.backends import AxesStandaloneBackend
from axes.helpers import get_cool_off
from django.conf import settings
from django.contrib import admin
from django.shortcuts import render


class LockoutBackend(AxesStandaloneBackend):
    """Refuses a locked-out username and address before any password is checked.

    Django's test client and management commands authenticate without a request:
    there is no client to count and nobody to lock out, so the backend steps aside
    for them (axes' own would raise) and ModelBackend decides as usual. Every login
    over HTTP (the admin's form) passes its request and is counted.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)


def lockout_response(request, original_response=None, credentials=None):
    """429 with the admin's look and a Retry-After of the whole cool-off (each
    failure during a lockout starts it again)."""
    seconds = math.ceil(get_cool_off(request).total_seconds())
    context = {
        **admin.site.each_context(request),
        "title": "Too many failed sign-ins",
        "minutes": math.ceil(seconds / 60),
        "failure_limit": settings.AXES_FAILURE_LIMIT,
    }
    response = render(request, "admin/locked_out.html", context, status=429)
    response["Retry-After"] = str(seconds)
    return response
