"""The engine over a small index built from plain rows: no database, no settings."""

import json

import pytest

from kb.lookup.engine import header_codes, lookup
from kb.lookup.types import Limits, LookupInputError, LookupRequest
from tests.kb.engine_kb import shipped_index, shipped_test_index

INDEX = shipped_test_index()


def find(status, body="", **kwargs):
    if not isinstance(body, str):
        body = json.dumps(body)
    return lookup(LookupRequest(status=status, body=body, **kwargs), INDEX)


class BodyBeatsStatusTests:
    def test_openai_rate_limit_means_wait(self):
        result = find(
            429, {"error": {"code": "rate_limit_exceeded"}}, provider="openai"
        )
        assert (result.match.code, result.retry.action) == (
            "rate_limit_exceeded",
            "retry",
        )

    def test_openai_quota_means_stop(self):
        result = find(429, {"error": {"code": "insufficient_quota"}}, provider="openai")
        assert (result.match.code, result.retry.action) == (
            "insufficient_quota",
            "retry_after_fix",
        )
        assert result.retry.fix_by == "account"
        assert result.retry.idempotent_only is None
        assert "body.error.code=insufficient_quota" in result.match.matched_on

    def test_github_secondary_rate_limit_vs_forbidden(self):
        limited = find(403, {"message": "You have exceeded a secondary rate limit."},
                       provider="github")  # fmt: skip
        forbidden = find(403, {"message": "Must have admin rights"}, provider="github")
        assert limited.match.code == "secondary_rate_limit"
        assert forbidden.match.code == "forbidden"
        assert (
            limited.retry.action == "retry"
            and forbidden.retry.action == "retry_after_fix"
        )

    def test_aws_throttling_arrives_as_400(self):
        result = find(400, {"__type": "com.amazon.coral#ThrottlingException"})
        assert (result.match.provider, result.match.code) == (
            "aws",
            "ThrottlingException",
        )
        assert result.retry.action == "retry"

    def test_alias_matches(self):
        assert (
            find(400, {"__type": "TooManyRequestsException"}).match.code
            == "ThrottlingException"
        )

    def test_code_from_header_only(self):
        result = find(
            400, "", headers={"x-amzn-ErrorType": "ValidationException:http://x"}
        )
        assert result.match.code == "ValidationException"

    def test_the_loser_is_an_alternative(self):
        result = find(
            429, {"error": {"code": "rate_limit_exceeded"}}, provider="openai"
        )
        assert [m.code for m in result.alternatives] == ["429"]
        assert result.match.confidence > result.alternatives[0].confidence


class ConfidenceTests:
    def test_a_refining_code_beats_the_code_it_refines(self):
        body = {
            "error": {"code": "card_declined", "decline_code": "insufficient_funds"}
        }
        result = find(402, body, provider="stripe")
        assert result.match.code == "insufficient_funds"
        assert [m.code for m in result.alternatives][0] == "card_declined"

    def test_the_answer_is_the_most_confident(self):
        body = {
            "error": {"code": "card_declined", "decline_code": "insufficient_funds"}
        }
        result = find(402, body, provider="stripe")
        confidences = [result.match.confidence] + [
            m.confidence for m in result.alternatives
        ]
        assert confidences == sorted(confidences, reverse=True)
        assert result.match.confidence > result.alternatives[0].confidence

    def test_a_generic_answer_is_visibly_low(self):
        result = find(429, provider="openai")
        assert result.match.generic and result.match.confidence <= 0.45


