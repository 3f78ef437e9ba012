"""The Stripe importer: Stripe's error codes and decline codes as reference entries."""

import json

from kb.importers import stripe as importer
from kb.importers.base import load_data, path_for
from kb.lookup.engine import lookup
from kb.lookup.types import LookupRequest
from tests.kb.engine_kb import shipped_index

REFERENCE = importer.build()
FACTS = {fact["code"]: fact for fact in REFERENCE.facts}


def find(status, body, provider="stripe"):
    request = LookupRequest(status=status, body=json.dumps(body), provider=provider)
    return lookup(request, shipped_index())


class StripeImporterTests:
    def test_every_error_code_and_decline_code(self):
        declines = load_data("stripe_declines.yaml")["decline_codes"]
        assert len(declines) >= 45
        assert set(declines) <= set(FACTS)
        assert set(importer.error_codes()) <= set(FACTS)
        assert len(FACTS) == len(REFERENCE.facts) >= 240

    def test_codes_are_unique_case_insensitively(self):
        assert len({code.lower() for code in FACTS}) == len(FACTS)

    def test_the_written_file_is_up_to_date(self):
        assert path_for("stripe").read_text(encoding="utf-8") == REFERENCE.render()

    def test_declines_are_402_and_not_classed(self):
        for code in ("do_not_honor", "insufficient_funds", "pickup_card"):
            fact = FACTS[code]
            assert (fact["status"], fact["status_derived"], fact["class"]) == (
                402,
                None,
                None,
            )
        assert FACTS["card_declined"]["status"] == 402

    def test_documented_statuses_and_classes(self):
        assert (FACTS["rate_limit"]["status"], FACTS["rate_limit"]["class"]) == (
            429,
            "throttling",
        )
        assert (FACTS["lock_timeout"]["status"], FACTS["lock_timeout"]["class"]) == (
            429,
            "throttling",
        )
        key_in_use = FACTS["idempotency_key_in_use"]
        assert (key_in_use["status"], key_in_use["class"]) == (409, "transient")

    def test_invalid_request_statuses_are_derived(self):
        integer = FACTS["parameter_invalid_integer"]
        assert (integer["status"], integer["status_derived"]) == (400, True)
        missing = FACTS["resource_missing"]
        assert (missing["status"], missing["status_derived"]) == (404, True)
        assert FACTS["api_key_expired"]["status"] == 401

    def test_links(self):
        assert (
            FACTS["resource_missing"]["link"]
            == "https://docs.stripe.com/error-codes/resource-missing"
        )
        assert (
            FACTS["parameter_invalid_integer"]["link"]
            == "https://docs.stripe.com/error-codes/parameter-invalid-integer"
        )
        assert (
            FACTS["do_not_honor"]["link"]
            == "https://docs.stripe.com/declines/codes#do_not_honor"
        )
        # A decline code that is also an error code has an error code page.
        assert (
            FACTS["insufficient_funds"]["link"]
            == "https://docs.stripe.com/error-codes/insufficient-funds"
        )


class StripeReferenceLookupTests:
    def test_decline_code_refines_a_reference_code(self):
        # stripe/stripe-go stripe_test.go (TestResponseToError): a 402 whose error
        # has code "missing", type "card_error" and decline_code "invalid_cvc",
        # wrapped as {"error": ...} by wrapError.
        body = {
            "error": {
                "code": "missing",
                "decline_code": "invalid_cvc",
                "message": "That card was declined",
                "param": "expiry_date",
                "type": "card_error",
            }
        }
        for provider in ("stripe", None):
            result = find(402, body, provider)
            assert (result.match.provider, result.match.code) == (
                "stripe",
                "invalid_cvc",
            )
            assert result.retry.action == "do_not_retry"

    def test_a_curated_decline_still_answers(self):
        # stripe/stripe-php tests/Stripe/ApiRequestorTest.php (testRaisesCardErrorOn402,
        # rcode 402, POST /v1/charges).
        body = {
            "error": {
                "type": "card_error",
                "message": "Your card was declined.",
                "code": "card_declined",
                "decline_code": "generic_decline",
                "charge": "ch_declined_charge",
                "param": "exp_month",
            }
        }
        result = find(402, body)
        assert result.match.code == "generic_decline"
        assert result.retry.action == "do_not_retry"
