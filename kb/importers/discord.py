"""Discord: the JSON error codes of the HTTP API (the numeric ``code`` of an error
body), from a facts-only data file (``data/discord.yaml``) that holds the members of
``RESTJSONErrorCodes`` in the npm package discord-api-types (MIT) and the statuses
Discord's documentation states.

Each code's short name is its enum member's name in words ("UnknownChannel" →
"Unknown channel"). Discord gives no status per code; where the documentation does
not state one, the status is derived only where the HTTP Response Codes table of
the same page makes it plain (an unknown resource is a 404, a missing or invalid
token a 401, missing access or permissions a 403, an invalid form body a 400), and
marked as derived.
"""

import re

from kb.importers.base import Reference, load_data
from kb.lookup.classes import rules

DOCS_URL = (
    "https://discord.com/developers/docs/topics/opcodes-and-status-codes"
    "#json-json-error-codes"
)
# Statuses that follow from the HTTP Response Codes table: a missing or bad token is
# its 401, a token without access or permission its 403, a malformed body its 400.
DERIVED = {40001: 401, 50014: 401, 50001: 403, 50013: 403, 50035: 400}
# 10xxx: the "Unknown <resource>" codes, the table's 404 for a resource that does
# not exist.
UNKNOWN_RESOURCE = range(10000, 20000)
# A name is the provider's short name; longer member names are left out.
MAX_NAME_WORDS = 12
WORD = re.compile(
    r"OAuth2|[A-Z]{2,}s(?=[A-Z]|$)|[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+"
)
ACRONYM = re.compile(r"[A-Z]{2,}s?")


def name_of(member: str) -> str:
    """ "UnknownChannel" → "Unknown channel"; acronyms (SKU, DM, OAuth2) kept."""
    words = WORD.findall(member)
    if len(words) > MAX_NAME_WORDS:
        return ""
    kept = [w if w == "OAuth2" or ACRONYM.fullmatch(w) else w.lower() for w in words]
    text = " ".join(kept)
    return text[:1].upper() + text[1:]


def derived_status(code: int, member: str) -> int | None:
    if code in UNKNOWN_RESOURCE and member.startswith("Unknown"):
        return 404
    return DERIVED.get(code)


def build() -> Reference:
    data = load_data("discord.yaml")
    sdk = rules()
    facts = []
    for item in data["codes"]:
        code, member = item["code"], item["member"]
        status, derived = item.get("status"), None
        if status is None:
            status = derived_status(code, member)
            derived = status is not None or None
        facts.append(
            {
                "code": str(code),
                "status": status,
                "status_derived": derived,
                "name": name_of(member),
                "class": sdk.class_of("discord", str(code), status),
            }
        )
    for item in data["documented_only"]:
        code = str(item["code"])
        facts.append(
            {
                "code": code,
                "status": item["status"],
                "name": item["name"],
                "product": "Discord Social SDK",
                "class": sdk.class_of("discord", code, item["status"]),
                "link": item["link"],
            }
        )
    return Reference(
        provider="discord",
        source="discord-api-types' RESTJSONErrorCodes and Discord's developer "
        "documentation",
        version=data["version"],
        licence="discord-api-types: MIT; Discord documentation (CC-BY-SA-4.0): "
        "facts only, no text copied",
        docs_url=DOCS_URL,
        facts=facts,
    )
