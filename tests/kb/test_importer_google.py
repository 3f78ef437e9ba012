"""The Google importer: google.rpc.Code with its HTTP mapping, google.api.ErrorReason
and the JSON API error reasons, and Google's own published error responses looked
up against the shipped catalogue."""

import json

import pytest

from kb.importers import google
from kb.importers.base import path_for
from kb.lookup.engine import lookup
from kb.lookup.types import LookupRequest
from tests.kb.engine_kb import shipped_index

REFERENCE = google.build()
FACTS = {fact["code"]: fact for fact in REFERENCE.facts}


def by_product(product: str) -> dict[str, dict]:
    return {c: f for c, f in FACTS.items() if f["product"] == product}


class GoogleImporterTests:
    def test_counts(self):
        assert len(REFERENCE.facts) == len(FACTS) == 2180  # 1,972 from Google Ads
        assert len({code.lower() for code in FACTS}) == 2180
        assert len(by_product(google.RPC_PRODUCT)) == 17
        assert len(by_product(google.REASON_PRODUCT)) == 43

    def test_the_written_file_is_current(self):
        assert path_for("google").read_text(encoding="utf-8") == REFERENCE.render()

    def test_rpc_codes_carry_code_protos_http_mapping(self):
        statuses = {c: f["status"] for c, f in by_product(google.RPC_PRODUCT).items()}
        assert statuses["CANCELLED"] == 499
        assert statuses["FAILED_PRECONDITION"] == statuses["OUT_OF_RANGE"] == 400
        assert statuses["UNAUTHENTICATED"] == 401
        assert statuses["RESOURCE_EXHAUSTED"] == 429
        assert statuses["UNIMPLEMENTED"] == 501
        assert statuses["DEADLINE_EXCEEDED"] == 504

    def test_rpc_classes_come_from_the_sdk_rules(self):
        assert FACTS["UNAVAILABLE"]["class"] == "transient"
        assert FACTS["RESOURCE_EXHAUSTED"]["class"] == "throttling"
        assert FACTS["ABORTED"]["class"] == "conflict"
        assert FACTS["NOT_FOUND"]["class"] is None

    def test_error_reasons_have_no_status(self):
        reasons = by_product(google.REASON_PRODUCT)
        assert "ERROR_REASON_UNSPECIFIED" not in reasons
        assert "SERVICE_DISABLED" in reasons and "API_KEY_INVALID" in reasons
        assert all("status" not in fact for fact in reasons.values())
        assert FACTS["RATE_LIMIT_EXCEEDED"]["class"] == "throttling"

    @pytest.mark.parametrize(
        ("code", "status", "retry_class"),
        [
            ("rateLimitExceeded", 403, "throttling"),
            ("userRateLimitExceeded", 403, "throttling"),
            ("dailyLimitExceeded", 403, "quota"),
            ("quotaExceeded", 403, "quota"),
            ("accessNotConfigured", 403, "quota"),
            ("backendError", 500, "transient"),
            ("internalError", 500, "transient"),
            ("duplicate", 409, None),
            ("forbiddenForNonOrganizer", 403, None),
            ("keyInvalid", 400, None),
            ("conditionNotMet", 412, None),
            ("notFound", 404, None),
        ],
    )
    def test_json_reasons(self, code, status, retry_class):
        assert (FACTS[code]["status"], FACTS[code]["class"]) == (status, retry_class)


def reason_body(status: int, domain: str, reason: str, message: str) -> str:
    return json.dumps({"error": {"errors": [{"domain": domain, "reason": reason,
                                             "message": message}],
                                 "code": status, "message": message}})  # fmt: skip


# Samples published on Google's error pages (bodies as shown there, whitespace
# aside), each served with the status in its "code".
PUBLISHED = [
    # https://developers.google.com/workspace/drive/api/guides/handle-errors
    (403, "global", "teamDrivesFolderMoveInNotSupported",
     "Moving folders into shared drives is not supported.", "do_not_retry"),
    (403, "global", "storageQuotaExceeded",
     "The user's Drive storage quota has been exceeded.", "retry_after_fix"),
    # https://developers.google.com/workspace/calendar/api/guides/errors
    (403, "calendar", "forbiddenForNonOrganizer",
     "Shared properties can only be changed by the organizer of the event.",
     "retry_after_fix"),
    (409, "global", "duplicate", "The requested identifier already exists.",
     "do_not_retry"),
    # https://cloud.google.com/storage/docs/json_api/v1/status-codes (409 Conflict)
    (409, "global", "conflict",
     "You already own this bucket. Please select another name.",
     "refresh_and_retry"),
]  # fmt: skip


class GooglePublishedResponseTests:
    @pytest.mark.parametrize(
        ("status", "domain", "reason", "message", "action"),
        PUBLISHED,
        ids=[case[2] for case in PUBLISHED],
    )
    def test_a_published_sample_is_named_by_its_reason(
        self, status, domain, reason, message, action
    ):
        body = reason_body(status, domain, reason, message)
        result = lookup(
            LookupRequest(status=status, body=body, provider="google"),
            shipped_index(),
        )
        assert (result.match.provider, result.match.code) == ("google", reason)
        assert result.retry.action == action
