"""The Diagnose form: the lookup engine's answer rendered as a page."""

import json

import pytest

from kb import events
from kb.models import ErrorCode, Example
from tests.pages.kb_sample import load_sample

DIAGNOSE_QUERIES = 14


@pytest.fixture
def sample_kb(db, tmp_path):
    load_sample(tmp_path)
    yield
    # Write the lookups this test recorded inside its own transaction: kb.events
    # buffers them per process, and a later test must not flush rows that refer
    # to entries rolled back with this one.
    events.flush()


@pytest.fixture
def quota_example(sample_kb):
    return Example.objects.get(error__code="insufficient_quota")


def form_data(example: Example, **overrides) -> dict:
    headers = "\n".join(f"{k}: {v}" for k, v in example.headers.items())
    data = {"status": example.http_status, "headers": headers, "body": example.body}
    return {**data, **overrides}


class DiagnoseFormTests:
    def test_get_shows_the_form(self, client, sample_kb, django_assert_max_num_queries):
        with django_assert_max_num_queries(3):
            response = client.get("/diagnose/")
        html = response.content.decode()
        assert response.status_code == 200
        for label in ["HTTP status", "Response headers", "Response body", "Provider"]:
            assert label in html
        assert 'value="openai"' in html

    def test_prefilled_from_a_stored_example(self, client, quota_example):
        response = client.get("/diagnose/", {"example": quota_example.pk})
        form = response.context["form"]
        assert form.initial["status"] == 429
        assert "insufficient_quota" in form.initial["body"]
        assert client.get("/diagnose/", {"example": "x"}).status_code == 200

    @pytest.mark.parametrize(
        ("data", "field", "message"),
        [
            ({"status": "99"}, "status", "greater than or equal to 100"),
            ({"status": "1000"}, "status", "less than or equal to 999"),
            ({"status": "abc"}, "status", "whole number"),
            ({"status": ""}, "status", "Enter the HTTP status"),
            ({"status": "429", "headers": "not a header"}, "headers", "Line 1"),
            ({"status": "429", "provider": "nope"}, "provider", "valid choice"),
            ({"status": "429", "url": "not a url"}, "url", "valid URL"),
        ],
    )
    def test_bad_input_is_explained_on_the_form(
        self, client, sample_kb, data, field, message
    ):
        response = client.post("/diagnose/", data)
        assert response.status_code == 400
        assert message in " ".join(response.context["form"].errors[field])
        assert 'class="errorlist' in response.content.decode()

    def test_body_over_256_kib_is_refused_on_the_form(self, client, sample_kb):
        response = client.post(
            "/diagnose/", {"status": "500", "body": "x" * (256 * 1024 + 1)}
        )
        assert response.status_code == 400
        assert "paste at most 256 KiB" in response.content.decode()

    def test_body_of_256_kib_is_accepted(self, client, sample_kb):
        response = client.post(
            "/diagnose/", {"status": "500", "body": "x" * 256 * 1024}
        )
        assert response.status_code == 200

    def test_request_over_the_upload_limit_is_a_friendly_400(self, client, sample_kb):
        response = client.post("/diagnose/", {"status": "500", "body": "x" * 1_100_000})
        assert response.status_code == 400
        assert "256 KiB" in response.content.decode()

    def test_status_line_in_the_headers_is_used(self, client, sample_kb):
        headers = "HTTP/1.1 429 Too Many Requests\nContent-Type: application/json"
        response = client.post("/diagnose/", {"headers": headers, "body": "{}"})
        assert response.status_code == 200
        assert response.context["result"].match.code == "429"


class DiagnoseLookupTests:
    def test_a_warm_diagnose_runs_no_query(
        self, client, quota_example, settings, django_assert_num_queries
    ):
        settings.KB_EVENT_BATCH_SIZE = 1000  # the event's write is not this request's
        client.post("/diagnose/", form_data(quota_example))  # builds the index
        with django_assert_num_queries(0):
            response = client.post("/diagnose/", form_data(quota_example))
        assert response.status_code == 200
        assert "The prepaid credit balance is zero." in response.content.decode()

    def test_stored_example_finds_its_entry(
        self, client, quota_example, django_assert_max_num_queries
    ):
        with django_assert_max_num_queries(DIAGNOSE_QUERIES):
            response = client.post("/diagnose/", form_data(quota_example))
        assert response.status_code == 200
        result = response.context["result"]
        assert (result.match.provider, result.match.code) == (
            "openai",
            "insufficient_quota",
        )
        html = response.content.decode()
        assert 'href="/errors/openai/insufficient_quota/">insufficient_quota' in html
        assert "Why it matched" in html and "Retry advice" in html
        assert "The prepaid credit balance is zero." in html  # causes
        assert "Buy credits on the Billing page." in html  # fixes
        assert "Check the balance" in html  # steps
        assert result.retry.action != "retry"
        assert "Retry immediately" not in html

    def test_alternatives_are_listed(self, client, quota_example):
        response = client.post("/diagnose/", form_data(quota_example))
        alternatives = response.context["result"].alternatives
        html = response.content.decode()
        if alternatives:
            assert "Other candidates" in html
            assert alternatives[0].title in html

    def test_retry_advice_from_retry_after(self, client, sample_kb):
        body = json.dumps({"error": {"code": "rate_limit_exceeded", "message": "slow"}})
        response = client.post("/diagnose/", {
            "status": "429", "provider": "openai", "headers": "Retry-After: 20",
            "body": body,
        })  # fmt: skip
        result = response.context["result"]
        assert result.match.code == "rate_limit_exceeded"
        assert result.retry.after_seconds == 20
        assert "after 20 s" in response.content.decode()

    def test_provider_from_the_url(self, client, sample_kb):
        response = client.post("/diagnose/", {
            "status": "429", "url": "https://api.openai.com/v1/chat/completions",
            "body": '{"error": {"code": "insufficient_quota"}}',
        })  # fmt: skip
        assert response.context["result"].provider == "openai"

    def test_unknown_status_falls_back_gracefully(self, client, sample_kb):
        response = client.post(
            "/diagnose/", {"status": "599", "body": "<html>oops</html>"}
        )
        assert response.status_code == 200

    def test_secrets_are_not_echoed(self, client, sample_kb):
        body = '{"error": {"message": "bad key sk-abcdefghijklmnopqrstuvwxyz123456"}}'
        response = client.post("/diagnose/", {"status": "401", "body": body})
        result_html = response.content.decode().split('class="diagnose-form"')[0]
        assert "sk-abcdefghijklmnopqrstuvwxyz123456" not in result_html

    def test_engine_input_errors_land_on_the_form(self, client, sample_kb, monkeypatch):
        from kb.lookup.types import LookupInputError

        def refuse(request):
            raise LookupInputError("headers", "too many headers")

        monkeypatch.setattr("kb.diagnose.lookup", refuse)
        response = client.post("/diagnose/", {"status": "429"})
        assert response.status_code == 400
        assert "too many headers" in response.content.decode()

    def test_engine_failure_is_not_a_500(self, client, sample_kb, monkeypatch):
        def crash(request):
            raise RuntimeError("boom")

        monkeypatch.setattr("kb.diagnose.lookup", crash)
        response = client.post("/diagnose/", {"status": "429"})
        assert response.status_code == 400
        assert "failed on our side" in response.content.decode()

    def test_draft_match_details_hidden_from_public(self, client, quota_example):
        ErrorCode.objects.filter(code="insufficient_quota").update(state="draft")
        response = client.post("/diagnose/", form_data(quota_example))
        assert response.status_code == 200
        assert "The prepaid credit balance is zero." not in response.content.decode()
