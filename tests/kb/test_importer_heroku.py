"""The Heroku importer: the Platform API's error ids and the router, runtime and
logging codes, and real Heroku API responses looked up with them."""

import json

import pytest

from kb.importers import heroku as importer
from kb.importers.base import path_for
from kb.lookup.engine import lookup
from kb.lookup.types import LookupRequest
from tests.kb.engine_kb import shipped_index

REFERENCE = importer.build()
FACTS = {fact["code"]: fact for fact in REFERENCE.facts}
API = "https://devcenter.heroku.com/articles/platform-api-reference#error-responses"

# Bodies from heroku/cli's unit tests (nock replies, serialized as compact JSON):
# test/unit/commands/run/index.unit.test.ts (403 two_factor),
# test/unit/commands/addons/destroy.unit.test.ts (403 forbidden) and
# test/unit/commands/addons/rename.unit.test.ts (404 not_found).
RESPONSES = [
    (403, {"id": "two_factor", "message": "Two-factor code required"},
     "retry_after_fix"),
    (403, {"id": "forbidden", "message": "Cannot delete a suspended addon"},
     "retry_after_fix"),
    (404, {"id": "not_found", "message": "Couldn't find that add-on.",
           "resource": "addon"}, "do_not_retry"),
]  # fmt: skip


def find(status, body, provider="heroku"):
    return lookup(
        LookupRequest(status=status, body=json.dumps(body), provider=provider),
        shipped_index(),
    )


class HerokuImporterTests:
    def test_every_code(self):
        # 13 documented API ids, 4 the CLI handles, 35 router/runtime/logging codes.
        assert len(REFERENCE.facts) == len({c.lower() for c in FACTS}) == 52

    def test_the_written_file_is_up_to_date(self):
        assert path_for("heroku").read_text(encoding="utf-8") == REFERENCE.render()

    def test_api_ids_with_their_statuses(self):
        expected = {"bad_request": 400, "unauthorized": 401, "delinquent": 402,
                    "forbidden": 403, "suspended": 403, "not_found": 404,
                    "conflict": 409, "invalid_params": 422,
                    "verification_needed": 422, "rate_limit": 429,
                    "two_factor": 403}  # fmt: skip
        assert {code: FACTS[code]["status"] for code in expected} == expected
        assert FACTS["rate_limit"]["link"] == API
        assert FACTS["device_trust_required"]["status"] is None

    def test_router_codes_with_titles_and_levels(self):
        h12 = FACTS["H12"]
        assert (h12["name"], h12["product"], h12["severity"], h12.get("status")) == (
            "Request Timeout",
            "router",
            3,
            None,
        )
        assert (FACTS["R14"]["product"], FACTS["L10"]["product"]) == (
            "dyno runtime",
            "logging",
        )
        assert FACTS["H27"]["severity"] == 1  # info
        assert "H31" in FACTS and "R151" not in FACTS

    def test_no_class_without_sdk_rules(self):
        assert {fact["class"] for fact in REFERENCE.facts} == {None}


class HerokuReferenceLookupTests:
    @pytest.mark.parametrize(("status", "body", "action"), RESPONSES)
    def test_the_retry_action(self, status, body, action):
        assert find(status, body).retry.action == action

    @pytest.mark.parametrize(("status", "body", "action"), RESPONSES)
    def test_named_by_the_error_id(self, status, body, action):
        result = find(status, body)
        assert (result.match.provider, result.match.code) == ("heroku", body["id"])
