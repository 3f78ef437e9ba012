"""A NUL character (0x00) anywhere a visitor's text reaches a query is a 4xx, never a
500: PostgreSQL text cannot hold it. Run these on PostgreSQL to see the failure
they guard against; on SQLite they check the same answers."""

import uuid

import pytest
from django.contrib.auth.models import Permission, User
from rest_framework.authtoken.models import Token

from kb.models import ErrorCode, Provider
from tests.factories import make_error, make_fix, make_provider

PROBLEM = "application/problem+json"
GUARD = "kb.nul_guard.NulGuardMiddleware"

PAGES = [
    ("get", "/search/?q=a%00b"),
    ("get", "/errors/http/a%00b/"),
    ("get", "/errors/http/a%00b/checklist/"),
    ("post", "/errors/http/a%00b/feedback/"),
    ("get", "/providers/http/?category=a%00b"),
    ("get", "/providers/http/?q=a%00b"),
]
API = [
    ("get", "/api/v1/errors/http/a%00b/"),
    ("get", "/api/v1/providers/a%00b/"),
    ("get", "/api/v1/categories/a%00b/"),
    ("get", "/api/v1/errors/?search=a%00b"),
    ("get", "/api/v1/errors/?provider=a%00b"),
    ("get", "/api/v1/causes/?error=%00"),
    ("get", "/api/v1/lookup/?status=429&code=a%00b"),
    ("post", f"/api/v1/lookups/{uuid.uuid4()}/feedback/?fix=%00"),
]
CALLERS = ["anonymous", "token", "editor session"]


@pytest.fixture
def catalogue(db):
    http = make_provider(slug="http", name="HTTP")
    error = make_error(provider=http, code="429", http_status=429)
    make_fix(error)
    return error


@pytest.fixture
def editor(db):
    user = User.objects.create_user("editor", password="pw")
    for codename in ("add_errorcode", "change_errorcode", "add_provider",
                     "change_provider", "add_example", "add_cause"):  # fmt: skip
        user.user_permissions.add(Permission.objects.get(codename=codename))
    return user


@pytest.fixture
def as_caller(client, editor):
    """The client signed in (or not) as each kind of caller, and the headers that
    go with it."""

    def sign_in(caller: str) -> dict:
        if caller == "token":
            return {"HTTP_AUTHORIZATION": f"Token {Token.objects.create(user=editor)}"}
        if caller == "editor session":
            client.force_login(editor)
        return {}

    return sign_in


def send(client, method: str, url: str, headers: dict):
    if method == "post":
        return client.post(url, {"helped": "yes"}, **headers)
    return client.get(url, **headers)


def still_serves(client, headers):
    """The database connection is usable after the refusal."""
    assert client.get("/errors/http/429/", **headers).status_code == 200
    assert client.get("/api/v1/errors/http/429/", **headers).status_code == 200


class NulInAddressTests:
    @pytest.mark.parametrize("caller", CALLERS)
    @pytest.mark.parametrize("method, url", PAGES)
    def test_pages_answer_an_html_400(
        self, client, catalogue, as_caller, caller, method, url
    ):
        headers = as_caller(caller)
        response = send(client, method, url, headers)
        assert response.status_code == 400
        assert response["Content-Type"].startswith("text/html")
        assert b"could not read that request" in response.content
        still_serves(client, headers)

    @pytest.mark.parametrize("caller", CALLERS)
    @pytest.mark.parametrize("method, url", API)
    def test_the_api_answers_a_problem(
        self, client, catalogue, as_caller, caller, method, url
    ):
        headers = as_caller(caller)
        response = send(client, method, url, headers)
        assert response.status_code == 400
        assert response["Content-Type"] == PROBLEM
        assert "NUL" in response.json()["detail"]
        still_serves(client, headers)


