"""The PayPal importer: the REST error names and issues, and real responses looked
up against the shipped catalogue with them."""

import json

from kb.importers import paypal
from kb.importers.base import path_for
from kb.lookup.engine import lookup
from kb.lookup.types import LookupRequest
from tests.kb.engine_kb import shipped_index

REFERENCE = paypal.build()
FACTS = {fact["code"]: fact for fact in REFERENCE.facts}
ORDERS = "https://developer.paypal.com/docs/api/orders/v2/#error-"


def find(status, body, provider="paypal"):
    return lookup(
        LookupRequest(status=status, body=json.dumps(body), provider=provider),
        shipped_index(),
    )


class PayPalImporterTests:
    def test_every_issue_and_name(self):
        # 285 details[].issue values of the OpenAPI specifications, 12 names and 54
        # names of the v1 APIs' error pages.
        assert len(REFERENCE.facts) == 351
        assert len({code.lower() for code in FACTS}) == 351

    def test_an_issue_with_its_status_api_and_link(self):
        assert FACTS["INSTRUMENT_DECLINED"] == {
            "code": "INSTRUMENT_DECLINED", "status": 422, "status_derived": None,
            "product": "Orders v2", "class": None, "link": ORDERS + "INSTRUMENT_DECLINED",
        }  # fmt: skip

    def test_an_issue_several_apis_list(self):
        assert FACTS["DUPLICATE_INVOICE_ID"]["product"] == "Orders v2, Payments v2"
        assert FACTS["DUPLICATE_INVOICE_ID"]["link"] == ORDERS + "DUPLICATE_INVOICE_ID"

    def test_an_issue_listed_under_two_statuses_takes_the_commoner(self):
        assert FACTS["NOT_ENABLED_FOR_CARD_PROCESSING"]["status"] == 422

    def test_names_with_their_statuses(self):
        assert FACTS["RATE_LIMIT_REACHED"]["status"] == 429
        assert FACTS["METHOD_NOT_SUPPORTED"]["status"] == 405
        assert FACTS["RESOURCE_CONFLICT"]["status"] == 409
        assert FACTS["UNPROCESSABLE_ENTITY"]["link"] is None  # the docs_url serves
        assert REFERENCE.docs_url == "https://developer.paypal.com/api/rest/responses/"

    def test_v1_names_with_their_statuses_apis_and_links(self):
        assert FACTS["VALIDATION_ERROR"]["status"] == 400
        assert FACTS["VALIDATION_ERROR"]["product"] == (
            "Payments v1, Payouts v1, Disputes v1"
        )
        assert FACTS["WEBHOOK_URL_ALREADY_EXISTS"] == {
            "code": "WEBHOOK_URL_ALREADY_EXISTS", "status": 400, "status_derived": True,
            "product": "Webhooks v1", "class": None,
            "link": "https://developer.paypal.com/api/webhooks/v1/errors/"
            "webhook_url_already_exists",
        }  # fmt: skip
        assert FACTS["PAYMENT_ALREADY_DONE"]["link"] == (
            "https://developer.paypal.com/api/deprecated/payments/v1/errors/"
            "payment_already_done"
        )
        assert FACTS["INTERNAL_SERVICE_ERROR"]["status"] == 500

    def test_v1_statuses_payouts_documents_are_not_derived(self):
        assert FACTS["USER_BUSINESS_ERROR"]["status"] == 400
        assert FACTS["SENDER_ACCOUNT_UNVERIFIED"]["status"] == 403
        assert FACTS["RATE_LIMIT_VALIDATION_FAILURES"]["status"] == 429
        assert FACTS["REQUEST_TIMEOUT_EXCEEDED"]["status"] == 504
        assert not FACTS["USER_BUSINESS_ERROR"]["status_derived"]
        assert FACTS["PAYMENT_ALREADY_DONE"]["status_derived"]

    def test_a_v1_name_already_an_issue_keeps_its_entry(self):
        # AUTHORIZATION_VOIDED and INSTRUMENT_DECLINED are v1 names too.
        assert FACTS["AUTHORIZATION_VOIDED"]["product"] == "Payments v2"
        assert FACTS["INSTRUMENT_DECLINED"]["status"] == 422

    def test_every_code_has_a_status_and_no_class(self):
        assert all(f["status"] for f in REFERENCE.facts)
        assert {f["class"] for f in REFERENCE.facts} == {None}

    def test_the_committed_file_is_up_to_date(self):
        assert path_for("paypal").read_text(encoding="utf-8") == REFERENCE.render()


class PayPalLookupTests:
    def test_an_expired_authorization(self):
        # tests/data/responses/known-a.jsonl paypal-authorization-expired-400-1
        # (paypal/PayPal-node-SDK test/mocks/authorization.js).
        body = {"name": "AUTHORIZATION_EXPIRED",
                "message": "Authorization has expired",
                "information_link": "https://developer.paypal.com/webapps/developer/"
                "docs/api/#AUTHORIZATION_EXPIRED",
                "debug_id": "858e94856debf"}  # fmt: skip
        result = find(400, body)
        assert result.match.code == "AUTHORIZATION_EXPIRED"
        assert not result.retry.retryable

    def test_an_issue_under_a_curated_name_is_the_answer(self):
        # shopware/SwagPayPal issue #712: POST /v2/checkout/orders/{id}/track
        # "resulted in a `422 Unknown Error` response" with this body (the issue's
        # description text left out).
        body = {"name": "UNPROCESSABLE_ENTITY",
                "details": [{"issue": "CAPTURE_STATUS_NOT_VALID"}],
                "message": "The requested action could not be performed, "
                "semantically incorrect, or failed business validation.",
                "debug_id": "someDebugId"}  # fmt: skip
        result = find(422, body)
        assert result.match.code == "CAPTURE_STATUS_NOT_VALID"
        assert result.alternatives[0].code == "UNPROCESSABLE_ENTITY"
        assert result.retry.action == "do_not_retry"

    def test_the_issue_names_the_error(self):
        # The same response as above.
        body = {"name": "UNPROCESSABLE_ENTITY",
                "details": [{"issue": "CAPTURE_STATUS_NOT_VALID"}],
                "debug_id": "someDebugId"}  # fmt: skip
        assert find(422, body).match.code == "CAPTURE_STATUS_NOT_VALID"
