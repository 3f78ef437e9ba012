import json
import time
from pathlib import Path

import pytest
from django.urls import reverse

from kb import events
from kb.models import ErrorCode, Feedback, LookupEvent
from tests.factories import load_kb

pytestmark = pytest.mark.django_db

KB = Path(__file__).parent.parent / "kb" / "lookup_kb.yaml"
URL = "/api/v1/lookup/"


@pytest.fixture(autouse=True)
def knowledge_base(tmp_path, settings):
    settings.KB_EVENT_BATCH_SIZE = 1
    load_kb(KB, tmp_path)
    events.flush()


def post(client, payload, **extra):
    data = payload if isinstance(payload, (str, bytes)) else json.dumps(payload)
    return client.post(URL, data, content_type="application/json", **extra)


class LookupShapeTests:
    def test_answer_shape(self, client):
        response = post(client, {
            "status": 429, "provider": "openai",
            "headers": {"Retry-After": "7"},
            "body": '{"error": {"code": "rate_limit_exceeded", "message": "slow down"}}',
        })  # fmt: skip
        assert response.status_code == 200
        data = response.json()
        assert set(data) >= {"lookup_id", "match", "alternatives", "retry", "causes", "fixes",
                             "steps"}  # fmt: skip
        error = data["match"]["error"]
        assert error == {
            "provider": "openai", "code": "rate_limit_exceeded", "title": "Rate limit",
            "url": "/errors/openai/rate_limit_exceeded/",
            "api_url": "/api/v1/errors/openai/rate_limit_exceeded/",
        }  # fmt: skip
        assert 0 < data["match"]["confidence"] <= 1
        assert "body.error.code=rate_limit_exceeded" in data["match"]["matched_on"]
        assert data["match"]["layer"] == "api"
        assert data["match"]["generic"] is False
        assert data["retry"] == {
            "action": "retry", "retryable": True, "after_seconds": 7.0,
            "wait_source": "header:retry-after",
            "source": "entry:openai/rate_limit_exceeded", "max_attempts": 3,
            "backoff": None, "idempotent_only": True, "refresh": None, "fix_by": None,
            "notes": [],
        }  # fmt: skip
        assert data["alternatives"][0]["error"]["code"] == "429"
        assert (data["provider"], data["provider_source"]) == ("openai", "given")
        assert data["provider_confidence"] == 1.0
        assert (data["items"], data["batch"]) == ([], None)

    def test_a_batch_answer_lists_its_items(self, client):
        body = {"errors": True, "items": [
            {"index": {"_id": "a", "status": 201}},
            {"index": {"_id": "b", "status": 429, "error": {"type": "x"}}}]}  # fmt: skip
        data = post(client, {"status": 200, "body": body}).json()
        assert data["batch"]["failed"] == 1 and data["batch"]["resend"] == [1]
        assert data["items"][0]["id"] == "b"
        assert data["items"][0]["retry"]["action"] == "retry"

    def test_json_body_may_be_sent_parsed(self, client):
        response = post(
            client, {"status": 400, "body": {"__type": "ThrottlingException"}}
        )
        assert response.json()["match"]["error"]["code"] == "ThrottlingException"

    def test_get_form(self, client):
        response = client.get(URL, {"status": 429, "code": "insufficient_quota",
                                    "provider": "openai"})  # fmt: skip
        data = response.json()
        assert data["match"]["error"]["code"] == "insufficient_quota"
        assert data["retry"]["action"] == "retry_after_fix"

    def test_match_is_never_null(self, client):
        data = post(client, {"status": 799}).json()
        assert data["match"]["error"]["code"] == "unknown"

    def test_warm_lookup_runs_no_query(
        self, client, settings, django_assert_num_queries
    ):
        # The events' batched insert runs after the response, when a batch is due;
        # here none is, so what is counted is the lookup's own path.
        settings.KB_EVENT_BATCH_SIZE = 1000
        settings.KB_EVENT_BATCH_SECONDS = 3600
        payload = {"status": 429, "body": {"error": {"code": "rate_limit_exceeded"}}}
        post(client, payload)  # builds the index and the entry's details
        with django_assert_num_queries(0):
            assert post(client, payload).status_code == 200
            assert client.get(f"{URL}?status=429&provider=openai").status_code == 200


class RecordingTests:
    def test_every_lookup_is_recorded_without_raw_body_or_headers(self, client):
        secret = "sk-abcdefghijklmnopqrstuvwxyz123456"
        response = post(client, {
            "status": 401, "headers": {"Authorization": f"Bearer {secret}"},
            "body": json.dumps({"error": {"message": f"Incorrect API key {secret} for "
                                          "jane@example.com", "code": "invalid_api_key"}}),
        })  # fmt: skip
        lookup_id = response.json()["lookup_id"]
        events.flush()
        event = LookupEvent.objects.get(lookup_id=lookup_id)
        stored = json.dumps(
            [getattr(event, f.attname) for f in event._meta.fields], default=str
        )
        assert secret not in stored and "jane@" not in stored and "Bearer" not in stored
        assert event.http_status == 401
        assert event.codes == ["invalid_api_key"]
        assert len(event.body_sha256) == 64
        assert "[redacted]" in event.message_shape

    def test_recording_waits_for_the_batch(self, client, settings):
        settings.KB_EVENT_BATCH_SIZE = 1000
        settings.KB_EVENT_BATCH_SECONDS = 3600
        post(client, {"status": 429})
        assert LookupEvent.objects.count() == 0
        assert events.flush() == 1
        assert LookupEvent.objects.count() == 1

    def test_message_shape_groups_details(self):
        a = events.message_shape("No such price: 'price_1HFw3QAQHy2zYPZ' (3 items)")
        b = events.message_shape("No such price: 'price_9XYZ' (12 items)")
        assert a == b


