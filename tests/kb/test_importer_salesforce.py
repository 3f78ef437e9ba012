"""The Salesforce importer: the StatusCode and ExceptionCode values of the Partner
WSDL, with the statuses Salesforce documents, as reference entries."""

from kb.importers import salesforce as importer
from kb.importers.base import load_data, path_for
from kb.lookup.engine import lookup
from kb.lookup.types import LookupRequest
from tests.kb.engine_kb import replay, shipped_index

REFERENCE = importer.build()
FACTS = {fact["code"]: fact for fact in REFERENCE.facts}


class SalesforceImporterTests:
    def test_the_written_file_is_up_to_date(self):
        assert path_for("salesforce").read_text(encoding="utf-8") == (
            REFERENCE.render()
        )

    def test_both_enumerations_of_the_wsdl(self):
        data = load_data("salesforce.yaml")
        assert data["api_version"] == "66.0"
        assert len(data["status_codes"]) == 615
        assert len(data["exception_codes"]) == 320
        listed = set(data["status_codes"]) | set(data["exception_codes"])
        assert len(listed) == 890
        # Codes with neither a status nor telling words are left out.
        assert set(FACTS) <= listed
        assert len(FACTS) == 890
        assert {"REQUIRED_FIELD_MISSING", "INVALID_FIELD", "DUPLICATE_VALUE",
                "REQUEST_LIMIT_EXCEEDED", "INVALID_SESSION_ID", "MALFORMED_ID",
                "ENTITY_IS_DELETED", "STRING_TOO_LONG"} <= set(FACTS)  # fmt: skip

    def test_documented_statuses(self):
        for code, status in (("INVALID_SESSION_ID", 401),
                             ("REQUEST_LIMIT_EXCEEDED", 403), ("NOT_FOUND", 404)):  # fmt: skip
            fact = FACTS[code]
            assert (fact["status"], fact["status_derived"]) == (status, None)
            assert fact["link"].endswith("/api_rest/errorcodes.htm")

    def test_record_errors_are_400_derived(self):
        for code in ("REQUIRED_FIELD_MISSING", "STRING_TOO_LONG", "ENTITY_IS_DELETED"):
            fact = FACTS[code]
            assert (fact["status"], fact["status_derived"]) == (400, True)

    def test_request_faults_get_no_status(self):
        # Also (or only) an ExceptionCode: a fault of the whole request.
        for code in ("INVALID_FIELD", "DUPLICATE_VALUE", "MALFORMED_ID"):
            assert FACTS[code]["status"] is None

    def test_no_class_without_a_rule(self):
        assert not any(fact["class"] for fact in FACTS.values())


class SalesforcePublishedResponsesTests:
    def test_malformed_id_from_the_rest_guide(self):
        # The "Incorrect ID example" of Salesforce's REST API Developer Guide,
        # "Status Codes and Error Responses" (errorcodes.htm); the same body is served
        # with http.StatusBadRequest in g8rswimmer/go-sfdc's bulk tests.
        body = ('[{"fields" : [ "Id" ], "message" : "Account ID: id value of '
                'incorrect type: 001900K0001pPuOAAU", "errorCode" : "MALFORMED_ID"}]')  # fmt: skip
        for provider in ("salesforce", None):
            request = LookupRequest(status=400, body=body, provider=provider)
            result = lookup(request, shipped_index())
            assert (result.match.provider, result.match.code) == (
                "salesforce",
                "MALFORMED_ID",
            )
            assert result.retry.action == "do_not_retry"

    def test_required_field_missing(self):
        # tests/data/responses/known-a.jsonl (jsforce test/http-api.test.ts).
        result = replay("salesforce-required-field-missing-400-1", with_provider=False)
        assert (result.match.code, result.retry.action) == (
            "REQUIRED_FIELD_MISSING",
            "do_not_retry",
        )

    def test_not_found(self):
        # tests/data/responses/known-a.jsonl (restforce's delete_error_response
        # fixture, served with 404).
        result = replay("salesforce-external-id-field-not-found-404-1")
        assert (result.match.code, result.retry.action) == ("NOT_FOUND", "do_not_retry")
