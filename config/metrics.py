"""What the site has been doing, in the Prometheus text format at /metrics.

Requests by view and status class (a count and a latency histogram), lookups by
retry action and confidence band (from the API and the Diagnose page), and lookup
events the writer had to drop (kb/events.py).

Counters live in each process's memory: under gunicorn with several workers each
scrape sees one worker's numbers, unless PROMETHEUS_MULTIPROC_DIR names an empty,
writable directory, where prometheus-client keeps every worker's values and this
view adds them up (config/gunicorn.conf.py empties it when gunicorn starts).

The page is for the people running the site: it answers from loopback and the
networks in METRICS_ALLOWED_IPS, or to ``Authorization: Bearer <METRICS_TOKEN>``,
and is a plain 404 to anyone else.
"""

import hmac
import ipaddress
import os
import threading

from django.conf import settings
from django.http import Http404, HttpResponse
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)

from kb.clients import client_address

REQUESTS = Counter(
    "errorkb_http_requests",
    "Requests answered, by view name and status class.",
    ["view", "status"],
)
LATENCY = Histogram(
    "errorkb_http_request_duration_seconds",
    "Time from the request reaching Django to its response, by view and status class.",
    ["view", "status"],
)
LOOKUPS = Counter(
    "errorkb_lookups",
    "Lookups answered, by where they came from, retry action and confidence band.",
    ["via", "action", "confidence"],
)
EVENTS_DROPPED = Counter(
    "errorkb_lookup_events_dropped",
    "Lookup events the writer lost, by reason (kb/events.py dropped_counts).",
    ["reason"],
)

_dropped_seen: dict[str, int] = {}
_dropped_lock = threading.Lock()


def observe_request(view: str, status: int, seconds: float) -> None:
    status_class = f"{status // 100}xx"
    REQUESTS.labels(view, status_class).inc()
    LATENCY.labels(view, status_class).observe(seconds)


def confidence_band(match) -> str:
    """The bands of the confidence scale at /api/docs/retry/: "none" when only the
    status class answered (0.1) or nothing matched."""
    if match.error_id is None or match.confidence <= 0.1:
        return "none"
    if match.confidence >= 0.8:
        return "high"
    return "medium" if match.confidence >= 0.5 else "low"


def count_lookup(result, via: str) -> None:
    """One lookup answered: ``via`` is "api" or "page" (Diagnose)."""
    LOOKUPS.labels(via, str(result.retry.action), confidence_band(result.match)).inc()


def sync_dropped_events() -> None:
    """Carry the event writer's drop counts over into the counter (by the increase
    since the last call, so that multi-process totals add up)."""
    from kb import events  # loaded after the apps; this module is imported early

    with _dropped_lock:
        for reason, count in events.dropped_counts().items():
            child = EVENTS_DROPPED.labels(reason)  # shown at 0 before a first drop
            increase = count - _dropped_seen.get(reason, 0)
            if increase > 0:
                child.inc(increase)
            _dropped_seen[reason] = count


def allowed(request) -> bool:
    token = settings.METRICS_TOKEN
    if token:
        given = request.headers.get("Authorization", "")
        if hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
            return True
    # The client's address by the same rule as the throttles (TRUSTED_PROXIES), so
    # that a request relayed by our own proxy is not taken for a local one.
    try:
        address = ipaddress.ip_address(client_address(request))
    except ValueError:
        return False
    address = getattr(address, "ipv4_mapped", None) or address
    return any(
        address in ipaddress.ip_network(network, strict=False)
        for network in settings.METRICS_ALLOWED_IPS
    )


def registry():
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        return REGISTRY
    collected = CollectorRegistry()
    multiprocess.MultiProcessCollector(collected)
    return collected


def metrics(request):
    if not allowed(request):
        raise Http404("No such page.")
    sync_dropped_events()
    return HttpResponse(generate_latest(registry()), content_type=CONTENT_TYPE_LATEST)
