"""List parameters are honoured or refused, never silently ignored: page_size up to
its maximum, ordering and filter choices by name (api/pagination.py,
api/filters.py). A refusal is a 400 problem that names what is allowed."""

import pytest

from api.pagination import MAX_PAGE_SIZE
from tests.factories import make_category, make_error, make_provider

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"


@pytest.fixture
def errors():
    acme = make_provider(slug="acme", name="Acme")
    make_category(slug="rate_limit", name="Rate limiting")
    for status in (400, 404, 429):
        make_error(provider=acme, code=f"e{status}", http_status=status)


def refusal(response, parameter):
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["type"] == "/api/problems/validation"
    [message] = body["errors"][parameter]
    return message


class PageSizeTests:
    def test_page_size_sets_the_page(self, client, errors):
        body = client.get("/api/v1/errors/?page_size=2").json()
        assert len(body["results"]) == 2
        assert body["count"] == 3
        assert "page_size=2" in body["next"]

    def test_page_size_works_on_every_list(self, client, errors):
        for path in ("/api/v1/providers/", "/api/v1/categories/", "/api/v1/causes/"):
            assert client.get(f"{path}?page_size=1").status_code == 200, path

    def test_page_size_up_to_the_maximum(self, client, errors):
        assert (
            client.get(f"/api/v1/errors/?page_size={MAX_PAGE_SIZE}").status_code == 200
        )

    @pytest.mark.parametrize("size", [MAX_PAGE_SIZE + 1, 0, -1, "ten", "1.5"])
    def test_page_size_out_of_range_is_refused(self, client, errors, size):
        message = refusal(client.get(f"/api/v1/errors/?page_size={size}"), "page_size")
        assert f"1 to {MAX_PAGE_SIZE}" in message

    def test_empty_page_size_is_not_given(self, client, errors):
        assert len(client.get("/api/v1/errors/?page_size=").json()["results"]) == 3

    def test_page_size_is_documented_with_its_maximum(self, client):
        schema = client.get("/api/schema/?format=json").json()
        parameters = schema["paths"]["/api/v1/errors/"]["get"]["parameters"]
        page_size = next(p for p in parameters if p["name"] == "page_size")
        assert page_size["schema"]["maximum"] == MAX_PAGE_SIZE
        assert str(MAX_PAGE_SIZE) in page_size["description"]


class OrderingTests:
    def test_known_ordering_sorts(self, client, errors):
        results = client.get("/api/v1/errors/?ordering=-http_status").json()["results"]
        assert [e["http_status"] for e in results] == [429, 404, 400]

    def test_several_fields_are_accepted(self, client, errors):
        response = client.get("/api/v1/errors/?ordering=title,-code")
        assert response.status_code == 200

    @pytest.mark.parametrize("ordering", ["bogus", "-bogus", "code,bogus", "--code"])
    def test_unknown_ordering_is_refused_naming_the_fields(
        self, client, errors, ordering
    ):
        message = refusal(
            client.get(f"/api/v1/errors/?ordering={ordering}"), "ordering"
        )
        for field in ("http_status", "code", "title", "updated_at"):
            assert field in message

    def test_unknown_ordering_of_parts_is_refused(self, client):
        message = refusal(client.get("/api/v1/causes/?ordering=bogus"), "ordering")
        assert "position" in message

    def test_ordering_choices_are_documented(self, client):
        schema = client.get("/api/schema/?format=json").json()
        parameters = schema["paths"]["/api/v1/errors/"]["get"]["parameters"]
        ordering = next(p for p in parameters if p["name"] == "ordering")
        assert "updated_at" in ordering["description"]
        assert "updated_at" in ordering["schema"]["pattern"]


class FilterChoiceTests:
    @pytest.mark.parametrize("query, parameter, allowed", [
        ("provider=nosuch", "provider", "acme"),
        ("category=nosuch", "category", "rate_limit"),
        ("retryable=sometimes", "retryable", "always, conditional, never"),
        ("tier=gold", "tier", "curated, reference"),
        ("published=maybe", "published", "true, false"),
    ])  # fmt: skip
    def test_unknown_choice_is_refused_naming_the_choices(
        self, client, errors, query, parameter, allowed
    ):
        message = refusal(client.get(f"/api/v1/errors/?{query}"), parameter)
        assert allowed in message

    @pytest.mark.parametrize("query, count", [
        ("provider=acme", 3),
        ("category=rate_limit", 0),
        ("published=true", 3),
        ("published=false", 0),
        ("provider=", 3),
    ])  # fmt: skip
    def test_known_choices_filter(self, client, errors, query, count):
        response = client.get(f"/api/v1/errors/?{query}")
        assert response.status_code == 200
        assert response.json()["count"] == count

    def test_provider_filter_costs_no_more_than_a_page(
        self, client, errors, django_assert_max_num_queries
    ):
        with django_assert_max_num_queries(4):
            assert client.get("/api/v1/errors/?provider=acme").status_code == 200
