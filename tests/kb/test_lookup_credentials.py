"""Expired credentials are refreshed, not "fixed": the message or the code says
which of "invalid or expired" it was."""

import json

import pytest

from kb.lookup.engine import lookup
from kb.lookup.types import LookupRequest
from tests.kb.engine_kb import shipped_index


def find(status, body, provider=None):
    return lookup(
        LookupRequest(status=status, body=json.dumps(body), provider=provider),
        shipped_index(),
    )


@pytest.mark.parametrize(
    ("status", "body", "provider"),
    [
        (401, {"message": "JWT expired", "code": "PGRST301"}, None),
        (401, {"error": {"status": 401, "message": "The access token expired"}}, None),
        (401, {"error": {".tag": "expired_access_token"}}, None),
        (
            401,
            [
                {
                    "message": "Session expired or invalid",
                    "errorCode": "INVALID_SESSION_ID",
                }
            ],
            "salesforce",
        ),  # fmt: skip
        (
            401,
            {
                "status": "error",
                "category": "INVALID_AUTHENTICATION",
                "message": "The OAuth token used to make this call expired 5 second(s) "
                "ago.",
            },
            "hubspot",
        ),  # fmt: skip
    ],
)
def test_expired_credentials_mean_refresh(status, body, provider):
    result = find(status, body, provider)
    assert result.retry.action == "refresh_and_retry", result.retry.source
    assert result.retry.refresh


@pytest.mark.parametrize(
    ("status", "body", "provider"),
    [
        (401, {"message": "Invalid API key provided"}, None),
        (
            401,
            [{"message": "Session invalid", "errorCode": "INVALID_SESSION_ID"}],
            "salesforce",
        ),  # fmt: skip
        (
            402,
            {"error": {"code": "expired_card", "message": "Your card has expired."}},
            "stripe",
        ),  # fmt: skip
    ],
)
def test_other_credential_and_expiry_errors_are_not_refreshed(status, body, provider):
    assert find(status, body, provider).retry.action != "refresh_and_retry"


def test_a_kubernetes_watch_gone_event_means_relist():
    body = {"type": "ERROR", "object": {"kind": "Status", "code": 410,
                                        "reason": "Gone", "message": "too old"}}  # fmt: skip
    result = find(200, body)
    assert (result.provider, result.match.code) == ("kubernetes", "Gone")
    assert result.retry.action == "refresh_and_retry"
