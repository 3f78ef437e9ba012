"""Provider, category and guide pages."""

from kb.models import Guide

LIST_QUERIES = 6


class ProviderPageTests:
    def test_grouped_by_status_then_code(self, client, small_kb):
        html = client.get("/providers/stripe/").content.decode()
        assert (
            html.index("HTTP 402")
            < html.index("HTTP 429")
            < html.index("Without an HTTP")
        )
        assert "card_declined — The card was declined" in html
        assert "A draft entry" not in html

    def test_filters(self, client, small_kb):
        response = client.get("/providers/http/", {"status": "5"})
        assert [e.code for e in response.context["errors"]] == ["503"]
        response = client.get("/providers/http/", {"retryable": "never"})
        assert [e.code for e in response.context["errors"]] == ["400"]
        response = client.get("/providers/http/", {"category": "rate_limit"})
        assert [e.code for e in response.context["errors"]] == ["429"]

    def test_bad_filter_values_are_ignored(self, client, small_kb):
        response = client.get("/providers/http/", {"status": "9", "category": "nope"})
        assert response.status_code == 200
        assert len(response.context["errors"]) == 3

    def test_staff_see_drafts(self, staff_client, small_kb):
        html = staff_client.get("/providers/stripe/").content.decode()
        assert "A draft entry" in html and "badge-draft" in html

    def test_unknown_provider_is_404(self, client, small_kb):
        assert client.get("/providers/nope/").status_code == 404

    def test_query_count(self, client, small_kb, django_assert_max_num_queries):
        with django_assert_max_num_queries(LIST_QUERIES):
            assert client.get("/providers/stripe/", {"status": "4"}).status_code == 200


class CategoryPageTests:
    def test_grouped_by_provider(self, client, small_kb):
        html = client.get("/categories/rate_limit/").content.decode()
        assert html.index(">HTTP<") < html.index(">Stripe<")
        assert "429 Too Many Requests" in html and "rate_limit — Too many" in html

    def test_filter_by_provider(self, client, small_kb):
        response = client.get("/categories/rate_limit/", {"provider": "stripe"})
        assert [e.code for e in response.context["errors"]] == ["rate_limit"]

    def test_links_its_guides(self, client, small_kb):
        guide = Guide.objects.create(slug="backoff", title="Backing off", summary="s",
                                     body="b", state="published")  # fmt: skip
        guide.categories.add(small_kb["rate"])
        assert "Backing off" in client.get("/categories/rate_limit/").content.decode()

    def test_query_count(self, client, small_kb, django_assert_max_num_queries):
        with django_assert_max_num_queries(LIST_QUERIES + 1):
            assert client.get("/categories/rate_limit/").status_code == 200


class GuidePageTests:
    def make_guide(self, small_kb, **kwargs):
        kwargs.setdefault("state", "published")
        guide = Guide.objects.create(slug="keys", title="Idempotency keys", summary="Why.",
                                     body="Send **one** key per operation.", **kwargs)  # fmt: skip
        guide.errors.add(small_kb["card_declined"], small_kb["draft"])
        guide.categories.add(small_kb["payment"])
        return guide

    def test_renders_with_what_it_concerns(
        self, client, small_kb, django_assert_max_num_queries
    ):
        self.make_guide(small_kb)
        with django_assert_max_num_queries(5):
            html = client.get("/guides/keys/").content.decode()
        assert "<strong>one</strong>" in html
        assert "card_declined — The card was declined" in html
        assert "A draft entry" not in html
        assert ">Payment<" in html

    def test_draft_guides_are_staff_only(self, client, staff_client, small_kb):
        self.make_guide(small_kb, state="draft")
        from django.test import Client

        assert Client().get("/guides/keys/").status_code == 404
        assert (
            "Only staff can see" in staff_client.get("/guides/keys/").content.decode()
        )
