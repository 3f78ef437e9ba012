"""The OpenAPI schema as the API really behaves, so that clients generated from it
and schemathesis (tests/api/test_schema_conformance.py) agree with the server.

drf-spectacular documents the happy path only and reads our permission class as
"authentication required"; this adds what it cannot see: reads are open to anyone,
and every error answer is problem+json (api/problems.py) with a known status.
"""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent
from rest_framework.permissions import SAFE_METHODS

from api.field_docs import describe
from api.permissions import ReadOnlyOrModelPermissions
from api.problems import CONTENT_TYPE, TITLES, problem

PROBLEM_SCHEMA = {
    "type": "object",
    "description": "An RFC 9457 problem: what went wrong, for people and programs.",
    "properties": {
        "type": {
            "type": "string",
            "description": "A URI naming the kind of problem (documented at that "
            "address), or about:blank when the status says it all.",
        },
        "title": {"type": "string", "description": "The status's short title."},
        "status": {
            "type": "integer",
            "minimum": 400,
            "maximum": 599,
            "description": "The HTTP status, as in the response.",
        },
        "detail": {
            "type": "string",
            "description": "What went wrong with this request, for people.",
        },
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

# Swagger UI groups operations by tag, in this order: the lookup first, as most
# callers come for it, and the writable parts of an entry last, together.
TAGS = [
    ("Lookup", "Send an error response (status, headers, body, URL) and get back "
     "what it is and what to do about it."),
    ("Errors", "The knowledge base's entries, at stable URLs keyed by provider and "
     "code."),
    ("Providers", "The APIs and servers whose errors the knowledge base holds."),
    ("Categories", "Kinds of error across providers: rate limiting, "
     "authentication, …"),
    ("Feedback", "Say whether a lookup's answer helped."),
    ("Editing", "The parts of an entry (causes, fixes, steps, FAQs, notes, "
     "signatures, examples), writable with the matching model permissions."),
]  # fmt: skip
# The URL's resource (/api/v1/<resource>/...) -> its tag, and how its summaries
# name one row and several.
RESOURCES = {
    "lookup": ("Lookup", "a lookup", "lookups"),
    "lookups": ("Feedback", "a lookup", "lookups"),
    "errors": ("Errors", "an error", "errors"),
    "providers": ("Providers", "a provider", "providers"),
    "categories": ("Categories", "a category", "categories"),
    "causes": ("Editing", "a cause", "causes"),
    "fixes": ("Editing", "a fix", "fixes"),
    "steps": ("Editing", "a step", "steps"),
    "faqs": ("Editing", "an FAQ", "FAQs"),
    "notes": ("Editing", "a note", "notes"),
    "signatures": ("Editing", "a signature", "signatures"),
    "examples": ("Editing", "an example", "examples"),
}
ACTION_SUMMARIES = {
    "list": "List {plural}",
    "create": "Create {one}",
    "retrieve": "Read {one}",
    "update": "Replace {one}",
    "partial_update": "Change some fields of {one}",
    "destroy": "Delete {one}",
}
PATH_PARAMETERS = {
    "slug": "The slug that names it in URLs, as its list gives it.",
    "id": "Its id, as its list gives it.",
    "provider": "The provider's slug (`openai`, `stripe`, `http`).",
    "code": "The error's code as the provider sends it (`insufficient_quota`, "
    "`SlowDown`, `429`); case does not matter.",
    "lookup_id": "The `lookup_id` of the lookup's answer.",
}
QUERY_PARAMETERS = {
    "search": "Words or a code to look for: an exact code comes first, then the "
    "entries whose text matches, best first.",
}
# One example per problem status, so that the docs show what a client must handle.
PROBLEM_EXAMPLES = {
    400: problem(400, "The request has invalid fields; see errors.", "validation",
                 errors={"ordering": ["Unknown value 'bogus'; choose from: "
                                      "http_status, code, title, updated_at."]}),
    401: problem(401, "Invalid token."),
    403: problem(403, "You do not have permission to perform this action."),
    404: problem(404, "Nothing exists at this address."),
    413: problem(413, "The request body is larger than 1048576 bytes.", "too-large"),
    415: problem(415, 'Unsupported media type "text/plain" in request.'),
    429: problem(429, "Too many requests; try again in 42 seconds.", "throttled"),
    503: problem(503, "The service is briefly unavailable; try again shortly.",
                 "unavailable"),
}  # fmt: skip


def add_tags_and_descriptions(result, generator, request, public):
    """Postprocessing hook: the tags in the order Swagger UI shows them, and a
    description for every field the serializers and models leave undescribed."""
    result["tags"] = [{"name": n, "description": d} for n, d in TAGS]
    for name, schema in result["components"]["schemas"].items():
        for field, prop in schema.get("properties", {}).items():
            if not prop.get("description"):
                description = describe(name, field)
                if description:
                    prop["description"] = description
    return result


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

    def get_tags(self):
        return [self.resource()[0]]

    def get_summary(self):
        action = getattr(self.view, "action", None)
        if action not in ACTION_SUMMARIES:
            return super().get_summary()
        _tag, one, plural = self.resource()
        return ACTION_SUMMARIES[action].format(one=one, plural=plural)

    def resource(self) -> tuple[str, str, str]:
        """The tag and the nouns of this operation's resource (a resource missing
        from RESOURCES gets a tag of its own; tests/api/test_schema_docs.py says)."""
        name = self.path.split("/")[3]
        return RESOURCES.get(name) or (name.capitalize(), "an item", name)

    def _get_parameters(self):
        parameters = super()._get_parameters()
        filters = getattr(
            getattr(self.view, "filterset_class", None), "base_filters", {}
        )
        for parameter in parameters:
            if parameter.get("description"):
                continue
            name = parameter["name"]
            if parameter["in"] == "path":
                parameter["description"] = PATH_PARAMETERS.get(name, "")
            elif name in filters:
                # drf-spectacular drops help_text of a filter with a schema override.
                parameter["description"] = filters[name].extra.get(
                    "help_text", QUERY_PARAMETERS.get(name, "")
                )
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
        content = {"schema": component.ref}
        if status_code in PROBLEM_EXAMPLES:
            content["example"] = PROBLEM_EXAMPLES[status_code]
        response = {
            "description": TITLES.get(status_code, "Error"),
            "content": {CONTENT_TYPE: content},
        }
        if status_code in (429, 503):
            response["headers"] = RETRY_AFTER
        return response
