"""The Microsoft Graph importer: the error codes Graph's documentation lists, with the
statuses it states, as reference entries."""

import json

from kb.importers import microsoft_graph as importer
from kb.importers.base import load_data, path_for
from kb.lookup.engine import lookup
from kb.lookup.types import LookupRequest
from tests.kb.engine_kb import recorded, shipped_index

REFERENCE = importer.build()
FACTS = {fact["code"]: fact for fact in REFERENCE.facts}


def find(status, body, headers=None, provider="microsoft-graph"):
    request = LookupRequest(status=status, headers=headers or {},
                            body=json.dumps(body), provider=provider)  # fmt: skip
    return lookup(request, shipped_index())


class MicrosoftGraphImporterTests:
    def test_the_written_file_is_up_to_date(self):
        assert path_for("microsoft-graph").read_text(encoding="utf-8") == (
            REFERENCE.render()
        )

    def test_the_documented_codes(self):
        data = load_data("microsoft_graph.yaml")
        listed = {item["code"].lower() for section in importer.SECTIONS
                  for item in data[section]}  # fmt: skip
        assert len(listed) == 87
        assert len(FACTS) == 87
        assert len({code.lower() for code in FACTS}) == len(FACTS)
        assert {"itemNotFound", "accessDenied", "activityLimitReached",
                "resyncRequired", "Request_ResourceNotFound", "TooManyRequests",
                "MailboxNotEnabledForRESTAPI"} <= set(FACTS)  # fmt: skip
        # Known, with nothing said of retrying: the lookup decides from the response.
        assert (FACTS["extensionError"]["status"], FACTS["extensionError"]["class"]) == (
            None, None)  # fmt: skip

    def test_documented_statuses(self):
        assert FACTS["TooManyRequests"]["status"] == 429
        assert FACTS["Request_ResourceNotFound"]["status"] == 404
        assert FACTS["Authorization_RequestDenied"]["status"] == 403
        assert FACTS["MailboxNotEnabledForRESTAPI"]["status"] == 404
        # The errors page gives no status per code.
        assert FACTS["itemNotFound"]["status"] is None

    def test_classes(self):
        assert FACTS["TooManyRequests"]["class"] == "throttling"  # rules: 429
        assert FACTS["Request_ThrottledTemporarily"]["class"] == "transient"  # 503
        assert FACTS["activityLimitReached"]["class"] == "throttling"  # the page
        assert FACTS["serviceNotAvailable"]["class"] == "transient"
        assert FACTS["Request_BadRequest"]["class"] == "never"
        assert FACTS["itemNotFound"]["class"] is None

    def test_products_and_links(self):
        assert FACTS["Request_ResourceNotFound"]["product"] == (
            "Directory (Microsoft Entra ID)"
        )
        assert (
            FACTS["itemNotFound"]["link"]
            == "https://learn.microsoft.com/en-us/graph/errors"
        )
        assert FACTS["TooManyRequests"]["link"] == (
            "https://learn.microsoft.com/en-us/graph/throttling"
        )


class MicrosoftGraphPublishedResponsesTests:
    def test_throttling_docs_sample_waits_its_retry_after(self):
        # The sample response of "Microsoft Graph throttling guidance"
        # (learn.microsoft.com/graph/throttling, concepts/throttling.md of
        # microsoftgraph/microsoft-graph-docs-contrib): 429, Retry-After: 10.
        body = {"error": {"code": "TooManyRequests",
                          "innerError": {"code": "429", "date": "2020-08-18T12:51:51",
                                         "message": "Please retry after",
                                         "request-id": "94fb3b52-452a-4535-a601-69e0a90e3aa2",
                                         "status": "429"},
                          "message": "Please retry again later."}}  # fmt: skip
        result = find(429, body, {"Retry-After": "10"})
        assert (result.match.code, result.retry.action) == ("TooManyRequests", "retry")
        assert result.retry.after_seconds == 10

    def test_throttled_riskdetection_request(self):
        # tests/data/responses/known-b.jsonl graph-too-many-requests-429-1
        # (microsoftgraph/microsoft-graph-docs-contrib issue 1975).
        case = recorded("graph-too-many-requests-429-1")
        request = LookupRequest(status=case["status"], headers=case["headers"],
                                body=case["body"])  # fmt: skip
        result = lookup(request, shipped_index())
        assert (result.match.provider, result.match.code) == (
            "microsoft-graph",
            "TooManyRequests",
        )
        assert result.retry.action == "retry"

    def test_directory_bad_request_from_the_directory_error_page(self):
        # The HTTP 400 Request_BadRequest example of "Azure AD Graph API error codes
        # and error handling" (Microsoft docs, 2016-01-26).
        body = {"odata.error": {"code": "Request_BadRequest",
                                "message": {"lang": "en", "value": "A value is required "
                                            "for property 'mailNickname' of resource "
                                            "'Group'."},
                                "values": None}}  # fmt: skip
        result = find(400, body)
        assert (result.match.code, result.retry.action) == (
            "Request_BadRequest",
            "do_not_retry",
        )

    def test_incorrect_routing_hint(self):
        # The "New behavior" response of the Microsoft 365 developer blog post "Error
        # improvement for invalid X-AnchorMailbox in REST API calls" (2018-01-19).
        body = {"error": {"code": "ErrorIncorrectRoutingHint",
                          "message": "The x-anchor mailbox 'jason@contoso.com' does "
                          "not match the target of the request."}}  # fmt: skip
        result = find(400, body, provider=None)
        assert (result.match.provider, result.match.code) == (
            "microsoft-graph",
            "ErrorIncorrectRoutingHint",
        )
        assert result.retry.action == "do_not_retry"
