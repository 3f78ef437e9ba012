"""Slack: the Web API error codes (the ``error`` of ``{"ok": false, "error": ...}``),
the union of the per-method error enums of Slack's OpenAPI spec, kept as facts in
``data/slack.yaml`` (each code and the methods that list it).

Slack answers a failed Web API call with HTTP 200 and ``"ok": false``, so every code
carries status 200; a rate limit comes with HTTP 429 instead. A code only one method
lists names that method as its product and links to the method's page.
"""

from kb.importers.base import Reference, load_data
from kb.lookup.classes import rules

DOCS_URL = "https://api.slack.com/methods"
METHOD_URL = "https://api.slack.com/methods/{method}"
SOURCE = "slackapi/slack-api-specs web-api/slack_web_openapi_v2.json"
# The Web API's rate-limit answer: HTTP 429 with a Retry-After header.
RATE_LIMITED = {"rate_limited", "ratelimited"}


def build() -> Reference:
    data = load_data("slack.yaml")
    sdk = rules()
    facts = []
    for item in data["errors"]:
        code, methods = item["code"], item["methods"]
        limited = code in RATE_LIMITED
        status = 429 if limited else 200
        only = methods[0] if len(methods) == 1 else None
        facts.append(
            {
                "code": code,
                "status": status,
                # 200 is what Slack documents for every Web API error; the 429 of a
                # rate-limit code is inferred from its rate-limit documentation.
                "status_derived": limited or None,
                "product": only,
                "class": sdk.class_of("slack", code, status),
                "link": METHOD_URL.format(method=only) if only else DOCS_URL,
            }
        )
    return Reference(
        provider="slack",
        source=f"Slack's OpenAPI spec ({SOURCE}): the error enum of each Web API "
        "method",
        version="slack-api-specs 1.7.0 (2020-10-06)",
        licence="MIT (slack-api-specs); facts only: codes and method names",
        docs_url=DOCS_URL,
        facts=facts,
    )
