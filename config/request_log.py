"""One log line per request, and the request id that ties it to everything else.

The id is the caller's X-Request-ID when that is a plain token (a proxy or client
that already named the request keeps its name), a new one otherwise, and it comes
back as X-Request-ID on every response. The line holds what an operator needs and
nothing a user sent: method, path without its query string (where tokens and
e-mail addresses travel), status, duration, view and user id; never a body.
"""

import logging
import re
import time
import uuid

from config import metrics
from config.json_logging import request_id

logger = logging.getLogger("errorkb.requests")

SAFE_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")
PATH_KEPT = 512


def incoming_request_id(request) -> str:
    given = request.headers.get("X-Request-ID", "")
    return given if SAFE_REQUEST_ID.fullmatch(given) else uuid.uuid4().hex


def view_name(request) -> str:
    match = getattr(request, "resolver_match", None)
    return (match.view_name or "unnamed") if match is not None else "unmatched"


def user_label(request) -> str:
    try:
        user = request.user
        return str(user.pk) if user.is_authenticated else "anonymous"
    except Exception:  # noqa: BLE001 - no session (static files), or its store is down
        return "anonymous" if not hasattr(request, "user") else "unknown"


class RequestLogMiddleware:
    """First in MIDDLEWARE, so that it times and tags every answer, the other
    middlewares' own (redirects, refusals) included."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        rid = incoming_request_id(request)
        request.request_id = rid
        # Not reset on the way out: Django logs a 4xx or 5xx after the middlewares
        # return, and the event writer flushes after the response is sent; both
        # belong to this request. The next request sets its own.
        request_id.set(rid)
        response = self.get_response(request)
        seconds = time.perf_counter() - started
        response["X-Request-ID"] = rid
        self.record(request, response.status_code, seconds)
        return response

    def record(self, request, status: int, seconds: float) -> None:
        view = view_name(request)
        metrics.observe_request(view, status, seconds)
        metrics.sync_dropped_events()
        logger.info(
            "%s %s %s",
            request.method,
            request.path[:PATH_KEPT],
            status,
            extra={
                "method": request.method,
                "path": request.path[:PATH_KEPT],
                "status": status,
                "duration_ms": round(seconds * 1000, 2),
                "view": view,
                "user": user_label(request),
            },
        )
