"""The Cloudflare importer: the edge error pages and the API codes Cloudflare's
documentation lists, and real Cloudflare responses looked up with them."""

import json

from kb.importers import cloudflare as importer
from kb.importers.base import load_data, path_for
from kb.lookup.engine import lookup
from kb.lookup.types import LookupRequest
from tests.kb.engine_kb import shipped_index

REFERENCE = importer.build()
FACTS = {fact["code"]: fact for fact in REFERENCE.facts}
R2 = "https://developers.cloudflare.com/r2/api/error-codes/"


def find(status, body, provider="cloudflare"):
    return lookup(
        LookupRequest(status=status, body=json.dumps(body), provider=provider),
        shipped_index(),
    )


class CloudflareImporterTests:
    def test_every_listed_code_once(self):
        data = load_data("cloudflare.yaml")
        listed = {
            str(item["code"])
            for section in ("edge", "api", "observed")
            for item in data[section]
        }
        assert len(REFERENCE.facts) == len(listed) == 154
        assert all(code.isdigit() for code in FACTS)

    def test_the_written_file_is_up_to_date(self):
        assert path_for("cloudflare").read_text(encoding="utf-8") == REFERENCE.render()

    def test_edge_pages_with_their_documented_statuses(self):
        assert FACTS["1015"]["status"] == 429
        assert FACTS["1020"]["status"] == 403
        assert FACTS["1006"]["status"] == FACTS["1106"]["status"] == 403
        assert FACTS["1018"]["status"] == FACTS["1023"]["status"] == 409
        assert FACTS["1016"]["status"] == 530
        assert FACTS["1033"]["name"] == "Argo Tunnel error"
        assert FACTS["1033"]["status"] is None  # the page states none
        assert FACTS["1016"]["link"].endswith("/cloudflare-1xxx-errors/error-1016/")

    def test_a_workers_error_page_is_the_same_edge_code(self):
        fact = FACTS["1015"]
        assert fact["product"] == "edge error pages, Workers (error pages)"
        assert fact["name"] == "You are being rate limited"
        assert FACTS["1027"]["product"] == "Workers (error pages)"

    def test_api_codes_with_their_product_name_and_status(self):
        assert FACTS["10002"] == {
            "code": "10002", "status": 401, "name": "Unauthorized", "product": "R2",
            "link": R2, "class": None,
        }  # fmt: skip
        assert (FACTS["3040"]["status"], FACTS["3040"]["product"]) == (
            429,
            "Workers AI",
        )
        assert (FACTS["10251"]["name"], FACTS["10251"]["status"]) == (
            "QueueStorageLimitExceeded",
            429,
        )
        assert FACTS["9422"]["product"] == "Images (transformations)"

    def test_a_number_two_services_use_keeps_only_what_they_agree_on(self):
        # R2's NoSuchBucket (404) and a Worker upload's parse failure share 10006.
        fact = FACTS["10006"]
        assert (fact["product"], fact["status"], fact["name"]) == (
            "R2, Workers",
            None,
            None,
        )
        assert FACTS["10043"]["status"] is None  # R2 503, a Bulk Redirects 4xx

    def test_observed_codes(self):
        assert FACTS["10000"]["status"] == FACTS["9103"]["status"] == 403
        assert FACTS["1142"]["status"] == 404
        assert FACTS["7003"]["status"] is None

    def test_no_class_without_sdk_rules(self):
        # No Cloudflare SDK classifies codes: the lookup falls back on the status.
        assert {fact["class"] for fact in REFERENCE.facts} == {None}


class CloudflareReferenceLookupTests:
    def test_an_authentication_error(self):
        # https://github.com/BeeHiveSafety/CloudflareToAbuseIPDB/issues/5 (the API's
        # response quoted in the issue); 403 as in cloudflare/terraform-provider-
        # cloudflare#1533, "HTTP status 403: Authentication error (10000)".
        body = {
            "success": False,
            "errors": [{"code": 10000, "message": "Authentication error"}],
        }
        for provider in ("cloudflare", None):
            result = find(403, body, provider)
            assert (result.match.provider, result.match.code) == ("cloudflare", "10000")
            assert not result.retry.retryable

    def test_an_unknown_auth_key(self):
        # octodns/octodns-cloudflare tests/test_octodns_provider_cloudflare.py
        # (test_populate, 'Bad auth': status 403).
        body = {"success": False,
                "errors": [{"code": 9103,
                            "message": "Unknown X-Auth-Key or X-Auth-Email"}],
                "messages": [], "result": None}  # fmt: skip
        result = find(403, body)
        assert result.match.code == "9103"
        assert (
            result.retry.action == "retry_after_fix"
        )  # fix the credentials or role first

    def test_the_api_rate_limit_is_retried(self):
        # octodns/octodns-cloudflare tests/test_octodns_provider_cloudflare.py
        # (test_populate, 'Rate Limit error': status 429).
        body = {"success": False,
                "errors": [{"code": 10100,
                            "message": "More than 1200 requests per 300 seconds "
                            "reached. Please wait and consider throttling your "
                            "request speed"}],
                "messages": [], "result": None}  # fmt: skip
        result = find(429, body)
        assert result.match.code == "10100"
        assert result.retry.action == "retry"

    def test_a_zone_setting_that_does_not_exist(self):
        # cloudflare/cloudflare-go v0 tiered_cache_test.go
        # (nonexistentSmartTieredCacheHandler, WriteHeader(404)).
        body = {"result": None, "success": False,
                "errors": [{"code": 1142,
                            "message": "Unable to retrieve "
                            "tiered_cache_smart_topology_enable setting value. The "
                            "zone setting does not exist."}],
                "messages": []}  # fmt: skip
        result = find(404, body)
        assert result.match.code == "1142"
        assert result.retry.action == "do_not_retry"

    def test_an_api_shield_schema_error(self):
        # cloudflare/cloudflare-go v0 api_shield_schemas_test.go
        # (TestCreateAPIShieldSchemaError, WriteHeader(400)).
        body = {"success": False,
                "errors": [{"code": 21400,
                            "message": "only default parameter styles are "
                            "supported: path, form "
                            "(.paths[\"/pet/{petId}\"].get.parameters[0])"}],
                "messages": []}  # fmt: skip
        result = find(400, body)
        assert result.match.code == "21400"
        assert result.retry.action == "do_not_retry"