class FeedbackTests:
    def lookup_id(self, client, settings):
        settings.KB_EVENT_BATCH_SIZE = 1000
        return post(client, {"status": 429, "provider": "openai",
                             "body": {"error": {"code": "insufficient_quota"}}}).json()["lookup_id"]  # fmt: skip

    def test_feedback_on_a_lookup_still_in_a_buffer(self, client, settings):
        lookup_id = self.lookup_id(client, settings)
        url = reverse("api:lookup-feedback", args=[lookup_id])
        response = client.post(url, {"helped": True}, content_type="application/json")
        assert response.status_code == 201, response.content
        feedback = Feedback.objects.get()
        assert feedback.error.code == "insufficient_quota"
        assert str(feedback.lookup.lookup_id) == lookup_id

    def test_unknown_lookup(self, client):
        url = reverse(
            "api:lookup-feedback", args=["00000000-0000-0000-0000-000000000000"]
        )
        response = client.post(url, {"helped": False}, content_type="application/json")
        assert response.status_code == 404
        assert response["Content-Type"] == "application/problem+json"

    def test_fix_must_belong_to_the_matched_error(self, client, settings):
        other = ErrorCode.objects.get(code="forbidden")
        fix = other.fixes.create(text="x")
        url = reverse("api:lookup-feedback", args=[self.lookup_id(client, settings)])
        response = client.post(
            url, {"helped": True, "fix": fix.pk}, content_type="application/json"
        )
        assert response.status_code == 400


def problem(response, status):
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"] == "application/problem+json"
    data = response.json()
    assert {"type", "title", "status", "detail"} <= set(data)
    assert data["status"] == status
    return data


class BadInputTests:
    def test_too_large(self, client):
        body = json.dumps({"status": 500, "body": "x" * (1024 * 1024)})
        problem(post(client, body), 413)

    def test_not_json(self, client):
        problem(post(client, "{nope"), 400)

    def test_not_an_object(self, client):
        problem(post(client, "[1, 2]"), 400)

    @pytest.mark.parametrize("status", [None, 0, 1000, "text", 42.5, True])
    def test_bad_status(self, client, status):
        payload = {} if status is None else {"status": status}
        data = problem(post(client, payload), 400)
        assert "status" in data["errors"]

    @pytest.mark.parametrize(
        "headers", [["a"], "x", {"a": 1}, {"a": ["b"]}, {"a": None}]
    )
    def test_bad_headers(self, client, headers):
        data = problem(post(client, {"status": 400, "headers": headers}), 400)
        assert any(key.startswith("headers") for key in data["errors"])

    def test_an_unknown_provider_is_answered(self, client):
        response = post(client, {"status": 429, "provider": "nope"})
        assert response.status_code == 200
        data = response.json()
        assert data["provider_source"] == "given, not in the catalogue"
        assert data["retry"]["action"] == "retry"
        events.flush()
        assert LookupEvent.objects.get().provider_known is False

    def test_a_malformed_provider(self, client):
        data = problem(post(client, {"status": 400, "provider": "no pe!"}), 400)
        assert "provider" in data["errors"]

    def test_invalid_utf8(self, client):
        problem(post(client, b'{"status": 400, "body": "\xff\xfe"}'), 400)

    @pytest.mark.parametrize("body", [
        '{"a": "\\ud800 lone surrogate and NUL \\u0000"}',
        "[" * 100_000 + "]" * 100_000,
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 '
        '"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol2 '
        '"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">]><lolz>&lol2;</lolz>',
        "<html><title>x</title>" + "<p>a</p>" * 110_000 + "</html>",
        json.dumps({"errors": [{"code": f"c{i}"} for i in range(50_000)]})[: 1000 * 1000],
    ], ids=["surrogates", "deep-nesting", "billion-laughs", "big-html", "huge-array"])  # fmt: skip
    def test_hostile_bodies_get_a_normal_answer_quickly(self, client, body):
        started = time.perf_counter()
        response = post(client, {"status": 400, "body": body})
        elapsed = time.perf_counter() - started
        assert response.status_code in (200, 400, 413), response.content[:300]
        assert elapsed < 5  # a generous bound against hangs; speed is benchmarked

    def test_deeply_nested_request_json(self, client):
        payload = '{"status": 400, "body": ' + "[" * 100_000 + "]" * 100_000 + "}"
        problem(post(client, payload), 400)


class OutputContractTests:
    def test_rendered_answer_matches_the_documented_serializer(self, client):
        from api.lookup_output import LookupOutputSerializer

        data = post(client, {"status": 429, "provider": "openai",
                             "body": {"error": {"code": "rate_limit_exceeded"}}}).json()  # fmt: skip
        serializer = LookupOutputSerializer(data=data)
        assert serializer.is_valid(), serializer.errors
        assert set(data) == set(LookupOutputSerializer().fields)


class ProblemTypeTests:
    def test_our_types_are_documented_and_plain_statuses_are_about_blank(self, client):
        invalid = post(client, {"status": 1000}).json()
        assert invalid["type"] == "/api/problems/validation"
        described = client.get(invalid["type"])
        assert described.status_code == 200
        assert "errors" in described.json()["description"]
        not_json = post(client, "{nope").json()
        assert not_json["type"] == "about:blank"
        assert client.get("/api/problems/nope").status_code == 404
