"""The Discord importer: its JSON error codes, and real responses looked up against
the shipped catalogue with them."""

import json

from kb.importers import discord
from kb.importers.base import path_for
from kb.lookup.engine import lookup
from kb.lookup.types import LookupRequest
from tests.kb.engine_kb import shipped_index

REFERENCE = discord.build()
FACTS = {fact["code"]: fact for fact in REFERENCE.facts}


def find(status, body, provider="discord"):
    return lookup(
        LookupRequest(status=status, body=json.dumps(body), provider=provider),
        shipped_index(),
    )


class DiscordImporterTests:
    def test_every_code_of_the_enum_and_the_guides(self):
        # 243 RESTJSONErrorCodes values (deprecated second names left out) and 5
        # codes only the Social SDK guides list.
        assert len(REFERENCE.facts) == 248
        assert len(FACTS) == 248

    def test_an_unknown_resource_is_a_derived_404(self):
        assert FACTS["10003"] == {
            "code": "10003", "status": 404, "status_derived": True,
            "name": "Unknown channel", "class": None,
        }  # fmt: skip

    def test_statuses_from_the_http_table_are_marked_derived(self):
        assert (FACTS["50035"]["status"], FACTS["50035"]["status_derived"]) == (
            400,
            True,
        )
        assert (FACTS["50013"]["status"], FACTS["50001"]["status"]) == (403, 403)
        assert (FACTS["40001"]["status"], FACTS["50014"]["status"]) == (401, 401)

    def test_documented_statuses_are_not_marked(self):
        assert (FACTS["110000"]["status"], FACTS["110000"]["status_derived"]) == (
            202,
            None,
        )
        assert FACTS["50025"]["status"] == 403 and not FACTS["50025"]["status_derived"]
        merge = FACTS["530014"]
        assert (merge["status"], merge["name"], merge["product"]) == (
            400,
            "Invalid merge source",
            "Discord Social SDK",
        )

    def test_no_status_where_neither_stated_nor_derivable(self):
        assert FACTS["50007"]["status"] is None
        assert FACTS["0"]["status"] is None

    def test_names_from_the_enum_members(self):
        assert FACTS["50007"]["name"] == "Cannot send messages to this user"
        assert FACTS["50025"]["name"] == "Invalid OAuth2 access token"
        assert FACTS["40018"]["name"] == "Only consumable SKUs can be consumed"
        assert FACTS["50041"]["name"] == "Invalid API version"
        # A member name longer than a short name is left out.
        assert FACTS["50091"]["name"] == ""
        assert all(len(f["name"].split()) <= 12 for f in REFERENCE.facts)

    def test_no_retry_class_without_the_sdk_rules(self):
        # discord.py's rules classify 429 and 5xx only; no JSON code has either.
        assert {f["class"] for f in REFERENCE.facts} == {None}

    def test_the_committed_file_is_up_to_date(self):
        assert path_for("discord").read_text(encoding="utf-8") == REFERENCE.render()


class DiscordLookupTests:
    def test_unknown_interaction(self):
        # rossimo/retrobot issue #7: discord.js DiscordAPIError with
        # rawError { message: 'Unknown interaction', code: 10062 }, status: 404.
        result = find(404, {"message": "Unknown interaction", "code": 10062})
        assert (result.match.code, result.retry.action) == ("10062", "do_not_retry")

    def test_search_index_not_ready(self):
        # tests/data/responses/known-a.jsonl discord-search-index-not-ready-202-1
        # (discord-api-docs developers/resources/message.mdx, Search Guild Messages).
        body = {"message": "Index not yet available. Try again later",
                "code": 110000, "documents_indexed": 0, "retry_after": 2}  # fmt: skip
        result = find(202, body)
        assert result.match.code == "110000"
        assert result.retry.retryable and result.retry.after_seconds == 2

    def test_cannot_send_messages_is_named(self):
        # Kord-Extensions/kord-extensions pull request #215: the debug log of a
        # 403 to POST /channels/{id}/messages with body
        # {"message": "Cannot send messages to this user", "code": 50007}.
        result = find(403, {"message": "Cannot send messages to this user",
                            "code": 50007})  # fmt: skip
        assert result.match.code == "50007"

    def test_cannot_send_messages_is_not_resent(self):
        # The same response as above.
        result = find(403, {"message": "Cannot send messages to this user",
                            "code": 50007})  # fmt: skip
        assert not result.retry.retryable
