"""The search page and ErrorCodeQuerySet.search()."""

import pytest

from kb.models import ErrorCode
from tests.factories import make_category, make_error, make_provider


@pytest.fixture
def catalogue(db):
    return search_catalogue()


def search_catalogue() -> dict[str, ErrorCode]:
    """A few entries of five providers, the HTTP registry's generic ones among
    them; the API's search tests use it too."""
    http = make_provider(slug="http", name="HTTP", position=0, generic=True)
    stripe = make_provider(slug="stripe", name="Stripe")
    aws = make_provider(slug="aws", name="AWS")
    heroku = make_provider(slug="heroku", name="Heroku")
    openai = make_provider(slug="openai", name="OpenAI")
    limits = make_category(slug="rate_limit", name="Rate limiting")
    return {
        "429": make_error(
            provider=http,
            code="429",
            http_status=429,
            category=limits,
            title="429 Too Many Requests",
            summary="You sent too many requests in a given time: you hit a rate limit.",
        ),
        "502": make_error(
            provider=http,
            code="502",
            http_status=502,
            title="502 Bad Gateway",
            summary="A proxy got an invalid answer from the server behind it.",
        ),
        "BadGatewayException": make_error(
            provider=aws,
            code="BadGatewayException",
            http_status=502,
            title="BadGatewayException — Bad gateway",
            summary="API Gateway got an invalid answer from the integration.",
        ),
        "404": make_error(
            provider=http,
            code="404",
            http_status=404,
            title="404 Not Found",
            summary="The server has no resource at this URL.",
        ),
        "card_declined": make_error(
            provider=stripe,
            code="card_declined",
            http_status=402,
            title="card_declined — The card was declined",
            summary="The issuer refused the charge. Ask the customer for another card.",
        ),
        "expired_card": make_error(
            provider=stripe,
            code="expired_card",
            http_status=402,
            title="expired_card — The card has expired",
            summary="The card is past its expiry date.",
        ),
        "ThrottlingException": make_error(
            provider=aws,
            code="ThrottlingException",
            http_status=400,
            title="ThrottlingException — Rate exceeded",
            summary="AWS throttled the call: the request rate is above the limit.",
        ),
        "H12": make_error(
            provider=heroku,
            code="H12",
            http_status=503,
            title="H12 — Request timeout",
            summary="The router gave up after 30 seconds without a response.",
        ),
        "rate_limit_exceeded": make_error(
            provider=openai,
            code="rate_limit_exceeded",
            http_status=429,
            title="rate_limit_exceeded — Rate limit reached",
            summary="Too many requests or tokens per minute for your organisation.",
        ),
        "draft": make_error(
            provider=openai,
            code="secret_draft",
            title="A draft about rate limits",
            state="draft",
        ),
    }


def codes(queryset) -> list[str]:
    return [e.code for e in queryset]


class SearchQuerySetTests:
    @pytest.mark.parametrize(
        "query", ["429", "H12", "card_declined", "h12", "CARD_DECLINED"]
    )
    def test_exact_code_comes_first(self, catalogue, query):
        assert codes(ErrorCode.objects.search(query))[0].lower() == query.lower()

    def test_exact_code_helper_accepts_provider_prefix(self, catalogue):
        for query in ["stripe/card_declined", "stripe card_declined", "card_declined"]:
            assert codes(ErrorCode.objects.exact_code(query)) == ["card_declined"]

    def test_exact_code_helper_ignores_prose(self, catalogue):
        assert not ErrorCode.objects.exact_code("card was declined").exists()
        assert not ErrorCode.objects.exact_code("").exists()

    def test_substring_of_code_and_title(self, catalogue):
        assert "card_declined" in codes(ErrorCode.objects.search("declined"))
        assert "H12" in codes(ErrorCode.objects.search("timeout"))

    def test_words_are_matched_across_fields(self, catalogue):
        found = codes(ErrorCode.objects.search("card expired"))
        assert found[0] == "expired_card"

    def test_published_only_when_chained(self, catalogue):
        assert "secret_draft" not in codes(ErrorCode.objects.published().search("rate"))
        assert "secret_draft" in codes(ErrorCode.objects.search("draft"))

    def test_blank_query_finds_nothing(self, catalogue):
        assert not ErrorCode.objects.search("  ").exists()
        assert not ErrorCode.objects.search("!!!").exists()

    @pytest.mark.parametrize(
        ("query", "expected"),
        [
            ("ratelimit", "rate_limit_exceeded"),
            ("rate limt", "rate_limit_exceeded"),
            ("ThrottlingExeption", "ThrottlingException"),
            ("throttling exception", "ThrottlingException"),
            ("card declned", "card_declined"),
            ("too many requests", "429"),
            ("issuer refused the charge", "card_declined"),
        ],
    )
    def test_typos_and_prose_find_the_entry(self, catalogue, query, expected):
        found = codes(ErrorCode.objects.published().search(query))
        assert expected in found[:2], found

    @pytest.mark.parametrize(
        ("query", "expected"),
        [
            ("rate limt", ["429", "rate_limit_exceeded"]),
            ("card declned", ["card_declined"]),
            ("CARD DECLNED", ["card_declined"]),
            ("carddeclined", ["card_declined"]),
        ],
    )
    def test_typos_rank_as_the_words_meant(self, catalogue, query, expected):
        found = codes(ErrorCode.objects.published().search(query))
        assert found[: len(expected)] == expected, found

    def test_generic_entry_first_then_title_over_body(self, catalogue):
        found = codes(ErrorCode.objects.published().search("rate limit"))
        assert found[:3] == ["429", "rate_limit_exceeded", "ThrottlingException"]

    @pytest.mark.parametrize(
        ("query", "expected"),
        [
            ("429", ["429", "rate_limit_exceeded"]),
            ("bad gateway", ["502", "BadGatewayException"]),
            ("Bad Gateway", ["502", "BadGatewayException"]),
            ("502", ["502", "BadGatewayException"]),
        ],
    )
    def test_status_or_concept_puts_the_generic_entry_first(
        self, catalogue, query, expected
    ):
        """Then the providers' own entries; for a status, those answered with it
        even when their text does not say it."""
        found = codes(ErrorCode.objects.published().search(query))
        assert found[:2] == expected, found

    def test_generic_entry_needs_the_concept_in_its_title_or_category(self, catalogue):
        make_error(provider=catalogue["429"].provider, code="402", http_status=402,
                   title="402 Payment Required",
                   summary="Read the body for the reason, such as a declined card.")  # fmt: skip
        found = codes(ErrorCode.objects.published().search("card declined"))
        assert found[0] == "card_declined", found


