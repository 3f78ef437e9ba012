"""What the API docs (/api/docs/, from /api/schema/) tell a new reader: operations
grouped by tag with the lookup first, a summary for each, a description for every
parameter and field, worked lookup examples and the problems each can answer."""

import pytest

from api.lookup_examples import lookup_examples
from tests.api.openapi import operations

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"
TAGS = ["Lookup", "Errors", "Providers", "Categories", "Feedback", "Editing"]
PARTS = ["causes", "fixes", "steps", "faqs", "notes", "signatures", "examples"]


class SchemaTagTests:
    def test_tags_come_in_reading_order_lookup_first(self, schema):
        assert [tag["name"] for tag in schema["tags"]] == TAGS
        assert all(tag["description"] for tag in schema["tags"])

    def test_every_operation_has_one_declared_tag(self, schema):
        for path, method, operation in operations(schema):
            assert len(operation["tags"]) == 1, (method, path)
            assert operation["tags"][0] in TAGS, (method, path)

    @pytest.mark.parametrize("path, tag", [
        ("/api/v1/lookup/", "Lookup"),
        ("/api/v1/lookups/{lookup_id}/feedback/", "Feedback"),
        ("/api/v1/errors/{provider}/{code}/", "Errors"),
        ("/api/v1/providers/", "Providers"),
        ("/api/v1/categories/{slug}/", "Categories"),
        *((f"/api/v1/{part}/{{id}}/", "Editing") for part in PARTS),
    ])  # fmt: skip
    def test_resources_are_grouped_by_tag(self, schema, path, tag):
        for operation in schema["paths"][path].values():
            assert operation["tags"] == [tag]


class SchemaDescriptionTests:
    def test_every_operation_has_a_summary(self, schema):
        summaries = {}
        for path, method, operation in operations(schema):
            assert operation.get("summary"), (method, path)
            summaries[method, path] = operation["summary"]
        assert summaries["post", "/api/v1/lookup/"] == "Look up an error response"
        assert summaries["get", "/api/v1/faqs/{id}/"] == "Read an FAQ"
        assert summaries["patch", "/api/v1/errors/{provider}/{code}/"] == (
            "Change some fields of an error"
        )

    def test_every_parameter_is_described(self, schema):
        for path, method, operation in operations(schema):
            for parameter in operation.get("parameters", []):
                assert parameter.get("description"), (method, path, parameter["name"])

    def test_every_field_is_described(self, schema):
        for name, component in schema["components"]["schemas"].items():
            for field, declared in component.get("properties", {}).items():
                assert declared.get("description"), f"{name}.{field}"


class LookupExampleTests:
    def test_one_example_per_body_format(self, schema):
        operation = schema["paths"]["/api/v1/lookup/"]["post"]
        requests = operation["requestBody"]["content"]["application/json"]["examples"]
        answers = operation["responses"]["200"]["content"]["application/json"]
        assert len(requests) == 4
        assert answers["examples"].keys() == requests.keys()
        bodies = [example["value"]["body"] for example in requests.values()]
        assert bodies[0].startswith('{"error"')
        assert "<html>" in bodies[1]
        assert bodies[2].startswith("<?xml")
        assert not bodies[3].startswith(("{", "<"))

    def test_example_requests_are_accepted_and_answered_in_the_documented_shape(
        self, client
    ):
        examples = lookup_examples()
        for request, answer in zip(examples[::2], examples[1::2], strict=True):
            response = client.post("/api/v1/lookup/", request.value,
                                   content_type="application/json")  # fmt: skip
            assert response.status_code == 200, request.summary
            got, documented = response.json(), answer.value
            assert got.keys() == documented.keys(), request.summary
            for part in ("match", "retry"):
                assert got[part].keys() == documented[part].keys(), request.summary


class ProblemResponseTests:
    @pytest.mark.parametrize("method, path, statuses", [
        ("post", "/api/v1/lookup/", ["400", "413", "415", "429", "503"]),
        ("get", "/api/v1/lookup/", ["400", "429", "503"]),
        ("get", "/api/v1/errors/", ["400", "404", "429", "503"]),
        ("post", "/api/v1/lookups/{lookup_id}/feedback/",
         ["400", "404", "409", "415", "429", "503"]),
        ("delete", "/api/v1/causes/{id}/", ["401", "403", "404", "429", "503"]),
    ])  # fmt: skip
    def test_problems_are_documented_with_an_example(
        self, schema, method, path, statuses
    ):
        responses = schema["paths"][path][method]["responses"]
        for status in statuses:
            content = responses[status]["content"][PROBLEM]
            assert content["schema"] == {"$ref": "#/components/schemas/Problem"}
            if status != "409":
                assert content["example"]["status"] == int(status)

    def test_lookup_is_not_documented_as_a_page_that_can_be_missing(self, schema):
        assert "404" not in schema["paths"]["/api/v1/lookup/"]["post"]["responses"]

    def test_throttled_and_unavailable_answers_carry_retry_after(self, schema):
        responses = schema["paths"]["/api/v1/errors/"]["get"]["responses"]
        for status in ("429", "503"):
            assert "Retry-After" in responses[status]["headers"]
