"""Each place where the OpenAPI schema and the API disagreed, pinned one by one
(test_schema_conformance.py finds new ones)."""

import pytest
from django.contrib.auth.models import Permission, User
from rest_framework.authtoken.models import Token

from api.serializers import LOOKUP_URL
from tests.api.openapi import operations
from tests.factories import make_error, make_full_error, make_provider

pytestmark = pytest.mark.django_db

PROBLEM = {"$ref": "#/components/schemas/Problem"}


class SchemaDriftTests:
    def test_reads_are_declared_open_to_anyone(self, schema):
        reads = [(p, o) for p, m, o in operations(schema) if m == "get"]
        assert len(reads) > 20
        assert all({} in operation["security"] for _path, operation in reads)

    def test_writes_still_declare_authentication(self, schema):
        operation = schema["paths"]["/api/v1/causes/"]["post"]
        assert {} not in operation["security"]

    def test_error_answers_are_documented_as_problems(self, schema):
        detail = schema["paths"]["/api/v1/errors/{provider}/{code}/"]
        for method, statuses in (("get", ["400", "404", "429"]),
                                 ("put", ["400", "403", "404", "415"])):  # fmt: skip
            responses = detail[method]["responses"]
            for status in statuses:
                content = responses[status]["content"]["application/problem+json"]
                assert content["schema"] == PROBLEM

    def test_lookup_status_is_bounded(self, client, schema):
        parameters = schema["paths"]["/api/v1/lookup/"]["get"]["parameters"]
        status = next(p for p in parameters if p["name"] == "status")
        assert (status["schema"]["minimum"], status["schema"]["maximum"]) == (100, 999)
        response = client.get("/api/v1/lookup/?status=99")
        assert response.status_code == 400
        assert response["Content-Type"] == "application/problem+json"

    def test_lookup_url_pattern_is_the_one_the_server_applies(self, client, schema):
        url = schema["components"]["schemas"]["LookupInput"]["properties"]["url"]
        assert [kind.get("pattern") for kind in url["oneOf"]] == [LOOKUP_URL, None]
        answer = client.post("/api/v1/lookup/", {"status": 429, "url": "http://a"},
                             content_type="application/json")  # fmt: skip
        assert answer.status_code == 200
        refused = client.post("/api/v1/lookup/", {"status": 429, "url": "kb:sitemap"},
                              content_type="application/json")  # fmt: skip
        assert refused.status_code == 400

    def test_unknown_error_id_lists_no_parts(self, client):
        make_full_error()
        response = client.get("/api/v1/causes/?error=999999")
        assert response.status_code == 200
        assert response.json()["results"] == []

    def test_error_id_must_be_a_whole_number(self, client):
        assert client.get("/api/v1/causes/?error=1.5").status_code == 400

    def test_created_provider_has_its_error_count(self, client):
        user = User.objects.create_user("publisher")
        user.user_permissions.add(Permission.objects.get(codename="add_provider"))
        token = Token.objects.create(user=user).key
        response = client.post("/api/v1/providers/", {"slug": "acme", "name": "Acme"},
                               content_type="application/json",
                               HTTP_AUTHORIZATION=f"Token {token}")  # fmt: skip
        assert response.status_code == 201
        assert response.json()["error_count"] == 0

    @pytest.mark.parametrize("low, high, expected", [
        (5, None, [5, 5]),
        (None, 15, [15, 15]),
        (5, 15, [5, 15]),
        (None, None, None),
    ])  # fmt: skip
    def test_playbook_minutes_fit_the_schema(self, client, schema, low, high, expected):
        error = make_error(provider=make_provider(slug="acme"), code="slow",
                           playbook_minutes_min=low, playbook_minutes_max=high)  # fmt: skip
        body = client.get(f"/api/v1/errors/acme/{error.code}/").json()
        assert body["playbook_minutes"] == expected
        declared = schema["components"]["schemas"]["ErrorCodeDetail"]["properties"]
        assert declared["playbook_minutes"]["items"]["type"] == "integer"
