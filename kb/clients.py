"""Who is asking: the client's address, by one rule for every limit.

X-Forwarded-For is written by whoever sends the request, so it is believed only as
far as proxies we run have appended to it. Each proxy appends the address that
connected to it, so with ``TRUSTED_PROXIES = n`` the n-th address from the right is
the one our outermost proxy saw; with 0 (the default) the header is ignored and the
socket's address is the client. This is DRF's NUM_PROXIES rule (settings set both);
the API throttles, the page throttles, the vote markers and the admin's login
lockout all call it.
"""

import ipaddress

from django.conf import settings


def client_address(request) -> str:
    """The client's IP address as the trusted proxies (if any) reported it."""
    remote = request.META.get("REMOTE_ADDR", "")
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    trusted = settings.TRUSTED_PROXIES
    if trusted <= 0 or not forwarded:
        return remote
    hops = [hop.strip() for hop in forwarded.split(",")]
    candidate = hops[-min(trusted, len(hops))]
    # Only our own proxy writes this position, so garbage here means the request
    # did not come through it: fall back to the socket rather than trust a string.
    return candidate if is_ip_address(candidate) else remote


def client_key(request) -> str:
    """Whom a limit counts: a signed-in user by account (wherever they are), anyone
    else by address."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user-{user.pk}"
    return client_address(request)


def is_ip_address(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True