class ProviderInferenceTests:
    def test_given(self):
        result = find(429, provider="openai")
        assert (result.provider_source, result.provider_confidence) == ("given", 1.0)

    def test_an_unknown_provider_is_answered_not_refused(self):
        result = find(409, {"error": {"code": "conflict"}}, provider="nope")
        assert result.provider_source == "given, not in the catalogue"
        assert result.unknown_provider == "nope"
        assert result.provider is None
        assert result.retry.action == "refresh_and_retry"
        assert any("not in the catalogue" in note for note in result.notes)

    def test_an_unknown_provider_is_not_matched_to_another_api(self):
        result = find(400, {"__type": "ValidationException"}, provider="nope")
        assert result.match.provider == "http"

    def test_a_malformed_provider_is_an_input_error(self):
        with pytest.raises(LookupInputError) as raised:
            find(429, provider="no pe!")
        assert raised.value.field == "provider"
        assert "/api/v1/providers/" in raised.value.message

    def test_url_host(self):
        result = find(429, url="https://api.openai.com/v1/chat/completions")
        assert (result.provider, result.provider_source) == ("openai", "url")

    def test_url_subdomain_of_a_parent_domain(self):
        result = find(400, url="https://dynamodb.us-east-1.amazonaws.com/")
        assert result.provider == "aws"

    def test_header(self):
        assert find(429, headers={"OpenAI-Organization": "org-1"}).provider == "openai"

    def test_body_shape(self):
        result = find(
            429, {"error": {"message": "see https://platform.openai.com/docs"}}
        )
        assert (result.provider, result.provider_source) == ("openai", "body")
        assert result.provider_confidence < 1

    def test_given_wins_over_url(self):
        result = find(429, provider="github", url="https://api.openai.com/v1/x")
        assert result.provider == "github"

    def test_a_common_code_names_no_provider(self):
        # "ValidationException" is AWS's only here, but "Conflict" would be anyone's.
        result = find(409, {"code": "Conflict", "message": "x"})
        assert result.provider is None and result.match.provider == "http"


class FallbackTests:
    def test_unknown_provider_code_falls_back_to_the_status_with_lower_confidence(self):
        known = find(400, provider="openai")
        unknown = find(400, {"error": {"code": "brand_new_code"}}, provider="openai")
        assert unknown.match.code == "400"
        assert unknown.unrecognised_codes == ("brand_new_code",)
        assert unknown.match.confidence < known.match.confidence

    def test_unknown_status_falls_back_to_its_class(self):
        result = find(418)
        assert (result.match.code, result.match.confidence) == ("4xx", 0.1)
        assert result.retry.action == "do_not_retry"

    def test_status_beyond_classes(self):
        assert find(777).match.code == "unknown"

    def test_edge_status_without_provider(self):
        result = find(522)
        assert (result.match.provider, result.match.layer) == ("cloudflare", "edge")


class LayerTests:
    def test_nginx_page_is_the_proxy(self):
        page = "<html><head><title>502 Bad Gateway</title></head><body><center>nginx</center></body></html>"
        result = find(502, page)
        assert (result.match.provider, result.match.layer) == ("nginx", "proxy")

    def test_provider_json_is_the_api(self):
        result = find(
            429, {"error": {"code": "rate_limit_exceeded"}}, provider="openai"
        )
        assert result.match.layer == "api"


class HeaderValueTests:
    """A header's value can name the layer that answered ("Server: awselb/2.0"),
    whoever else is in play."""

    ALB_PAGE = ("<html>\n<head><title>503 Service Temporarily Unavailable</title></head>"
                "\n<body>\n<center><h1>503 Service Temporarily Unavailable</h1></center>"
                "\n</body>\n</html>")  # fmt: skip

    def test_the_load_balancer_is_named_by_its_server_header(self):
        request = LookupRequest(status=503, headers={"Server": "awselb/2.0"},
                                body=self.ALB_PAGE)  # fmt: skip
        result = lookup(request, shipped_index())
        assert (result.match.provider, result.match.code) == ("aws-elb", "503")

    def test_an_api_error_behind_it_is_still_the_apis(self):
        body = {"error": {"type": "rate_limit_error", "message": "slow down"}}
        request = LookupRequest(status=429, headers={"Server": "awselb/2.0"},
                                body=json.dumps(body), provider="anthropic")  # fmt: skip
        result = lookup(request, shipped_index())
        assert result.match.provider == "anthropic"


