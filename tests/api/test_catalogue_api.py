import json

import pytest
from django.contrib.auth.models import Permission, User
from django.core.cache import cache
from rest_framework.authtoken.models import Token

from kb.models import Cause, ErrorCode, Signature
from tests.factories import make_category, make_error, make_full_error, make_provider

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue():
    acme = make_provider(slug="acme", name="Acme")
    limits = make_category(slug="rate_limit", name="Rate limiting")
    published = make_full_error(provider=acme, code="slow_down", http_status=429,
                                category=limits, retryable="always", title="Slow down")  # fmt: skip
    draft = make_error(
        provider=acme, code="secret_draft", http_status=400, state="draft"
    )
    other = make_error(code="other", http_status=404, retryable="never")
    return {"acme": acme, "published": published, "draft": draft, "other": other}


def editor_token(*perms):
    user = User.objects.create_user("svc", password="pw")
    for codename in perms:
        user.user_permissions.add(Permission.objects.get(codename=codename))
    return Token.objects.create(user=user).key


class ReadTests:
    def test_providers_and_categories(self, client, catalogue):
        providers = client.get("/api/v1/providers/").json()["results"]
        acme = next(p for p in providers if p["slug"] == "acme")
        assert acme["error_count"] == 1  # the draft does not count
        categories = client.get("/api/v1/categories/").json()["results"]
        assert categories[0]["slug"] == "rate_limit"

    def test_list_hides_drafts_from_anonymous_callers(self, client, catalogue):
        codes = [e["code"] for e in client.get("/api/v1/errors/").json()["results"]]
        assert "slow_down" in codes and "secret_draft" not in codes
        assert client.get("/api/v1/errors/acme/secret_draft/").status_code == 404

    def test_staff_see_drafts(self, client, catalogue):
        client.force_login(User.objects.create_user("staff", is_staff=True))
        assert client.get("/api/v1/errors/acme/secret_draft/").status_code == 200

    @pytest.mark.parametrize("query, expected", [
        ("provider=acme", ["slow_down"]),
        ("category=rate_limit", ["slow_down"]),
        ("http_status=404", ["other"]),
        ("retryable=never", ["other"]),
        ("search=slow_down", ["slow_down"]),
    ])  # fmt: skip
    def test_filters(self, client, catalogue, query, expected):
        results = client.get(f"/api/v1/errors/?{query}").json()["results"]
        assert [e["code"] for e in results] == expected

    def test_bad_filter_value_is_a_problem(self, client, catalogue):
        response = client.get("/api/v1/errors/?retryable=sometimes")
        assert response.status_code == 400
        assert response["Content-Type"] == "application/problem+json"

    def test_detail_is_nested_and_keyed_by_provider_and_code(self, client, catalogue):
        data = client.get("/api/v1/errors/acme/SLOW_DOWN/").json()
        assert data["code"] == "slow_down"
        assert [c["likelihood"] for c in data["causes"]] == ["high", "medium", "low"]
        assert [f["difficulty"] for f in data["fixes"]] == ["easy", "medium", "hard"]
        assert [s["position"] for s in data["steps"]] == [0, 1, 2]
        assert len(data["faqs"]) == 3 and len(data["notes"]) == 3
        assert data["retry"]["retryable"] == "always"

    def test_detail_query_count_does_not_grow_with_parts(
        self, client, django_assert_max_num_queries
    ):
        make_full_error(parts=50, provider=make_provider(slug="big"), code="big")
        with django_assert_max_num_queries(12):
            assert client.get("/api/v1/errors/big/big/").status_code == 200

    def test_list_query_count(self, client, catalogue, django_assert_max_num_queries):
        for i in range(30):
            make_error(provider=catalogue["acme"], code=f"extra_{i}")
        with django_assert_max_num_queries(6):
            assert client.get("/api/v1/errors/").status_code == 200

    def test_etag_revalidation(self, client, catalogue):
        first = client.get("/api/v1/errors/acme/slow_down/")
        etag = first["ETag"]
        assert client.get("/api/v1/errors/acme/slow_down/",
                          HTTP_IF_NONE_MATCH=etag).status_code == 304  # fmt: skip
        ErrorCode.objects.filter(pk=catalogue["published"].pk).first().save()
        assert client.get("/api/v1/errors/acme/slow_down/",
                          HTTP_IF_NONE_MATCH=etag).status_code == 200  # fmt: skip

    def test_unknown_error_is_a_problem(self, client, catalogue):
        response = client.get("/api/v1/errors/acme/nope/")
        assert response.status_code == 404
        assert response.json()["status"] == 404


