"""The lookup-event writer (kb/events.py): a bad record loses only itself, a
database outage loses nothing up to a bound, and feedback never answers 500."""

import json
import threading
import time
import uuid
from unittest import mock

import pytest
from django.db import OperationalError, connections
from django.utils import timezone

from kb import events
from kb.indexing import lookup
from kb.lookup.types import LookupRequest
from kb.models import Feedback, LookupEvent
from tests.factories import make_error, make_provider

PROBLEM = "application/problem+json"


def make_lookup_event(**kwargs) -> LookupEvent:
    kwargs.setdefault("lookup_id", uuid.uuid4())
    kwargs.setdefault("provider_slug", "http")
    kwargs.setdefault("http_status", 429)
    kwargs.setdefault("codes", ["rate_limited"])
    kwargs.setdefault("confidence", 0.9)
    kwargs.setdefault("fingerprint", "f" * 64)
    kwargs.setdefault("looked_up_at", timezone.now())
    return LookupEvent(**kwargs)


def database_down():
    """Every new cursor fails as it does when PostgreSQL is unreachable."""
    wrapper = type(connections["default"])
    error = OperationalError("could not connect to server")
    return mock.patch.object(wrapper, "create_cursor", side_effect=error)


def stored(event) -> LookupEvent:
    return LookupEvent.objects.get(lookup_id=event.lookup_id)


@pytest.mark.django_db
class SanitiseTests:
    def test_nul_and_overlong_values_are_made_storable(self):
        event = make_lookup_event(
            provider_slug="open\x00ai" + "x" * 80,
            codes=["rate\x00limit", "\ud800lone", "y" * 500, *[f"c{i}" for i in range(20)]],
            message_shape="quota \x00 exceeded " * 30,
            layer="api\x00",
            confidence=float("nan"),
        )  # fmt: skip
        events.record(event)
        assert events.flush() == 1
        row = stored(event)
        assert row.provider_slug == ("openai" + "x" * 80)[:50]
        assert row.codes[0] == "ratelimit"
        assert row.codes[1] == "?lone"
        assert len(row.codes[2]) == events.CODE_LENGTH
        assert len(row.codes) == events.CODES_KEPT
        assert "\x00" not in row.message_shape and len(row.message_shape) == 200
        assert (row.layer, row.confidence) == ("api", 0.0)

    def test_a_code_with_nul_does_not_lose_its_batch(self):
        make_error(provider=make_provider(slug="http"), code="429", http_status=429)
        body = json.dumps({"error": {"code": "rate\x00limit", "message": "slow\x00"}})
        result = lookup(LookupRequest(status=429, body=body))
        assert "rate\x00limit" in [signal.value for signal in result.codes]
        batch = [
            make_lookup_event(),
            events.make_event(result, 429, body),
            make_lookup_event(),
        ]
        for event in batch:
            events.record(event)
        assert events.flush() == 3
        assert stored(batch[1]).codes[0] == "ratelimit"
        assert LookupEvent.objects.count() == 3


@pytest.mark.django_db(transaction=True)
class WriterIsolationTests:
    """Committed for real (transaction=True): foreign keys are checked at commit."""

    def test_an_error_deleted_while_buffered_keeps_the_batch(self):
        kept, deleted = make_error(), make_error()
        batch = [
            make_lookup_event(matched_id=kept.pk),
            make_lookup_event(matched_id=deleted.pk),
            make_lookup_event(),
        ]
        for event in batch:
            events.record(event)
        deleted.delete()
        assert events.flush() == 3
        assert stored(batch[0]).matched_id == kept.pk
        assert stored(batch[1]).matched_id is None
        assert stored(batch[2]).matched_id is None

    def test_a_refused_row_is_dropped_alone_and_counted(self):
        before = events.dropped_counts()["invalid"]
        good = [make_lookup_event(), make_lookup_event()]
        bad = make_lookup_event(http_status=-1)  # the column's CHECK refuses it
        for event in (good[0], bad, good[1]):
            events.record(event)
        assert events.flush() == 2
        assert {row.lookup_id for row in LookupEvent.objects.all()} == {
            event.lookup_id for event in good
        }
        assert events.dropped_counts()["invalid"] == before + 1


