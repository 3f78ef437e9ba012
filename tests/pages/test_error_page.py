"""The error page, its checklist and its feedback form."""

import pytest
from django.urls import reverse

from kb.models import Example, Feedback, Guide
from tests.factories import (
    make_cause,
    make_error,
    make_faq,
    make_fix,
    make_full_error,
    make_note,
    make_step,
)
from tests.pages.conftest import json_ld

# Error, guides, the content version, and one per prefetched relation: constant
# however many parts the entry has.
ERROR_PAGE_QUERIES = 11


@pytest.fixture
def entry(small_kb):
    error = small_kb["429"]
    error.meaning = "The server is **rate limiting** you."
    error.symptoms = "Bursts of 429s at the top of the minute."
    error.retry_notes = "Honour `Retry-After`."
    error.sources = ["https://www.rfc-editor.org/rfc/rfc6585#section-4"]
    error.playbook_minutes_min, error.playbook_minutes_max = 10, 30
    error.save()
    make_cause(error, text="You send bursts above the limit.", likelihood=3)
    make_cause(error, text="A shared key is used by another job.", likelihood=1)
    make_fix(error, text="Add client-side throttling.", difficulty=2)
    make_fix(error, text="Honour Retry-After before retrying.", difficulty=1)
    make_step(
        error,
        title="Read the Retry-After header",
        body="Log it.",
        tip="It may be a date.",
    )
    make_step(error, title="Confirm the fix", body="Watch the 429 rate.")
    make_faq(error, question="Should I retry a 429?", answer="Yes, after the wait.")
    make_note(error, kind="warning", text="Never retry in a tight loop.")
    Example.objects.create(
        error=error,
        title="A 429 with Retry-After",
        http_status=429,
        headers={"Retry-After": "30"},
        body='{"error": "too many"}',
        source="https://example.org/docs",
    )
    error.related.add(small_kb["rate_limit"], small_kb["draft"])
    guide = Guide.objects.create(
        slug="backoff", title="Backoff with jitter", summary="How to wait.",
        body="Wait longer each time.", state="published",
    )  # fmt: skip
    guide.errors.add(error)
    return error


class ErrorPageTests:
    def test_every_section_renders(self, client, entry):
        response = client.get("/errors/http/429/")
        assert response.status_code == 200
        html = response.content.decode()
        for text in [
            "<h1>429 Too Many Requests</h1>",
            "Quick answer",
            "<strong>rate limiting</strong>",
            "Bursts of 429s",
            "high likelihood",
            "low likelihood",
            'class="badge difficulty-easy"',
            'id="step-1"',
            "It may be a date.",
            "Estimated time: <strong>10–30 minutes</strong>",
            "Should I retry a 429?",
            "note-warning",
            "Retry guidance",
            "Honour <code>Retry-After</code>",
            "rate_limit — Too many requests",
            "Backoff with jitter",
            "https://www.rfc-editor.org/rfc/rfc6585#section-4",
            "Last updated",
            "/api/v1/errors/http/429/",
            "Was this helpful?",
            "Retry-After: 30",
            "?example=",
        ]:
            assert text in html, text

    def test_causes_by_likelihood_and_fixes_easiest_first(self, client, entry):
        html = client.get("/errors/http/429/").content.decode()
        assert html.index("You send bursts") < html.index("A shared key")
        assert html.index("Honour Retry-After before") < html.index(
            "client-side throttling"
        )

    def test_related_drafts_are_not_linked(self, client, entry):
        assert "A draft entry" not in client.get("/errors/http/429/").content.decode()

    def test_json_ld_faq_and_howto(self, client, entry):
        documents = {
            d["@type"]: d
            for d in json_ld(client.get("/errors/http/429/").content.decode())
        }
        assert documents["FAQPage"]["mainEntity"][0]["name"] == "Should I retry a 429?"
        howto = documents["HowTo"]
        assert howto["totalTime"] == "PT30M"
        assert [s["name"] for s in howto["step"]][0] == "Read the Retry-After header"

    def test_json_ld_cannot_close_its_script(self, client, small_kb):
        error = small_kb["400"]
        make_faq(error, question="</script><script>alert(1)</script>?", answer="x")
        html = client.get(error.get_absolute_url()).content.decode()
        assert "</script><script>alert(1)" not in html
        assert json_ld(html)[0]["mainEntity"][0]["name"].startswith("</script>")

    def test_meta_and_canonical(self, client, entry):
        html = client.get("/errors/http/429/").content.decode()
        assert "<title>429 Too Many Requests — HTTP — ErrorKB</title>" in html
        assert '<meta name="description" content="Something went wrong.' in html
        assert (
            '<link rel="canonical" href="http://testserver/errors/http/429/">' in html
        )

    def test_code_in_another_case_redirects_to_the_canonical_url(
        self, client, small_kb
    ):
        response = client.get("/errors/stripe/CARD_DECLINED/")
        assert response.status_code == 301
        assert response["Location"] == "/errors/stripe/card_declined/"

    def test_unknown_error_is_404(self, client, small_kb):
        response = client.get("/errors/http/999/")
        assert response.status_code == 404
        assert "no page here" in response.content.decode()

    def test_drafts_are_hidden_from_the_public(self, client, small_kb):
        assert client.get("/errors/stripe/secret_draft/").status_code == 404

    def test_staff_see_drafts_with_a_banner(self, staff_client, small_kb):
        response = staff_client.get("/errors/stripe/secret_draft/")
        assert response.status_code == 200
        assert "Only staff can see this entry" in response.content.decode()
        assert "private" in response["Cache-Control"]

    @pytest.mark.parametrize("parts", [1, 50])
    def test_query_count_is_constant(
        self, db, client, django_assert_max_num_queries, parts
    ):
        error = make_full_error(
            parts=parts, playbook_minutes_min=5, playbook_minutes_max=9
        )
        error.related.add(make_error(provider=error.provider))
        with django_assert_max_num_queries(ERROR_PAGE_QUERIES):
            response = client.get(error.get_absolute_url())
        assert response.status_code == 200
        assert response.content.decode().count('class="badge likelihood-') == parts


