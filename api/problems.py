"""Every error answer of the API as RFC 9457 problem+json, built here only."""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, JsonResponse
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

PROBLEM_TYPE = "https://errorkb.dev/problems/"
CONTENT_TYPE = "application/problem+json"

TITLES = {
    400: "Invalid request",
    401: "Authentication required",
    403: "Permission denied",
    404: "Not found",
    405: "Method not allowed",
    406: "Not acceptable",
    413: "Request too large",
    415: "Unsupported media type",
    429: "Too many requests",
    500: "Server error",
}


def problem(status_code: int, detail: str, slug: str | None = None, **extra) -> dict:
    title = TITLES.get(status_code, "Error")
    slug = slug or title.lower().replace(" ", "-")
    return {
        "type": PROBLEM_TYPE + slug,
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


__all__ = ["exception_handler", "problem_response", "json_problem", "status"]
