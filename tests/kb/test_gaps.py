"""Knowledge gaps that close: grouped by code, counted in a window by the time of
the lookup, closed when an entry answers them, dismissed with a reason."""

import datetime

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone

from kb import events, gaps
from kb.indexing import lookup
from kb.lookup.types import LookupRequest
from kb.models import GapState, KnowledgeGap
from tests.factories import make_error, make_provider, make_signature

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(client):
    client.force_login(User.objects.create_superuser("ed", "ed@example.com", "pw"))
    return client


def looked_up(provider="acme", status=400, body='{"error": {"code": "weird_code"}}',
              days_ago=0):  # fmt: skip
    result = lookup(LookupRequest(status=status, body=body, provider=provider))
    event = events.make_event(result, status, body)
    event.looked_up_at = timezone.now() - datetime.timedelta(days=days_ago)
    event.save()
    return event


class GroupingTests:
    def test_the_same_code_is_one_gap_whatever_the_message(self):
        make_provider(slug="acme")
        a = looked_up(body='{"error": {"code": "weird_code", "message": "one thing"}}')
        b = looked_up(body='{"error": {"code": "weird_code", "message": "another 42"}}')
        assert a.fingerprint == b.fingerprint
        [row] = gaps.gaps_for(30, show_closed=False)
        assert (row["count"], row["codes"][0]) == (2, "weird_code")

    def test_the_window_counts_by_the_lookups_time(self):
        make_provider(slug="acme")
        looked_up(days_ago=2)
        looked_up(days_ago=40)
        assert gaps.gaps_for(7, False)[0]["count"] == 1
        assert gaps.gaps_for(None, False)[0]["count"] == 2


class ClosingTests:
    def test_a_gap_closes_when_an_entry_answers_it(self):
        acme = make_provider(slug="acme")
        looked_up()
        gaps.gaps_for(30, False)
        error = make_error(provider=acme, code="weird_code", http_status=400)
        make_signature(error, code="weird_code", http_status=400, weight=2.0)
        assert gaps.close_resolved() == 1
        gap = KnowledgeGap.objects.get()
        assert (gap.state, gap.resolved_by) == (GapState.RESOLVED, error)
        assert gaps.gaps_for(30, show_closed=False) == []
        assert gaps.gaps_for(30, show_closed=True)[0]["gap"].resolved_by == error

    def test_dismissed_with_a_reason(self, editor):
        make_provider(slug="acme")
        event = looked_up()
        url = reverse("admin:kb_lookupevent_gaps")
        editor.get(url)
        editor.post(url, {"dismiss": event.fingerprint, "reason": ""})
        assert KnowledgeGap.objects.get().state == GapState.OPEN
        editor.post(url, {"dismiss": event.fingerprint, "reason": "A test client."})
        gap = KnowledgeGap.objects.get()
        assert (gap.state, gap.reason) == (GapState.DISMISSED, "A test client.")


class PageTests:
    def test_links_to_its_events_and_a_prefilled_entry(self, editor):
        make_provider(slug="acme")
        event = looked_up()
        html = editor.get(reverse("admin:kb_lookupevent_gaps")).content.decode()
        assert f"q={event.fingerprint}" in html
        row = editor.get(reverse("admin:kb_lookupevent_gaps")).context["rows"][0]
        page = editor.get(row["add_url"]).content.decode()
        assert 'value="weird_code — "' in page
        assert 'name="signatures-0-code" value="weird_code"' in page
