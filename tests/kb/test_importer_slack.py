"""The Slack importer: the Web API error codes of Slack's OpenAPI spec, and Slack's
own published error responses looked up against the shipped catalogue."""

import json

import pytest

from kb.importers import slack
from kb.importers.base import path_for
from kb.lookup.engine import lookup
from kb.lookup.types import LookupRequest
from tests.kb.engine_kb import shipped_index

REFERENCE = slack.build()
FACTS = {fact["code"]: fact for fact in REFERENCE.facts}


def find(body: dict, status: int = 200):
    request = LookupRequest(status=status, body=json.dumps(body), provider="slack")
    return lookup(request, shipped_index())


class SlackImporterTests:
    def test_every_code_of_the_spec_once(self):
        assert len(REFERENCE.facts) == len(FACTS) == 195
        assert len({code.lower() for code in FACTS}) == 195

    def test_the_written_file_is_current(self):
        assert path_for("slack").read_text(encoding="utf-8") == REFERENCE.render()

    def test_a_web_api_error_comes_with_200(self):
        fact = FACTS["user_not_found"]
        assert (fact["status"], fact["status_derived"]) == (200, None)
        assert {f["status"] for c, f in FACTS.items() if c != "rate_limited"} == {200}

    def test_the_rate_limit_comes_with_429_and_waits(self):
        fact = FACTS["rate_limited"]
        assert (fact["status"], fact["status_derived"]) == (429, True)
        assert fact["class"] == "throttling"

    def test_the_sdk_rules_give_the_class(self):
        # ok:false answers come with 200, which Slack's SDK never retries.
        assert FACTS["rate_limited"]["class"] == "throttling"
        assert {f["class"] for c, f in FACTS.items() if c != "rate_limited"} == {
            "never"
        }

    def test_a_code_one_method_lists_names_that_method(self):
        fact = FACTS["already_reacted"]
        assert fact["product"] == "reactions.add"
        assert fact["link"] == "https://api.slack.com/methods/reactions.add"

    def test_a_code_many_methods_list_names_none(self):
        fact = FACTS["invalid_cursor"]
        assert fact["product"] is None
        assert fact["link"] == "https://api.slack.com/methods"

    def test_the_specs_truncated_spellings_are_folded(self):
        assert "account_inactiv" not in FACTS and "request_timeou" not in FACTS
        assert "account_inactive" in FACTS and "request_timeout" in FACTS


# Slack's published examples: slackapi/slack-api-specs,
# web-api/slack_web_openapi_v2.json (1.7.0), paths./<method>.<verb>.responses.default
# .examples["application/json"], bodies verbatim; Slack answers a failed Web API
# call with HTTP 200 and "ok": false (https://docs.slack.dev/apis/web-api/).
SPEC_EXAMPLES = [
    ("users.info", {"error": "user_not_found", "ok": False}),
    ("users.lookupByEmail", {"error": "users_not_found", "ok": False}),
    ("conversations.replies", {"error": "thread_not_found", "ok": False}),
    ("chat.delete", {"error": "message_not_found", "ok": False}),
    ("bots.info", {"error": "bot_not_found", "ok": False}),
    ("conversations.members", {"error": "invalid_cursor", "ok": False}),
    ("users.profile.set", {"error": "invalid_profile", "ok": False}),
    (
        "chat.deleteScheduledMessage",
        {"error": "invalid_scheduled_message_id", "ok": False},
    ),
]


class SlackPublishedResponseTests:
    @pytest.mark.parametrize(
        ("method", "body"), SPEC_EXAMPLES, ids=[m for m, _ in SPEC_EXAMPLES]
    )
    def test_a_spec_example_is_named_by_its_code_and_not_resent(self, method, body):
        result = find(body)
        assert (result.match.provider, result.match.code) == ("slack", body["error"])
        assert result.retry.action == "do_not_retry"

    def test_a_caller_error_with_no_telling_words_is_not_resent(self):
        # chat.postMessage's example in the same spec.
        result = find({"error": "too_many_attachments", "ok": False})
        assert result.match.code == "too_many_attachments"
        assert result.retry.action == "do_not_retry"