class SpellingTests:
    @pytest.mark.parametrize(
        ("query", "expected"),
        [
            ("rate limt", "rate limit"),
            ("card declned", "card declined"),
            ("ThrottlingExeption", "throttlingexception"),
            ("rate limit", ""),
            ("h13", ""),
            ("zzzzqqq", ""),
        ],
    )
    def test_respells_after_the_catalogue(self, catalogue, query, expected):
        assert ErrorCode.objects.spelling(query) == expected

    def test_drafts_lend_no_words(self, catalogue):
        make_error(provider=catalogue["429"].provider, code="secret",
                   title="Quuxification failed", state="draft")  # fmt: skip
        assert ErrorCode.objects.spelling("quuxificatio") == ""

    def test_words_of_a_new_entry_count_at_once(self, catalogue):
        assert ErrorCode.objects.spelling("quuxificatio") == ""
        make_error(provider=catalogue["429"].provider, code="new",
                   title="Quuxification failed", state="published")  # fmt: skip
        assert ErrorCode.objects.spelling("quuxificatio") == "quuxification"


SEARCH_QUERIES = 5


class SearchPageTests:
    def test_exact_code_redirects_to_the_entry(self, client, catalogue):
        response = client.get("/search/", {"q": "H12"})
        assert response.status_code == 302
        assert response["Location"] == "/errors/heroku/H12/"
        response = client.get("/search/", {"q": "stripe/card_declined"})
        assert response["Location"] == "/errors/stripe/card_declined/"

    def test_results(self, client, catalogue, django_assert_max_num_queries):
        with django_assert_max_num_queries(SEARCH_QUERIES):
            response = client.get("/search/", {"q": "card"})
        html = response.content.decode()
        assert "card_declined — The card was declined" in html
        assert "expired_card — The card has expired" in html
        assert '<meta name="robots" content="noindex">' in html

    @pytest.mark.parametrize(
        ("query", "first", "spelling"),
        [
            ("rate limt", "/errors/http/429/", "rate+limit"),
            ("card declned", "/errors/stripe/card_declined/", "card+declined"),
        ],
    )
    def test_typo_finds_the_entry_and_offers_the_spelling(
        self, client, catalogue, django_assert_max_num_queries, query, first, spelling
    ):
        # A typo costs one more try of search(), and the catalogue's words once.
        with django_assert_max_num_queries(SEARCH_QUERIES + 1):
            response = client.get("/search/", {"q": query})
        assert response.context["results"][0].get_absolute_url() == first
        html = response.content.decode()
        assert "Did you mean" in html and f'href="?q={spelling}"' in html

    def test_no_spelling_offered_for_known_words(self, client, catalogue):
        html = client.get("/search/", {"q": "rate limit"}).content.decode()
        assert "Did you mean" not in html

    def test_a_code_two_providers_share_lists_both_first(self, client, catalogue):
        from tests.factories import make_error

        make_error(provider=catalogue["429"].provider.__class__.objects.get(slug="openai"),
                   code="429", http_status=429, title="OpenAI 429")  # fmt: skip
        response = client.get("/search/", {"q": "429"})
        assert response.status_code == 200
        assert {e.code for e in response.context["results"][:2]} == {"429"}

    def test_drafts_are_not_found(self, client, catalogue):
        response = client.get("/search/", {"q": "secret_draft"})
        assert response.status_code == 200
        assert "A draft about" not in response.content.decode()

    def test_empty_query_helps(self, client, catalogue, django_assert_max_num_queries):
        with django_assert_max_num_queries(SEARCH_QUERIES):
            html = client.get("/search/").content.decode()
        assert "autofocus" in html and "/diagnose/" in html

    def test_no_results_help(self, client, catalogue):
        html = client.get("/search/", {"q": "zzzzqqq"}).content.decode()
        assert "No errors match" in html
        assert "/diagnose/" in html and "?q=429" in html

    def test_provider_names_are_suggested(self, client, catalogue):
        html = client.get("/search/", {"q": "stripe"}).content.decode()
        assert 'href="/providers/stripe/"' in html

    def test_long_and_odd_queries_are_safe(self, client, catalogue):
        for query in [
            "x" * 5000,
            "'; drop table kb_errorcode; --",
            "<script>",
            "a/b/c",
            "-",
        ]:
            assert client.get("/search/", {"q": query}).status_code == 200
