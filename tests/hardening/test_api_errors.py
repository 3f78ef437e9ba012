"""Every /api/ error answer is problem+json, and an outage of the database is a 503
with Retry-After, there and on the pages (api/problems.py, config/urls.py)."""

from unittest import mock

import pytest
from django.db import InterfaceError, OperationalError, ProgrammingError, connections
from django.test import Client

from api import views
from tests.factories import make_error, make_provider

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"


@pytest.fixture
def visitor():
    """A client that gets the answer a visitor would get when a view raises,
    instead of the exception."""
    return Client(raise_request_exception=False)


@pytest.fixture
def http_429():
    return make_error(provider=make_provider(slug="http"), code="429", http_status=429)


def database_down(error=OperationalError):
    """Every new cursor fails as it does when PostgreSQL is unreachable."""
    wrapper = type(connections["default"])
    failure = error("could not connect to server: Connection refused")
    return mock.patch.object(wrapper, "create_cursor", side_effect=failure)


def assert_problem(response, status: int) -> dict:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["status"] == status
    assert body["title"] and body["detail"]
    return body


class UnknownRouteTests:
    @pytest.mark.parametrize("path", ["/api/v1/nothing-here/", "/api/v2/errors/",
                                      "/api/v1/errors/http/429/x/y/"])  # fmt: skip
    def test_unknown_api_route_is_a_404_problem(self, client, path):
        assert_problem(client.get(path), 404)

    def test_unknown_page_is_still_the_html_page(self, client):
        response = client.get("/no-such-page/")
        assert response.status_code == 404
        assert response["Content-Type"].startswith("text/html")
        assert b"404: no page here" in response.content

    def test_wrong_method_is_a_405_problem(self, client):
        body = assert_problem(client.delete("/api/v1/lookup/"), 405)
        assert "DELETE" in body["detail"]


class ServerErrorTests:
    def test_a_view_that_raises_is_a_500_problem_without_details(self, visitor):
        failure = RuntimeError("internal detail: token=abc123")
        with mock.patch.object(views.ProviderViewSet, "list", side_effect=failure):
            response = visitor.get("/api/v1/providers/")
        body = assert_problem(response, 500)
        assert "abc123" not in response.content.decode()
        assert body["type"] == "about:blank"
        assert "Retry-After" not in response

    def test_a_bug_in_a_query_is_a_500_not_a_503(self, visitor):
        with database_down(ProgrammingError):
            response = visitor.get("/api/v1/errors/")
        assert_problem(response, 500)


class DatabaseOutageTests:
    @pytest.mark.parametrize("error", [OperationalError, InterfaceError])
    def test_api_read_is_a_503_problem_with_retry_after(self, visitor, error):
        with database_down(error):
            response = visitor.get("/api/v1/errors/")
        body = assert_problem(response, 503)
        assert body["type"] == "/api/problems/unavailable"
        assert int(response["Retry-After"]) > 0

    def test_lookup_is_a_503_when_its_index_cannot_be_read(self, visitor, http_429):
        with database_down():
            response = visitor.post("/api/v1/lookup/", {"status": 429},
                                    content_type="application/json")  # fmt: skip
        assert_problem(response, 503)
        assert int(response["Retry-After"]) > 0

    def test_feedback_is_a_503(self, visitor):
        url = "/api/v1/lookups/7b0e4f0e-9a53-4a53-9a55-3c5f3a0d2c11/feedback/"
        with database_down():
            response = visitor.post(
                url, {"helped": True}, content_type="application/json"
            )
        assert_problem(response, 503)
        assert int(response["Retry-After"]) > 0

    def test_outage_type_is_documented(self, client):
        response = client.get("/api/problems/unavailable")
        assert response.status_code == 200
        assert "Retry-After" in response.json()["description"]

    def test_page_is_a_503_html_page_with_retry_after(self, visitor, http_429):
        with database_down():
            response = visitor.get("/errors/http/429/")
        assert response.status_code == 503
        assert response["Content-Type"].startswith("text/html")
        assert int(response["Retry-After"]) > 0
        assert b"briefly unavailable" in response.content
