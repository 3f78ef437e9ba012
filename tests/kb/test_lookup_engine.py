import json
from pathlib import Path

import pytest

from kb.lookup.engine import lookup
from kb.lookup.types import LookupInputError, LookupRequest
from kb.models import ErrorCode, Signature
from tests.factories import load_kb

pytestmark = pytest.mark.django_db

KB = Path(__file__).with_name("lookup_kb.yaml")


@pytest.fixture(autouse=True)
def knowledge_base(tmp_path):
    load_kb(KB, tmp_path)


def find(status, body="", **kwargs):
    if not isinstance(body, str):
        body = json.dumps(body)
    return lookup(LookupRequest(status=status, body=body, **kwargs))


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


class ProviderInferenceTests:
    def test_given(self):
        assert find(429, provider="openai").provider_source == "given"

    def test_unknown_slug_is_an_input_error(self):
        with pytest.raises(LookupInputError) as raised:
            find(429, provider="nope")
        assert raised.value.field == "provider"
        assert "/api/v1/providers/" in raised.value.message

    def test_url_host(self):
        result = find(429, url="https://api.openai.com/v1/chat/completions")
        assert (result.provider, result.provider_source) == ("openai", "url")

    def test_header(self):
        assert find(429, headers={"OpenAI-Organization": "org-1"}).provider == "openai"

    def test_body_shape(self):
        result = find(
            429, {"error": {"message": "see https://platform.openai.com/docs"}}
        )
        assert (result.provider, result.provider_source) == ("openai", "body")

    def test_given_wins_over_url(self):
        result = find(429, provider="github", url="https://api.openai.com/v1/x")
        assert result.provider == "github"


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


class RetryTests:
    def test_wait_beyond_max_wait_reschedules(self):
        result = find(429, headers={"Retry-After": "120"}, max_wait=30)
        assert (result.retry.action, result.retry.after_seconds) == ("reschedule", 120)

    def test_wait_within_max_wait(self):
        result = find(429, headers={"Retry-After": "2"})
        assert (result.retry.action, result.retry.source) == (
            "retry",
            "header:retry-after",
        )


class InputTests:
    @pytest.mark.parametrize("status", [0, 99, 1000, "429", True, None])
    def test_bad_status(self, status):
        with pytest.raises(LookupInputError):
            lookup(LookupRequest(status=status))

    def test_headers_must_be_a_map_of_strings(self):
        with pytest.raises(LookupInputError):
            lookup(LookupRequest(status=400, headers=["a"]))
        with pytest.raises(LookupInputError):
            lookup(LookupRequest(status=400, headers={"a": ["b"]}))

    def test_nul_and_lone_surrogates_are_harmless(self):
        result = find(400, '{"error": {"code": "ValidationException\x00"}} \ud800')
        assert result.match is not None

    def test_parsed_json_body(self):
        result = lookup(
            LookupRequest(status=400, body={"__type": "ValidationException"})
        )
        assert result.match.code == "ValidationException"

    def test_secrets_are_not_echoed(self):
        body = {
            "error": {
                "message": "bad key sk-abcdefghijklmnopqrstuvwx for jane@example.com"
            }
        }
        result = find(401, body)
        assert "sk-abc" not in result.message and "jane@" not in result.message


class IndexInvalidationTests:
    def test_an_edit_is_seen_by_the_next_lookup(self):
        assert find(400, {"error": {"code": "fresh_code"}}).match.code == "400"
        error = ErrorCode.objects.get(code="ValidationException")
        Signature.objects.create(error=error, code="fresh_code", weight=2.0)
        assert (
            find(400, {"error": {"code": "fresh_code"}}).match.code
            == "ValidationException"
        )

    def test_drafts_are_not_matched(self):
        ErrorCode.objects.filter(code="ThrottlingException").update(state="draft")
        from kb.versioning import bump_kb_version

        bump_kb_version()
        assert find(400, {"__type": "ThrottlingException"}).match.code == "400"


class HeaderCodeTests:
    def test_bearer_error_in_www_authenticate(self):
        from kb.lookup.engine import header_codes

        signals = header_codes(
            {"www-authenticate": 'Bearer realm="example", error="invalid_token", '
                                 'error_description="The access token expired"'}
        )  # fmt: skip
        assert [(s.where, s.value) for s in signals] == [
            ("header:www-authenticate.error", "invalid_token")
        ]
