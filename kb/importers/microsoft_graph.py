"""Microsoft Graph: the error codes Microsoft's Graph documentation lists (the basic
and detailed codes of the errors page, the throttling code, the directory codes and
the mailbox codes of the workload pages), from a facts-only data file
(``data/microsoft_graph.yaml``) that names each page and its revision.

Statuses only where a page states one for the code. The retry class comes from the
shared provider rules (429 throttling; 503 and 504 transient), else from what the
page itself says about retrying. A code listed on two pages is one entry: the first
page that lists it wins.
"""

from kb.importers.base import Reference, load_data
from kb.lookup.classes import rules

DOCS_URL = "https://learn.microsoft.com/en-us/graph/errors"
SECTIONS = ("general", "detailed", "throttling", "directory", "mailbox")


def build() -> Reference:
    data = load_data("microsoft_graph.yaml")
    sdk = rules()
    seen: set[str] = set()
    facts = []
    for section in SECTIONS:
        page = data["pages"].get(section)
        for item in data[section]:
            code = item["code"]
            if code.lower() in seen:
                continue
            seen.add(code.lower())
            status = item.get("status")
            facts.append(
                {
                    "code": code,
                    "status": status,
                    "product": data["products"].get(section),
                    "class": sdk.class_of("microsoft-graph", code, status)
                    or item.get("class"),
                    "link": item.get("link") or page,
                }
            )
    return Reference(
        provider="microsoft-graph",
        source="Microsoft Graph's documentation of error codes (the errors and "
        "throttling pages, the directory and mailbox error pages)",
        version="microsoft-graph-docs-contrib 02b4cba04d04 (concepts/errors.md)",
        licence="Microsoft documentation (CC-BY-4.0): facts only, no text copied",
        docs_url=DOCS_URL,
        facts=facts,
    )
