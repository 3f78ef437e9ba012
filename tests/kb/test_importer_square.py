"""The Square importer: the v2 error codes and categories, and real responses looked
up against the shipped catalogue with them."""

import json

from kb.importers import square
from kb.importers.base import path_for
from kb.lookup.engine import lookup
from kb.lookup.types import LookupRequest
from tests.kb.engine_kb import shipped_index

REFERENCE = square.build()
FACTS = {fact["code"]: fact for fact in REFERENCE.facts}


def find(status, body, provider="square"):
    return lookup(
        LookupRequest(status=status, body=json.dumps(body), provider=provider),
        shipped_index(),
    )


class SquareImporterTests:
    def test_every_code_and_category_of_the_sdk(self):
        # squareup 46.0.0.20260916: 164 ErrorCode values and 8 ErrorCategory values.
        assert len(REFERENCE.facts) == 172
        assert len({code.lower() for code in FACTS}) == 172
        assert {"CARD_DECLINED", "INVALID_EXPIRATION", "PAYMENT_METHOD_ERROR",
                "INVALID_REQUEST_ERROR"} <= set(FACTS)  # fmt: skip

    def test_a_status_only_where_the_code_names_one(self):
        assert FACTS["NOT_FOUND"]["status"] == 404
        assert FACTS["NOT_FOUND"]["status_derived"] is True
        assert FACTS["GATEWAY_TIMEOUT"]["status"] == 504
        assert FACTS["CARD_DECLINED"]["status"] is None
        assert sum(1 for f in REFERENCE.facts if f["status"]) == 19

    def test_rate_limited_is_documented_and_its_category_derived(self):
        limited, category = FACTS["RATE_LIMITED"], FACTS["RATE_LIMIT_ERROR"]
        assert (limited["status"], limited["status_derived"]) == (429, None)
        assert (category["status"], category["status_derived"]) == (429, True)

    def test_the_fault_the_category_states(self):
        assert FACTS["INTERNAL_SERVER_ERROR"]["fault"] == "receiver"
        assert FACTS["EXPECTED_STRING"]["fault"] == "sender"
        assert FACTS["ACCESS_TOKEN_EXPIRED"]["fault"] == "sender"
        assert FACTS["GENERIC_DECLINE"]["fault"] is None  # PAYMENT_METHOD_ERROR

    def test_the_apis_whose_endpoints_list_a_code(self):
        assert FACTS["CARD_DECLINED"]["product"] == "Invoices API"
        assert FACTS["INSUFFICIENT_FUNDS"]["product"] == (
            "Gift Card Activities API, Payments API"
        )
        assert FACTS["INVALID_CARD"]["product"] == (
            "Customers API, Invoices API, Payments API and 2 more"
        )
        assert FACTS["BAD_REQUEST"]["product"] == ""  # answered by any endpoint

    def test_codes_newer_than_the_specification_are_kept(self):
        assert FACTS["PLAID_ERROR_RATE_LIMIT"] == {
            "code": "PLAID_ERROR_RATE_LIMIT", "status": None, "status_derived": None,
            "product": "", "fault": None, "class": None,
        }  # fmt: skip

    def test_categories_link_to_their_own_page(self):
        assert FACTS["API_ERROR"]["link"] == square.CATEGORY_URL
        assert FACTS["API_ERROR"]["fault"] == "receiver"

    def test_no_retry_class_without_the_sdk_rules(self):
        assert {f["class"] for f in REFERENCE.facts} == {None}

    def test_the_committed_file_is_up_to_date(self):
        assert path_for("square").read_text(encoding="utf-8") == REFERENCE.render()


class SquareLookupTests:
    def test_bad_request(self):
        # tests/data/responses/known-a.jsonl square-v2-errors-array-400-1 (square/
        # square-python-sdk tests/integration/test_api_error.py,
        # test_exception_with_v2_error).
        body = {"errors": [{"category": "API_ERROR", "code": "BAD_REQUEST",
                            "detail": "Invalid input", "field": "email"}]}  # fmt: skip
        result = find(400, body)
        assert (result.match.code, result.retry.action) == (
            "BAD_REQUEST",
            "do_not_retry",
        )

    def test_a_card_number_failure_is_named(self):
        # square/connect-php-sdk issue #140: "[HTTP/1.1 400 Bad Request]
        # {"errors": [{"code": "PAN_FAILURE", ...,"category": "PAYMENT_METHOD_ERROR"}]}".
        body = {"errors": [{"code": "PAN_FAILURE",
                            "detail": "Authorization error: 'PAN_FAILURE'",
                            "category": "PAYMENT_METHOD_ERROR"}]}  # fmt: skip
        assert find(400, body).match.code == "PAN_FAILURE"

    def test_expected_string_is_named(self):
        # tests/data/responses/known-a.jsonl square-expected-string-400-1 (GitHub
        # issue square/connect-nodejs-sdk#71).
        body = {"errors": [{"code": "EXPECTED_STRING",
                            "detail": "Expected a string value (line 1, character 14)",
                            "field": "source_id",
                            "category": "INVALID_REQUEST_ERROR"}]}  # fmt: skip
        assert find(400, body).match.code == "EXPECTED_STRING"

    def test_a_rejected_request_is_not_resent(self):
        # The same response as test_expected_string_is_named.
        body = {"errors": [{"code": "EXPECTED_STRING",
                            "detail": "Expected a string value (line 1, character 14)",
                            "field": "source_id",
                            "category": "INVALID_REQUEST_ERROR"}]}  # fmt: skip
        assert not find(400, body).retry.retryable
