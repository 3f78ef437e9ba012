"""?search= on /api/v1/errors/: the same queryset method and order as the search
page, on every database."""

import pytest

from tests.factories import make_error
from tests.pages.test_search import search_catalogue

# Count, the page of results, and search() asking whether every word is found.
SEARCH_QUERIES = 3


@pytest.fixture
def catalogue(db):
    return search_catalogue()


def api_search(client, query: str, **params) -> list[dict]:
    response = client.get("/api/v1/errors/", {"search": query, **params})
    assert response.status_code == 200, response.content
    return response.json()["results"]


def page_first(client, query: str) -> str:
    """The URL the search page leads to first: the one entry it redirects to, or
    its first result."""
    response = client.get("/search/", {"q": query})
    if response.status_code == 302:
        return response["Location"]
    return response.context["results"][0].get_absolute_url()


class SearchApiTests:
    def test_results_come_best_first(self, client, catalogue):
        found = [e["code"] for e in api_search(client, "rate limit")]
        assert found[:3] == ["429", "rate_limit_exceeded", "ThrottlingException"]

    def test_a_status_lists_the_generic_entry_then_the_providers(
        self, client, catalogue
    ):
        found = [(e["provider"], e["code"]) for e in api_search(client, "429")]
        assert found[:2] == [("http", "429"), ("openai", "rate_limit_exceeded")]

    @pytest.mark.parametrize(
        ("query", "expected"),
        [
            ("rate limt", ["429", "rate_limit_exceeded"]),
            ("card declned", ["card_declined"]),
        ],
    )
    def test_typos_are_forgiven(self, client, catalogue, query, expected):
        found = [e["code"] for e in api_search(client, query)]
        assert found[: len(expected)] == expected, found

    def test_ordering_still_wins_when_asked(self, client, catalogue):
        found = api_search(client, "rate", ordering="http_status")
        assert [e["http_status"] for e in found] == [400, 429, 429]

    def test_drafts_are_not_found(self, client, catalogue):
        assert "secret_draft" not in {e["code"] for e in api_search(client, "draft")}

    def test_query_count(self, client, catalogue, django_assert_max_num_queries):
        with django_assert_max_num_queries(SEARCH_QUERIES):
            assert api_search(client, "bad gateway")
        # A typo costs the catalogue's words (once per version) and another try.
        with django_assert_max_num_queries(SEARCH_QUERIES + 2):
            assert api_search(client, "bad gatway")


class SearchParityTests:
    """The search page and the API answer a query with the same entry first."""

    @pytest.mark.parametrize(
        "query",
        ["rate limit", "429", "bad gateway", "502", "rate limt", "card declned"],
    )
    def test_page_and_api_agree(self, client, catalogue, query):
        assert page_first(client, query) == api_search(client, query)[0]["url"]

    @pytest.mark.parametrize(
        ("query", "expected"),
        [
            ("rate limit", "/errors/http/429/"),
            ("429", "/errors/http/429/"),
            ("bad gateway", "/errors/http/502/"),
        ],
    )
    def test_the_generic_entry_leads(self, client, catalogue, query, expected):
        assert page_first(client, query) == expected

    def test_a_code_two_providers_share(self, client, catalogue):
        openai = catalogue["rate_limit_exceeded"].provider
        make_error(provider=openai, code="429", http_status=429, title="OpenAI 429")
        found = [e["url"] for e in api_search(client, "429")]
        assert found[:2] == ["/errors/http/429/", "/errors/openai/429/"]
        assert page_first(client, "429") == found[0]