class ErrorPageCachingTests:
    def test_revalidation_answers_304(
        self, client, entry, django_assert_max_num_queries
    ):
        first = client.get("/errors/http/429/")
        assert first["ETag"]
        assert "public" in first["Cache-Control"]
        with django_assert_max_num_queries(0):
            again = client.get("/errors/http/429/", HTTP_IF_NONE_MATCH=first["ETag"])
        assert again.status_code == 304

    def test_served_from_the_cache_until_an_entry_changes(
        self, client, entry, django_assert_max_num_queries
    ):
        first = client.get("/errors/http/429/")
        with django_assert_max_num_queries(1):
            assert client.get("/errors/http/429/").content == first.content
        entry.summary = "A brand new quick answer."
        entry.save()
        second = client.get("/errors/http/429/", HTTP_IF_NONE_MATCH=first["ETag"])
        assert second.status_code == 200
        assert second["ETag"] != first["ETag"]
        assert "A brand new quick answer." in second.content.decode()

    def test_editing_a_part_invalidates_the_page(self, client, entry):
        first = client.get("/errors/http/429/")
        cause = entry.causes.first()
        cause.text = "An entirely different cause."
        cause.save()
        second = client.get("/errors/http/429/", HTTP_IF_NONE_MATCH=first["ETag"])
        assert second.status_code == 200
        assert "An entirely different cause." in second.content.decode()


class ChecklistTests:
    def test_steps_as_checkboxes(self, client, entry, django_assert_max_num_queries):
        with django_assert_max_num_queries(5):
            response = client.get(reverse("kb:error_checklist", args=["http", "429"]))
        html = response.content.decode()
        assert html.count('type="checkbox"') == 2
        assert "Read the Retry-After header" in html
        assert '<meta name="robots" content="noindex">' in html


class FeedbackTests:
    url = "/errors/http/429/feedback/"

    def test_works_without_javascript(self, client, entry):
        response = client.post(self.url, {"helped": "yes"})
        assert response.status_code == 303
        assert response["Location"] == "/errors/http/429/?feedback=thanks#feedback"
        assert Feedback.objects.get().helped is True
        page = client.get(response["Location"]).content.decode()
        assert "Thank you" in page

    def test_answers_json_to_scripts(self, client, entry):
        response = client.post(
            self.url, {"helped": "no"}, HTTP_ACCEPT="application/json"
        )
        assert response.status_code == 201
        assert Feedback.objects.get().helped is False

    def test_feedback_for_one_fix(self, client, entry):
        fix = entry.fixes.first()
        client.post(self.url, {"helped": "yes", "fix": fix.pk})
        assert Feedback.objects.get().fix == fix

    def test_a_fix_of_another_error_is_ignored(self, client, entry, small_kb):
        other = make_fix(small_kb["400"])
        client.post(self.url, {"helped": "yes", "fix": other.pk})
        assert Feedback.objects.get().fix is None

    def test_bad_input_is_a_friendly_400(self, client, entry):
        response = client.post(self.url, {"helped": "maybe"})
        assert response.status_code == 400
        assert Feedback.objects.count() == 0

    def test_get_is_not_allowed(self, client, entry):
        assert client.get(self.url).status_code == 405

    def test_not_on_drafts(self, client, small_kb):
        response = client.post(
            "/errors/stripe/secret_draft/feedback/", {"helped": "yes"}
        )
        assert response.status_code == 404