class RetryTests:
    def test_wait_beyond_max_wait_reschedules(self):
        result = find(429, headers={"Retry-After": "120"}, max_wait=30)
        assert (result.retry.action, result.retry.after_seconds) == ("reschedule", 120)

    def test_wait_within_max_wait(self):
        result = find(429, headers={"Retry-After": "2"})
        assert (result.retry.action, result.retry.wait_source) == (
            "retry",
            "header:retry-after",
        )

    def test_conflict_means_refresh_first(self):
        result = find(409, provider="github")
        assert result.retry.action == "refresh_and_retry"
        assert result.retry.refresh == "re-read the resource"
        assert result.retry.idempotent_only is None and not result.retry.retryable

    def test_a_declined_card_is_not_called_idempotent(self):
        result = find(402, {"error": {"code": "card_declined"}}, provider="stripe")
        assert (result.retry.action, result.retry.idempotent_only) == (
            "do_not_retry",
            None,
        )

    def test_authorization_pending_means_poll(self):
        result = find(400, {"error": "authorization_pending", "interval": 7})
        assert (result.retry.action, result.retry.after_seconds) == ("poll", 7)


class ExplicitSignalTests:
    def test_stripe_should_retry_false_overrides_a_retryable_500(self):
        result = find(500, {"error": {"type": "api_error"}}, provider="stripe",
                      headers={"Stripe-Should-Retry": "false"})  # fmt: skip
        assert result.retry.action == "do_not_retry"
        assert result.retry.source == "provider_signal:header:stripe-should-retry"

    def test_stripe_should_retry_true_overrides_a_400(self):
        result = find(400, {"error": {"type": "invalid_request_error"}},
                      provider="stripe", headers={"Stripe-Should-Retry": "true"})  # fmt: skip
        assert result.retry.action == "retry"

    def test_x_should_retry(self):
        result = find(400, provider="openai", headers={"x-should-retry": "true"})
        assert result.retry.action == "retry"
        assert result.retry.source.startswith("provider_signal:")

    def test_google_retry_info_is_a_signal_and_a_wait(self):
        body = {"error": {"code": 400, "details": [
            {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "7s"}]}}  # fmt: skip
        result = find(400, body)
        assert (result.retry.action, result.retry.after_seconds) == ("retry", 7)


class UnknownCodeTests:
    def test_aws_sender_fault_means_do_not_retry(self):
        body = ("<ErrorResponse><Error><Type>Sender</Type><Code>FrobnicatorMismatch</Code>"
                "<Message>x</Message></Error></ErrorResponse>")  # fmt: skip
        result = find(400, body, provider="aws")
        assert result.retry.action == "do_not_retry"
        assert result.retry.source == "provider_rules:aws:never:fault=Sender"

    def test_a_throttling_code_is_not_read_as_the_senders_fault(self):
        body = ("<ErrorResponse><Error><Type>Sender</Type><Code>Throttled</Code>"
                "<Message>x</Message></Error></ErrorResponse>")  # fmt: skip
        assert find(400, body, provider="aws").retry.action == "retry"

    def test_aws_throttling_code_from_the_sdk_list(self):
        result = find(400, {"__type": "BandwidthLimitExceeded"}, provider="aws")
        assert result.retry.action == "retry"
        assert result.retry.source.startswith("provider_rules:aws:throttling")

    def test_the_code_names_its_family(self):
        result = find(400, {"error": {"code": "tenant_rate_limit"}}, provider="nope")
        assert result.retry.action == "retry"
        assert result.retry.source == "family:rate_limit:code=tenant_rate_limit"

    def test_the_message_tells_quota_from_rate_limit(self):
        quota = find(429, {"error": {"message": "You exceeded your current quota, "
                                                "please check your plan and billing"}})  # fmt: skip
        limit = find(429, {"error": {"message": "Too many requests, slow down"}})
        assert quota.retry.action == "retry_after_fix"
        assert limit.retry.action == "retry"

    def test_a_wait_in_the_message(self):
        result = find(429, {"message": "Rate limited. Please try again in 1.5s."},
                      provider="nope")  # fmt: skip
        assert (result.retry.after_seconds, result.retry.wait_source) == (
            1.5,
            "message",
        )

    def test_a_class_name_does_not_outrank_a_429(self):
        result = find(429, {"error": {"type": "invalid_request_error",
                                      "message": "Too many requests"}}, provider="stripe")  # fmt: skip
        assert result.retry.action == "retry"

    def test_an_error_status_inside_a_200(self):
        body = {"error_code": "SomethingBusy", "status_code": 429,
                "error_message": "budget exhausted, reset in 16 seconds"}  # fmt: skip
        result = find(200, body, provider="nope")
        assert (result.retry.action, result.retry.after_seconds) == ("retry", 16)


