"""Every error answer of the API as RFC 9457 problem+json, built here only."""

import logging
import sys

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import InterfaceError, OperationalError
from django.http import Http404, JsonResponse
from django.views import defaults
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

logger = logging.getLogger(__name__)

# Problems with more to say than their status get a type of our own, documented at
# /api/problems/<slug>; the rest are "about:blank", as RFC 9457 section 4.2.1 asks.
PROBLEM_TYPES = {
    "validation": "Some fields of the request are invalid; `errors` maps each field "
    "to its messages.",
    "throttled": "Too many requests from this client; wait for the number of seconds "
    "in the Retry-After header.",
    "too-large": "The request body is larger than the server accepts "
    "(MAX_REQUEST_BYTES, 1 MiB by default).",
    "unavailable": "The server cannot reach a store it depends on right now; send "
    "the same request again after the number of seconds in the Retry-After header.",
}
CONTENT_TYPE = "application/problem+json"

TITLES = {
    400: "Invalid request",
    401: "Authentication required",
    403: "Permission denied",
    404: "Not found",
    405: "Method not allowed",
    406: "Not acceptable",
    409: "Conflict",
    413: "Request too large",
    415: "Unsupported media type",
    429: "Too many requests",
    500: "Server error",
    503: "Service unavailable",
}

# A store we depend on is out of reach (not a bug in the request or in our code):
# worth sending again, and a 503 with Retry-After says so. The cache is guarded by
# its breaker (config/redis_cache.py); its errors are here for any path around it.
OUTAGES = (OperationalError, InterfaceError, RedisConnectionError, RedisTimeoutError)
RETRY_AFTER_SECONDS = 5


def problem(status_code: int, detail: str, slug: str | None = None, **extra) -> dict:
    title = TITLES.get(status_code, "Error")
    return {
        "type": f"/api/problems/{slug}" if slug in PROBLEM_TYPES else "about:blank",
        "title": title,
        "status": status_code,
        "detail": detail,
        **extra,
    }


def flatten_errors(detail, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested validation errors as {"field.sub": ["message", ...]}."""
    if isinstance(detail, dict):
        result: dict[str, list[str]] = {}
        for key, value in detail.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            if key == "non_field_errors":
                name = prefix or "non_field_errors"
            result.update(flatten_errors(value, name))
        return result
    if isinstance(detail, list):
        if all(not isinstance(item, (dict, list)) for item in detail):
            return {prefix or "non_field_errors": [str(item) for item in detail]}
        result = {}
        for index, item in enumerate(detail):
            result.update(flatten_errors(item, f"{prefix}[{index}]"))
        return result
    return {prefix or "non_field_errors": [str(detail)]}


def exception_handler(exc, context):
    if isinstance(exc, RequestDataTooBig):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        return problem_response(413, f"The request body is larger than {limit} bytes.",
                                "too-large")  # fmt: skip
    if isinstance(exc, OUTAGES):
        set_rollback()
        # The class name only: driver messages can name hosts and users.
        logger.warning("answered 503: %s", type(exc).__name__)
        return unavailable(problem_response)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    code = response.status_code
    if isinstance(exc, exceptions.ValidationError):
        errors = flatten_errors(exc.detail)
        body = problem(code, "The request has invalid fields; see errors.",
                       "validation", errors=errors)  # fmt: skip
    elif isinstance(exc, exceptions.Throttled):
        body = problem(code, f"Too many requests; try again in {exc.wait:.0f} seconds.",
                       "throttled")  # fmt: skip
    elif isinstance(exc, Http404):
        body = problem(404, "Nothing exists at this address.")
    else:
        detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
        body = problem(code, str(detail))
    response.data = body
    response.content_type = CONTENT_TYPE
    return response


def problem_response(status_code: int, detail: str, slug: str | None = None, **extra):
    """A DRF Response carrying a problem, for views that answer one themselves."""
    return Response(
        problem(status_code, detail, slug, **extra),
        status=status_code,
        content_type=CONTENT_TYPE,
    )


def json_problem(
    status_code: int, detail: str, slug: str | None = None
) -> JsonResponse:
    """A plain Django response carrying a problem, for use outside DRF views."""
    return JsonResponse(
        problem(status_code, detail, slug),
        status=status_code,
        content_type=CONTENT_TYPE,
    )


def unavailable(build):
    """503 with Retry-After, built by ``problem_response`` or ``json_problem``."""
    response = build(503, "The service is briefly unavailable; try again shortly.",
                     "unavailable")  # fmt: skip
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def is_api(request) -> bool:
    return request.path_info.startswith("/api/")


def page_not_found(request, exception):
    """handler404: problem+json under /api/, the site's own page elsewhere."""
    if is_api(request):
        return json_problem(404, "Nothing exists at this address.")
    return defaults.page_not_found(request, exception)


def server_error(request):
    """handler500: problem+json under /api/, the site's own page elsewhere. Django
    calls it while it handles the exception, so an outage can still be told from a
    bug, and answered 503 with Retry-After: come back later, not "we are broken"."""
    outage = isinstance(sys.exc_info()[1], OUTAGES)
    if is_api(request):
        if outage:
            return unavailable(json_problem)
        return json_problem(500, "The server failed to answer; the failure is logged.")
    if not outage:
        return defaults.server_error(request)
    response = defaults.server_error(request, template_name="503.html")
    response.status_code = 503
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def problem_type(request, slug):
    """What one of our problem types means (the URI in a problem's ``type``)."""
    if slug not in PROBLEM_TYPES:
        return json_problem(404, f"There is no problem type {slug[:50]!r}.")
    return JsonResponse(
        {"type": f"/api/problems/{slug}", "description": PROBLEM_TYPES[slug]}
    )


__all__ = ["exception_handler", "problem_response", "json_problem", "status"]
