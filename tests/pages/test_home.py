"""The home page."""

from kb.models import Guide, LookupEvent
from tests.factories import make_cause, make_fix

HOME_QUERIES = 10


class HomeTests:
    def test_search_box_has_focus(self, client, small_kb):
        html = client.get("/").content.decode()
        assert 'role="search"' in html
        assert 'id="q" type="search" name="q"' in html and "autofocus" in html

    def test_categories_and_providers_with_published_counts(self, client, small_kb):
        response = client.get("/")
        providers = {p.slug: p.error_count for p in response.context["providers"]}
        categories = {c.slug: c.error_count for c in response.context["categories"]}
        assert providers == {"http": 3, "stripe": 3}  # the draft is not counted
        assert categories == {"rate_limit": 2, "payment": 1}

    def test_common_errors_follow_lookups(self, client, small_kb):
        for _ in range(3):
            LookupEvent.objects.create(
                http_status=402, matched=small_kb["card_declined"], fingerprint="x"
            )
        LookupEvent.objects.create(
            http_status=402, matched=small_kb["draft"], fingerprint="y"
        )
        common = client.get("/").context["common"]
        assert common[0] == small_kb["card_declined"]
        assert small_kb["draft"] not in common
        assert len(common) == 5  # topped up with the other published 4xx and 5xx

    def test_troubleshooting_table_comes_from_the_entries(self, client, small_kb):
        error = small_kb["429"]
        make_cause(error, text="Bursts above the limit.", likelihood=1)
        make_cause(error, text="Too many workers share one key.", likelihood=3)
        make_fix(error, text="Slow down the workers.", difficulty=3)
        make_fix(error, text="Honour Retry-After.", difficulty=1)
        html = client.get("/").content.decode()
        row = html[html.index("<tbody>") :]
        assert "429 Too Many Requests" in row
        assert "Too many workers share one key." in row
        assert "Honour Retry-After." in row
        assert "Bursts above the limit." not in row

    def test_guides_are_listed(self, client, small_kb):
        Guide.objects.create(slug="g", title="Idempotency keys", summary="s", body="b",
                             state="published")  # fmt: skip
        Guide.objects.create(slug="d", title="Draft guide", summary="s", body="b")
        html = client.get("/").content.decode()
        assert "Idempotency keys" in html and "Draft guide" not in html

    def test_query_count(self, client, small_kb, django_assert_max_num_queries):
        for error in small_kb.values():
            if hasattr(error, "code"):
                make_cause(error)
                make_fix(error)
        with django_assert_max_num_queries(HOME_QUERIES):
            assert client.get("/").status_code == 200

    def test_empty_knowledge_base(self, client, db):
        assert client.get("/").status_code == 200
