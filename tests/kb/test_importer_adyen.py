"""The Adyen importer: the API error codes and the refusal reasons, and real Adyen
responses looked up against the shipped catalogue with them."""

import json

import pytest

from kb.importers import adyen as importer
from kb.importers.base import load_data, path_for
from kb.lookup.engine import lookup
from kb.lookup.types import LookupRequest
from tests.kb.engine_kb import shipped_index

REFERENCE = importer.build()
FACTS = {fact["code"]: fact for fact in REFERENCE.facts}
DATA = load_data("adyen.yaml")


def find(status, body, provider="adyen"):
    return lookup(
        LookupRequest(status=status, body=json.dumps(body), provider=provider),
        shipped_index(),
    )


class AdyenImporterTests:
    def test_every_error_code_and_refusal_reason(self):
        assert (len(DATA["errors"]), len(DATA["refusals"])) == (312, 43)
        assert len(REFERENCE.facts) == 355
        assert len({code.lower() for code in FACTS}) == 355

    def test_the_written_file_is_up_to_date(self):
        assert path_for("adyen").read_text(encoding="utf-8") == REFERENCE.render()

    def test_only_facts(self):
        assert all(set(item) <= {"code", "status", "name", "product"}
                   for item in DATA["errors"])  # fmt: skip
        assert all(len(f["name"].split()) <= 8 for f in FACTS.values() if f.get("name"))

    def test_error_codes_with_the_status_of_adyens_examples(self):
        assert (FACTS["130"]["status"], FACTS["130"]["name"]) == (
            422,
            "Reference Missing",
        )
        assert (FACTS["901"]["status"], FACTS["010"]["status"]) == (403, 403)
        assert FACTS["905"]["status"] == 500
        assert FACTS["PA002"]["status"] == 500
        # The docs' list states no status for most codes.
        assert FACTS["161"] == {"code": "161", "status": None, "name": "Invalid iban",
                                "product": None, "class": None}  # fmt: skip

    def test_products(self):
        assert FACTS["14_030"]["product"] == "Checkout"
        assert FACTS["15_012"]["product"] == "3D Secure 2"
        assert FACTS["5_002"]["product"] == "Apple Pay"
        assert FACTS["999_422_002"]["product"].startswith("BalancePlatformService")

    def test_refusal_reasons_come_with_200(self):
        fact = FACTS["Not enough balance"]
        assert (fact["status"], fact["product"], fact["link"]) == (
            200,
            "payment refusal (refusalReasonCode 12)",
            "https://docs.adyen.com/development-resources/refusal-reasons",
        )
        assert FACTS["CVC Declined"]["status"] == 200
        assert "FRAUD-CANCELLED" in FACTS

    def test_no_class_without_sdk_rules(self):
        assert {fact["class"] for fact in REFERENCE.facts} == {None}


class AdyenReferenceLookupTests:
    @pytest.mark.parametrize(
        ("status", "code", "message", "source"),
        [
            # Adyen/adyen-java-api-library src/test/resources/mocks/
            # authentication-result-error-not-found.json (PaymentTest
            # TestGetAuthenticationResultErrorNotFound, createMockClientForErrors(422)).
            (422, "15_012", "Result not present", "3DS2"),
            # .../mocks/authorise3d-error-105.json (the body's status, 422).
            (422, "105", "Invalid paRes from issuer", "3DS"),
            # .../mocks/recurring/disable-error-803.json (RecurringTest, 422).
            (422, "803", "PaymentDetail not found", "recurring"),
        ],
    )
    def test_validation_errors(self, status, code, message, source):
        body = {"status": status, "errorCode": code, "message": message,
                "errorType": "validation"}  # fmt: skip
        for provider in ("adyen", None):
            result = find(status, body, provider)
            assert (result.match.provider, result.match.code) == ("adyen", code)
            assert result.retry.action == "do_not_retry"

    def test_an_internal_error_is_retried(self):
        # Adyen/adyen-java-api-library src/test/resources/mocks/paymentsapp/
        # paymentsAppList-error-500.json (PaymentsAppTest, 500).
        body = {
            "status": 500,
            "errorCode": "PA002",
            "message": "An internal server error occurred.",
            "errorType": "api",
        }
        result = find(500, body)
        assert result.match.code == "PA002"
        assert result.retry.action == "retry"

    def test_a_refusal_reason_is_named(self):
        # Adyen/adyen-java-api-library src/test/resources/mocks/checkout/
        # paymentDetailsResponseThreeDSRequestorChallengeInd.json (CheckoutTest,
        # served as a successful response), trimmed to its result fields.
        body = {"pspReference": "FooBar", "refusalReason": "3D Not Authenticated",
                "resultCode": "Refused", "refusalReasonCode": "11",
                "amount": {"currency": "EUR", "value": 1500},
                "merchantReference": "FooBar123"}  # fmt: skip
        result = find(200, body)
        codes = [result.match.code] + [a.code for a in result.alternatives]
        # The curated resultCode entry ("Refused") may rank first; the reference
        # entry for the refusal reason is among the answers.
        assert "3D Not Authenticated" in codes[:2]
        assert not result.retry.retryable
