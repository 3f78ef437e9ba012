"""The OpenAPI schema as the API really behaves, so that clients generated from it
and schemathesis (tests/api/test_schema_conformance.py) agree with the server.

drf-spectacular documents the happy path only and reads our permission class as
"authentication required"; this adds what it cannot see: reads are open to anyone,
and every error answer is problem+json (api/problems.py) with a known status.
"""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent
from rest_framework.permissions import SAFE_METHODS

from api.permissions import ReadOnlyOrModelPermissions
from api.problems import CONTENT_TYPE, TITLES

PROBLEM_SCHEMA = {
    "type": "object",
    "description": "An RFC 9457 problem: what went wrong, for people and programs.",
    "properties": {
        "type": {
            "type": "string",
            "description": "A URI naming the kind of problem (documented at that "
            "address), or about:blank when the status says it all.",
        },
        "title": {"type": "string"},
        "status": {"type": "integer", "minimum": 400, "maximum": 599},
        "detail": {"type": "string"},
        "errors": {
            "type": "object",
            "description": "Validation problems only: each invalid field's messages.",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
    },
    "required": ["type", "title", "status", "detail"],
}
RETRY_AFTER = {
    "Retry-After": {
        "description": "Seconds to wait before sending the request again.",
        "schema": {"type": "integer", "minimum": 0},
    }
}
BODY_METHODS = ("POST", "PUT", "PATCH")


class ProblemAutoSchema(AutoSchema):
    def get_auth(self):
        auths = super().get_auth()
        anyone_reads = any(
            isinstance(permission, ReadOnlyOrModelPermissions)
            for permission in self.view.get_permissions()
        )
        if anyone_reads and self.method in SAFE_METHODS and {} not in auths:
            auths.append({})
        return auths

    def _get_parameters(self):
        parameters = super()._get_parameters()
        if not self._is_paginated_list():
            return parameters
        # A list takes an empty filter, search, ordering or page as not given.
        return [
            {**parameter, "allowEmptyValue": True}
            if parameter["in"] == "query"
            else parameter
            for parameter in parameters
        ]

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for status_code in self.problem_statuses():
            responses.setdefault(str(status_code), self.problem_response(status_code))
        for code, response in responses.items():
            # An error answer declared in a view (409 on feedback) is problem+json too.
            if code >= "400" and "content" not in response:
                response["content"] = self.problem_response(int(code))["content"]
        if self.method == "GET" and getattr(self.view, "answers_not_modified", False):
            responses.setdefault("304", {"description": "Not modified (ETag)"})
        return responses

    def problem_statuses(self) -> list[int]:
        """The error answers this operation can give. Any request may be malformed
        (400), carry a bad token (401), be throttled (429) or arrive while the
        database is out of reach (503); writes may be refused (403, and a session
        without its CSRF token gets one too); a path with parameters, or a list's
        page, may name nothing (404)."""
        statuses = [400, 401]
        if self.method not in SAFE_METHODS:
            statuses.append(403)
        if "{" in self.path or self._is_paginated_list():
            statuses.append(404)
        if self.method in BODY_METHODS:
            statuses += [413, 415]
        statuses += [429, 503]
        return statuses

    def _is_paginated_list(self) -> bool:
        return (
            self.method == "GET"
            and getattr(self.view, "pagination_class", None) is not None
            and self._is_list_view()
        )

    def problem_response(self, status_code: int) -> dict:
        component = ResolvedComponent(
            name="Problem",
            type=ResolvedComponent.SCHEMA,
            object="Problem",
            schema=PROBLEM_SCHEMA,
        )
        self.registry.register_on_missing(component)
        response = {
            "description": TITLES.get(status_code, "Error"),
            "content": {CONTENT_TYPE: {"schema": component.ref}},
        }
        if status_code in (429, 503):
            response["headers"] = RETRY_AFTER
        return response
