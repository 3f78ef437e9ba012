"""Heroku: the Platform API's error ids (``{"id": "rate_limit", "message": ...}``)
with their HTTP statuses, the ids the Heroku CLI handles, and the router, runtime and
logging codes (H10–H99, R10–R99, L10–L13) with Heroku's titles and log levels, from a
facts-only data file (``data/heroku.yaml``).

The router codes come from the Heroku CLI's own list (npm ``heroku``,
dist/lib/apps/error-info.js); they are logged, not sent in a response body, so they
keep no status. The API ids come from the Platform API Reference, which no package
carries. Curated entries (fixtures/heroku.yaml) win over these automatically.
"""

from kb.importers.base import Reference, load_data
from kb.lookup.classes import rules

API_URL = "https://devcenter.heroku.com/articles/platform-api-reference#error-responses"
CODES_URL = "https://devcenter.heroku.com/articles/error-codes"
PRODUCTS = {"H": "router", "R": "dyno runtime", "L": "logging"}
SEVERITY = {"info": 1, "warning": 2, "critical": 3}


def build() -> Reference:
    data = load_data("heroku.yaml")
    sdk = rules()
    facts = []
    for item in data["api"] + data["cli"]:
        code, status = item["code"], item.get("status")
        facts.append(
            {
                "code": code,
                "status": status,
                "product": "Platform API",
                "class": sdk.class_of("heroku", code, status),
                "link": API_URL,
            }
        )
    for item in data["router"]:
        code = item["code"]
        facts.append(
            {
                "code": code,
                "name": item["name"],
                "product": PRODUCTS[code[0]],
                "class": sdk.class_of("heroku", code, None),
                "link": CODES_URL,
                "severity": SEVERITY[item["level"]],
            }
        )
    return Reference(
        provider="heroku",
        source="Heroku's Platform API Reference (error responses) and the Heroku "
        "CLI's list of router, runtime and logging error codes",
        version=data["version"],
        licence="Heroku documentation; heroku CLI and @heroku-cli/command (npm): ISC; "
        "facts only, no text copied",
        docs_url=CODES_URL,
        facts=facts,
    )
