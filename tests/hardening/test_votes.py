"""Vote stuffing: one vote per client on each page and each lookup, and votes
throttled, from the pages and from the API."""

import json

import pytest

from kb import events
from kb.models import Feedback
from tests.factories import make_error, make_fix, make_provider

CLIENT = "203.0.113.9"


@pytest.fixture
def http_error(db):
    error = make_error(provider=make_provider(slug="http"), code="429", http_status=429)
    make_fix(error)
    return error


def page_vote(client, code="429", remote=CLIENT, **extra):
    url = f"/errors/http/{code}/feedback/"
    return client.post(url, {"helped": "yes"}, REMOTE_ADDR=remote, **extra)


class PageVoteTests:
    def test_a_second_vote_on_the_same_page_is_refused(self, client, http_error):
        assert page_vote(client).status_code == 303
        again = page_vote(client)
        assert again.status_code == 409
        assert "already counted" in again.content.decode()
        assert Feedback.objects.count() == 1

    def test_a_second_vote_from_a_script_is_a_json_409(self, client, http_error):
        page_vote(client, HTTP_ACCEPT="application/json")
        again = page_vote(client, HTTP_ACCEPT="application/json")
        assert again.status_code == 409
        assert "already counted" in again.json()["errors"]["__all__"][0]

    def test_spoofed_forwarded_for_is_still_the_same_client(
        self, client, http_error, settings
    ):
        settings.TRUSTED_PROXIES = 0
        page_vote(client)
        again = page_vote(client, HTTP_X_FORWARDED_FOR="198.51.100.1")
        assert again.status_code == 409

    def test_another_client_may_vote(self, client, http_error):
        page_vote(client)
        assert page_vote(client, remote="203.0.113.10").status_code == 303
        assert Feedback.objects.count() == 2

    def test_a_refused_bad_vote_does_not_use_up_the_vote(self, client, http_error):
        bad = client.post("/errors/http/429/feedback/", {"helped": "maybe"},
                          REMOTE_ADDR=CLIENT)  # fmt: skip
        assert bad.status_code == 400
        assert page_vote(client).status_code == 303

    def test_votes_are_throttled(self, client, http_error, rates):
        for code in ("400", "401", "403"):
            make_error(provider=http_error.provider, code=code)
        rates(vote="2/min")
        answers = [page_vote(client, code).status_code for code in ("400", "401")]
        assert answers == [303, 303]
        response = page_vote(client, "403")
        assert response.status_code == 429
        assert int(response["Retry-After"]) > 0
        assert "Too many requests" in response.content.decode()
        assert Feedback.objects.count() == 2


def lookup_id(client, remote=CLIENT) -> str:
    response = client.post(
        "/api/v1/lookup/", json.dumps({"status": 429}),
        content_type="application/json", REMOTE_ADDR=remote,
    )  # fmt: skip
    assert response.status_code == 200, response.content[:300]
    return response.json()["lookup_id"]


def api_vote(client, lookup, remote=CLIENT, **extra):
    return client.post(
        f"/api/v1/lookups/{lookup}/feedback/", json.dumps({"helped": True}),
        content_type="application/json", REMOTE_ADDR=remote, **extra,
    )  # fmt: skip


@pytest.fixture
def buffered(db, settings, http_error):
    # Lookups stay in the buffer (and the shared cache), as in production.
    settings.KB_EVENT_BATCH_SIZE = 1000
    yield
    events.flush()


class LookupVoteTests:
    def test_a_second_vote_on_the_same_lookup_is_refused(self, client, buffered):
        lookup = lookup_id(client)
        assert api_vote(client, lookup).status_code == 201
        again = api_vote(client, lookup)
        assert again.status_code == 409
        assert again["Content-Type"] == "application/problem+json"
        problem = again.json()
        assert problem["status"] == 409
        assert problem["title"] == "Conflict"
        assert "already" in problem["detail"]
        assert Feedback.objects.count() == 1

    def test_each_lookup_gets_its_own_vote(self, client, buffered):
        first, second = lookup_id(client), lookup_id(client)
        assert api_vote(client, first).status_code == 201
        assert api_vote(client, second).status_code == 201

    def test_another_client_may_vote_on_the_same_lookup(self, client, buffered):
        lookup = lookup_id(client)
        api_vote(client, lookup)
        assert api_vote(client, lookup, remote="203.0.113.10").status_code == 201

    def test_api_votes_are_throttled(self, client, buffered, rates):
        lookups = [lookup_id(client) for _ in range(3)]
        rates(vote="2/min")
        answers = [api_vote(client, lookup).status_code for lookup in lookups]
        assert answers == [201, 201, 429]
        throttled = api_vote(client, lookups[-1])
        assert throttled["Content-Type"] == "application/problem+json"
        assert int(throttled["Retry-After"]) > 0
