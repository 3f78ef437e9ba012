"""NUL characters kept away from the database.

PostgreSQL text cannot hold NUL (0x00): psycopg refuses a query parameter that
carries one, and the caller would get a 500. No address, slug, code or search has
a use for it, so the middleware below answers a request whose path or query string
holds one with 400 before any view runs: problem+json under /api/, the site's 400
page elsewhere. It is the guard at the edge; the views (kb.views) and the
serializers (api.serializers) refuse NUL too where user text reaches a query, so a
form or a JSON body is answered with a field error rather than a bare 400.
"""

from typing import Any

from django.core.exceptions import BadRequest
from django.views.defaults import bad_request

from api.problems import json_problem

NUL = "\x00"
MESSAGE = "must not contain NUL (0x00) characters"
# Enough for any document the API accepts; deeper ones are refused by size first.
MAX_NODES = 100_000


def has_nul(value: Any) -> bool:
    """Whether a string, or any key or string inside a JSON-like value, holds NUL.
    Iterative, so a deeply nested document cannot exhaust the stack."""
    stack, seen = [value], 0
    while stack and seen < MAX_NODES:
        node = stack.pop()
        seen += 1
        if isinstance(node, str):
            if NUL in node:
                return True
        elif isinstance(node, dict):
            stack.extend(node.keys())
            stack.extend(node.values())
        elif isinstance(node, (list, tuple)):
            stack.extend(node)
    return False


def without_nul(text: str) -> str:
    return text.replace(NUL, "")


def request_has_nul(request) -> bool:
    """NUL in the decoded path or in any query parameter's name or value."""
    if NUL in request.path_info:
        return True
    return any(NUL in name or has_nul(values) for name, values in request.GET.lists())


class NulGuardMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request_has_nul(request):
            return refuse(request)
        return self.get_response(request)


def refuse(request):
    detail = f"The address {MESSAGE}."
    if request.path_info.startswith("/api/"):
        return json_problem(400, detail)
    return bad_request(request, BadRequest(detail))