@pytest.mark.django_db
class OutageTests:
    def test_events_survive_an_outage_and_are_written_later(self, settings):
        settings.KB_EVENT_RETRY_SECONDS = 0.3
        batch = [make_lookup_event() for _ in range(3)]
        for event in batch:
            events.record(event)
        before = events.dropped_counts()
        with database_down():
            assert events.flush() == 0
        assert all(events.buffered(event.lookup_id) for event in batch)
        # Not retried on every request while the database is away...
        settings.KB_EVENT_BATCH_SIZE = 1
        events.flush_if_due()
        assert LookupEvent.objects.count() == 0
        # ...but once the retry delay has passed.
        time.sleep(0.35)
        events.flush_if_due()
        assert LookupEvent.objects.count() == 3
        assert events.dropped_counts() == before

    def test_the_buffer_is_bounded_and_counts_what_it_drops(self, settings):
        settings.KB_EVENT_BUFFER_MAX = 5
        before = events.dropped_counts()["overflow"]
        batch = [make_lookup_event() for _ in range(4)]
        for event in batch:
            events.record(event)
        with database_down():
            events.flush()
        for event in (more := [make_lookup_event() for _ in range(4)]):
            events.record(event)
        assert events.dropped_counts()["overflow"] == before + 3
        assert events.flush() == 5
        kept = set(LookupEvent.objects.values_list("lookup_id", flat=True))
        assert kept == {event.lookup_id for event in (batch + more)[3:]}


def feedback_url(lookup_id) -> str:
    return f"/api/v1/lookups/{lookup_id}/feedback/"


@pytest.mark.django_db(transaction=True)
class FeedbackTests:
    def test_unknown_lookup_is_a_404_problem(self, client):
        response = client.post(feedback_url(uuid.uuid4()), {"helped": True},
                               content_type="application/json")  # fmt: skip
        assert response.status_code == 404
        assert response["Content-Type"] == PROBLEM
        assert response.json()["status"] == 404

    def test_feedback_on_a_lookup_whose_error_was_deleted(self, client):
        error = make_error()
        event = make_lookup_event(matched_id=error.pk)
        events.record(event)
        error.delete()
        response = client.post(feedback_url(event.lookup_id), {"helped": False},
                               content_type="application/json")  # fmt: skip
        assert response.status_code == 201, response.content
        feedback = Feedback.objects.get()
        assert (feedback.lookup.lookup_id, feedback.error_id) == (event.lookup_id, None)

    def test_feedback_on_a_lookup_that_could_not_be_stored_is_a_404(self, client):
        event = make_lookup_event(http_status=-1)
        events.record(event)
        response = client.post(feedback_url(event.lookup_id), {"helped": True},
                               content_type="application/json")  # fmt: skip
        assert response.status_code == 404
        assert response["Content-Type"] == PROBLEM
        assert Feedback.objects.count() == 0


@pytest.fixture
def writer_thread(settings):
    """Events written by a background thread, as in a served process."""
    settings.KB_EVENT_SHARE_SECONDS = 0.05
    settings.KB_EVENT_BATCH_SECONDS = 0.1
    events.use_writer_thread()
    yield
    events.stop_writer_thread()


def eventually(check, seconds: float = 10.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.02)
    return check()


LOOKUP = {"status": 429, "headers": {"Retry-After": "3"}, "body": "slow down"}


@pytest.mark.django_db(transaction=True)
class WriterThreadTests:
    def test_a_lookup_does_no_event_io_and_the_thread_writes_it(
        self, client, writer_thread, django_assert_num_queries
    ):
        make_provider(slug="http")
        client.post("/api/v1/lookup/", LOOKUP, content_type="application/json")
        events.stop_writer_thread()  # the first lookup built the index; now quiet
        events.flush()
        events.use_writer_thread()
        with mock.patch.object(events.cache, "set_many") as shared_now:
            with django_assert_num_queries(0):
                response = client.post("/api/v1/lookup/", LOOKUP,
                                       content_type="application/json")  # fmt: skip
            assert not shared_now.called  # not on the request's path
        lookup_id = response.json()["lookup_id"]
        assert eventually(lambda: events.cache.get(events.pending_key(lookup_id)))
        assert eventually(
            lambda: LookupEvent.objects.filter(lookup_id=lookup_id).exists()
        )

    def test_feedback_sent_at_once_to_another_process_finds_the_lookup(
        self, client, writer_thread
    ):
        # Another process answered the lookup; its thread shares the event a
        # moment after the feedback has arrived here.
        event = events.sanitise(make_lookup_event())
        key = events.pending_key(event.lookup_id)
        threading.Timer(0.03, events.cache.set, (key, event, 60)).start()
        response = client.post(feedback_url(event.lookup_id), {"helped": True},
                               content_type="application/json")  # fmt: skip
        assert response.status_code == 201, response.content
        assert Feedback.objects.get().lookup.lookup_id == event.lookup_id

    def test_a_failing_database_does_not_end_the_thread(self, writer_thread, settings):
        settings.KB_EVENT_RETRY_SECONDS = 0.1
        with database_down():
            events.record(make_lookup_event())
            time.sleep(0.3)
        thread = [t for t in threading.enumerate() if t.name == "kb-events"]
        assert thread and thread[0].is_alive()
        assert eventually(lambda: LookupEvent.objects.exists())
