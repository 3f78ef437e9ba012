"""The Django side of the lookup: the index is read from the published entries and
rebuilt as soon as the knowledge base changes."""

import gc
import weakref
from pathlib import Path

import pytest

from kb.indexing import build_index, current_index, lookup
from kb.lookup.types import LookupRequest
from kb.models import ErrorCode, Signature
from kb.versioning import bump_kb_version
from tests.factories import load_kb

pytestmark = pytest.mark.django_db

KB = Path(__file__).with_name("lookup_kb.yaml")


@pytest.fixture(autouse=True)
def knowledge_base(tmp_path):
    load_kb(KB, tmp_path)


def code_of(status, body):
    return lookup(LookupRequest(status=status, body=body)).match.code


class BuildIndexTests:
    def test_reads_published_entries_providers_and_rules(
        self, django_assert_max_num_queries
    ):
        with django_assert_max_num_queries(3):
            index = build_index("v1")
        assert ("aws", "throttlingexception") in index.by_natural_key
        assert index.providers["http"].generic
        assert index.entries[index.by_natural_key[("http", "409")]].policy.action == (
            "refresh_and_retry"
        )

    def test_retry_policy_is_the_models(self):
        error = ErrorCode.objects.get(provider__slug="http", code="409")
        index = build_index("v1")
        assert index.entries[error.pk].policy == error.retry_policy()


class IndexInvalidationTests:
    def test_an_edit_is_seen_by_the_next_lookup(self):
        assert code_of(400, '{"error": {"code": "fresh_code"}}') == "400"
        error = ErrorCode.objects.get(code="ValidationException")
        Signature.objects.create(error=error, code="fresh_code", weight=2.0)
        assert (
            code_of(400, '{"error": {"code": "fresh_code"}}') == "ValidationException"
        )

    def test_drafts_are_not_matched(self):
        ErrorCode.objects.filter(code="ThrottlingException").update(state="draft")
        bump_kb_version()
        assert code_of(400, '{"__type": "ThrottlingException"}') == "400"


class GarbageCollectorTests:
    def test_the_index_is_frozen_and_a_replaced_one_is_freed(self):
        first = current_index()
        # Full collections walk none of the index's objects.
        assert gc.get_freeze_count() > 0
        frozen = gc.get_freeze_count()
        gone = weakref.ref(first)
        del first
        bump_kb_version()
        second = current_index()
        gc.collect()
        assert gone() is None  # the previous index was unfrozen, then freed
        assert second is current_index()
        assert gc.get_freeze_count() >= frozen // 2