class NulWhereTextReachesAQueryTests:
    """Behind the guard, the views themselves refuse NUL, so a request that reaches
    them some other way is still no 500."""

    @pytest.fixture(autouse=True)
    def _without_the_guard(self, settings):
        settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if m != GUARD]

    @pytest.mark.parametrize("caller", CALLERS)
    @pytest.mark.parametrize(
        "method, url",
        [
            ("get", "/errors/http/a%00b/"),
            ("get", "/errors/http/a%00b/checklist/"),
            ("post", "/errors/http/a%00b/feedback/"),
        ],
    )
    def test_an_error_page_is_404(
        self, client, catalogue, as_caller, caller, method, url
    ):
        headers = as_caller(caller)
        assert send(client, method, url, headers).status_code == 404
        still_serves(client, headers)

    @pytest.mark.parametrize("caller", CALLERS)
    def test_search_drops_the_nul(self, client, catalogue, as_caller, caller):
        headers = as_caller(caller)
        response = client.get("/search/?q=42%009", **headers)
        assert response.status_code == 302  # "429", the exact code
        assert response["Location"] == "/errors/http/429/"


class NulInApiBodiesTests:
    """Writes with an editor's token: every field that reaches the database."""

    @pytest.fixture
    def token(self, editor):
        return {"HTTP_AUTHORIZATION": f"Token {Token.objects.create(user=editor)}"}

    ENTRY = {"provider": "http", "code": "new_code", "title": "T", "summary": "S."}

    @pytest.mark.parametrize(
        "field, value",
        [
            ("provider", "\u0000x"),
            ("category", "\u0000"),
            ("code", "a\u0000b"),
            ("aliases", ["\u0000"]),
            ("sources", ["https://docs.example.com/\u0000"]),
        ],
    )
    def test_an_entry_field_with_nul_is_refused(
        self, client, catalogue, token, field, value
    ):
        body = {**self.ENTRY, field: value}
        response = client.post(
            "/api/v1/errors/", body, content_type="application/json", **token
        )
        assert response.status_code == 400
        assert response["Content-Type"] == PROBLEM
        assert field in response.json()["errors"]
        assert not ErrorCode.objects.filter(code_key="new_code").exists()
        still_serves(client, token)

    def test_a_provider_with_nul_in_a_list_is_refused(self, client, catalogue, token):
        body = {"slug": "acme", "name": "Acme", "api_hosts": ["api.\u0000acme.test"]}
        response = client.post(
            "/api/v1/providers/", body, content_type="application/json", **token
        )
        assert response.status_code == 400
        assert "api_hosts" in response.json()["errors"]
        assert not Provider.objects.filter(slug="acme").exists()

    def test_a_header_map_with_nul_is_refused(self, client, catalogue, token):
        body = {"error": catalogue.pk, "http_status": 429, "source": "RFC 6585",
                "headers": {"Retry-\u0000After": "1"}}  # fmt: skip
        response = client.post(
            "/api/v1/examples/", body, content_type="application/json", **token
        )
        assert response.status_code == 400
        assert "headers" in response.json()["errors"]
        still_serves(client, token)

    def test_a_part_with_nul_is_refused(self, client, catalogue, token):
        body = {"error": catalogue.pk, "text": "a\u0000b", "likelihood": 3}
        response = client.post(
            "/api/v1/causes/", body, content_type="application/json", **token
        )
        assert response.status_code == 400
        assert "text" in response.json()["errors"]

    @pytest.mark.parametrize("caller", ["anonymous", "token"])
    def test_lookup_feedback_with_nul_is_refused(
        self, client, catalogue, token, caller
    ):
        headers = token if caller == "token" else {}
        answer = client.post(
            "/api/v1/lookup/", {"status": 429, "provider": "http"},
            content_type="application/json", **headers,
        ).json()  # fmt: skip
        response = client.post(
            f"/api/v1/lookups/{answer['lookup_id']}/feedback/",
            {"helped": True, "fix": "\u0000"},
            content_type="application/json",
            **headers,
        )
        assert response.status_code == 400
        assert response["Content-Type"] == PROBLEM

    @pytest.mark.parametrize("caller", ["anonymous", "token"])
    def test_lookup_with_nul_in_the_provider_is_refused(
        self, client, catalogue, token, caller
    ):
        headers = token if caller == "token" else {}
        response = client.post(
            "/api/v1/lookup/", {"status": 429, "provider": "\u0000x"},
            content_type="application/json", **headers,
        )  # fmt: skip
        assert response.status_code == 400
        assert "provider" in response.json()["errors"]