class WriteTests:
    def test_anonymous_cannot_write(self, client, catalogue):
        response = client.patch("/api/v1/errors/acme/slow_down/", {"title": "x"},
                                content_type="application/json")  # fmt: skip
        assert response.status_code in (401, 403)
        assert response["Content-Type"] == "application/problem+json"

    def test_token_without_permission_cannot_write(self, client, catalogue):
        token = editor_token()
        response = client.patch("/api/v1/errors/acme/slow_down/", {"title": "x"},
                                content_type="application/json",
                                HTTP_AUTHORIZATION=f"Token {token}")  # fmt: skip
        assert response.status_code == 403

    def test_editor_token_updates_and_history_records_who(self, client, catalogue):
        token = editor_token("change_errorcode")
        response = client.patch("/api/v1/errors/acme/slow_down/", {"title": "Slow down!"},
                                content_type="application/json",
                                HTTP_AUTHORIZATION=f"Token {token}")  # fmt: skip
        assert response.status_code == 200, response.content
        error = ErrorCode.objects.get(code="slow_down")
        assert error.title == "Slow down!"
        latest = error.history.first()
        assert latest.history_user.username == "svc"

    def test_create_and_delete_an_error(self, client, catalogue):
        token = editor_token("add_errorcode", "delete_errorcode")
        auth = {"HTTP_AUTHORIZATION": f"Token {token}"}
        payload = {"provider": "acme", "code": "new_one", "title": "New", "summary": "s.",
                   "http_status": 409, "retryable": "conditional"}  # fmt: skip
        response = client.post(
            "/api/v1/errors/", payload, content_type="application/json", **auth
        )
        assert response.status_code == 201, response.content
        duplicate = client.post("/api/v1/errors/", {**payload, "code": "NEW_ONE"},
                                content_type="application/json", **auth)  # fmt: skip
        assert duplicate.status_code == 400
        assert client.delete("/api/v1/errors/acme/new_one/", **auth).status_code == 204

    def test_parts_are_writable(self, client, catalogue):
        token = editor_token("add_cause", "add_signature")
        auth = {"HTTP_AUTHORIZATION": f"Token {token}"}
        error = catalogue["published"]
        response = client.post("/api/v1/causes/", {"error": error.pk, "likelihood": 3,
                                                    "text": "A *burst*"},
                               content_type="application/json", **auth)  # fmt: skip
        assert response.status_code == 201, response.content
        assert (
            Cause.objects.get(pk=response.json()["id"]).text_html
            == "<p>A <em>burst</em></p>"
        )
        bad = client.post("/api/v1/signatures/", {"error": error.pk, "body_regex": "(x"},
                          content_type="application/json", **auth)  # fmt: skip
        assert bad.status_code == 400
        assert not Signature.objects.filter(error=error).exists()


class ThrottleTests:
    def test_anonymous_rate_limit_answers_429_with_retry_after(self, client, settings):
        rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "anon": "2/min"}
        settings.REST_FRAMEWORK = {
            **settings.REST_FRAMEWORK,
            "DEFAULT_THROTTLE_RATES": rates,
        }
        cache.clear()
        statuses = [client.get("/api/v1/providers/").status_code for _ in range(3)]
        assert statuses == [200, 200, 429]
        response = client.get("/api/v1/providers/")
        assert int(response["Retry-After"]) > 0
        assert response["Content-Type"] == "application/problem+json"

    def test_off_disables_a_throttle(self, client, settings):
        rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "anon": None}
        settings.REST_FRAMEWORK = {
            **settings.REST_FRAMEWORK,
            "DEFAULT_THROTTLE_RATES": rates,
        }
        assert all(
            client.get("/api/v1/providers/").status_code == 200 for _ in range(5)
        )


class SchemaTests:
    def test_schema_describes_every_endpoint(self, client):
        response = client.get("/api/schema/?format=json")
        assert response.status_code == 200
        paths = json.loads(response.content)["paths"]
        for path in ("/api/v1/lookup/", "/api/v1/lookups/{lookup_id}/feedback/",
                     "/api/v1/errors/", "/api/v1/errors/{provider}/{code}/",
                     "/api/v1/providers/", "/api/v1/categories/", "/api/v1/causes/"):  # fmt: skip
            assert path in paths, path

    def test_schema_validates_without_warnings(self, tmp_path):
        from django.core.management import call_command

        call_command("spectacular", "--validate", "--fail-on-warn",
                     "--file", str(tmp_path / "schema.yaml"))  # fmt: skip
        assert (tmp_path / "schema.yaml").stat().st_size > 10_000

    def test_docs_are_served_without_a_cdn(self, client):
        html = client.get("/api/docs/").content.decode()
        assert "swagger-ui" in html
        assert "cdn." not in html and "unpkg" not in html and "jsdelivr" not in html


class HealthTests:
    def test_healthz_touches_no_database(self, client, django_assert_num_queries):
        with django_assert_num_queries(0):
            assert client.get("/healthz").json() == {"status": "ok"}

    def test_readyz(self, client):
        assert client.get("/readyz").json()["checks"] == {
            "database": "ok",
            "cache": "ok",
        }

    def test_readyz_reports_a_broken_cache(self, client, settings):
        settings.CACHES = {"default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0"}}  # fmt: skip
        from django.core.cache import caches

        caches._settings = None
        try:
            response = client.get("/readyz")
        finally:
            caches._settings = None
        # The cache only accelerates: without it the process still serves.
        assert response.status_code == 200
        assert response.json()["status"] == "degraded"
        assert response.json()["checks"]["cache"].startswith("error: ")