class BatchTests:
    def test_bulk_items_are_looked_up_one_by_one(self):
        body = {"errors": True, "items": [
            {"index": {"_id": "1", "status": 201}},
            {"index": {"_id": "2", "status": 429, "error": {
                "type": "es_rejected_execution_exception", "reason": "queue full"}}},
            {"index": {"_id": "3", "status": 400, "error": {
                "type": "mapper_parsing_exception", "reason": "bad field"}}},
        ]}  # fmt: skip
        result = find(200, body, provider="nope")
        assert (result.batch.total, result.batch.failed) == (3, 2)
        assert [(i.position, i.id, i.retry.action) for i in result.items] == [
            (1, "2", "retry"), (2, "3", "do_not_retry")]  # fmt: skip
        assert result.batch.resend == (1,)
        assert not result.batch.resend_whole_batch_safe
        assert result.retry.action == "do_not_retry"  # the most severe item's

    def test_graphql_errors_next_to_data(self):
        body = {"data": {"a": None}, "errors": [
            {"message": "x", "path": ["a"], "extensions": {"code": "RATE_LIMITED"}}]}  # fmt: skip
        result = find(200, body)
        assert result.items[0].id == "a"
        assert result.retry.action == "retry"

    def test_an_envelope_of_sub_responses(self):
        body = {"responses": [{"id": "1", "status": 200, "body": {}},
                              {"id": "2", "status": 409, "body": {"error": {
                                  "code": "conflict"}}}]}  # fmt: skip
        result = find(200, body)
        assert [(i.id, i.status) for i in result.items] == [("2", 409)]

    def test_an_array_of_results(self):
        body = [{"To": "a", "ErrorCode": 0}, {"To": "b", "ErrorCode": 300,
                                             "Message": "Invalid 'To' address"}]  # fmt: skip
        result = find(200, body)
        assert (result.batch.failed, result.items[0].id) == (1, "b")

    def test_a_plain_success_is_no_batch(self):
        assert find(200, {"items": [{"id": 1}]}).batch is None


class InputTests:
    @pytest.mark.parametrize("status", [0, 99, 1000, "429", True, None])
    def test_bad_status(self, status):
        with pytest.raises(LookupInputError):
            lookup(LookupRequest(status=status), INDEX)

    def test_headers_must_be_a_map_of_strings(self):
        with pytest.raises(LookupInputError):
            lookup(LookupRequest(status=400, headers=["a"]), INDEX)
        with pytest.raises(LookupInputError):
            lookup(LookupRequest(status=400, headers={"a": ["b"]}), INDEX)

    def test_nul_and_lone_surrogates_are_harmless(self):
        result = find(400, '{"error": {"code": "ValidationException\x00"}} \ud800')
        assert result.match is not None

    def test_parsed_json_body(self):
        result = lookup(
            LookupRequest(status=400, body={"__type": "ValidationException"}), INDEX
        )
        assert result.match.code == "ValidationException"

    def test_the_body_limit_is_an_argument(self):
        result = lookup(
            LookupRequest(status=400, body="x" * 100),
            INDEX,
            limits=Limits(body_chars=10),
        )
        assert any("first 10 characters" in note for note in result.notes)

    def test_secrets_are_not_echoed(self):
        body = {
            "error": {
                "message": "bad key sk-abcdefghijklmnopqrstuvwx for jane@example.com"
            }
        }
        result = find(401, body)
        assert "sk-abc" not in result.message and "jane@" not in result.message


class HeaderCodeTests:
    def test_bearer_error_in_www_authenticate(self):
        signals = header_codes(
            {"www-authenticate": 'Bearer realm="example", error="invalid_token", '
                                 'error_description="The access token expired"'}
        )  # fmt: skip
        assert [(s.where, s.value) for s in signals] == [
            ("header:www-authenticate.error", "invalid_token")
        ]

    def test_azure_storage_error_code_header(self):
        signals = header_codes({"x-ms-error-code": "BlobNotFound"})
        assert [(s.where, s.value) for s in signals] == [
            ("header:x-ms-error-code", "BlobNotFound")
        ]
